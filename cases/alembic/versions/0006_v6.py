"""Case store schema version 6: each case's watchlist matches in a table of their own.

Frozen once released: the migration's own definitions are in `cases.migrations`.
"""

from __future__ import annotations

from cases.migrations import apply

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    apply(6)
