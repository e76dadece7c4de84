"""SMS length by GSM-7 and UCS-2 rules."""

from survey.domain.sms import non_gsm7, sms_length


def test_gsm7_single_and_concatenated():
    assert sms_length("a" * 160) == sms_length("a" * 160)
    one = sms_length("a" * 160)
    assert (one.encoding, one.units, one.segments) == ("gsm7", 160, 1)
    two = sms_length("a" * 161)
    assert (two.units, two.segments) == (161, 2)
    assert sms_length("a" * 306).segments == 2
    assert sms_length("a" * 307).segments == 3
    assert sms_length("").segments == 0


def test_extension_characters_take_two_places():
    length = sms_length("€" * 80)
    assert (length.encoding, length.units, length.segments) == ("gsm7", 160, 1)
    assert sms_length("€" * 80 + "a").segments == 2
    assert sms_length("[]{}").units == 8


def test_dutch_accents_in_gsm7_and_out():
    # é, ü, ä, ö are in the GSM-7 alphabet; ë and ï are not and switch to UCS-2.
    assert sms_length("Bent u in één keer geholpen?").encoding == "gsm7"
    ucs2 = sms_length("Hoe was uw reünie? Ideeën")
    assert ucs2.encoding == "ucs2"
    assert non_gsm7("Ideeën voor geïnteresseerden, ë") == "ëï"
    assert sms_length("ë" * 70).segments == 1
    assert sms_length("ë" * 71).segments == 2
    assert sms_length("ë" * 134).segments == 2
    assert sms_length("ë" * 135).segments == 3


def test_emoji_counts_two_utf16_units():
    length = sms_length("👍" * 35)
    assert (length.encoding, length.units, length.segments) == ("ucs2", 70, 1)
    assert sms_length("👍" * 36).segments == 2
