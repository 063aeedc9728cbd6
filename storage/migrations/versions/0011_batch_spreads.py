"""batches.spreads: every page of the batch's files is an open book's two pages, split into left and right
pages when read (sohoa ingest --spreads)

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN, not batch mode: batch mode would rebuild `batches` on SQLite (DROP TABLE), which fails
    # on an installation that has pages pointing at its batches (FOREIGN KEY constraint failed).
    op.add_column('batches', sa.Column('spreads', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('batches', schema=None) as batch_op:
        batch_op.drop_column('spreads')
