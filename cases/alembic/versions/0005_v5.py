"""Case store schema version 5: the queue's columns, search terms and counts, case contents apart, attachments.

Frozen once released: the migration's own definitions are in `cases.migrations`.
"""

from __future__ import annotations

from cases.migrations import apply

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    apply(5)
