"""Case store schema version 2: due dates and suppressions.

Frozen once released: the migration's own definitions are in `cases.migrations`.
"""

from __future__ import annotations

from cases.migrations import apply

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    apply(2)
