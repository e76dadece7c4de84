"""`flask kto qr`: the poster and codes decode to the survey's plain link, which works."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import count_rows

ZBARIMG = shutil.which("zbarimg")
needs_tools = pytest.mark.skipif(
    not (ZBARIMG and shutil.which("pdftoppm") and shutil.which("pdftotext")),
    reason="zbar-tools and poppler-utils (scripts/system-deps.sh)",
)


def _decode(path: Path) -> list[str]:
    out = subprocess.run(
        [ZBARIMG, "--quiet", "--raw", str(path)], capture_output=True, text=True, check=True
    )
    return out.stdout.split()


@needs_tools
def test_qr_command_writes_poster_png_and_svg(app, runner, demo_org, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://kto.voorbeeld.nl/")
    result = runner.invoke(
        args=["kto", "qr", "--org", "demo", "--survey", "balie", "--location", "stadhuis",
              "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    link = "https://kto.voorbeeld.nl/s/q/demo/balie/stadhuis"
    assert result.output.splitlines()[0] == link
    stem = tmp_path / "demo-balie-stadhuis-qr"
    assert _decode(stem.with_suffix(".png")) == [link]
    svg = stem.with_suffix(".svg").read_text()
    assert svg.startswith("<?xml") and "<path" in svg
    # The poster: one A4 page, the texts in both languages, and a code that scans.
    pdf = stem.with_suffix(".pdf")
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for words in (
        "Gemeente Voorbeeld",
        "Hoe was uw bezoek?",
        "Scan de code en beantwoord een korte vraag.",
        "How was your visit?",
        "Scan the code and answer a short question.",
        link,
    ):
        assert words in text
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M)
    assert "595.276 x 841.89 pts (A4)" in info
    subprocess.run(
        ["pdftoppm", "-r", "100", "-png", "-singlefile", str(pdf), str(tmp_path / "page")],
        check=True,
    )
    assert _decode(tmp_path / "page.png") == [link]


def test_the_printed_link_opens_the_survey(client, demo_org):
    from survey.channels.link.poster import plain_link

    link = plain_link("http://localhost/", "demo", "balie", "stadhuis", "qr")
    page = client.get(link.removeprefix("http://localhost"))
    assert page.status_code == 200
    assert "Bent u tevreden over uw bezoek?" in page.get_data(as_text=True)
    plain = plain_link("http://localhost", "demo", "balie", None, "link")
    assert plain == "http://localhost/s/l/demo/balie"


def test_unknown_survey_or_location_is_a_clear_error(runner, demo_org, tmp_path):
    before = count_rows()
    for args in (["--survey", "nope"], ["--survey", "balie", "--location", "maan"]):
        result = runner.invoke(args=["kto", "qr", "--org", "demo", *args, "--out", str(tmp_path)])
        assert result.exit_code == 1
        assert "Error: This link is not valid." in result.output
    assert list(tmp_path.iterdir()) == []
    assert count_rows() == before


@needs_tools
def test_plain_web_link_mode(app, runner, demo_org, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://kto.voorbeeld.nl")
    result = runner.invoke(
        args=["kto", "qr", "--org", "demo", "--survey", "contact", "--mode", "link",
              "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    link = "https://kto.voorbeeld.nl/s/l/demo/contact"
    assert result.output.splitlines()[0] == link
    assert _decode(tmp_path / "demo-contact-link.png") == [link]
