"""keying station: keying_books (a book's verification mode), keying_entries (the entries of each page and
what was accepted), keying_values (each keyer's own values)

Revision ID: 0010
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('keying_books',
    sa.Column('batch_id', sa.String(length=32), nullable=False),
    sa.Column('mode', sa.String(length=8), nullable=False),
    sa.Column('record_type', sa.String(length=16), nullable=False),
    sa.Column('columns', sa.JSON(), nullable=False),
    sa.Column('set_by', sa.String(length=80), nullable=False),
    sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['batches.id']),
    sa.PrimaryKeyConstraint('batch_id')
    )
    op.create_table('keying_entries',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('batch_id', sa.String(length=32), nullable=False),
    sa.Column('page_id', sa.String(length=64), nullable=False),
    sa.Column('position', sa.Float(), nullable=False),
    sa.Column('top', sa.Float(), nullable=True),
    sa.Column('bottom', sa.Float(), nullable=True),
    sa.Column('source_record_id', sa.String(length=80), nullable=True),
    sa.Column('suggestion', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('sources', sa.JSON(), nullable=False),
    sa.Column('record_id', sa.String(length=80), nullable=True),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['batches.id']),
    sa.ForeignKeyConstraint(['page_id'], ['pages.id']),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('keying_entries', schema=None) as batch_op:
        batch_op.create_index('ix_keying_entries_batch_id', ['batch_id'], unique=False)
        batch_op.create_index('ix_keying_entries_page_id', ['page_id'], unique=False)
        batch_op.create_index('ix_keying_entries_status', ['status'], unique=False)
    op.create_table('keying_values',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=80), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('illegible', sa.JSON(), nullable=False),
    sa.Column('keystrokes', sa.Integer(), nullable=True),
    sa.Column('seconds', sa.Float(), nullable=True),
    sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['keying_entries.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('entry_id', 'username', name='uq_keying_entry_user')
    )
    with op.batch_alter_table('keying_values', schema=None) as batch_op:
        batch_op.create_index('ix_keying_values_entry_id', ['entry_id'], unique=False)
        batch_op.create_index('ix_keying_values_username', ['username'], unique=False)


def downgrade() -> None:
    op.drop_table('keying_values')
    op.drop_table('keying_entries')
    op.drop_table('keying_books')
