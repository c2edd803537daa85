"""What the competence centre's sub-packages share: who maintains their records, and the short codes
the report gives them."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

# Everything in the competence centre is maintained by it (`__permission_area__`) and read by all.
AREA = "competence_centre"


class CodedMixin:
    """Records known by a short code from the report ("A.3", "KPI-D2", "P4")."""

    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    source: Mapped[str] = mapped_column(sa.String(200), default="")
