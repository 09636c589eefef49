"""Case store schema version 4: accounts, sessions and the audit trail's hash chains.

Frozen once released: the migration's own definitions are in `cases.migrations`.
"""

from __future__ import annotations

from cases.migrations import apply

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    apply(4)
