"""Customer segmentation (客户细分): one import for lectures 05 and 06.

The tools live in modules named after their concepts and are all re-exported here:

* :mod:`crmlab.value_matrix` — the 9-cell purchase volume × satisfaction matrix,
  classes A–E and their strategies;
* :mod:`crmlab.abc_classes` — ABC classes by contribution to sales, Pareto chart
  (the concentration measures themselves are in :mod:`crmlab.concentration`);
* :mod:`crmlab.clustering` — k-means and Gaussian-mixture segments from customer
  variables, choosing k, profiles, mixed membership;
* :mod:`crmlab.targeting` — current / winnable / not-now groups and the choice of
  a unified, differentiated or focused market strategy;
* :mod:`crmlab.migration` — **segment migration** (客户在细分群体间迁移): customers
  change segment from one period to the next.

Every public name of those five modules is here under the same name (a test checks that the list
is complete and that no name means two things); new code may import from the concept modules.

Examples
--------
>>> before = pd.Series({"c1": "A", "c2": "A", "c3": "B"})
>>> after = pd.Series({"c1": "A", "c2": "B", "c4": "B"})
>>> table = segment_migration(before, after)
>>> table.index.tolist(), table.columns.tolist()
(['A', 'B', 'new'], ['A', 'B', 'gone'])
>>> table.to_numpy().tolist()
[[1, 1, 0], [0, 0, 1], [0, 1, 0]]
"""
from __future__ import annotations

import pandas as pd  # noqa: F401  (the examples use it)

from .abc_classes import ABC_CLASSES, ABC_SERVICES, abc_classes, abc_summary, plot_pareto
from .clustering import (
    METHODS,
    CustomerSegmentation,
    TrialSegmentations,
    choose_n_segments,
    customer_features,
    feature_label,
    mixed_membership,
    plot_n_segments,
    plot_membership,
    plot_segment_profiles,
    profile_colour_scale,
    segment_profiles,
    variable_overview,
)
from .migration import PERIOD_BEHAVIOUR, PeriodSegments, plot_migration, segment_migration, two_period_segments
from .targeting import (
    MARKET_CONDITIONS,
    MARKET_STRATEGIES,
    TARGET_GROUPS,
    MarketStrategyChoice,
    choose_market_strategy,
    lookalike_groups,
    market_strategy_rules,
    target_groups,
)
from .value_matrix import (
    DEFAULT_CLASS_MAP,
    LEVELS,
    MATRIX_CLASSES,
    SATISFACTION_STRATEGIES,
    SOURCE_CLASS_CELLS,
    VOLUME_STRATEGIES,
    ValueSatisfactionMatrix,
    class_profile,
    describe_class_counts,
    describe_loyalty_gaps,
    describe_top_motives,
    free_riders,
    level_thresholds,
    matrix_colour_scale,
    matrix_class_table,
    matrix_customer_table,
    plot_churn_by_class,
    value_satisfaction_cells,
)

__all__ = [
    # value x satisfaction matrix
    "LEVELS", "MATRIX_CLASSES", "DEFAULT_CLASS_MAP", "VOLUME_STRATEGIES", "SATISFACTION_STRATEGIES",
    "ValueSatisfactionMatrix", "value_satisfaction_cells", "matrix_class_table", "matrix_customer_table",
    "level_thresholds", "class_profile", "matrix_colour_scale", "SOURCE_CLASS_CELLS", "free_riders",
    "describe_class_counts", "describe_loyalty_gaps", "describe_top_motives", "plot_churn_by_class",
    # ABC
    "ABC_CLASSES", "ABC_SERVICES", "abc_classes", "abc_summary", "plot_pareto",
    # clustering
    "METHODS", "customer_features", "CustomerSegmentation", "TrialSegmentations", "choose_n_segments", "plot_n_segments",
    "segment_profiles", "mixed_membership", "feature_label", "plot_segment_profiles", "profile_colour_scale",
    "variable_overview", "plot_membership",
    # targeting
    "TARGET_GROUPS", "MARKET_STRATEGIES", "MARKET_CONDITIONS", "target_groups", "MarketStrategyChoice",
    "choose_market_strategy", "market_strategy_rules", "lookalike_groups",
    # migration
    "segment_migration", "plot_migration", "PERIOD_BEHAVIOUR", "PeriodSegments", "two_period_segments",
]
