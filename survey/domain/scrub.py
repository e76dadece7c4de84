"""Removing contact details and identifying numbers from free text before staff see it (pure).

Covers the Dutch forms citizens write: e-mail addresses (also "jan [at] voorbeeld [dot] nl"),
IBANs, BSNs (with or without a prefix, 8 or 9 digits), postcodes (also glued to the house
number), street names with a house number and phone numbers.

BSN and IBAN candidates are checked by their checksums (the 11-test and ISO 7064 mod 97)
so an order or case number that merely has nine digits stays. The checks are written here
by hand because survey/domain imports only the standard library (tests/test_architecture.py);
python-stdnum implements the same checks (stdnum.nl.bsn, stdnum.iban) and agrees with these.
"""

from __future__ import annotations

import re

EMAIL = re.compile(r"[\w.+-]+\s?@\s?[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# "jan [at] voorbeeld [dot] nl", "jan(at)voorbeeld.nl", "jan {at} voorbeeld punt nl".
_AT = r"\s*[\[({<]\s*(?:at|apenstaart(?:je)?)\s*[\])}>]\s*"
_DOT = r"(?:\s*[\[({<]\s*(?:dot|punt)\s*[\])}>]\s*|\.|\s+(?:dot|punt)\s+)"
OBFUSCATED_EMAIL = re.compile(rf"[\w.+-]+{_AT}[\w-]+(?:{_DOT}[\w-]+)+", re.IGNORECASE)
# IBAN: two letters, two check digits, 11-30 letters/digits, compact or in groups of four.
IBAN = re.compile(
    r"\b[A-Z]{2}\d{2}(?:[A-Z0-9]{11,30}|(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?)\b",
    re.IGNORECASE,
)
# A BSN after its name: "BSN 123456782", "BSN:123456782", "bsn nr 12345678 2", "sofinummer".
BSN_NAMED = re.compile(
    r"\b(?:bsn|burgerservicenummer|sofi(?:nummer)?)\b\s*"
    r"(?:(?:nr|nummer|no)\b\.?\s*)?(?:is\s+)?[:#.]?\s*(\d(?:[\s.-]?\d){7,8})(?!\d)",
    re.IGNORECASE,
)
# A bare 8- or 9-digit number (also written 123 456 782): a BSN only when it passes the
# 11-test. Dotted groups are left alone: "123.456.782" is far more often an amount.
BSN_BARE = re.compile(r"(?<![\w.,-])(?:\d{8,9}|\d{3,4} \d{2,3} \d{2,4})(?![\w]|[.,-]\d)")
# Dutch postcode (1234 AB, 1234AB, 1234ab), optionally followed by a house number (12, 12a,
# 12-3), also glued to it (1234AB12). Lower-case letters only when glued to the digits, so
# "2026 om 10 uur" stays.
POSTCODE = re.compile(
    r"\b[1-9]\d{3}(?:\s?[A-Z]{2}|[a-z]{2})(?![A-Za-z])"
    r"(?:\s*,?\s*\d{1,5}(?:\s?[-/]?\s?[A-Za-z0-9]{1,4})?\b)?"
)
# Words that make a street name, alone ("Markt 5", "Oude Gracht 12") or as the end of one
# ("Dorpsstraat 12a", "Kerkplein 3"), with up to three words before them ("Van Baerlestraat").
_STREET_WORDS = (
    "straat|laan|weg|plein|gracht|kade|singel|dijk|pad|hof|dreef|markt|steeg|park|"
    "plantsoen|baan|wal|haven|kanaal|erf|hoven|burgwal|boulevard|allee|brink"
)
_HOUSE_NUMBER = r"\d{1,5}(?:\s?[-/]?\s?(?:[a-zA-Z]|\d{1,4}|bis|hs|huis)\b|[a-zA-Z]?\b)"
_STREET_ALONE = "|".join(w.capitalize() for w in _STREET_WORDS.split("|"))
STREET = re.compile(
    r"\b(?:(?:[A-Z][\w'ë-]*|van|de|der|den|het|'t|ter|ten)\s+){0,3}"
    rf"(?:[A-Z][a-zë'-]*(?:{_STREET_WORDS})|(?:{_STREET_ALONE}))\s+{_HOUSE_NUMBER}"
)
# Any capitalised name with a house number after a word that says an address follows
# ("ik woon op Voorhout 5", "adres: Lange Voorhout 5").
ADDRESS_CUE = re.compile(
    r"(?i:\b(?:woon\w*|adres|wonende|verhuisd\s+naar|gevestigd)\b\s*(?:is\s+)?[:]?\s*"
    r"(?:op|aan|in|naar)?\s*)"
    r"((?:(?:[A-Z][\w'ë-]*|van|de|der|den|het|ter|ten)\s+){1,4}"
    rf"{_HOUSE_NUMBER})"
)
# Phone numbers: Dutch 0 + 9 digits, +31 / 0031 + 9 digits (an optional "(0)"), or any
# international +number; spaces, dashes, dots or brackets between the digits.
_SEP = r"[\s.\-()]*"
PHONE = re.compile(
    rf"(?<![\w+])(?:(?:\+|00)31{_SEP}(?:\(0\){_SEP})?[1-9](?:{_SEP}\d){{8}}"
    rf"|0{_SEP}[1-9](?:{_SEP}\d){{8}}"
    rf"|\+[1-9](?:{_SEP}\d){{7,14}})(?![\w])"
)

PLACEHOLDERS = {
    "nl": {
        "email": "[e-mailadres]",
        "phone": "[telefoonnummer]",
        "address": "[adres]",
        "bsn": "[BSN]",
        "iban": "[rekeningnummer]",
    },
    "en": {
        "email": "[e-mail address]",
        "phone": "[phone number]",
        "address": "[address]",
        "bsn": "[citizen service number]",
        "iban": "[bank account]",
    },
}


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def valid_bsn(number: str) -> bool:
    """The 11-test of a BSN (8 digits: a leading zero left off): sum of the digits times
    9, 8, ..., 2 and the last digit times -1 is a multiple of 11 (and not zero)."""
    digits = _digits(number)
    if len(digits) == 8:
        digits = "0" + digits
    if len(digits) != 9 or not digits.isascii() or int(digits) == 0:
        return False
    total = sum(int(d) * w for d, w in zip(digits, range(9, 1, -1), strict=False))
    return (total - int(digits[8])) % 11 == 0


def valid_iban(text: str) -> bool:
    """ISO 13616 / ISO 7064 mod 97-10: the first four characters moved to the end, letters
    as 10..35, the number modulo 97 is 1."""
    compact = re.sub(r"\s", "", text).upper()
    if not 15 <= len(compact) <= 34 or not compact.isascii() or not compact.isalnum():
        return False
    if not (compact[:2].isalpha() and compact[2:4].isdigit()):
        return False
    moved = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


def scrub(text: str, language: str = "nl") -> str:
    """The text with e-mail addresses, bank accounts, BSNs, addresses and phone numbers
    replaced by placeholders."""
    words = PLACEHOLDERS.get(language, PLACEHOLDERS["nl"])
    text = EMAIL.sub(words["email"], text)
    text = OBFUSCATED_EMAIL.sub(words["email"], text)
    text = IBAN.sub(lambda m: words["iban"] if valid_iban(m.group()) else m.group(), text)
    text = BSN_NAMED.sub(lambda m: m.group()[: m.start(1) - m.start()] + words["bsn"], text)
    text = BSN_BARE.sub(lambda m: words["bsn"] if valid_bsn(m.group()) else m.group(), text)
    text = POSTCODE.sub(words["address"], text)
    text = STREET.sub(words["address"], text)
    text = ADDRESS_CUE.sub(lambda m: m.group()[: m.start(1) - m.start()] + words["address"], text)
    return PHONE.sub(words["phone"], text)
