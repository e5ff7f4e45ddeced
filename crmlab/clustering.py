"""Precision segmentation with customer variables (精细化细分): k-means and Gaussian mixtures.

The course splits customers into 6–10 strategic segments from variables such as
age, income, occupation, purchase motive and information source. This module
does it with scikit-learn:

1. **Features** (:func:`customer_features`): the chosen columns; numbers are
   optionally log-transformed (``log1p``, for skewed amounts) and standardised to
   mean 0 and standard deviation 1; categories (category, text or boolean
   columns) are one-hot encoded as 0/1 columns. The dummies are *not*
   standardised: that would blow up rare categories (a level held by 1 % of
   customers would get values near 10).
2. **Segments** (:class:`CustomerSegmentation`): k-means (hard segments) or a
   Gaussian mixture (soft membership: each customer's probability of belonging
   to each segment). Segments are numbered 1..k from the largest to the smallest
   (equal sizes: the segment of the earlier customer in the table first).
3. **How many segments** (:func:`choose_n_segments`): the elbow of the k-means
   inertia (within-segment sum of squares) and the silhouette (−1..1, higher =
   better separated) over a range of k.
4. **Profiles** (:func:`segment_profiles`) and **mixed customers**
   (:func:`mixed_membership`: customers whose largest membership probability is
   below a threshold carry traits of several segments).

Fits run with one BLAS/OpenMP thread by default (``n_threads=1``): on a small
machine that is shared, scikit-learn's default threading can make a 5,000-customer
k-means 50 times slower, and course-size data gains nothing from more threads.

Examples
--------
>>> customers = pd.DataFrame({"age": [20, 21, 22, 60, 61, 62],
...                           "channel": ["app", "app", "app", "store", "store", "store"]})
>>> model = CustomerSegmentation(["age", "channel"], n_segments=2, seed=0).fit(customers)
>>> model.labels_.tolist()
[1, 1, 1, 2, 2, 2]
"""
from __future__ import annotations

import textwrap
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from sklearn.cluster import KMeans
from sklearn.compose import ColumnTransformer
from sklearn.metrics import adjusted_rand_score, silhouette_score
from sklearn.mixture import GaussianMixture
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler
from sklearn.pipeline import make_pipeline
from threadpoolctl import threadpool_limits

from . import plotting
from . import simulate as _simulate  # noqa: F401 - its vocabulary names the customer-base columns and levels
from ._table_checks import require_columns, require_complete, require_fitted, require_table
from .estimators import Estimator
from .validation import ValidationError, WrongTypeError
from .lang import check_lang, label, register, with_display

__all__ = [
    "METHODS",
    "customer_features",
    "CustomerSegmentation",
    "choose_n_segments",
    "TrialSegmentations",
    "plot_n_segments",
    "segment_profiles",
    "mixed_membership",
    "feature_label",
    "plot_segment_profiles",
    "profile_colour_scale",
    "variable_overview",
    "plot_membership",
]

METHODS: tuple[str, ...] = ("kmeans", "gaussian_mixture")


def _is_categorical(series: pd.Series) -> bool:
    return not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series)


def _split_columns(customers: pd.DataFrame, columns: Sequence[str],
                   log_columns: Sequence[str]) -> tuple[list[str], list[str]]:
    for name, given in (("columns", columns), ("log_columns", log_columns)):
        if isinstance(given, str):
            raise WrongTypeError(f"{name} must be a list of column names, got the string {given!r}", parameter=name)
    columns = list(columns)
    if not columns:
        raise ValidationError("choose at least one column to segment on", parameter="columns")
    if len(set(columns)) != len(columns):
        raise ValidationError(f"columns {columns} name a column twice", parameter="columns")
    require_table(customers)
    require_columns(customers, columns)
    require_complete(customers, columns)
    unknown_log = [c for c in log_columns if c not in columns]
    if unknown_log:
        raise ValidationError(f"log_columns {unknown_log} are not among the chosen columns {columns}",
                              column=unknown_log, parameter="log_columns")
    categorical = [c for c in columns if _is_categorical(customers[c])]
    numeric = [c for c in columns if c not in categorical]
    bad_log = [c for c in log_columns if c in categorical]
    if bad_log:
        raise WrongTypeError(f"log_columns {bad_log} are categories, not numbers", column=bad_log,
                             parameter="log_columns")
    for column in log_columns:
        negative = int((customers[column] < 0).sum())
        if negative:
            raise ValidationError(f"column {column!r} has {negative} negative value(s); log1p needs values >= 0",
                                  column=column, rows=negative, total=len(customers))
    return numeric, categorical


def _transformer(numeric: list[str], categorical: list[str], log_columns: Sequence[str]) -> ColumnTransformer:
    parts = []
    logged = [c for c in numeric if c in log_columns]
    plain = [c for c in numeric if c not in log_columns]
    if plain:
        parts.append(("number", StandardScaler(), plain))
    if logged:
        parts.append(("log_number", make_pipeline(FunctionTransformer(np.log1p, feature_names_out="one-to-one"),
                                                  StandardScaler()), logged))
    if categorical:
        parts.append(("category", OneHotEncoder(handle_unknown="ignore", sparse_output=False), categorical))
    return ColumnTransformer(parts, verbose_feature_names_out=False, sparse_threshold=0.0)


def _feature_frame(transformer: ColumnTransformer, customers: pd.DataFrame, fit: bool) -> pd.DataFrame:
    frame = customers.copy()
    for column in frame.columns:
        if _is_categorical(frame[column]):  # categories as plain text: one type per column for the encoder
            frame[column] = frame[column].astype(str).astype(object)
    matrix = transformer.fit_transform(frame) if fit else transformer.transform(frame)
    return pd.DataFrame(np.asarray(matrix, dtype=float), index=customers.index, columns=_feature_names(transformer))


def _feature_names(transformer: ColumnTransformer) -> list[str]:
    """Feature names, ``region=east_china`` for dummies (scikit-learn writes ``region_east_china``)."""
    dummies = {}
    for kind, step, cols in transformer.transformers_:
        if kind == "category":
            for column, levels in zip(cols, step.categories_, strict=True):
                for level in levels:
                    dummies[f"{column}_{level}"] = f"{column}={level}"
    return [dummies.get(name, name) for name in transformer.get_feature_names_out()]


def customer_features(customers: pd.DataFrame, columns: Sequence[str],
                      log_columns: Sequence[str] = ()) -> pd.DataFrame:
    """The standardised, one-hot encoded feature table that the segmentation clusters.

    Examples
    --------
    >>> customers = pd.DataFrame({"age": [20, 40], "channel": ["app", "store"]})
    >>> customer_features(customers, ["age", "channel"]).round(2).to_dict("list")
    {'age': [-1.0, 1.0], 'channel=app': [1.0, 0.0], 'channel=store': [0.0, 1.0]}
    """
    numeric, categorical = _split_columns(customers, columns, log_columns)
    transformer = _transformer(numeric, categorical, log_columns)
    return _feature_frame(transformer, customers[list(columns)], fit=True)


def _check_k(n_segments: int, n_customers: int) -> int:
    if isinstance(n_segments, bool) or not isinstance(n_segments, (int, np.integer)):
        raise TypeError(f"n_segments must be a whole number, got {n_segments!r}")
    if not 1 <= n_segments <= n_customers:
        raise ValueError(f"n_segments={n_segments} must be between 1 and the number of customers ({n_customers})")
    return int(n_segments)


class CustomerSegmentation(Estimator):
    """Segments from customer variables by k-means or a Gaussian mixture (scikit-learn).

    Parameters
    ----------
    columns
        Customer-table columns to segment on (numbers and categories).
    n_segments
        Number of segments k (the course uses 6–10 strategic segments; any k >= 1 works).
    method
        ``"kmeans"`` (hard segments) or ``"gaussian_mixture"`` (soft membership).
    log_columns
        Numeric columns (at least 0) to transform with ``log1p`` before standardising.
    seed
        Random seed: the same seed and data give the same segments.
    n_init
        Number of starts, the best one is kept; ``None``: 4 for k-means, 2 for a Gaussian mixture.
    covariance_type
        Covariance of the Gaussian mixture: ``"diag"`` (default: about 3 times faster than
        ``"full"`` and steadier with one-hot columns), ``"full"``, ``"tied"`` or ``"spherical"``.
    n_threads
        BLAS/OpenMP threads while fitting; ``None`` keeps scikit-learn's default.

    Attributes
    ----------
    features_ : pandas.DataFrame
        The feature table of the customers given to :meth:`fit`.
    labels_ : pandas.Series
        Segment of each customer (1 = largest segment), index of the customer table.
    sizes_ : pandas.Series
        Customers per segment.
    centres_ : pandas.DataFrame
        Segment centres (means) on the feature scale.
    inertia_ : float
        Sum of squared distances of customers to their segment centre (feature scale).
    log_likelihood_, bic_ : float
        Full log-likelihood and BIC of the Gaussian mixture (``nan`` for k-means).

    Examples
    --------
    >>> customers = pd.DataFrame({"age": [20, 22, 60, 62], "income": [10, 12, 50, 52]})
    >>> model = CustomerSegmentation(["age", "income"], n_segments=2).fit(customers)
    >>> model.sizes_.tolist()
    [2, 2]
    """

    def __init__(self, columns: Sequence[str], n_segments: int = 6, method: str = "kmeans", *,
                 log_columns: Sequence[str] = (), seed: int = 0, n_init: int | None = None,
                 covariance_type: str = "diag", n_threads: int | None = 1) -> None:
        self.columns = columns
        self.n_segments = n_segments
        self.method = method
        self.log_columns = log_columns
        self.seed = seed
        self.n_init = n_init
        self.covariance_type = covariance_type
        self.n_threads = n_threads

    def _estimator(self, k: int):
        if self.method == "kmeans":
            return KMeans(n_clusters=k, n_init=self.n_init or 4, random_state=self.seed)
        if self.method == "gaussian_mixture":
            return GaussianMixture(n_components=k, n_init=self.n_init or 2, random_state=self.seed,
                                   covariance_type=self.covariance_type, reg_covar=1e-4)
        raise ValueError(f"method={self.method!r}: use one of {METHODS}")

    def fit(self, customers: pd.DataFrame) -> CustomerSegmentation:
        """Build the features of ``customers`` and find the segments."""
        numeric, categorical = _split_columns(customers, self.columns, self.log_columns)
        k = _check_k(self.n_segments, len(customers))
        estimator = self._estimator(k)
        self.transformer_ = _transformer(numeric, categorical, list(self.log_columns))
        self.features_ = _feature_frame(self.transformer_, customers[list(self.columns)], fit=True)
        matrix = self.features_.to_numpy()
        with threadpool_limits(limits=self.n_threads):
            estimator.fit(matrix)
            raw = estimator.predict(matrix)
        self.model_ = estimator
        counts = np.bincount(raw, minlength=k)
        first_row = np.full(k, len(raw))
        np.minimum.at(first_row, raw, np.arange(len(raw)))
        # new label j+1 <- raw cluster _order[j]: largest first, ties by the first customer in the table
        self._order = np.lexsort((first_row, -counts))
        self._relabel = np.empty(k, dtype=np.int64)
        self._relabel[self._order] = np.arange(1, k + 1)
        self.labels_ = pd.Series(self._relabel[raw], index=customers.index, name="segment")
        self.sizes_ = self.labels_.value_counts().reindex(range(1, k + 1), fill_value=0).rename("customers")
        self.sizes_.index.name = "segment"
        centres = estimator.cluster_centers_ if self.method == "kmeans" else estimator.means_
        self.centres_ = pd.DataFrame(centres[self._order], index=pd.RangeIndex(1, k + 1, name="segment"),
                                     columns=self.features_.columns)
        own_centre = centres[raw]
        self.inertia_ = float(((matrix - own_centre) ** 2).sum())
        if self.method == "gaussian_mixture":
            self.log_likelihood_ = float(estimator.score(matrix) * len(matrix))
            self.bic_ = float(estimator.bic(matrix))
        else:
            self.log_likelihood_ = self.bic_ = float("nan")
        return self

    _fitted_attribute = "model_"

    def transform(self, customers: pd.DataFrame) -> pd.DataFrame:
        """Feature table of (new) customers on the scale fixed by :meth:`fit`."""
        self._check_fitted()
        _split_columns(customers, self.columns, self.log_columns)
        return _feature_frame(self.transformer_, customers[list(self.columns)], fit=False)

    def predict(self, customers: pd.DataFrame) -> pd.Series:
        """Segment (1..k) of each customer, e.g. of the same customers one period later."""
        matrix = self.transform(customers).to_numpy()
        with threadpool_limits(limits=self.n_threads):
            raw = self.model_.predict(matrix)
        return pd.Series(self._relabel[raw], index=customers.index, name="segment")

    def predict_proba(self, customers: pd.DataFrame) -> pd.DataFrame:
        """Membership probability of each customer in each segment (Gaussian mixture only); rows sum to 1."""
        self._check_fitted()
        if self.method != "gaussian_mixture":
            raise ValueError("k-means gives hard segments only; use method='gaussian_mixture' for probabilities")
        matrix = self.transform(customers).to_numpy()
        with threadpool_limits(limits=self.n_threads):
            probabilities = self.model_.predict_proba(matrix)
        columns = pd.RangeIndex(1, len(self._order) + 1, name="segment")
        return pd.DataFrame(probabilities[:, self._order], index=customers.index, columns=columns)


def choose_n_segments(customers: pd.DataFrame, columns: Sequence[str], k_values: Sequence[int] = range(2, 11),
                      method: str = "kmeans", *, log_columns: Sequence[str] = (), seed: int = 0,
                      n_init: int | None = None,
                      silhouette_sample: int | None = 2_000, n_threads: int | None = 1) -> pd.DataFrame:
    """Inertia (elbow), silhouette and, for Gaussian mixtures, BIC for each k in ``k_values``.

    The silhouette is computed on a seeded random sample of ``silhouette_sample``
    customers (all when ``None`` or when there are fewer): its cost grows with the
    square of the number of customers. The returned table has one row per k with keys
    as headers (``inertia``, ``silhouette``, ``bic``), so the best k is
    ``table["silhouette"].idxmax()``; show it with :func:`plot_n_segments`.

    Examples
    --------
    >>> customers = pd.DataFrame({"x": [0, 0.1, 0.2, 5, 5.1, 5.2, 10, 10.1, 10.2]})
    >>> int(choose_n_segments(customers, ["x"], k_values=[2, 3, 4])["silhouette"].idxmax())
    3
    """
    values = [int(k) for k in k_values]
    if not values:
        raise ValueError("k_values is empty")
    if min(values) < 2:
        raise ValueError(f"k_values {values} must all be at least 2 (the silhouette needs two segments)")
    if max(values) >= len(customers):
        raise ValueError(f"k_values go up to {max(values)}, but there are only {len(customers)} customers")
    rows = []
    for k in values:
        model = CustomerSegmentation(columns, k, method, log_columns=log_columns, seed=seed, n_init=n_init,
                                     n_threads=n_threads).fit(customers)
        matrix = model.features_.to_numpy()
        sample = None if silhouette_sample is None or silhouette_sample >= len(matrix) else int(silhouette_sample)
        labels = model.labels_.to_numpy()
        with threadpool_limits(limits=n_threads):  # the distance matrix is BLAS work too
            silhouette = (float(silhouette_score(matrix, labels, sample_size=sample, random_state=seed))
                          if len(np.unique(labels)) > 1 else float("nan"))
        rows.append({"n_segments": k, "inertia": model.inertia_, "silhouette": silhouette, "bic": model.bic_,
                     "smallest_segment": int(model.sizes_.min())})
    return pd.DataFrame(rows).set_index("n_segments")


class TrialSegmentations:
    """Segmentations of one customer table on any choice of variables and k, each fitted once.

    A reader trying variable sets (a widget) goes back and forth between choices; each
    ``(variables, k)`` is fitted on the first request (:class:`CustomerSegmentation`, k-means,
    ``n_init`` starts) and kept. With ``truth`` (known personas of a synthetic base) each trial
    also gives its adjusted Rand index against them, else ``None``.

    Examples
    --------
    >>> customers = pd.DataFrame({"x": [0, 0.1, 0.2, 5, 5.1, 5.2], "y": [1, 2, 1, 2, 1, 2]})
    >>> trials = TrialSegmentations(customers, truth=pd.Series([0, 0, 0, 1, 1, 1]), seed=0)
    >>> model, ari = trials(["x"], 2)
    >>> model.sizes_.tolist(), ari, trials(("x",), 2)[0] is model
    ([3, 3], 1.0, True)
    """

    def __init__(self, customers: pd.DataFrame, *, log_columns: Sequence[str] = (), truth: pd.Series | None = None,
                 seed: int = 0, n_init: int = 2) -> None:
        self.customers, self.log_columns, self.truth = customers, tuple(log_columns), truth
        self.seed, self.n_init = seed, n_init
        self._fitted: dict[tuple[tuple[str, ...], int], tuple[CustomerSegmentation, float | None]] = {}

    def __call__(self, variables: Sequence[str], k: int) -> tuple[CustomerSegmentation, float | None]:
        """The segmentation on ``variables`` with ``k`` segments and its agreement with ``truth``."""
        key = (tuple(variables), int(k))
        if key not in self._fitted:
            chosen = list(key[0])
            model = CustomerSegmentation(chosen, key[1], log_columns=[c for c in self.log_columns if c in chosen],
                                         seed=self.seed, n_init=self.n_init).fit(self.customers)
            ari = None if self.truth is None else float(adjusted_rand_score(self.truth, model.labels_))
            self._fitted[key] = (model, ari)
        return self._fitted[key]


def plot_n_segments(table: pd.DataFrame, lang: str = "en", ax: Axes | None = None) -> Axes:
    """Elbow curve (inertia, left axis) and silhouette (right axis) from :func:`choose_n_segments`."""
    check_lang(lang)
    require_columns(table, ["inertia", "silhouette"], what="table of choose_n_segments")
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    ks = table.index.to_numpy()
    ax.plot(ks, table["inertia"], marker="o", color="C0", label=label("inertia", lang))
    ax.set_xlabel(label("n_segments", lang))
    ax.set_ylabel(label("inertia", lang), color="C0")
    ax.set_xticks(ks)
    right = ax.twinx()
    right.plot(ks, table["silhouette"], marker="s", color="C3", label=label("silhouette", lang))
    right.set_ylabel(label("silhouette", lang), color="C3")
    right.grid(False)
    if table["silhouette"].notna().any():
        best = table["silhouette"].idxmax()
        right.axvline(best, color="C3", ls=":", lw=1)
        ax.set_title(label("best_k_title", lang).format(k=int(best)))
    return ax


def segment_profiles(customers: pd.DataFrame, segments: pd.Series, columns: Sequence[str]) -> pd.DataFrame:
    """Size and profile of each segment: means of numbers, shares of each category level.

    The last row, ``all_customers``, profiles everyone, to compare each segment with.

    Parameters
    ----------
    customers
        The customer table.
    segments
        Segment of each customer, with the index of ``customers`` (e.g. ``model.labels_``).
    columns
        Columns to profile; a number gives its mean, a category one column per level
        (``"region: east_china"``) with the share of the segment's customers at that level.

    Returns
    -------
    pandas.DataFrame
        Index ``segment`` (the segments, then ``all_customers``); columns ``customers``,
        ``customer_share``, then the profiled columns, keys whatever the language. Shown with
        :func:`crmlab.lang.localize`: column and level names that are vocabulary keys become their
        text (``"Region: East China"``); others stay as they are.

    Examples
    --------
    >>> customers = pd.DataFrame({"visits": [2, 4, 9], "club": ["gold", "gold", "silver"]})
    >>> profile = segment_profiles(customers, pd.Series([1, 1, 2]), ["visits", "club"])
    >>> profile["visits"].tolist(), profile["club: gold"].tolist()
    ([3.0, 9.0, 5.0], [1.0, 0.0, 0.6666666666666666])
    >>> from crmlab.lang import localize
    >>> localize(profile, "zh").index.tolist()
    [1, 2, '全体客户']
    """
    require_table(customers)
    require_columns(customers, list(columns))
    require_complete(customers, list(columns))
    if not isinstance(segments, pd.Series):
        raise TypeError(f"segments must be a pandas Series with the index of the customer table, "
                        f"got {type(segments).__name__}")
    missing = int(segments.isna().sum())
    if missing:
        raise ValueError(f"segments has {missing} missing value(s)")
    if not segments.index.equals(customers.index):
        raise ValueError("segments must have the same index as the customer table (one segment per customer)")
    groups = segments.to_numpy()
    parts = {"customers": pd.Series(groups).value_counts().sort_index()}
    parts["customer_share"] = parts["customers"] / len(groups)
    frame = pd.DataFrame(parts)
    everyone = {"customers": len(groups), "customer_share": 1.0}
    for column in columns:
        values = customers[column]
        if _is_categorical(values):
            levels = list(values.cat.categories) if isinstance(values.dtype, pd.CategoricalDtype) else sorted(
                values.astype(str).unique())
            text = values.astype(str).to_numpy()
            for level in levels:
                name = f"{column}{_LEVEL_SEPARATOR}{level}"
                hit = pd.Series(text == str(level), dtype=float)
                frame[name] = hit.groupby(groups).mean()
                everyone[name] = float(hit.mean())
        else:
            numbers = pd.Series(values.to_numpy(dtype=float))
            frame[column] = numbers.groupby(groups).mean()
            everyone[column] = float(numbers.mean())
    frame.loc["all_customers"] = pd.Series(everyone)
    frame["customers"] = frame["customers"].astype(np.int64)
    frame.index.name = "segment"
    return with_display(frame, index=True, separator=_LEVEL_SEPARATOR)


_LEVEL_SEPARATOR = ": "  # a category's level column: "region: east_china"


def _known(key: str) -> bool:
    try:
        label(key)
    except KeyError:
        return False
    return True


def mixed_membership(probabilities: pd.DataFrame, threshold: float = 0.6) -> pd.DataFrame:
    """Most likely segment, runner-up, and whether a customer is *mixed* (max probability < ``threshold``).

    Customers who are mixed carry traits of several segments (the course's soft
    membership); they may need offers of both. Columns ``segment``, ``probability``,
    ``second_segment``, ``second_probability``, ``mixed`` whatever the language; shown with
    :func:`crmlab.lang.localize`.

    Examples
    --------
    >>> probabilities = pd.DataFrame({1: [0.9, 0.5], 2: [0.1, 0.45], 3: [0.0, 0.05]})
    >>> mixed_membership(probabilities)["mixed"].tolist()
    [False, True]
    """
    if not isinstance(probabilities, pd.DataFrame) or probabilities.shape[1] < 2:
        raise WrongTypeError("probabilities must be a DataFrame with one column per segment (at least 2), "
                        "e.g. from CustomerSegmentation(..., method='gaussian_mixture').predict_proba")
    if not 0 < float(threshold) <= 1:
        raise ValueError(f"threshold={threshold} must be in (0, 1]")
    values = probabilities.to_numpy(dtype=float)
    missing = int(np.isnan(values).any(axis=1).sum())
    if missing:
        raise ValueError(f"probabilities have {missing} row(s) with missing values")
    off = int((np.abs(values.sum(axis=1) - 1) > 1e-6).sum() + ((values < 0) | (values > 1)).any(axis=1).sum())
    if off:
        raise ValueError(f"{off} row(s) of probabilities are not probabilities summing to 1")
    order = np.argsort(-values, axis=1, kind="stable")
    rows = np.arange(len(values))
    columns = probabilities.columns.to_numpy()
    out = pd.DataFrame({
        "segment": columns[order[:, 0]],
        "probability": values[rows, order[:, 0]],
        "second_segment": columns[order[:, 1]],
        "second_probability": values[rows, order[:, 1]],
        "mixed": values[rows, order[:, 0]] < threshold,
    }, index=probabilities.index)
    return with_display(out)


register(
    {
        "n_segments": {"en": "Number of segments k", "zh": "细分群体数 k"},
        "inertia": {"en": "Inertia (within-segment sum of squares)", "zh": "组内平方和（惯性）"},
        "silhouette": {"en": "Silhouette", "zh": "轮廓系数"},
        "bic": {"en": "BIC", "zh": "BIC 信息准则"},
        "smallest_segment": {"en": "Smallest segment", "zh": "最小群体人数"},
        "best_k_title": {"en": "Elbow and silhouette: best silhouette at k = {k}",
                         "zh": "肘部法与轮廓系数：k = {k} 时轮廓系数最高"},
        "all_customers": {"en": "All customers", "zh": "全体客户"},
        "customer_share": {"en": "Share of customers", "zh": "客户占比"},  # as in crmlab.value_matrix
        "probability": {"en": "Probability", "zh": "隶属概率"},
        "second_segment": {"en": "Second segment", "zh": "次可能群体"},
        "second_probability": {"en": "Second probability", "zh": "次高概率"},
        "mixed": {"en": "Mixed (traits of several segments)", "zh": "兼具多个群体特征"},
    }
)


def feature_label(name: str, lang: str = "en") -> str:
    """Display text of a feature name from :func:`customer_features` (``"occupation=student"``).

    Column names and category levels that are vocabulary keys are translated; other
    names stay as they are (a researcher's own columns).

    Examples
    --------
    >>> feature_label("occupation=student", "zh"), feature_label("visits", "zh")
    ('职业：学生', 'visits')
    """
    check_lang(lang)
    column, _, level = name.partition("=")
    text = label(column, lang) if _known(column) else column
    if not _:
        return text
    level_text = label(level, lang) if _known(level) else level
    return f"{text}{'：' if lang == 'zh' else ': '}{level_text}"


def plot_segment_profiles(model: CustomerSegmentation, lang: str = "en", ax: Axes | None = None,
                          limit: float = 2.0, cax: Axes | None = None, colorbar: bool = True) -> Axes:
    """Heatmap of the segment centres on the feature scale: what sets each segment apart.

    Rows are segments (1 = largest, with its size), columns the features. Numbers are
    standardised, so a cell shows how many standard deviations the segment's mean lies
    above (red) or below (blue) the average customer. A category level shows the share of
    the segment at that level minus the share ``s`` of all customers, divided by the
    level's standard deviation ``sqrt(s (1 - s))``, so both kinds of cell are in standard
    deviations and comparable. Colours are clipped at ``±limit``.

    The axis limits fit the heatmap exactly. The colour bar takes room from ``ax``, or is drawn
    into ``cax`` when given (axes made beforehand), or left out with ``colorbar=False`` when
    several heatmaps share one scale drawn once (:func:`profile_colour_scale`).

    Examples
    --------
    >>> from crmlab.simulate import customer_base
    >>> customers = customer_base(400, seed=3).customers
    >>> model = CustomerSegmentation(["age", "discount_share"], 3, seed=3).fit(customers)
    >>> ax = plot_segment_profiles(model, colorbar=False)
    >>> [t.get_text().split(" ")[0] for t in ax.get_yticklabels()], len(ax.figure.axes)
    (['1', '2', '3'], 1)
    """
    check_lang(lang)
    require_fitted(model, "centres_", "CustomerSegmentation")
    centres = model.centres_.copy()
    dummies = [c for c in centres.columns if "=" in c]
    if dummies:  # category levels: difference to the share among all customers, in standard deviations
        share = model.features_[dummies].mean()
        spread = np.sqrt(share * (1 - share)).replace(0.0, 1.0)
        centres[dummies] = (centres[dummies] - share) / spread
    values = centres.to_numpy()
    if ax is None:
        _, ax = plt.subplots(figsize=(max(6.0, 0.42 * values.shape[1] + 2.5), 0.55 * values.shape[0] + 2.8))
    image = ax.imshow(values, cmap="RdBu_r", vmin=-limit, vmax=limit, aspect="auto")
    ax.set_xlim(-0.5, values.shape[1] - 0.5)
    ax.set_ylim(values.shape[0] - 0.5, -0.5)
    ax.set_xticks(range(values.shape[1]), [feature_label(c, lang) for c in centres.columns], rotation=60,
                  ha="right", fontsize=8)
    rows = [f"{s} (n={n:,})" for s, n in zip(centres.index, model.sizes_.to_numpy(), strict=True)]
    ax.set_yticks(range(values.shape[0]), rows)
    ax.set_ylabel(label("segment", lang))
    ax.grid(False)
    if colorbar and cax is None:
        ax.figure.colorbar(image, ax=ax, fraction=0.025, pad=0.01, label=label("profile_difference", lang))
    elif colorbar:
        ax.figure.colorbar(image, cax=cax, label=label("profile_difference", lang))
    ax.set_title(label("segment_profile_title", lang))
    return ax


def profile_colour_scale(cax: Axes, limit: float = 2.0, lang: str = "en") -> Axes:
    """The colour bar of :func:`plot_segment_profiles` (``-limit`` to ``+limit``), drawn into ``cax``.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> tuple(float(v) for v in profile_colour_scale(Figure().add_subplot(), 2.0).get_ylim())
    (-2.0, 2.0)
    """
    check_lang(lang)
    text = textwrap.fill(label("profile_difference", lang), 24)  # a long vertical label would pass the figure's edge
    return plotting.draw_colour_scale(cax, "RdBu_r", -limit, limit, text, "both")


register(
    {
        "profile_difference": {"en": "Difference to the average customer", "zh": "与平均客户的差异"},
        "segment_profile_title": {"en": "Segment profiles: what sets each segment apart",
                                  "zh": "细分群体画像：各群体与众不同之处"},
    }
)


def variable_overview(customers: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """One row per segmentation variable: its kind, how many feature columns it becomes, what it holds.

    Numbers are standardised (their ``mean`` and standard deviation ``sd`` are given); categories
    become one 0/1 column per level (``feature_columns`` counts the levels; ``most_common`` is the
    most common level). Keys (``variable``: the column; ``variable_kind``: ``"number"`` or
    ``"category"``) whatever the language; shown with :func:`crmlab.lang.localize`.

    Examples
    --------
    >>> customers = pd.DataFrame({"age": [20, 40], "channel": ["app", "app"]})
    >>> variable_overview(customers, ["age", "channel"])["variable_kind"].tolist()
    ['number', 'category']
    >>> from crmlab.lang import localize
    >>> localize(variable_overview(customers, ["age", "channel"]), "en")["Kind"].tolist()
    ['Number', 'Category']
    """
    require_table(customers)
    require_columns(customers, list(columns))
    rows = []
    for column in columns:
        values = customers[column]
        if _is_categorical(values):
            text = values.astype(str)
            rows.append({"variable": column, "variable_kind": "category", "feature_columns": int(text.nunique()),
                         "mean": np.nan, "sd": np.nan, "most_common": text.value_counts().index[0]})
        else:
            numbers = values.to_numpy(dtype=float)
            rows.append({"variable": column, "variable_kind": "number", "feature_columns": 1,
                         "mean": float(np.nanmean(numbers)), "sd": float(np.nanstd(numbers, ddof=1)),
                         "most_common": None})
    return with_display(pd.DataFrame(rows), value_columns=["variable", "variable_kind", "most_common"],
                        prefixes=("kind_", "variable_", ""))


def plot_membership(probabilities: pd.DataFrame, threshold: float = 0.6, lang: str = "en",
                    ax: Axes | None = None) -> Axes:
    """Histogram of each customer's largest membership probability, with the *mixed* threshold marked."""
    check_lang(lang)
    table = mixed_membership(probabilities, threshold)
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.8))
    low = 1.0 / probabilities.shape[1]
    ax.hist(table["probability"], bins=np.linspace(low, 1.0, 31), color="C0")
    ax.axvline(threshold, color="C3", ls="--", lw=1.5)
    ax.set_xlabel(label("top_probability", lang))
    ax.set_ylabel(label("customers", lang))
    ax.set_title(label("membership_title", lang).format(n=int(table["mixed"].sum()), threshold=threshold))
    return ax


register(
    {
        "variable": {"en": "Variable", "zh": "变量"},
        "variable_kind": {"en": "Kind", "zh": "类型"},
        "feature_columns": {"en": "Feature columns", "zh": "特征列数"},
        "kind_number": {"en": "Number", "zh": "数值"},
        "kind_category": {"en": "Category", "zh": "类别"},
        "variable_mean": {"en": "Mean", "zh": "均值"},
        "variable_sd": {"en": "Standard deviation", "zh": "标准差"},
        "variable_most_common": {"en": "Most common level", "zh": "最常见类别"},
        "top_probability": {"en": "Largest membership probability", "zh": "最大隶属概率"},
        "membership_title": {"en": "Soft membership: {n:,} customers below {threshold:.0%} are mixed",
                             "zh": "软隶属：{n:,} 位客户的最大概率低于 {threshold:.0%}，兼具多个群体特征"},
    }
)


register(
    {
        "clustering_data_summary": {
            "en": "{n:,} customers, {n_columns} segmentation variables ({n_numeric} numeric)",
            "zh": "{n:,} 位客户，{n_columns} 个细分变量（其中 {n_numeric} 个为数值）"},
        "clustering_feature_summary": {
            "en": "{n_features} feature columns; numeric means {mean:.1e} (all about 0), standard deviations {sds}",
            "zh": "{n_features} 个特征列；数值列均值 {mean:.1e}（都约为 0），标准差 {sds}"},
        "clustering_k_summary": {
            "en": "best silhouette over 2-10: k = {best}; among 6-10: k = {best_strategic}; this run uses k = {k}",
            "zh": "k 取 2-10 时轮廓系数最高：k = {best}；在 6-10 中最高：k = {best_strategic}；本次运行采用 k = {k}"},
        "clustering_segment_sizes": {"en": "k = {k}: segment sizes {sizes}", "zh": "k = {k}：各细分群体规模 {sizes}"},
        "clustering_ari_summary": {
            "en": "adjusted Rand index, k-means segments vs true personas: {ari:.3f}",
            "zh": "k 均值细分群体与真实客户画像的调整兰德指数：{ari:.3f}"},
        "clustering_no_truth": {
            "en": "no true groups in this customer table: recovery is not measured",
            "zh": "此客户表没有真实分组：不衡量分群还原程度"},
        "clustering_mixed_summary": {
            "en": "{n_mixed:,} of {n:,} customers ({share:.1%}) have no segment above {threshold:.0%}",
            "zh": "{n:,} 位客户中有 {n_mixed:,} 位（{share:.1%}）没有任何细分群体的概率高于 {threshold:.0%}"},
        "clustering_migration_summary": {
            "en": "bought in period 1: {before:,}; also in period 2: {after:,}; same segment in both: {stay:,}",
            "zh": "第 1 期购买：{before:,} 位；第 2 期也购买：{after:,} 位；两期处于同一细分群体：{stay:,} 位"},
        "clustering_n_segments": {"en": "n_segments", "zh": "细分群体数"},
        "clustering_choose_variable": {"en": "choose at least one variable", "zh": "请至少选择一个变量"},
        "clustering_trial_sizes": {"en": "sizes {sizes}", "zh": "各群体规模 {sizes}"},
        "clustering_trial_ari": {"en": "; ARI vs true personas = {ari:.3f}", "zh": "；与真实客户画像的调整兰德指数 = {ari:.3f}"},
    }
)
