"""Lookup caches belong to their app: two apps in one process never answer from each other's."""

from sqlalchemy import select

from app import create_app
from survey import caches
from survey.demo.loader import load_demo_structure
from survey.extensions import db
from survey.models import Survey
from survey.services import catalogue, surveys


def _new_app(path):
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "HUEY_IMMEDIATE": True,
        }
    )


def test_two_apps_keep_their_own_lookups(tmp_path):
    first, second = _app_at(tmp_path / "a.sqlite3"), _app_at(tmp_path / "b.sqlite3")
    with second.app_context():
        survey = db.session.execute(select(Survey).where(Survey.slug == "balie")).scalar_one()
        edited = {**survey.current_version.definition, "title": {"nl": "Nieuw", "en": "New"}}
        surveys.save_definition(survey, edited)
    found = {}
    for name, app in (("first", first), ("second", second)):
        with app.app_context():
            ref = catalogue.find_survey_version("demo", "balie", None)
            found[name] = (ref.version_number, catalogue.definition_for(ref.version_id).title)
            assert caches.cache("kto.lookups").get(("version", "demo", "balie", None)) == ref
    assert found["first"][0] == 1 and found["second"][0] == 2
    assert found["second"][1] == {"nl": "Nieuw", "en": "New"}
    assert found["first"][1] != found["second"][1]
    with first.app_context():
        assert first.extensions["kto.lookups"] is not second.extensions["kto.lookups"]
        caches.clear()
        assert caches.cache("kto.lookups").get(("version", "demo", "balie", None)) is None
    with second.app_context():
        assert caches.cache("kto.lookups").get(("version", "demo", "balie", None)) is not None


def _app_at(path):
    app = _new_app(path)
    with app.app_context():
        db.create_all()
        load_demo_structure()
    return app
