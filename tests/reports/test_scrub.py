import pytest

from survey.domain.scrub import scrub


@pytest.mark.parametrize(
    "text, leaked",
    [
        ("Bel mij op 06-12345678 graag", "12345678"),
        ("Mijn nummer: +31 6 1234 5678.", "5678"),
        ("Vast nummer 020-1234567", "1234567"),
        ("Mail naar j.jansen@example.nl graag", "jansen"),
        ("Ik woon op 1234 AB 5.", "1234"),
        ("Postcode 1234AB, 12a", "1234AB"),
        ("Adres Dorpsstraat 12a hier", "Dorpsstraat 12"),
    ],
)
def test_contact_details_are_removed(text, leaked):
    cleaned = scrub(text)
    assert leaked not in cleaned
    assert "[" in cleaned


def test_placeholders_name_what_was_removed():
    assert scrub("Mail a@b.nl of bel 0612345678") == "Mail [e-mailadres] of bel [telefoonnummer]"
    assert scrub("Mail a@b.nl", "en") == "Mail [e-mail address]"


def test_ordinary_text_and_small_numbers_stay():
    text = "Ik moest 3 keer bellen en 45 minuten wachten in 2026."
    assert scrub(text) == text
