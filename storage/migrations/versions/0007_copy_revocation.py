"""certified copies: who revoked one and why

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('certified_copies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revoked_by', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('revoke_reason', sa.Text(), nullable=True))
        batch_op.create_foreign_key('fk_certified_copies_revoked_by_users', 'users', ['revoked_by'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('certified_copies', schema=None) as batch_op:
        batch_op.drop_constraint('fk_certified_copies_revoked_by_users', type_='foreignkey')
        batch_op.drop_column('revoke_reason')
        batch_op.drop_column('revoked_by')
