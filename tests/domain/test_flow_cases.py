"""One show-if rule in two languages: the same cases through survey/domain/flow.py and, with
node, through static/js/flow.js (which the kiosk and the widget builds inline)."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from survey.domain import SurveyDefinition
from survey.domain.flow import SCALES, visible_questions

ROOT = Path(__file__).resolve().parents[2]
CASES = json.loads((Path(__file__).parent / "flow_cases.json").read_text())["cases"]
FLOW_JS = ROOT / "static" / "js" / "flow.js"

# Loads flow.js in a fresh context, as the builds do (inside a closure), and answers each case
# with the keys of the shown questions.
NODE_HARNESS = r"""
const fs = require("fs"), vm = require("vm");
const source = fs.readFileSync(process.argv[1], "utf8");
const flow = vm.runInNewContext("(function () {" + source +
  "\n return {nextShown: nextShown, SCALES: SCALES}; })()");
const cases = JSON.parse(fs.readFileSync(0, "utf8"));
const out = cases.map(function (c) {
  const shown = [];  // the kiosk's and the widget's walk: nextShown from the start
  for (let i = flow.nextShown(c.questions, c.answers, -1); i > -1;
       i = flow.nextShown(c.questions, c.answers, i)) shown.push(c.questions[i].key);
  return shown;
});
process.stdout.write(JSON.stringify({results: out, scales: flow.SCALES}));
"""


def python_visible(case: dict) -> list[str]:
    definition = SurveyDefinition.from_dict(case["definition"])
    return [q.key for q in visible_questions(definition, case["answers"])]


def node_visible(cases: list[dict]) -> dict:
    """Run the cases through flow.js with the questions as the server serves them."""
    node = shutil.which("node")
    assert node, "node is needed to test static/js/flow.js"
    served = [
        {
            "questions": SurveyDefinition.from_dict(c["definition"]).to_dict()["questions"],
            "answers": c["answers"],
        }
        for c in cases
    ]
    done = subprocess.run(
        [node, "-e", NODE_HARNESS, str(FLOW_JS)],
        input=json.dumps(served),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(done.stdout)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_python_flow_meets_the_cases(case):
    assert python_visible(case) == case["visible"]


def test_browser_flow_meets_the_same_cases():
    found = node_visible(CASES)
    for case, result in zip(CASES, found["results"], strict=True):
        assert result == case["visible"], case["name"]


def test_browser_scales_are_the_python_scales():
    found = node_visible(CASES[:1])
    assert {k: tuple(v) for k, v in found["scales"].items()} == SCALES


def random_case(rng: random.Random) -> dict:
    """A survey with conditions on earlier questions and answers of every shape, some odd."""
    questions: list[dict] = []
    values = [0, 1, 5, 6, 7, 10, 6.5, "up", "down", "yes", "no", "na", "a", "b", "", None, True]
    for i in range(rng.randint(1, 7)):
        question = {"key": f"q{i}", "kind": "text", "text": f"Vraag {i}"}
        if questions and rng.random() < 0.7:
            op = rng.choice(["equals", "in", "lte", "gte", "lt", "gt"])
            scalars = [v for v in values if isinstance(v, str | int) and not isinstance(v, bool)]
            if op == "in":
                target = rng.sample(scalars, rng.randint(1, 3))
            elif op == "equals":
                target = rng.choice(scalars)
            else:
                target = rng.choice([0, 1, 5, 6, 7, 10, 6.5])
            question["show_if"] = {"question": rng.choice(questions)["key"], op: target}
        questions.append(question)
    answers = {}
    for question in questions:
        roll = rng.random()
        if roll < 0.6:
            answers[question["key"]] = rng.choice(values)
        elif roll < 0.75:
            answers[question["key"]] = rng.sample(["a", "b", "up", 6, 7], rng.randint(0, 3))
    return {
        "definition": {"questions": questions, "satisfied": {"values": ["x"]}},
        "answers": answers,
    }


def test_python_and_browser_agree_on_random_surveys():
    rng = random.Random(9)
    cases = [random_case(rng) for _ in range(400)]
    found = node_visible(cases)
    disagreements = [
        (case, result)
        for case, result in zip(cases, found["results"], strict=True)
        if result != python_visible(case)
    ]
    assert disagreements == []
    assert sum(len(python_visible(c)) < len(c["definition"]["questions"]) for c in cases) > 100
