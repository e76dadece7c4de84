"""Regenerate the page images of the report in docs/img/ from the demo municipality.

    /work/main/.venv/bin/python scripts/report_images.py [--today 2026-11-15]

Loads the demo into a throwaway SQLite database, builds the monthly report of the month
before ``--today`` in Dutch and English, and writes pages 1-3 of the Dutch PDF and page 1
of the English one as PNG (poppler's pdftoppm, 80 dpi) to docs/img/.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--today", default="2026-11-15", help="YYYY-MM-DD")
    parser.add_argument("--out", default=str(ROOT / "docs" / "img"))
    args = parser.parse_args()
    today = date.fromisoformat(args.today)
    month = date(today.year - (today.month == 1), (today.month - 2) % 12 + 1, 1)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("KTO_ENV", "development")
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/demo.db"
        from app import create_app
        from survey.extensions import db
        from survey.models import Organisation
        from survey.reports import pdf
        from survey.reports.builder import build
        from survey.reports.inputs import collect

        app = create_app()
        with app.app_context():
            db.create_all()
            from survey.demo.loader import load_demo

            load_demo(today, reports=False)
            org = db.session.query(Organisation).filter_by(slug="demo").one()
            for language, pages in (("nl", (1, 2, 3)), ("en", (1,))):
                path = Path(tmp) / f"report-{language}.pdf"
                path.write_bytes(pdf.render(build(collect(org, month, language))))
                for page in pages:
                    name = "report-page" if language == "nl" else "report-en-page"
                    target = out / f"{name}-{page}"
                    subprocess.run(
                        [
                            "pdftoppm",
                            "-png",
                            "-r",
                            "80",
                            "-f",
                            str(page),
                            "-l",
                            str(page),
                            "-singlefile",
                            str(path),
                            str(target),
                        ],
                        check=True,
                    )
                    print(f"{target}.png")


if __name__ == "__main__":
    main()
