"""Contact channels (how a citizen reached us) and survey modes (how the question reached them)."""

from survey.domain.errors import ValidationError

CONTACT_CHANNELS = (
    "counter",
    "phone",
    "email",
    "contact_form",
    "letter",
    "whatsapp",
    "website",
    "social",
)

SURVEY_MODES = ("kiosk", "popup", "inline", "sms", "email", "whatsapp", "qr", "link")

LANGUAGES = ("nl", "en")


def settled_inclusion_probability(claimed: float | None, configured: float | None) -> float:
    """The inclusion probability to store: what the server configured for the channel.

    A client may send the number it was given, which is only checked to match; `configured`
    None means a trusted caller (an import with an API key, the demo loader) whose own number
    stands, 1 when it sends none.
    """
    if configured is None:
        return 1.0 if claimed is None else claimed
    if claimed is not None and abs(claimed - configured) > 1e-9:
        raise ValidationError(
            "inclusion_probability_mismatch",
            f"'inclusion_probability' is set by the server for this channel ({configured:g}); "
            "leave it out or send that value.",
            "inclusion_probability",
        )
    return configured
