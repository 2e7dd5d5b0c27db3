"""The statistics drift, canary, the gate and the eval aggregates share: one copy of each.

- `proportions`: the pooled two-proportion z-test, one- or two-sided, over arrays of counts;
- `ranks`: average ranks of ties, and the rank tests built on them (Mann–Whitney U,
  Wilcoxon signed-rank, Spearman's rho);
- `bootstrap`: resampled means and medians;
- `multiple`: Benjamini–Hochberg and Holm adjusted p-values.

Seeding: every resampling function takes `seed: int` and draws from
`numpy.random.default_rng(seed)`, its only randomness; each caller keeps its own named seed
constant, so the same rows always give the same interval. numpy and scipy.special are
imported inside the functions (importing this package costs nothing).
"""

from __future__ import annotations

from llmops_cli.stats.bootstrap import median_difference_draws, resampled_means, resampled_medians
from llmops_cli.stats.multiple import adjust, benjamini_hochberg, holm
from llmops_cli.stats.proportions import normal_p, two_proportion_p, two_proportion_z
from llmops_cli.stats.ranks import (
    average_ranks,
    mann_whitney_greater,
    spearman,
    wilcoxon_signed_rank,
)

__all__ = [
    "adjust",
    "average_ranks",
    "benjamini_hochberg",
    "holm",
    "mann_whitney_greater",
    "median_difference_draws",
    "normal_p",
    "resampled_means",
    "resampled_medians",
    "spearman",
    "two_proportion_p",
    "two_proportion_z",
    "wilcoxon_signed_rank",
]
