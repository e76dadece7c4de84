"""Edits of a survey definition (a dict as stored), each returning a new dict.

The survey editor applies one of these to the survey's draft, checks the result
(survey/domain/checks.py) and stores it only when nothing is wrong, so a refused edit changes
nothing. A renamed question key is renamed in the conditions that refer to it and in the
headline too.
"""

from __future__ import annotations

import copy

from survey.domain.definition import DEFAULT_SATISFIED


def _copy(definition: dict) -> dict:
    return copy.deepcopy(definition)


def index_of(definition: dict, key: str) -> int | None:
    for i, question in enumerate(definition.get("questions") or []):
        if question.get("key") == key:
            return i
    return None


def put_question(definition: dict, key: str | None, question: dict) -> dict:
    """Replace question `key` (None: add at the end) with `question`."""
    new = _copy(definition)
    questions = new.setdefault("questions", [])
    if key is None:
        questions.append(copy.deepcopy(question))
        return new
    i = index_of(new, key)
    if i is None:
        raise KeyError(key)
    questions[i] = copy.deepcopy(question)
    renamed = question.get("key")
    if renamed != key:
        for other in questions:
            cond = other.get("show_if")
            if isinstance(cond, dict) and cond.get("question") == key:
                cond["question"] = renamed
        if new.get("headline") == key:
            new["headline"] = renamed
    return new


def move_question(definition: dict, key: str, step: int) -> dict:
    """Move a question one place up (-1) or down (+1); at an end it stays."""
    new = _copy(definition)
    questions = new["questions"]
    i = index_of(new, key)
    if i is None:
        raise KeyError(key)
    j = i + step
    if 0 <= j < len(questions):
        questions[i], questions[j] = questions[j], questions[i]
    return new


def remove_question(definition: dict, key: str) -> dict:
    new = _copy(definition)
    i = index_of(new, key)
    if i is None:
        raise KeyError(key)
    del new["questions"][i]
    return new


def set_overview(definition: dict, title: dict, headline: str, satisfied: dict | None) -> dict:
    """Title, headline question and satisfied rule (None: the default for its kind)."""
    new = _copy(definition)
    new["title"] = {lang: text for lang, text in title.items() if text}
    new["headline"] = headline
    if satisfied is None:
        i = index_of(new, headline)
        kind = new["questions"][i]["kind"] if i is not None else None
        satisfied = DEFAULT_SATISFIED.get(kind)
    if satisfied is None:
        new.pop("satisfied", None)
    else:
        new["satisfied"] = satisfied
    return new


def new_key(definition: dict, base: str = "vraag") -> str:
    """A question key not yet used: vraag_1, vraag_2 ..."""
    used = {q.get("key") for q in definition.get("questions") or []}
    n = 1
    while f"{base}_{n}" in used:
        n += 1
    return f"{base}_{n}"
