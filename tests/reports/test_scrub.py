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


@pytest.mark.parametrize(
    "text, leaked, placeholder",
    [
        ("Postcode 1234AB12 graag", "1234AB", "[adres]"),
        ("postcode 1234ab 7", "1234ab", "[adres]"),
        ("Ik woon op Kerkplein 3", "Kerkplein", "[adres]"),
        ("Oude Gracht 12 in Utrecht", "Gracht 12", "[adres]"),
        ("Bij de Markt 5 om de hoek", "Markt 5", "[adres]"),
        ("Van Baerlestraat 12-2", "Baerlestraat", "[adres]"),
        ("Mijn adres: Lange Voorhout 5", "Voorhout", "[adres]"),
        ("BSN:123456782", "123456782", "[BSN]"),
        ("bsn nr 12345678 2 graag", "12345678", "[BSN]"),
        ("Mijn burgerservicenummer is 012345672.", "12345672", "[BSN]"),
        ("nummer 12345672 klopt niet", "12345672", "[BSN]"),  # 8 digits, leading 0 left off
        ("het is 123 456 782", "456", "[BSN]"),
        ("Stort op NL91ABNA0417164300 aub", "0417164300", "[rekeningnummer]"),
        ("IBAN NL91 ABNA 0417 1643 00 graag", "ABNA", "[rekeningnummer]"),
        ("iban nl91abna0417164300", "0417164300", "[rekeningnummer]"),
        ("Britse rekening GB82 WEST 1234 5698 7654 32", "WEST", "[rekeningnummer]"),
        ("jan [at] voorbeeld [dot] nl", "voorbeeld", "[e-mailadres]"),
        ("jan(at)voorbeeld.nl", "voorbeeld", "[e-mailadres]"),
        ("mail jan {at} voorbeeld punt nl", "voorbeeld", "[e-mailadres]"),
        ("jan @ voorbeeld.nl", "voorbeeld", "[e-mailadres]"),
    ],
)
def test_dutch_forms_are_removed(text, leaked, placeholder):
    cleaned = scrub(text)
    assert leaked not in cleaned
    assert placeholder in cleaned


@pytest.mark.parametrize(
    "text",
    [
        "Mijn ordernummer 123456789 is nooit aangekomen.",  # fails the 11-test
        "Zaak 12345678 loopt nog.",  # 8 digits, fails the 11-test
        "Rekening NL91ABNA0417164301 klopt niet",  # fails mod 97
        "Afspraak op 12-10-2026 om 10:30 bij de balie.",
        "Het kostte 123.456.782 euro volgens de krant.",
        "Bij de Markt was het druk, 3 keer gebeld.",
        "Ik heb 2 uur en 15 minuten gewacht.",
    ],
)
def test_numbers_that_are_not_personal_data_stay(text):
    assert scrub(text) == text


def test_checksums():
    from survey.domain.scrub import valid_bsn, valid_iban

    assert valid_bsn("123456782") and valid_bsn("12345672") and valid_bsn("1234.56.782")
    assert not valid_bsn("123456789") and not valid_bsn("000000000") and not valid_bsn("1234567")
    assert valid_iban("NL91ABNA0417164300") and valid_iban("nl91 abna 0417 1643 00")
    assert valid_iban("DE89370400440532013000")
    assert not valid_iban("NL91ABNA0417164301") and not valid_iban("NL91")


def test_english_placeholders_for_the_new_kinds():
    assert scrub("BSN 123456782, NL91ABNA0417164300", "en") == (
        "BSN [citizen service number], [bank account]"
    )
