"""Clustering on customer variables: features, recovery of known segments, choosing k, profiles, soft membership."""
import io

import numpy as np
import pandas as pd
import pytest

from crmlab.models import NotFittedError
from sklearn.metrics import adjusted_rand_score

from crmlab.lang import localize
from crmlab.clustering import (
    CustomerSegmentation,
    choose_n_segments,
    customer_features,
    mixed_membership,
    plot_n_segments,
    segment_profiles,
)
from crmlab.plotting import use_theme
from crmlab.simulate import customer_base  # also registers the vocabulary of the simulated columns

PERSONA_COLUMNS = ["age", "yearly_income_cny", "orders", "mean_spend", "recency_days", "discount_share",
                   "satisfaction"]
LOG_COLUMNS = ["yearly_income_cny", "orders", "mean_spend"]


def blobs(sizes=(150, 100, 60), seed=0) -> pd.DataFrame:
    """Three well-separated groups: age, spend and a channel that mostly matches the group."""
    rng = np.random.default_rng(seed)
    centres = [(25, 50.0), (45, 400.0), (68, 120.0)]
    channels = ["app", "web", "store"]
    parts = []
    for group, (size, (age, spend)) in enumerate(zip(sizes, centres, strict=True)):
        channel = np.where(rng.random(size) < 0.9, channels[group], channels[(group + 1) % 3])
        parts.append(pd.DataFrame({"age": rng.normal(age, 3, size), "spend": rng.normal(spend, 20, size),
                                   "channel": pd.Categorical(channel, categories=channels), "truth": group}))
    table = pd.concat(parts, ignore_index=True)
    return table.sample(frac=1.0, random_state=seed).set_axis([f"c{i}" for i in range(len(table))])


@pytest.fixture(scope="module")
def simulated():
    base = customer_base(2_000, seed=1)
    customers = base.customers.set_index("customer_id")
    grouped = base.transactions.groupby("customer_id")
    customers["orders"] = grouped.size()
    customers["mean_spend"] = grouped["amount"].sum() / customers["orders"]
    customers["recency_days"] = (base.params.observation_end - grouped["date"].max()).dt.days
    return customers


def test_features_standardise_numbers_and_one_hot_categories():
    customers = pd.DataFrame({"age": [20.0, 30, 40, 50], "spend": [0, 9, 99, 999],
                              "channel": pd.Categorical(["app", "store", "app", "web"]), "vip": [True, False, False, True]})
    features = customer_features(customers, ["age", "spend", "channel", "vip"], log_columns=["spend"])
    assert features.columns.tolist() == ["age", "spend", "channel=app", "channel=store", "channel=web",
                                         "vip=False", "vip=True"]
    assert features["age"].mean() == pytest.approx(0.0)
    assert features["age"].std(ddof=0) == pytest.approx(1.0)
    logged = np.log1p([0, 9, 99, 999])
    assert features["spend"].tolist() == pytest.approx(((logged - logged.mean()) / logged.std()).tolist())
    assert features["channel=app"].tolist() == [1, 0, 1, 0]
    assert features.index.equals(customers.index)


def test_features_name_bad_columns():
    customers = pd.DataFrame({"age": [20.0, np.nan, np.nan], "spend": [1, -2, 3], "region": ["n", "s", "n"]})
    with pytest.raises(KeyError, match=r"lacks column\(s\) \['income'\]"):
        customer_features(customers, ["age", "income"])
    with pytest.raises(ValueError, match="'age' has 2 missing value"):
        customer_features(customers, ["age"])
    with pytest.raises(ValueError, match="'spend' has 1 negative value"):
        customer_features(customers, ["spend"], log_columns=["spend"])
    with pytest.raises(ValueError, match="categories, not numbers"):
        customer_features(customers, ["region"], log_columns=["region"])
    with pytest.raises(ValueError, match="not among the chosen columns"):
        customer_features(customers, ["spend"], log_columns=["age"])


@pytest.mark.parametrize("method", ["kmeans", "gaussian_mixture"])
def test_well_separated_segments_are_recovered(method):
    customers = blobs()
    model = CustomerSegmentation(["age", "spend", "channel"], n_segments=3, method=method, seed=0).fit(customers)
    assert adjusted_rand_score(customers["truth"], model.labels_) > 0.97
    assert model.sizes_.tolist() == sorted(model.sizes_.tolist(), reverse=True), "segment 1 is the largest"
    assert model.sizes_.tolist() == pytest.approx([150, 100, 60], abs=3)
    assert model.labels_.index.equals(customers.index)
    assert model.predict(customers).equals(model.labels_)


def test_same_seed_same_segments_and_new_customers_are_placed():
    customers = blobs()
    first = CustomerSegmentation(["age", "spend", "channel"], 4, seed=3).fit(customers)
    second = CustomerSegmentation(["age", "spend", "channel"], 4, seed=3).fit(customers)
    assert first.labels_.equals(second.labels_)
    assert first.inertia_ == second.inertia_
    newcomers = pd.DataFrame({"age": [24.0, 69.0], "spend": [55.0, 118.0],
                              "channel": pd.Categorical(["app", "store"])}, index=["n1", "n2"])
    placed = first.predict(newcomers)
    young = first.labels_[customers["truth"] == 0].mode()[0]
    old = first.labels_[customers["truth"] == 2].mode()[0]
    assert placed.tolist() == [young, old]


def test_kmeans_recovers_simulated_personas_far_above_chance(simulated):
    """The personas overlap (customers join one with probability ~ a Gaussian kernel of width 0.5
    in behaviour scores), so perfect recovery is impossible. With these seven observed variables
    k-means reaches an adjusted Rand index of about 0.31 (0.29-0.32 over seeds), the Gaussian
    mixture about 0.19-0.23; shuffled segments score 0."""
    truth = simulated["true_persona"]
    kmeans = CustomerSegmentation(PERSONA_COLUMNS, 7, log_columns=LOG_COLUMNS, seed=0).fit(simulated)
    mixture = CustomerSegmentation(PERSONA_COLUMNS, 7, "gaussian_mixture", log_columns=LOG_COLUMNS,
                                   seed=0).fit(simulated)
    assert adjusted_rand_score(truth, kmeans.labels_) > 0.28
    assert adjusted_rand_score(truth, mixture.labels_) > 0.15
    shuffled = np.random.default_rng(0).permutation(kmeans.labels_.to_numpy())
    assert abs(adjusted_rand_score(truth, shuffled)) < 0.02
    assert np.isfinite(mixture.log_likelihood_) and mixture.bic_ > 0


def test_choosing_k_finds_the_number_of_groups():
    customers = blobs(sizes=(80, 80, 80))
    table = choose_n_segments(customers, ["age", "spend"], k_values=range(2, 7))
    assert table.index.tolist() == [2, 3, 4, 5, 6]
    assert int(table["silhouette"].idxmax()) == 3
    assert table.loc[3, "silhouette"] > 0.7
    assert (np.diff(table["inertia"]) < 0).all(), "inertia falls as k grows"
    assert table["bic"].isna().all()
    mixture = choose_n_segments(customers, ["age", "spend"], k_values=[2, 3, 4], method="gaussian_mixture")
    assert int(mixture["bic"].idxmin()) == 3
    use_theme("zh")
    ax = plot_n_segments(table, lang="zh")
    assert "k = 3" in ax.get_title()
    ax.figure.savefig(io.BytesIO(), format="png")
    with pytest.raises(ValueError, match="at least 2"):
        choose_n_segments(customers, ["age"], k_values=[1, 2])


def test_profiles_give_sizes_means_and_category_shares():
    customers = pd.DataFrame({"age": [20, 30, 60, 70], "gender": pd.Categorical(["female", "male", "male", "male"]),
                              "note": ["x", "y", "z", "w"]}, index=list("abcd"))
    segments = pd.Series([1, 1, 2, 2], index=customers.index)
    keys = segment_profiles(customers, segments, ["age", "gender"])
    assert keys.index.tolist() == [1, 2, "all_customers"]
    assert keys.columns.tolist() == ["customers", "customer_share", "age", "gender: female", "gender: male"]
    profile = localize(keys, "en")
    assert profile.index.tolist() == [1, 2, "All customers"]
    assert profile["Customers"].tolist() == [2, 2, 4]
    assert profile["Share of customers"].tolist() == [0.5, 0.5, 1.0]
    # known columns and levels are shown by their vocabulary text, others as they are
    assert profile["Age"].tolist() == [25.0, 65.0, 45.0]
    assert profile["Gender: Female"].tolist() == [0.5, 0.0, 0.25]
    own = segment_profiles(customers.rename(columns={"age": "my_age"}), segments, ["my_age"])
    assert own["my_age"].tolist() == [25.0, 65.0, 45.0]
    with pytest.raises(ValueError, match="same index"):
        segment_profiles(customers, segments.reset_index(drop=True), ["age"])


def test_profiles_translate_known_columns_and_levels(simulated):
    model = CustomerSegmentation(["age", "gender"], 2, seed=0).fit(simulated)
    profile = localize(segment_profiles(simulated, model.labels_, ["age", "gender"]), "zh")
    assert {"客户数", "年龄", "性别: 女", "性别: 男"} <= set(profile.columns)
    assert profile.index[-1] == "全体客户"


def test_soft_membership_sums_to_one_and_flags_mixed_customers():
    customers = blobs()
    model = CustomerSegmentation(["age", "spend"], 3, "gaussian_mixture", seed=0).fit(customers)
    probabilities = model.predict_proba(customers)
    assert probabilities.columns.tolist() == [1, 2, 3]
    assert probabilities.sum(axis=1).to_numpy() == pytest.approx(1.0)
    assert (probabilities.idxmax(axis=1) == model.labels_).all()
    assert mixed_membership(probabilities)["mixed"].mean() < 0.05, "separated groups: few mixed customers"
    with pytest.raises(ValueError, match="hard segments only"):
        CustomerSegmentation(["age"], 2).fit(customers).predict_proba(customers)


def test_a_customer_halfway_between_two_segments_is_mixed():
    rng = np.random.default_rng(0)
    customers = pd.DataFrame({"age": np.concatenate([rng.normal(20, 3, 200), rng.normal(40, 3, 200)])})
    model = CustomerSegmentation(["age"], 2, "gaussian_mixture", seed=0).fit(customers)
    probabilities = model.predict_proba(pd.DataFrame({"age": [20.0, 30.0, 40.0]}, index=["young", "mid", "old"]))
    assert probabilities.loc["mid"].tolist() == pytest.approx([0.5, 0.5], abs=0.1)
    assert mixed_membership(probabilities)["mixed"].tolist() == [False, True, False]


def test_mixed_membership_hand_case_and_errors():
    probabilities = pd.DataFrame({1: [0.9, 0.5, 0.2], 2: [0.1, 0.45, 0.2], 3: [0.0, 0.05, 0.6]}, index=list("xyz"))
    out = mixed_membership(probabilities, threshold=0.6)
    assert out["segment"].tolist() == [1, 1, 3]
    assert out["second_segment"].tolist() == [2, 2, 1]
    assert out["second_probability"].tolist() == [0.1, 0.45, 0.2]
    assert out["mixed"].tolist() == [False, True, False]
    assert mixed_membership(probabilities, threshold=0.61)["mixed"].tolist() == [False, True, True]
    assert localize(mixed_membership(probabilities), "zh").columns[-1] == "兼具多个群体特征"
    with pytest.raises(ValueError, match="1 row"):
        mixed_membership(probabilities.replace(0.9, 0.8))
    with pytest.raises(ValueError, match=r"threshold=1.5"):
        mixed_membership(probabilities, threshold=1.5)


def test_k_must_fit_the_data():
    customers = blobs(sizes=(3, 2, 1))
    with pytest.raises(ValueError, match="between 1 and the number of customers"):
        CustomerSegmentation(["age"], 7).fit(customers)
    with pytest.raises(ValueError, match="method="):
        CustomerSegmentation(["age"], 2, method="dbscan").fit(customers)


def test_feature_labels_translate_known_columns_and_levels():
    from crmlab.clustering import feature_label

    assert feature_label("occupation=student", "zh") == "职业：学生"
    assert feature_label("occupation=student") == "Occupation: Student"
    assert feature_label("club=gold") == "club: gold"
    assert feature_label("age", "zh") == "年龄"


def test_profile_heatmap_shows_centres_and_category_differences():
    from crmlab.clustering import plot_segment_profiles

    table = blobs()
    model = CustomerSegmentation(["age", "spend", "channel"], 3, seed=0).fit(table)
    use_theme("zh")
    ax = plot_segment_profiles(model, lang="zh")
    shown = ax.images[0].get_array()
    assert shown.shape == (3, 5)  # age, spend, 3 channel dummies
    # numbers: the standardised centres; dummies: (segment share - overall share) / sd of the 0/1 column
    assert np.allclose(shown[:, :2], model.centres_[["age", "spend"]].to_numpy())
    share = (table["channel"] == "app").mean()
    expected = (model.centres_["channel=app"].to_numpy() - share) / np.sqrt(share * (1 - share))
    assert np.allclose(shown[:, 2], expected)
    segment_app_share = table.groupby(model.labels_)["channel"].apply(lambda c: (c == "app").mean())
    assert np.allclose(model.centres_["channel=app"], segment_app_share)  # a centre is the segment's share
    assert ax.get_yticklabels()[0].get_text() == f"1 (n={model.sizes_.iloc[0]:,})"
    assert ax.get_title() == "细分群体画像：各群体与众不同之处"
    ax.figure.savefig(io.BytesIO(), format="png")
    with pytest.raises(NotFittedError, match="fit"):
        plot_segment_profiles(CustomerSegmentation(["age"], 2))


def test_profile_heatmap_draws_its_colour_bar_into_given_axes_in_a_live_figure():
    from crmlab.clustering import plot_segment_profiles
    from crmlab.live import LiveFigure

    table = blobs()
    models = [CustomerSegmentation(["age", "spend", "channel"], k, seed=0).fit(table) for k in (3, 4, 3)]
    live = LiveFigure.subplots(1, 2, figsize=(6, 4), show=False, gridspec_kw={"width_ratios": [30, 1]})
    for model in models:
        with live.update():
            plot_segment_profiles(model, lang="en", ax=live.axes[0], cax=live.axes[1])
    assert len(live.fig.axes) == 2  # the heatmap and one colour bar
    assert live.axes[1].get_ylabel() == "Difference to the average customer"
    assert len(live.ax.images) == 1 and live.ax.images[0].get_array().shape == (3, 5)
    assert live.ax.get_ylim() == (2.5, -0.5) and live.ax.get_xlim() == (-0.5, 4.5)  # fits the heatmap exactly



def test_profile_heatmap_in_a_widget_draws_each_k_before_it_is_used_and_its_colour_scale_once():
    import ipywidgets as widgets
    from matplotlib.figure import Figure as plt_figure

    from crmlab.clustering import plot_segment_profiles, profile_colour_scale
    from crmlab.widgets import scenario

    table = blobs()
    models = {k: CustomerSegmentation(["age", "spend", "channel"], k, seed=0, n_init=1).fit(table) for k in (2, 3, 4)}

    def draw(axes, k):
        plot_segment_profiles(models[k], lang="en", ax=axes[0], colorbar=False)

    widget = scenario(draw, {"k": widgets.IntSlider(value=3, min=2, max=4)}, ncols=2, figsize=(6, 4),
                      gridspec_kw={"width_ratios": [30, 1]}, show=False,
                      background=lambda axes: profile_colour_scale(axes[1], 2.0, lang="zh"))
    live = widget.live_figure
    redraws = live.full_redraws
    for k in (2, 4, 3):
        widget.children[0].value = k
        assert [t.get_text() for t in live.ax.get_yticklabels()][0].startswith("1 (n=")   # rows with their sizes
        assert len(live.ax.get_yticklabels()) == k
    assert live.full_redraws == redraws and len(live.fig.axes) == 2
    assert live.axes[1].get_ylabel() == "与平均客户的差异"
    assert profile_colour_scale(plt_figure().add_subplot(), lang="en").get_ylabel() == "Difference to the\naverage customer"
    assert tuple(float(v) for v in live.axes[1].get_ylim()) == (-2.0, 2.0)

def test_variable_overview_describes_numbers_and_categories():
    from crmlab.clustering import variable_overview

    table = blobs()
    overview = variable_overview(table, ["age", "channel"])
    assert overview["variable_kind"].tolist() == ["number", "category"]
    assert overview["feature_columns"].tolist() == [1, 3]
    assert overview["mean"].iloc[0] == pytest.approx(table["age"].mean())
    assert overview["sd"].iloc[0] == pytest.approx(table["age"].std())
    assert overview["most_common"].iloc[1] == table["channel"].value_counts().index[0]
    assert overview[["mean", "sd"]].iloc[1].isna().all() and overview["most_common"].isna().iloc[0]
    shown = localize(overview, "en")
    assert shown["Kind"].tolist() == ["Number", "Category"] and shown["Feature columns"].tolist() == [1, 3]
    zh = localize(variable_overview(pd.DataFrame({"occupation": ["student", "student", "retired"]}), ["occupation"]), "zh")
    assert zh.columns.tolist() == ["变量", "类型", "特征列数", "均值", "标准差", "最常见类别"]
    assert zh.iloc[0][["变量", "类型", "特征列数", "最常见类别"]].tolist() == ["职业", "类别", 2, "学生"]


def test_membership_histogram_counts_every_customer_and_names_the_mixed():
    from crmlab.clustering import plot_membership

    probabilities = pd.DataFrame({1: [0.9, 0.5, 0.55, 0.2], 2: [0.1, 0.5, 0.45, 0.8]})
    use_theme("zh")
    ax = plot_membership(probabilities, threshold=0.6, lang="zh")
    assert sum(patch.get_height() for patch in ax.patches) == 4
    assert ax.get_title().startswith("软隶属：2 位客户")
    assert ax.lines[0].get_xdata()[0] == 0.6
    ax.figure.savefig(io.BytesIO(), format="png")
