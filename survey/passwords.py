"""The staff password rule: a minimum and maximum length, and none of the most common passwords.

The common passwords are the 30,000 most frequent ones of the zxcvbn package (Dropbox's
strength estimator, `zxcvbn.frequency_lists`), which includes Dutch favourites such as
"wachtwoord" and "welkom"; a few more Dutch ones and the product's own name are added here.
The check ignores case and spaces at the ends, and also refuses the user's own e-mail address.
"""

from __future__ import annotations

from functools import cache

from survey.errors import Invalid

MIN_LENGTH = 10
MAX_LENGTH = 200  # argon2 hashes anything, but there is no reason to accept a book

EXTRA_COMMON = {
    "wachtwoord123", "welkom12345", "welkom01!", "gemeente123", "gemeente2026",
    "kto-wachtwoord", "klanttevredenheid", "wachtwoord!", "zomer2026!", "winter2026!",
}


@cache
def common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"]) | EXTRA_COMMON


def check(password: str | None, email: str | None = None, field: str = "password") -> str:
    """The password when it may be used, else Invalid with a clear reason."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        raise Invalid(
            "password_too_short",
            f"The password needs at least {MIN_LENGTH} characters.",
            field,
        )
    if len(password) > MAX_LENGTH:
        raise Invalid(
            "password_too_long",
            f"The password may have at most {MAX_LENGTH} characters.",
            field,
        )
    folded = password.strip().lower()
    if folded in common_passwords() or (email and folded == email.strip().lower()):
        raise Invalid(
            "password_common",
            "This password is one of the most used passwords; choose another.",
            field,
        )
    return password
