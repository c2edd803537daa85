"""The one competence blueprint serves every sub-package's routes and templates: each template name is
found in exactly one folder, so that none hides another."""

from collections import Counter
from pathlib import Path

from app.competence.blueprint import SUBPACKAGES, bp

COMPETENCE = Path(__file__).parents[2] / "app" / "competence"


def test_every_sub_package_with_templates_is_searched():
    with_templates = {p.parent.name for p in COMPETENCE.glob("*/templates")}
    assert with_templates == set(SUBPACKAGES)


def test_no_two_template_folders_hold_the_same_name():
    names = Counter(name for name in bp.jinja_loader.list_templates())
    folders = [COMPETENCE / "templates", *(COMPETENCE / sub / "templates" for sub in SUBPACKAGES)]
    every = Counter(str(t.relative_to(folder)) for folder in folders for t in folder.rglob("*.html"))
    assert [name for name, n in every.items() if n > 1] == []
    assert set(names) == set(every)
    assert all(any(folder.rglob("*.html")) for folder in folders)  # every folder holds templates
