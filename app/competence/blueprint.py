"""The competence centre's one blueprint, and what its views share. Each sub-package's views add their
routes to it, so that the endpoints ("competence.kpi") and URLs (/competence/…) stay one area's however
the code is divided."""

from datetime import date
from functools import cached_property
from pathlib import Path

from flask import Blueprint, request
from jinja2 import FileSystemLoader

# The sub-packages with templates of their own, each in <sub-package>/templates/competence/.
SUBPACKAGES = ("plan", "kpis", "usecases", "regions", "report")


class _CompetenceBlueprint(Blueprint):
    """A blueprint whose templates are the umbrella's (dashboard, shared macros) and each sub-package's.
    Template names are still "competence/<name>.html"; tests check that no two folders share a name."""

    @cached_property
    def jinja_loader(self) -> FileSystemLoader:
        root = Path(self.root_path)
        return FileSystemLoader([str(root / "templates"), *(str(root / name / "templates") for name in SUBPACKAGES)])


bp = _CompetenceBlueprint("competence", __name__, url_prefix="/competence", template_folder="templates")


def date_arg(name: str, default: date) -> date:
    """A date in the query ("?on=2025-12-31"); anything unreadable means `default`."""
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return default
