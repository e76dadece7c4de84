"""SMS segment counting: GSM-7 with its extension table, UCS-2, multipart boundaries."""

from survey.domain.sms import is_gsm7, non_gsm7, segments, sms_length


def test_gsm7_single_and_multipart_boundaries():
    assert sms_length("a" * 160) == sms_length("a" * 160)
    assert (sms_length("a" * 160).encoding, segments("a" * 160)) == ("gsm7", 1)
    assert segments("a" * 161) == 2
    assert segments("a" * 306) == 2 and segments("a" * 307) == 3
    assert segments("") == 1


def test_extension_characters_cost_two_and_are_never_split():
    assert sms_length("€" * 80).units == 160 and segments("€" * 80) == 1
    assert segments("€" * 80 + "a") == 2
    # 152 septets then an escape pair: the pair does not fit the first part's last septet
    assert sms_length("a" * 152 + "{" + "a" * 152).segments == 3
    assert sms_length("a" * 151 + "{" + "a" * 153).segments == 2


def test_dutch_letters_and_ucs2():
    assert is_gsm7("Gemeente Zeist: één vraag")  # é is GSM-7
    assert is_gsm7("Afdeling financiën") is False  # ë is not
    assert is_gsm7("Gemeente Zeist: uw mening?")
    assert sms_length("ĳ" * 70) == sms_length("ĳ" * 70)
    assert (sms_length("ĳ" * 70).encoding, segments("ĳ" * 70)) == ("ucs2", 1)
    assert segments("ĳ" * 71) == 2 and segments("ĳ" * 134) == 2 and segments("ĳ" * 135) == 3
    assert sms_length("😀" * 35).units == 70 and segments("😀" * 35) == 1
    assert segments("😀" * 36) == 2

def test_gsm7_single_and_concatenated_units():
    assert sms_length("a" * 160) == sms_length("a" * 160)
    one = sms_length("a" * 160)
    assert (one.encoding, one.units, one.segments) == ("gsm7", 160, 1)
    two = sms_length("a" * 161)
    assert (two.units, two.segments) == (161, 2)
    assert sms_length("a" * 306).segments == 2
    assert sms_length("a" * 307).segments == 3
    assert sms_length("").segments == 1  # an empty text still costs one message


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
