"""citizens: users.personal_id ties an account to its holder's records

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('personal_id', sa.String(length=12), nullable=True))
        batch_op.create_index('ix_users_personal_id', ['personal_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index('ix_users_personal_id')
        batch_op.drop_column('personal_id')
