"""SMS length as operators count it: GSM-7 characters or UCS-2, and how many segments.

A text made only of GSM 03.38 characters is sent in the 7-bit alphabet: 160 characters in one
message, 153 per segment when it has to be split (the rest of each segment holds the header that
joins them). Characters of the extension table (``^{}\\[~]|€`` and the form feed) take two places.
Any other character (``ë``, ``ï``, an emoji, a curly quote) switches the whole message to UCS-2:
70 characters in one, 67 per segment, counted in UTF-16 units (an emoji takes two).
"""

from __future__ import annotations

from dataclasses import dataclass

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

SINGLE = {"gsm7": 160, "ucs2": 70}
PER_SEGMENT = {"gsm7": 153, "ucs2": 67}


@dataclass(frozen=True)
class SmsLength:
    encoding: str  # "gsm7" or "ucs2"
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int

    @property
    def single_limit(self) -> int:
        return SINGLE[self.encoding]


def is_gsm7(text: str) -> bool:
    return all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text)


def sms_length(text: str) -> SmsLength:
    """Encoding, length in units and number of segments of one SMS text."""
    if is_gsm7(text):
        encoding = "gsm7"
        units = sum(2 if c in GSM7_EXTENSION else 1 for c in text)
    else:
        encoding = "ucs2"
        units = len(text.encode("utf-16-le")) // 2
    if units <= SINGLE[encoding]:
        segments = 1 if units else 0
    else:
        segments = -(-units // PER_SEGMENT[encoding])
    return SmsLength(encoding=encoding, units=units, segments=segments)


def non_gsm7(text: str) -> str:
    """The characters that force UCS-2, each once, in order (to name them in a message)."""
    seen: list[str] = []
    for c in text:
        if c not in GSM7_BASIC and c not in GSM7_EXTENSION and c not in seen:
            seen.append(c)
    return "".join(seen)
