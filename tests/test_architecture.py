"""The house rules that can be checked from the files."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = ("flask", "flask_sqlalchemy", "sqlalchemy", "werkzeug")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", ["survey/domain", "survey/stats"])
def test_pure_packages_import_neither_flask_nor_sqlalchemy(package):
    files = sorted((ROOT / package).rglob("*.py"))
    if package == "survey/domain":
        assert files, "survey/domain must exist"
    offenders = {
        str(f.relative_to(ROOT)): sorted(imported_modules(f) & set(FORBIDDEN)) for f in files
    }
    assert {f: mods for f, mods in offenders.items() if mods} == {}


def test_only_config_reads_the_environment():
    readers = []
    for path in (ROOT / "survey").rglob("*.py"):
        text = path.read_text()
        if "os.environ" in text or "os.getenv" in text:
            readers.append(str(path.relative_to(ROOT)))
    assert readers == ["survey/config.py"]
