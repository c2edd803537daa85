"""The English catalog: complete, consistent with the Swedish source strings, and up to date.

Swedish is written in the source; English comes from app/translations/en/LC_MESSAGES/messages.po.
When a test here fails because strings are missing, refresh the catalog and translate them:

    .venv/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k _lp:1c,2 -o app/translations/messages.pot .
    .venv/bin/pybabel update -i app/translations/messages.pot -d app/translations --no-fuzzy-matching
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from app import create_app

ROOT = Path(__file__).parents[1]
TRANSLATIONS = ROOT / "app" / "translations"
PO_FILE = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
# Python %-style named placeholders: %(name)s, %(n)d, %(value).1f …
PLACEHOLDER = re.compile(r"%\([^)]*\)[#0 +-]*\d*(?:\.\d+)?[a-zA-Z]")


def _read(path: Path):
    with path.open("rb") as f:
        return read_po(f)


def _forms(message) -> list[tuple[str, str]]:
    """(source, translation) pairs: one for a plain message, one per plural form otherwise."""
    if not message.pluralizable:
        return [(message.id, message.string or "")]
    ids = list(message.id)
    strings = list(message.string) if isinstance(message.string, tuple | list) else [message.string]
    # msgstr[0] answers msgid, every further form answers msgid_plural.
    return [(ids[min(i, 1)], s or "") for i, s in enumerate(strings)]


def _label(message) -> str:
    msgid = message.id[0] if message.pluralizable else message.id
    where = ", ".join(f"{path}:{line}" for path, line in message.locations[:2])
    return f"{msgid!r} ({where})" if where else repr(msgid)


@pytest.fixture(scope="module")
def catalog():
    assert PO_FILE.is_file(), f"{PO_FILE.relative_to(ROOT)} is missing"
    return _read(PO_FILE)


def _messages(catalog):
    return [m for m in catalog if m.id]


def test_catalog_is_not_empty_and_header_not_fuzzy(catalog):
    assert str(catalog.locale) == "en"
    assert not catalog.fuzzy, "the catalog header is marked fuzzy"
    assert len(_messages(catalog)) > 100


def test_every_message_is_translated(catalog):
    untranslated = []
    for message in _messages(catalog):
        strings = message.string if message.pluralizable else [message.string]
        if message.pluralizable and len(strings) != catalog.num_plurals:
            untranslated.append(f"{_label(message)}: {len(strings)} plural forms, "
                                f"expected {catalog.num_plurals}")
        elif not all(s and s.strip() for s in strings):
            untranslated.append(_label(message))
    assert not untranslated, "untranslated messages:\n  " + "\n  ".join(untranslated)


def test_no_message_is_fuzzy(catalog):
    fuzzy = [_label(m) for m in _messages(catalog) if m.fuzzy]
    assert not fuzzy, "fuzzy messages (check the translation, then remove the flag):\n  " + "\n  ".join(fuzzy)


def test_placeholders_are_kept(catalog):
    broken = []
    for message in _messages(catalog):
        for source, translation in _forms(message):
            expected, found = set(PLACEHOLDER.findall(source)), set(PLACEHOLDER.findall(translation))
            if expected != found:
                broken.append(f"{_label(message)}: msgid has {sorted(expected)}, "
                              f"msgstr {translation!r} has {sorted(found)}")
    assert not broken, "placeholders differ:\n  " + "\n  ".join(broken)


def test_catalog_passes_babel_checks(catalog):
    problems = [f"{_label(message)}: {'; '.join(map(str, errors))}"
                for message, errors in catalog.check() if errors]
    assert not problems, "\n".join(problems)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The messages the source holds now, extracted with the same options as the documented command."""
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    result = subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_gettext", "-k", "_lp:1c,2", "-o", str(pot), "."],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, f"pybabel extract failed:\n{result.stdout}\n{result.stderr}"
    return _read(pot)


def test_catalog_is_up_to_date(catalog, extracted):
    known = {(m.context, m.id) for m in _messages(catalog)}
    missing = [_label(m) for m in _messages(extracted) if (m.context, m.id) not in known]
    assert not missing, (
        f"{len(missing)} string(s) in the source are not in {PO_FILE.relative_to(ROOT)}; "
        "run the commands in this module's docstring and translate them:\n  " + "\n  ".join(missing))


def test_app_serves_english(tmp_path, catalog):
    """The catalog, compiled, turns the Swedish UI into English when the user picks English."""
    mo_dir = tmp_path / "translations" / "en" / "LC_MESSAGES"
    mo_dir.mkdir(parents=True)
    with (mo_dir / "messages.mo").open("wb") as f:
        write_mo(f, catalog)
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'unused.db'}",
        "BABEL_TRANSLATION_DIRECTORIES": str(tmp_path / "translations"),
    })
    client = app.test_client()

    swedish = client.get("/login").get_data(as_text=True)
    assert 'lang="sv"' in swedish and "Logga in" in swedish

    client.post("/language/en", data={"next": "/login"})  # without its CSRF token: refused
    assert 'lang="sv"' in client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', swedish).group(1)
    client.post("/language/en", data={"next": "/login", "csrf_token": token})
    english = client.get("/login").get_data(as_text=True)
    assert 'lang="en-GB"' in english
    assert "Sign in" in english and "Username" in english and "Logga in" not in english


def test_words_with_two_meanings_read_right_in_english(app, login_as):
    from app.auth.models import Role

    browser = login_as(Role.READER)
    browser.post("/language/en", {"next": "/decisions/"}, form_url="/decisions/")
    html = browser.get("/decisions/").get_data(as_text=True)
    assert "<h1>Decisions</h1>" in html and ">Assignments</a>" in html  # the page and the menu: plural
    assert '<th scope="col">Decision</th>' in html  # a column of single decisions
