"""Contact channels (how a citizen reached us) and survey modes (how the question reached them)."""

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
