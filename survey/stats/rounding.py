"""Display rounding as the sources use it: halves away from zero (37/40 -> 93%).

Computed figures carry floating-point noise: with equal weights of 0.3, 37 of 40 comes
out as 0.9249999999999999 and 30 responses as an n_eff of 29.999999999999982. Every
rounding therefore first *snaps* the value to ``SNAP_DIGITS`` decimals (far below any
digit a report prints, far above the noise of a sum of a million weights), and every
threshold is compared with ``TOLERANCE`` (``at_least``, ``below``), so noise never
crosses a documented boundary.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

SNAP_DIGITS = 9
TOLERANCE = 1e-9


def snap(x) -> Decimal:
    """The value as a Decimal with ``SNAP_DIGITS`` decimals: 0.9249999999999999 -> 0.925.

    repr() gives the shortest decimal that round-trips (0.925 is read as 0.925, not as its
    binary neighbour); quantizing then removes the noise of the computation itself.
    """
    return Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-SNAP_DIGITS), ROUND_HALF_EVEN)


def round_half_up(x, digits: int = 0):
    """Round halves away from zero: 92.5 -> 93, 0.125 -> 0.13 (2 digits), -2.5 -> -3.

    Returns an ``int`` for ``digits == 0``, else a ``float``; NaN and infinities pass
    through unchanged.
    """
    value = float(x)
    if not math.isfinite(value):
        return value
    rounded = snap(value).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return int(rounded) if digits == 0 else float(rounded)


def round_percent(share, digits: int = 0):
    """A share 0..1 as a percentage rounded half-up: ``round_percent(37 / 40) == 93``.

    The one rounding of shares for every renderer (PDF, charts, tables, XLSX, pages).
    """
    value = float(share)
    if not math.isfinite(value):
        return value
    rounded = (snap(value) * 100).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return int(rounded) if digits == 0 else float(rounded)


def at_least(value, bound) -> bool:
    """``value >= bound`` up to ``TOLERANCE`` (29.999999999999982 is at least 30)."""
    return float(value) >= float(bound) - TOLERANCE


def below(value, bound) -> bool:
    """``value < bound`` beyond ``TOLERANCE``: the negation of ``at_least``."""
    return not at_least(value, bound)


def above(value, bound) -> bool:
    """``value > bound`` beyond ``TOLERANCE`` (0.1000000000001 is not above 0.1)."""
    return float(value) > float(bound) + TOLERANCE
