"""The closed loop of database marketing (数据库营销闭环): six steps, a diagram and a simulation.

* :data:`LOOP_STEPS`, :func:`loop_steps` — the six steps (build a prospect database; find the traits
  of the best customers; extend prospects by those traits; plan targeted campaigns; attract and
  convert; feed results back) as a bilingual table, with the tool of this course for each step.
* :func:`plot_loop` — the loop as a ring diagram.
* :func:`fit_logit` — the coefficients of :func:`crmlab.logistic.fit_logistic` (optionally with a ridge
  penalty), used by the simulation.
* :func:`simulate_closed_loop` — a seeded multi-round simulation. Each round a fresh pool of
  prospects arrives; a firm scores them with its response model, contacts the best-scored ones and
  observes who responds. The *feedback* firm adds those results to its database and refits its
  model before the next round (step 6 of the loop); the *no-feedback* firm keeps the model of its
  first test campaign. Both see the same prospects and the same would-be responses (common random
  numbers), and an *oracle* that knows the true response probabilities gives the ceiling.

Generative process of the simulation: ``n_features`` traits per prospect, independent standard
normal; the true response probability is ``logistic(base_logit + x · beta)`` with
``beta ~ Normal(0, effect_scale)`` drawn once from the seed; a prospect responds if a uniform draw
is below that probability. Round 0 is a test campaign to ``initial_contacts`` prospects chosen at
random, on which both firms fit their first model.

Examples
--------
>>> loop_steps("zh")["step_name"].iloc[0]
'建立潜在客户数据库'
>>> sim = simulate_closed_loop(rounds=3, seed=1)
>>> sorted(sim["firm"].unique())
['feedback', 'no_feedback', 'oracle']
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.patches import FancyArrowPatch

from .lang import check_lang, label, register
from .logistic import fit_logistic

__all__ = ["VALUE_TIERS", "value_tiers", "value_tier_migration", "LOOP_STEPS", "FIRMS", "loop_steps", "plot_loop", "fit_logit", "simulate_closed_loop", "loop_summary",
           "plot_loop_profit"]

LOOP_STEPS: tuple[str, ...] = ("build_prospect_database", "find_best_customer_traits", "extend_prospects",
                               "plan_targeted_campaigns", "attract_and_convert", "feed_back_results")
FIRMS: tuple[str, ...] = ("feedback", "no_feedback", "oracle")

_STEP_TEXT = {
    "build_prospect_database": {
        "en": ("Collect prospects and customers in a marketing database built for campaigns, not for "
               "transactions; merge the sources into one customer view.", "unify() (customer_view)"),
        "zh": ("把潜在客户和现有客户收集到为营销而设计（而非为交易而设计）的数据库中，并把各来源合并为统一客户视图。",
               "unify()（customer_view）"),
    },
    "find_best_customer_traits": {
        "en": ("Model who responds and buys: the traits that set the best customers apart, as odds ratios.",
               "ResponseModel (response)"),
        "zh": ("建立谁会响应和购买的模型：用优势比刻画最佳客户与众不同的特征。", "ResponseModel（response）"),
    },
    "extend_prospects": {
        "en": ("Score new prospects with those traits and add the look-alikes, within the limits of "
               "data-protection law.", "predict_proba(), pseudonymise()"),
        "zh": ("用这些特征给新的潜在客户打分，在数据保护法律允许的范围内扩充相似客户。", "predict_proba()、pseudonymise()"),
    },
    "plan_targeted_campaigns": {
        "en": ("Choose whom to contact and how deep to go from gains, lift and the break-even response rate.",
               "gains_table(), depth_economics()"),
        "zh": ("根据增益、提升度和盈亏平衡响应率决定联系谁、投放多深。", "gains_table()、depth_economics()"),
    },
    "attract_and_convert": {
        "en": ("Run the campaign with sales; measure what it changed with a randomised control group.",
               "ab_test(), uplift_by_segment() (uplift)"),
        "zh": ("市场与销售协同执行活动；用随机对照组衡量活动带来的真实变化。", "ab_test()、uplift_by_segment()（uplift）"),
    },
    "feed_back_results": {
        "en": ("Write every contact and response back into the database and refit the models before "
               "the next campaign.", "simulate_closed_loop()"),
        "zh": ("把每次接触和响应结果写回数据库，在下一次活动前重新拟合模型。", "simulate_closed_loop()"),
    },
}


def loop_steps(lang: str = "en") -> pd.DataFrame:
    """The six steps of the closed loop: name, what it does, and the crmlab tool used for it.

    Returns
    -------
    pandas.DataFrame
        Index ``step`` 1..6; columns ``key``, ``step_name``, ``what``, ``tool`` (texts in ``lang``).
    """
    check_lang(lang)
    return pd.DataFrame(
        {"key": list(LOOP_STEPS), "step_name": [label(key, lang) for key in LOOP_STEPS],
         "what": [_STEP_TEXT[key][lang][0] for key in LOOP_STEPS],
         "tool": [_STEP_TEXT[key][lang][1] for key in LOOP_STEPS]},
        index=pd.Index(np.arange(1, len(LOOP_STEPS) + 1), name="step"),
    )


def plot_loop(lang: str = "en", ax: Axes | None = None) -> Axes:
    """The six steps on a ring, with arrows from each step to the next and from step 6 back to step 1."""
    check_lang(lang)
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(7, 6))
    angles = np.pi / 2 - 2 * np.pi * np.arange(len(LOOP_STEPS)) / len(LOOP_STEPS)
    x, y = 1.25 * np.cos(angles), np.sin(angles)
    for i, key in enumerate(LOOP_STEPS):
        colour = "C1" if key == "feed_back_results" else "C0"
        ax.text(x[i], y[i], f"{i + 1}. {label(key, lang)}", ha="center", va="center", fontsize="small", wrap=True,
                bbox={"boxstyle": "round,pad=0.5", "facecolor": "white", "edgecolor": colour, "linewidth": 1.5})
        j = (i + 1) % len(LOOP_STEPS)
        ax.add_patch(FancyArrowPatch((x[i] * 0.8, y[i] * 0.8), (x[j] * 0.8, y[j] * 0.8),
                                     connectionstyle="arc3,rad=-0.25", arrowstyle="-|>", mutation_scale=15,
                                     color=colour if j == 0 else "0.4", linewidth=1.3))
    ax.text(0, 0, label("closed_loop", lang), ha="center", va="center", fontsize="large")
    ax.set_xlim(-2.0, 2.0)
    ax.set_ylim(-1.35, 1.35)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def fit_logit(x: np.ndarray, y: np.ndarray, ridge: float = 0.0, max_iter: int = 50, tol: float = 1e-10) -> np.ndarray:
    """Logistic-regression coefficients (intercept first) by Newton's method (:func:`crmlab.logistic.fit_logistic`).

    ``ridge`` adds ``ridge/2 · |slopes|²`` to the negative log-likelihood (the intercept is not
    penalised), which keeps the estimate finite when a small sample separates the classes.

    Examples
    --------
    >>> x = np.array([[0.], [1.], [2.], [3.]]); y = np.array([0, 1, 0, 1])
    >>> fit_logit(x, y).round(3).tolist()
    [-1.362, 0.908]
    """
    return fit_logistic(x, y, ridge=ridge, max_iter=max_iter, tol=tol).params


def simulate_closed_loop(rounds: int = 10, seed: int = 0, prospects_per_round: int = 5000,
                         contacts_per_round: int = 1000, initial_contacts: int = 300, n_features: int = 12,
                         effect_scale: float = 0.4, base_logit: float = -3.0, cost_per_contact: float = 1.0,
                         value_per_response: float = 25.0, ridge: float = 1.0) -> pd.DataFrame:
    """Simulate the loop with and without feedback (and an oracle) for ``rounds`` campaigns.

    Returns
    -------
    pandas.DataFrame
        One row per round (1..rounds) and firm (``feedback``, ``no_feedback``, ``oracle``):
        ``contacts``, ``responses``, ``response_rate``, ``profit`` (value × responses − cost ×
        contacts), ``cumulative_profit``, ``training_rows`` (contacts the model was fitted on) and
        ``coefficient_error`` (root mean squared error of the model's slopes against the truth).
    """
    for name, value in {"rounds": rounds, "prospects_per_round": prospects_per_round,
                        "contacts_per_round": contacts_per_round, "initial_contacts": initial_contacts,
                        "n_features": n_features}.items():
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
            raise ValueError(f"{name} must be a whole number of at least 1, got {value}")
    if contacts_per_round > prospects_per_round:
        raise ValueError("contacts_per_round cannot exceed prospects_per_round")
    if initial_contacts > prospects_per_round:
        raise ValueError("initial_contacts cannot exceed prospects_per_round")
    rng = np.random.default_rng(seed)
    beta_true = np.concatenate([[base_logit], rng.normal(0.0, effect_scale, n_features)])

    def draw(n: int) -> tuple[np.ndarray, np.ndarray]:
        x = rng.normal(size=(n, n_features))
        p = 1 / (1 + np.exp(-(beta_true[0] + x @ beta_true[1:])))
        return x, (rng.random(n) < p).astype(float)

    x0, y0 = draw(prospects_per_round)
    test = rng.choice(prospects_per_round, size=initial_contacts, replace=False)
    train_x = {"feedback": x0[test], "no_feedback": x0[test]}
    train_y = {"feedback": y0[test], "no_feedback": y0[test]}
    models = {firm: fit_logit(train_x[firm], train_y[firm], ridge) for firm in ("feedback", "no_feedback")}
    models["oracle"] = beta_true
    rows = []
    totals = dict.fromkeys(FIRMS, 0.0)
    for round_number in range(1, rounds + 1):
        x, y = draw(prospects_per_round)
        for firm in FIRMS:
            beta = models[firm]
            score = x @ beta[1:]
            chosen = np.argsort(-score, kind="stable")[:contacts_per_round]
            responses = float(y[chosen].sum())
            profit = value_per_response * responses - cost_per_contact * contacts_per_round
            totals[firm] += profit
            rows.append({"round": round_number, "firm": firm, "contacts": contacts_per_round,
                         "responses": int(responses), "response_rate": responses / contacts_per_round,
                         "profit": profit, "cumulative_profit": totals[firm],
                         "training_rows": 0 if firm == "oracle" else len(train_y[firm]),
                         "coefficient_error": float(np.sqrt(np.mean((beta[1:] - beta_true[1:]) ** 2)))})
            if firm == "feedback":
                train_x[firm] = np.vstack([train_x[firm], x[chosen]])
                train_y[firm] = np.concatenate([train_y[firm], y[chosen]])
        models["feedback"] = fit_logit(train_x["feedback"], train_y["feedback"], ridge)
    return pd.DataFrame(rows)


def loop_summary(simulation: pd.DataFrame) -> pd.DataFrame:
    """Per firm: total profit, mean response rate, profit of the last round and its share of the oracle's."""
    totals = simulation.groupby("firm", sort=False).agg(total_profit=("profit", "sum"),
                                                        mean_response_rate=("response_rate", "mean"))
    last = simulation.loc[simulation["round"] == simulation["round"].max()].set_index("firm")
    totals["last_round_profit"] = last["profit"]
    totals["share_of_oracle"] = totals["total_profit"] / totals.loc["oracle", "total_profit"]
    return totals.reindex(list(FIRMS))


def plot_loop_profit(simulation: pd.DataFrame, rounds: int, feedback: bool, lang: str = "en",
                     ax: Axes | None = None) -> Axes:
    """Profit per round of the firm with (``feedback=True``) or without feedback, over ``rounds`` rounds.

    Bars: the chosen firm; dashed line: the oracle (best possible). The total is written in an
    ``ax.text`` note; axis limits are fixed by the whole simulation, so moving the sliders
    only changes the data.
    """
    check_lang(lang)
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(7, 3.8))
    available = int(simulation["round"].max())
    if not 1 <= rounds <= available:
        raise ValueError(f"rounds must lie between 1 and {available}, got {rounds}")
    firm = "feedback" if feedback else "no_feedback"
    shown = simulation.loc[simulation["round"] <= rounds]
    chosen = shown.loc[shown["firm"] == firm]
    oracle = shown.loc[shown["firm"] == "oracle"]
    rounds_x, profits = chosen["round"].to_numpy(dtype=float), chosen["profit"].to_numpy()
    bars = PolyCollection([[(x - 0.4, 0), (x - 0.4, y), (x + 0.4, y), (x + 0.4, 0)] for x, y in zip(rounds_x, profits)],
                          facecolors="C0", edgecolors="none", label=label("profit_per_round", lang))
    ax.add_collection(bars)  # one artist for all bars: a fast widget update
    ax.plot(oracle["round"], oracle["profit"], color="0.3", linestyle="--", marker=".",
            label=label("oracle", lang))
    ax.text(0.02, 0.96, f"{label(firm, lang)} · {label('total_profit', lang)}: {chosen['profit'].sum():,.0f}",
            transform=ax.transAxes, ha="left", va="top", fontsize="small")
    low = min(0.0, float(simulation["profit"].min()))
    ax.set_xlim(0.4, available + 0.6)
    ax.set_ylim(low, float(simulation["profit"].max()) * 1.2)
    ax.set_xlabel(label("round", lang))
    ax.set_ylabel(label("profit", lang))
    ax.set_title(label("loop_profit_title", lang))
    ax.legend(loc="lower right", fontsize="small")
    return ax


register(
    {
        "build_prospect_database": {"en": "Build a prospect database", "zh": "建立潜在客户数据库"},
        "find_best_customer_traits": {"en": "Find the traits of the best customers", "zh": "找到最佳客户的特征"},
        "extend_prospects": {"en": "Extend prospects by those traits", "zh": "按特征扩充潜在客户"},
        "plan_targeted_campaigns": {"en": "Plan targeted campaigns", "zh": "策划有针对性的营销活动"},
        "attract_and_convert": {"en": "Attract and convert", "zh": "吸引并转化潜在客户"},
        "feed_back_results": {"en": "Feed results back", "zh": "把结果反馈到数据库"},
        "closed_loop": {"en": "Closed loop", "zh": "营销闭环"},
        "step": {"en": "Step", "zh": "步骤"},
        "key": {"en": "Key", "zh": "键"},
        "step_name": {"en": "Step", "zh": "步骤名称"},
        "what": {"en": "What it does", "zh": "做什么"},
        "tool": {"en": "Tool in crmlab", "zh": "crmlab 工具"},
        "firm": {"en": "Firm", "zh": "企业"},
        "feedback": {"en": "With feedback", "zh": "有反馈"},
        "no_feedback": {"en": "Without feedback", "zh": "无反馈"},
        "oracle": {"en": "Best possible (true model)", "zh": "理论最优（真实模型）"},
        "round": {"en": "Campaign round", "zh": "活动轮次"},
        "profit_per_round": {"en": "Profit per round", "zh": "每轮利润"},
        "total_profit": {"en": "Total profit", "zh": "总利润"},
        "mean_response_rate": {"en": "Mean response rate", "zh": "平均响应率"},
        "last_round_profit": {"en": "Profit in the last round", "zh": "最后一轮利润"},
        "share_of_oracle": {"en": "Share of the best possible", "zh": "占理论最优的比例"},
        "training_rows": {"en": "Training rows", "zh": "训练样本数"},
        "coefficient_error": {"en": "Coefficient error (RMSE)", "zh": "系数误差（均方根）"},
        "loop_profit_title": {"en": "Profit per campaign round", "zh": "各轮营销活动的利润"},
    }
)

# the lecture's widget labels (the English text is the lecture's original description)
register(
    {
        "closed_loop_widget_rounds": {"en": "rounds", "zh": "轮数"},
        "closed_loop_widget_feedback": {"en": "feedback", "zh": "反馈"},
    }
)


# --- value tiers and their migration (the case study of lecture 10) ----------------------------------------

#: Value tiers by spend in a window: the top 20% of buyers are key accounts, the next 30% core,
#: the rest small; customers who bought before but not in the window are inactive.
VALUE_TIERS: tuple[str, ...] = ("key", "core", "small", "inactive")

register({
    "tier_key": {"en": "Key accounts (top 20%)", "zh": "重点客户（前20%）"},
    "tier_core": {"en": "Core (next 30%)", "zh": "核心客户（其后30%）"},
    "tier_small": {"en": "Small (other buyers)", "zh": "小客户（其余购买者）"},
    "tier_inactive": {"en": "Inactive (no purchase in the window)", "zh": "不活跃（窗口内未购买）"},
})


def value_tiers(log: pd.DataFrame, customer_col: str, date_col: str, amount_col: str, at: object,
                window_days: int = 180) -> pd.Series:
    """Each customer's value tier at ``at``: spend in the last ``window_days`` ranked into :data:`VALUE_TIERS`.

    Customers with a purchase on or before ``at`` are included; those without one in the window are
    ``inactive``. Buyers in the window are ranked by spend: the top 20% (at least one) are ``key``,
    the next 30% ``core``, the rest ``small`` (ties broken by customer id, so the result is stable).

    Examples
    --------
    >>> log = pd.DataFrame({"c": list("abcdeab"), "d": ["2024-05-01"] * 5 + ["2023-01-01"] * 2,
    ...                     "a": [500.0, 100, 50, 20, 10, 10, 10]})
    >>> value_tiers(log, "c", "d", "a", "2024-06-30").tolist()
    ['key', 'core', 'small', 'small', 'small']
    """
    from . import transactions

    if not (isinstance(window_days, (int, np.integer)) and window_days > 0):
        raise ValueError(f"window_days must be a whole number of days > 0, got {window_days!r}")
    return _tiers(transactions.validate(log, customer_col, date_col, amount_col), customer_col, date_col, amount_col,
                  at, window_days)


def _tiers(checked: pd.DataFrame, customer_col: str, date_col: str, amount_col: str, at: object,
           window_days: int) -> pd.Series:
    at_day = pd.Timestamp(at).normalize()
    upto = checked[checked[date_col].dt.normalize() <= at_day]
    if upto.empty:
        raise ValueError(f"no purchase on or before {at_day.date()}: nobody has a tier yet")
    recent = upto[upto[date_col].dt.normalize() > at_day - pd.Timedelta(days=int(window_days))]
    spend = recent.groupby(customer_col)[amount_col].sum()
    spend = spend[spend > 0].sort_index(kind="stable").sort_values(ascending=False, kind="stable")
    n = len(spend)
    n_key = max(1, int(round(0.2 * n))) if n else 0
    n_core = int(round(0.5 * n)) - n_key if n else 0
    tier = pd.Series("inactive", index=pd.Index(sorted(upto[customer_col].unique()), name="customer"), name="tier")
    tier[spend.index[:n_key]] = "key"
    tier[spend.index[n_key:n_key + max(n_core, 0)]] = "core"
    tier[spend.index[n_key + max(n_core, 0):]] = "small"
    return tier


def value_tier_migration(log: pd.DataFrame, customer_col: str, date_col: str, amount_col: str, before: object,
                         after: object, window_days: int = 180, shares: bool = True) -> pd.DataFrame:
    """How customers move between value tiers from ``before`` to ``after`` (rows: tier before; ``new`` row).

    Built on :func:`crmlab.migration.segment_migration` with the tiers in the order of
    :data:`VALUE_TIERS`; with ``shares`` each row gives the share of that tier in each tier later.

    Examples
    --------
    >>> log = pd.DataFrame({"c": list("abab"), "d": ["2024-01-10", "2024-01-20", "2024-07-10", "2024-07-11"],
    ...                     "a": [100.0, 10, 5, 50]})
    >>> m = value_tier_migration(log, "c", "d", "a", "2024-01-31", "2024-07-31", window_days=90, shares=False)
    >>> int(m.loc["key", "small"]), int(m.loc["small", "key"])
    (1, 1)
    """
    from . import transactions
    from .migration import segment_migration

    if not (isinstance(window_days, (int, np.integer)) and window_days > 0):
        raise ValueError(f"window_days must be a whole number of days > 0, got {window_days!r}")
    checked = transactions.validate(log, customer_col, date_col, amount_col)
    first = _tiers(checked, customer_col, date_col, amount_col, before, window_days)
    second = _tiers(checked, customer_col, date_col, amount_col, after, window_days)
    table = segment_migration(first, second, shares=shares)
    rows = [t for t in VALUE_TIERS if t in table.index] + [r for r in table.index if r not in VALUE_TIERS]
    columns = [t for t in VALUE_TIERS if t in table.columns] + [c for c in table.columns if c not in VALUE_TIERS]
    return table.loc[rows, columns]
