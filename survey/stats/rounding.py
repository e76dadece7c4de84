"""Display rounding as the sources use it: halves away from zero (37/40 -> 93%)."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal


def _decimal(x) -> Decimal:
    # repr() gives the shortest decimal that round-trips, so 0.925 is read as 0.925 and
    # not as its binary neighbour 0.92499999999999993338661852249060757458209991455078125.
    return Decimal(repr(float(x)))


def round_half_up(x, digits: int = 0):
    """Round halves away from zero: 92.5 -> 93, 0.125 -> 0.13 (2 digits), -2.5 -> -3.

    Returns an ``int`` for ``digits == 0``, else a ``float``; NaN and infinities pass
    through unchanged.
    """
    value = float(x)
    if not math.isfinite(value):
        return value
    rounded = _decimal(value).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return int(rounded) if digits == 0 else float(rounded)


def round_percent(share, digits: int = 0):
    """A share 0..1 as a percentage rounded half-up: ``round_percent(37 / 40) == 93``."""
    value = float(share)
    if not math.isfinite(value):
        return value
    rounded = (_decimal(value) * 100).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return int(rounded) if digits == 0 else float(rounded)
