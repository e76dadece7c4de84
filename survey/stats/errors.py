"""Exceptions raised by the statistics layer."""


class WeightingError(ValueError):
    """Input to a weighting function is inconsistent or cannot be satisfied."""


class MarginError(WeightingError):
    """A margin (population totals of one column) is invalid for the data.

    ``margin`` and ``category`` name the margin and the category at fault, where known.
    """

    def __init__(self, message: str, margin: str | None = None, category: object = None):
        super().__init__(message)
        self.margin = margin
        self.category = category


class ConvergenceError(WeightingError):
    """Raking or trimming did not reach the requested precision."""


class InfeasibleBoundsError(WeightingError):
    """No set of weights within the bounds reproduces all margins."""
