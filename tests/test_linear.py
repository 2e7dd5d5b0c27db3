"""The linear-time check itself: it must tell a quadratic from a linear cost."""

from __future__ import annotations

import pytest
from linear import assert_linear


def _quadratic(k: int) -> int:
    # the quadratic part must dwarf the outer loop's own linear cost: with i // 64 the two
    # were close at k = 600 (a 4x growth cost ~11x), and a noisy pass read it under 8x
    return sum(1 for i in range(k) for _ in range(i // 4))


def test_a_quadratic_cost_fails_the_check() -> None:
    with pytest.raises(AssertionError, match="4x the input"):
        assert_linear(_quadratic, 600, attempts=2)


def test_a_linear_cost_passes_it() -> None:
    assert_linear(lambda k: sum(range(k * 200)), 600)
