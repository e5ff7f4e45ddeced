"""Apply issue 11's changes to the parameters, check and data-loading cells of the data lectures.

Idempotent: run it again after a merge (``python tools/harden_notebooks.py [NN ...]`` from the repo
root) and only what is missing is added: papermill-readable annotations (``Optional[...]``), the
``encoding`` / ``date_format`` (08: ``clean``, ``after_observation_end``) parameters and their checks,
one cell per lecture (id ``hNNread1``, right after the check cell) that reads the researcher's file
with ``crmlab.reader.read_table`` before any other work, and the data cells that use it. Lecture
08's data cell (``493df4b0``: cleaning, late joiners) is written whole. Re-execute the notebooks after.
"""
import re, sys
from pathlib import Path
import nbformat

NB = Path("notebooks")
TYPING = "from typing import Optional, Union  # (papermill reads these annotations; `str | None` it cannot)"
ENC = 'encoding: Optional[str] = None  # text encoding of CSV files: None detects UTF-8 (with or without BOM) or GB18030/GBK; e.g. "gbk", "big5"'
DFMT = 'date_format: Optional[str] = None  # format of the dates in your file, e.g. "%d/%m/%Y" for 31/12/2011; None reads ISO dates such as 2011-12-31'


def annotation(text):
    parts = [p.strip() for p in text.split("|")]
    if len(parts) == 1:
        return text.strip()
    if parts[-1] == "None" and len(parts) == 2:
        return f"Optional[{parts[0]}]"
    return f"Union[{', '.join(parts)}]"


def fix_parameters(src, new_lines, after):
    lines = src.splitlines()
    out = []
    if TYPING not in lines:
        out.append(TYPING)
    for line in lines:
        m = re.match(r"^(\w+):\s*([^=]+?)\s*=\s(.*)$", line)
        if m:
            line = f"{m.group(1)}: {annotation(m.group(2))} = {m.group(3)}"
        line = line.replace("checks T = 1 / churn rate", "checks that T is 1 / churn rate")
        line = line.replace("# 1 = left in the last month, 0 = stayed", "# 1 (or True): left in the last month, 0: stayed")
        out.append(line)
    names = {l.split(":")[0] for l in out}
    for new in new_lines:
        name = new.split(":")[0]
        if name in names:
            continue
        index = max(i for i, l in enumerate(out) if l.split(":")[0] == after) + 1
        out.insert(index, new)
        after = name
    return "\n".join(out)


def new_cell(source, cell_id):
    cell = nbformat.v4.new_code_cell(source)
    cell.id = cell_id
    return cell


def insert_after(nb, after_id, cell):
    if any(c.id == cell.id for c in nb.cells):
        for c in nb.cells:
            if c.id == cell.id:
                c.source = cell.source
        return
    index = [c.id for c in nb.cells].index(after_id) + 1
    nb.cells.insert(index, cell)


def replace_in(nb, cell_id, old, new, required=True):
    cell = next(c for c in nb.cells if c.id == cell_id)
    if new in cell.source and old not in cell.source:
        return
    if old not in cell.source:
        if required:
            raise SystemExit(f"{cell_id}: {old!r} not found")
        return
    cell.source = cell.source.replace(old, new)


def check_cell(nb):
    return next(c for c in nb.cells if "check_parameters(" in c.source and c.cell_type == "code")


def params_cell(nb):
    return next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))


LECTURES = {}


def lecture(name):
    def register(function):
        LECTURES[name] = function
        return function
    return register


def standard(nb, new_params, after, check_extra, results_extra):
    pc = params_cell(nb)
    pc.source = fix_parameters(pc.source, new_params, after)
    cc = check_cell(nb)
    if check_extra and check_extra.split("=")[0] + "=" not in cc.source:
        cc.source = cc.source.replace("data_path=data_path,", "data_path=data_path, " + check_extra, 1)
        # the Results parameters: the second data_path=data_path
        head, sep, tail = cc.source.partition("results = Results(")
        tail = tail.replace("data_path=data_path,", "data_path=data_path, " + results_extra, 1)
        cc.source = head + sep + tail
    return cc


READ_HEAD = "# the researcher's file, read and checked before any other work: one door for every format (crmlab.reader)\nfrom crmlab.reader import describe, read_table\n\n"


@lecture("00_start_here")
def l00(nb):
    cc = standard(nb, [ENC], "amount_col", "encoding=encoding,", "encoding=encoding,")
    insert_after(nb, cc.id, new_cell(READ_HEAD + """own_log = None
if p.data_path is not None:
    own_log = read_table(p.data_path, encoding=p.encoding,
                         columns=dict(customer_col=p.customer_col or "customer_id", amount_col=p.amount_col or "dollar_value"),
                         id_columns=[p.customer_col or "customer_id"])
    print(describe(own_log))
    negative = int((pd.to_numeric(own_log[p.amount_col or "dollar_value"], errors="coerce") < 0).sum())
    results.record(negative_amount_rows=negative)
    if negative:
        print(f"{negative:,} rows with a negative amount (returns, refunds) are netted in each customer's total")""", "h00read1"))
    replace_in(nb, "8a263e43", "log = pd.read_csv(p.data_path)", "log = own_log")


@lecture("03_relationship_marketing")
def l03(nb):
    cc = standard(nb, [ENC, DFMT], "discount_col", "encoding=encoding, date_format=date_format,",
                  "encoding=encoding, date_format=date_format,")
    insert_after(nb, cc.id, new_cell(READ_HEAD + """own_log = None
if p.data_path is not None:
    own_log = read_table(p.data_path, encoding=p.encoding, date_format=p.date_format,
                         columns=dict(customer_col=p.customer_col or "customer_id", date_col=p.date_col or "date",
                                      amount_col=p.amount_col or "amount", discount_col=p.discount_col),
                         id_columns=[p.customer_col or "customer_id"], dates=dict(date_col=p.date_col or "date"))
    print(describe(own_log))""", "h03read1"))
    replace_in(nb, "ee4acb49", "log, survey = pd.read_csv(p.data_path), None", "log, survey = own_log, None")


@lecture("04_rfm_segmentation")
def l04(nb):
    cc = standard(nb, [ENC, DFMT], "stock_code_col", "encoding=encoding, date_format=date_format,",
                  "encoding=encoding, date_format=date_format,")
    insert_after(nb, cc.id, new_cell(READ_HEAD + """own_log = None
if p.data_path is not None:
    own_log = read_table(
        p.data_path, encoding=p.encoding, date_format=p.date_format,
        columns=dict(customer_col=p.customer_col or "customer_id", date_col=p.date_col or "invoice_date",
                     # without price_col the amount must be a column; with it, quantity x price makes it
                     amount_col=p.amount_col or "amount" if p.price_col is None else None,
                     quantity_col=p.quantity_col, price_col=p.price_col, invoice_col=p.invoice_col,
                     stock_code_col=p.stock_code_col),
        id_columns=[p.customer_col or "customer_id", p.invoice_col, p.stock_code_col],
        dates=dict(date_col=p.date_col or "invoice_date"))
    print(describe(own_log))""", "h04read1"))
    replace_in(nb, "1e34bc01", "raw = pd.read_csv(p.data_path)", "raw = own_log")


@lecture("05_value_satisfaction_matrix")
def l05(nb):
    cc = standard(nb, [ENC], "satisfaction_col", "encoding=encoding,", "encoding=encoding,")
    insert_after(nb, cc.id, new_cell(READ_HEAD + """own_table = None
if p.data_path is not None:
    own_table = read_table(p.data_path, encoding=p.encoding,
                           columns=dict(customer_col=p.customer_col or "customer_id",
                                        volume_col=p.volume_col or "purchase_volume",
                                        satisfaction_col=p.satisfaction_col or "satisfaction"),
                           id_columns=[p.customer_col or "customer_id"])
    print(describe(own_table))""", "h05read1"))
    replace_in(nb, "ee7985cf", "raw = pd.read_csv(p.data_path)", "raw = own_table")


@lecture("06_precision_segmentation")
def l06(nb):
    cc = standard(nb, [ENC], "current_col", "encoding=encoding,", "encoding=encoding,")
    insert_after(nb, cc.id, new_cell(READ_HEAD + """own_table = None
if p.data_path is not None:
    own_table = read_table(p.data_path, encoding=p.encoding,
                           columns=dict(customer_col=p.customer_col or "customer_id", current_col=p.current_col,
                                        feature_cols=column_list(feature_cols, "feature_cols"),
                                        log_cols=column_list(log_cols, "log_cols") if log_cols is not None else None),
                           id_columns=[p.customer_col or "customer_id"])
    print(describe(own_table))""", "h06read1"))
    replace_in(nb, "b4342430", "table = pd.read_csv(p.data_path)", "table = own_table")


@lecture("07_customer_value_basics")
def l07(nb):
    cc = standard(nb, [ENC], "segment_col", "encoding=encoding,", "encoding=encoding,")
    insert_after(nb, cc.id, new_cell(READ_HEAD + """own_table = None
if p.data_path is not None:
    own_table = read_table(p.data_path, encoding=p.encoding,
                           columns=dict(tenure_col=p.tenure_col or "tenure", churn_col=p.churn_col or "churn",
                                        charges_col=p.charges_col or "monthly_charges",
                                        segment_col=p.segment_col or "contract"))
    print(describe(own_table))""", "h07read1"))
    replace_in(nb, "ff064196", "subscribers = pd.read_csv(p.data_path)", "subscribers = own_table")


@lecture("09_customer_lifecycle")
def l09(nb):
    params_cell(nb)
    cc = standard(nb, [ENC, DFMT], "amount_col", "encoding=encoding, date_format=date_format,",
                  "encoding=encoding, date_format=date_format,")
    insert_after(nb, cc.id, new_cell(READ_HEAD + """own_log = own_subscribers = None
if p.data_path is not None:
    own_log = read_table(p.data_path, encoding=p.encoding, date_format=p.date_format,
                         columns=dict(customer_col=p.customer_col or "customer_id", date_col=p.date_col or "invoice_date",
                                      amount_col=p.amount_col or "amount"),
                         id_columns=[p.customer_col or "customer_id"], dates=dict(date_col=p.date_col or "invoice_date"))
    print(describe(own_log))
if p.survival_path is not None:
    own_subscribers = read_table(p.survival_path, parameter="survival_path", encoding=p.encoding,
                                 columns=dict(duration_col=p.duration_col or "tenure", event_col=p.event_col or "churn",
                                              group_col=p.group_col or "contract"))
    print(describe(own_subscribers))""", "h09read1"))
    replace_in(nb, "70c17ae9", "raw = pd.read_csv(p.data_path)", "raw = own_log")
    replace_in(nb, "58f39296", "subscribers = pd.read_csv(p.survival_path)", "subscribers = own_subscribers")


@lecture("10_database_marketing")
def l10(nb):
    cc = standard(nb, [ENC], "id_col", "encoding=encoding,", "encoding=encoding,")
    insert_after(nb, cc.id, new_cell(READ_HEAD + """own_table = None
if p.data_path is not None:
    own_table = read_table(p.data_path, encoding=p.encoding,
                           columns=dict(response_col=p.response_col or "subscribed", id_col=p.id_col,
                                        feature_cols=list(p.feature_cols or [])),
                           id_columns=[p.id_col])
    print(describe(own_table))""", "h10read1"))
    replace_in(nb, "82eccc08", "campaign = pd.read_csv(p.data_path)", "campaign = own_table")


@lecture("11_precision_marketing_operations")
def l11(nb):
    cc = standard(nb, [ENC, DFMT], "signal_cols", "encoding=encoding, date_format=date_format,",
                  "encoding=encoding, date_format=date_format,")
    insert_after(nb, cc.id, new_cell(READ_HEAD + """own_leads = own_kpi_log = None
if p.data_path is not None:
    own_leads = read_table(p.data_path, encoding=p.encoding, date_format=p.date_format,
                           columns=dict(lead_col=p.lead_col or "lead_id", source_col=p.source_col or "source",
                                        created_col=p.created_col or "created_at", cost_col=p.cost_col or "cost",
                                        converted_col=p.converted_col or "converted", first_call_col=p.first_call_col,
                                        signal_cols=list(signal_cols) if signal_cols is not None else None),
                           id_columns=[p.lead_col or "lead_id"],
                           dates=dict(created_col=p.created_col or "created_at", first_call_col=p.first_call_col))
    print(describe(own_leads))
if p.kpi_data_path is not None:
    own_kpi_log = read_table(p.kpi_data_path, parameter="kpi_data_path", encoding=p.encoding, date_format=p.date_format,
                             columns=dict(kpi_customer_col=p.kpi_customer_col or "customer_id",
                                          kpi_date_col=p.kpi_date_col or "invoice_date",
                                          kpi_amount_col=p.kpi_amount_col or "amount"),
                             id_columns=[p.kpi_customer_col or "customer_id"],
                             dates=dict(kpi_date_col=p.kpi_date_col or "invoice_date"))
    print(describe(own_kpi_log))""", "h11read1"))
    replace_in(nb, "p11load", "raw_leads = pd.read_csv(p.data_path)", "raw_leads = own_leads")
    replace_in(nb, "p11kpit", "kpi_raw = pd.read_csv(p.kpi_data_path)", "kpi_raw = own_kpi_log")


@lecture("08_clv_models")
def l08(nb):
    new = [ENC, DFMT,
           'clean: bool = True  # your log: remove rows that are not purchases (missing ids, dates or amounts, exact duplicates, negative and zero amounts, rows after observation_end) and report each rule, as lecture 04 does; False: stop at the first such row',
           'after_observation_end: str = "drop"  # rows dated after observation_end: "drop" (removed and reported) or "error" (stop)']
    cc = standard(nb, new, "amount_col",
                  "encoding=encoding, date_format=date_format, clean=(clean, one_of(True, False)),\n"
                  "                     after_observation_end=(after_observation_end, one_of(\"drop\", \"error\")),",
                  "encoding=encoding, date_format=date_format, clean=clean,\n"
                  "                                  after_observation_end=after_observation_end,")
    if "one_of" not in cc.source.split("\n\n")[0]:
        cc.source = cc.source.replace("from crmlab.params import check_parameters, integer, number",
                                      "from crmlab.params import ParameterError, check_parameters, integer, number, one_of")
    if "bundled=" not in cc.source:
        cc.source = cc.source.replace(
            'results = Results(p.output_dir, lecture="08_clv_models",',
            '# with your data, the sBG and BG/BB fits (bundled cohorts and donations) are kept apart in summary.json\n'
            'BUNDLED_RESULTS = ("sbg_regular", "sbg_high_end", "sbg_projected_year12", "bgbb", "bgbb_ll")\n'
            'results = Results(p.output_dir, lecture="08_clv_models", bundled=BUNDLED_RESULTS if p.data_path is not None else (),')
    insert_after(nb, cc.id, new_cell(READ_HEAD + """own_log = None
own_columns = dict(customer_col=p.customer_col or "customer_id", date_col=p.date_col or "date",
                   amount_col=p.amount_col or "dollar_value")
if p.data_path is not None:
    own_log = read_table(p.data_path, encoding=p.encoding, date_format=p.date_format, columns=own_columns,
                         id_columns=[own_columns["customer_col"]], dates=dict(date_col=own_columns["date_col"]))
    print(describe(own_log))""", "h08read1"))
    cell = next(c for c in nb.cells if c.id == "493df4b0")
    cell.source = '''from crmlab import transactions

if p.data_path is None:
    log = datasets.load_cdnow("sample")
    id_column, date_column, amount_column = "customer_id", "date", "dollar_value"
    cal_end = p.calibration_end or pd.Timestamp("1997-09-30")
    obs_end = p.observation_end or pd.Timestamp("1998-06-30")
else:
    id_column, date_column, amount_column = own_columns["customer_col"], own_columns["date_col"], own_columns["amount_col"]
    if p.clean:   # lecture 04's rules: every removed row is counted under its reason
        log, report = transactions.clean(own_log, id_column, date_column, amount_column,
                                         observation_end=p.observation_end,
                                         after_observation_end=p.after_observation_end)
        results.table("cleaning_report", transactions.cleaning_table(report, p.lang), index=False)
        results.record(rows_in=report.attrs["rows_in"], rows_out=report.attrs["rows_out"],
                       rows_removed={r: int(n) for r, n in zip(report["reason"], report["rows_removed"]) if n})
        print(f"{report.attrs['rows_in']:,} rows in, {report.attrs['rows_out']:,} kept after cleaning:")
        display(transactions.cleaning_table(report, p.lang).round(4))
    else:         # no cleaning: the first row that is not a purchase stops the run, named
        try:
            log = transactions.validate(own_log, id_column, date_column, amount_column,
                                        observation_end=p.observation_end,
                                        after_observation_end=p.after_observation_end)
        except transactions.TransactionLogError as problem:   # say which parameter of this lecture fixes it
            raise transactions.TransactionLogError(
                f"{problem}. In this lecture: leave `clean` True (the default) to remove such rows and report them, "
                "or `after_observation_end` 'drop' for rows after observation_end") from None
    if log.empty:
        raise ParameterError(f"no purchase is left in {p.data_path.name} after cleaning; see the report above")
    first_day = log[date_column].min().normalize()
    obs_end = p.observation_end or log[date_column].max().normalize()
    cal_end = p.calibration_end or (first_day + (obs_end - first_day) / 2).normalize()
    if not first_day <= cal_end < obs_end:
        raise ParameterError(f"parameter `calibration_end` = {cal_end.date()} must fall on or after the first purchase "
                             f"({first_day.date()}) and before `observation_end` ({obs_end.date()})")
customers = rfm.summarize(log, id_column, date_column, amount_column, calibration_end=cal_end,
                          observation_end=obs_end, time_unit="W")
# late joiners: customers whose first purchase is after the calibration end cannot be fitted or scored as of it
first_purchase = log.groupby(id_column)[date_column].min()
late = first_purchase.index[first_purchase.dt.normalize() > cal_end]
late_log = log[log[id_column].isin(late) & (log[date_column] <= obs_end + pd.Timedelta(days=1))]
calibration_weeks = float(customers["T_cal"].max())
holdout_weeks = float(customers["duration_holdout"].iloc[0])
results.record(customers=len(customers), repeat_buyers=int((customers["frequency_cal"] > 0).sum()),
               calibration_end=cal_end, observation_end=obs_end, holdout_weeks=holdout_weeks,
               late_joiners=int(len(late)), late_joiner_revenue=round(float(late_log[amount_column].sum()), 2))
print(f"{len(customers):,} customers, {int((customers['frequency_cal'] > 0).sum()):,} with repeat purchases; "
      f"calibration to {cal_end:%Y-%m-%d}, holdout {holdout_weeks:.1f} weeks to {obs_end:%Y-%m-%d}")
print(f"left out of the fit and of the CLV table (valued as of {cal_end:%Y-%m-%d}): {len(late):,} late joiners, "
      f"customers whose first purchase is after the calibration end ({len(late_log):,} purchases, "
      f"{late_log[amount_column].sum():,.2f} in revenue)")
localize(customers[["frequency_cal", "recency_cal", "T_cal", "monetary_value_cal"]]
         .rename(columns=lambda c: c.removesuffix("_cal")).head().round(2), p.lang)'''


for name, function in LECTURES.items():
    if len(sys.argv) > 1 and not any(name.startswith(a) for a in sys.argv[1:]):
        continue
    path = NB / f"{name}.ipynb"
    nb = nbformat.read(path, as_version=4)
    function(nb)
    nbformat.write(nb, path)
    print("edited", name)


