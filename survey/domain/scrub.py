"""Removing contact details from free text before staff see it (pure)."""

from __future__ import annotations

import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# Dutch postcode (1234 AB), optionally followed by a house number (12, 12a, 12-3).
POSTCODE = re.compile(
    r"\b[1-9]\d{3}\s?[A-Za-z]{2}\b(?:\s*,?\s*\d{1,5}(?:\s?[-/]?\s?[A-Za-z0-9]{1,4})?\b)?"
)
# Phone numbers: +31 / 0031 / 0 followed by 9 digits, with spaces, dashes or dots between.
PHONE = re.compile(r"(?<![\w])(?:\+|00)?\d(?:[\s.\-()]*\d){8,13}(?![\w])")
# A street name followed by a house number ("Dorpsstraat 12a").
STREET = re.compile(
    r"\b[A-Z][a-zë]+(?:straat|laan|weg|plein|gracht|kade|singel|dijk|pad|hof|dreef)"
    r"\s+\d{1,5}[a-zA-Z]?\b"
)

PLACEHOLDERS = {
    "nl": {"email": "[e-mailadres]", "phone": "[telefoonnummer]", "address": "[adres]"},
    "en": {"email": "[e-mail address]", "phone": "[phone number]", "address": "[address]"},
}


def scrub(text: str, language: str = "nl") -> str:
    """The text with e-mail addresses, phone numbers and addresses replaced by placeholders."""
    words = PLACEHOLDERS.get(language, PLACEHOLDERS["nl"])
    text = EMAIL.sub(words["email"], text)
    text = POSTCODE.sub(words["address"], text)
    text = STREET.sub(words["address"], text)
    return PHONE.sub(words["phone"], text)
