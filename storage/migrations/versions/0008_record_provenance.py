"""where a record's values come from: records.provenance (NULL: read by OCR; "import": keyed earlier in a
spreadsheet and imported; "keyed": keyed at the keying station)

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('provenance', sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('records', schema=None) as batch_op:
        batch_op.drop_column('provenance')
