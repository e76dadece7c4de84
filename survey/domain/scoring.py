"""Per-answer classifications used by reports: NPS class and the satisfied test."""


def nps_class(score: int) -> str:
    """Promoter 9-10, passive 7-8, detractor 0-6."""
    if score >= 9:
        return "promoter"
    if score >= 7:
        return "passive"
    return "detractor"
