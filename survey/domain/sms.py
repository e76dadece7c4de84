"""SMS text length: which alphabet a text needs and how many segments it costs.

Pure standard library. The GSM 03.38 default alphabet (7-bit) fits 160 characters in one
segment, 153 per segment when a text is split (the rest is the concatenation header); its
extension table (`{ } [ ] ~ \\ | ^ €` and the form feed) costs two septets each, and an
escape pair is never split over two segments. Any other character makes the whole text UCS-2:
70 UTF-16 code units in one segment, 67 per part, a surrogate pair never split.
"""

from __future__ import annotations

from dataclasses import dataclass

GSM7_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = "\f^{}\\[~]|€"

_BASIC = frozenset(GSM7_BASIC) - {"\x1b"}
_EXTENSION = frozenset(GSM7_EXTENSION)

SINGLE = {"gsm7": 160, "ucs2": 70}
PART = {"gsm7": 153, "ucs2": 67}


@dataclass(frozen=True)
class SmsLength:
    encoding: str  # "gsm7" or "ucs2"
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int
    per_segment: int  # the units one segment holds for this text (160/153, 70/67)

    @property
    def single_limit(self) -> int:
        """The units one unsplit message holds in this text's encoding (160 or 70)."""
        return SINGLE[self.encoding]


def is_gsm7(text: str) -> bool:
    return all(c in _BASIC or c in _EXTENSION for c in text)


def _units(text: str, encoding: str) -> list[int]:
    """The cost of each character in units of its encoding (1 or 2)."""
    if encoding == "gsm7":
        return [2 if c in _EXTENSION else 1 for c in text]
    return [2 if ord(c) > 0xFFFF else 1 for c in text]


def sms_length(text: str) -> SmsLength:
    """Encoding, units and segments of an SMS text (an empty text is one segment)."""
    encoding = "gsm7" if is_gsm7(text) else "ucs2"
    costs = _units(text, encoding)
    total = sum(costs)
    if total <= SINGLE[encoding]:
        return SmsLength(encoding, total, 1, SINGLE[encoding])
    capacity, segments, used = PART[encoding], 1, 0
    for cost in costs:  # a two-unit character that does not fit starts the next segment
        if used + cost > capacity:
            segments, used = segments + 1, 0
        used += cost
    return SmsLength(encoding, total, segments, capacity)


def segments(text: str) -> int:
    return sms_length(text).segments


def non_gsm7(text: str) -> str:
    """The characters that force UCS-2, each once, in order (to name them in a message)."""
    seen: list[str] = []
    for c in text:
        if c not in _BASIC and c not in _EXTENSION and c not in seen:
            seen.append(c)
    return "".join(seen)
