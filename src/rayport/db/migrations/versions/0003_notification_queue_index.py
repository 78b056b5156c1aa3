"""The delivery queue's own index: waiting notifications in claim order.

The claim used to pick due rows with one OR over both kinds of due row (waiting, and
``sending`` with an expired lease), which no index can serve in order: every claim read and
sorted the whole backlog (bench/notifier.py, "claim loop load"). It now takes expired leases
first, then waiting rows through this partial index, each an ordered scan that stops after
the batch. Undelivered rows without a time would never be due any more, so older rows get
one here.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WAITING_PREDICATE = "status IN ('pending', 'failed')"  # = models.notification's


def upgrade() -> None:
    op.execute(
        "UPDATE notification SET next_attempt_at = created_at "  # noqa: S608 - a constant
        f"WHERE {WAITING_PREDICATE} AND next_attempt_at IS NULL"
    )
    op.execute(
        "UPDATE notification SET locked_until = updated_at "
        "WHERE status = 'sending' AND locked_until IS NULL"
    )
    op.create_index(
        "ix_notification_waiting",
        "notification",
        ["next_attempt_at"],
        postgresql_where=sa.text(WAITING_PREDICATE),
        sqlite_where=sa.text(WAITING_PREDICATE),
    )


def downgrade() -> None:
    op.drop_index("ix_notification_waiting", table_name="notification")
