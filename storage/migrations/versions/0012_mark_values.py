"""mark_values: what clerks typed for the handwriting and stamps OCR set aside on a page

Revision ID: 0012
Revises: 0011
"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('mark_values',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('page_id', sa.String(length=64), nullable=False),
    sa.Column('mark_id', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('left', sa.Float(), nullable=False),
    sa.Column('top', sa.Float(), nullable=False),
    sa.Column('width', sa.Float(), nullable=False),
    sa.Column('height', sa.Float(), nullable=False),
    sa.Column('value', sa.String(length=200), nullable=False),
    sa.Column('keyed_by', sa.String(length=80), nullable=False),
    sa.Column('keyed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['page_id'], ['pages.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('mark_values', schema=None) as batch_op:
        batch_op.create_index('ix_mark_values_page', ['page_id', 'mark_id', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('mark_values', schema=None) as batch_op:
        batch_op.drop_index('ix_mark_values_page')
    op.drop_table('mark_values')
