"""The PDF's "closing the loop" section: complaint referrals, callback requests within the
norm and their times to first contact, and the closed cases' outcomes (words and rows from
survey/reports/follow_up.py)."""

from __future__ import annotations

from reportlab.lib.units import mm

from survey.reports import follow_up
from survey.reports.pdf_layout import p as _p
from survey.reports.pdf_layout import table as _table


def follow_up_tables(data, s, lang) -> list:
    section = data.follow_up
    out = [_p(follow_up.word("title", lang), s["h2"])]
    out += [_p(follow_up.word("referrals", lang), s["h3"])]
    if section.referrals:
        out += [
            _p(follow_up.word("referrals_intro", lang), s["small"]),
            _table(
                [follow_up.referral_headers(lang), *follow_up.referral_rows(data, lang)],
                [70 * mm, 30 * mm, 40 * mm, 25 * mm],
            ),
        ]
    else:
        out.append(_p(follow_up.word("no_referrals", lang), s["body"]))
    out += [_p(follow_up.word("callbacks", lang), s["h3"])]
    if not section.callbacks:
        return out + [_p(follow_up.period_word("none", data), s["body"])]
    out += [
        _p(follow_up.period_word("callbacks_intro", data, days=section.norm_days or "?"),
           s["small"]),
        _table(
            [follow_up.callback_headers(lang), *follow_up.callback_rows(data, lang)],
            [30 * mm, 15 * mm, 14 * mm, 17 * mm, 15 * mm, 15 * mm, 18 * mm, 19 * mm, 19 * mm,
             14 * mm],
            size=7,
        ),  # fmt: skip
        _p(follow_up.word("outcomes", lang), s["h3"]),
        _table(
            [follow_up.outcome_headers(lang), *follow_up.outcome_rows(data, lang)],
            [30 * mm, 16 * mm] + [18 * mm] * 7,
            size=7,
        ),
    ]
    return out
