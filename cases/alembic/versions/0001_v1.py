"""Case store schema version 1: cases, their transactions, evidence and events (append-only), users and runs.

Frozen once released: the migration's own definitions are in `cases.migrations`.
"""

from __future__ import annotations

from cases.migrations import apply

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    apply(1)
