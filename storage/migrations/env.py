from alembic import context

import storage.account_models  # noqa: F401  (registers the accounts' tables on Base.metadata)
import storage.audit_models  # noqa: F401  (the audit log)
import storage.dossier_models  # noqa: F401  (dossiers and certified copies)
import storage.keying_models  # noqa: F401  (and the keying station's entries and keyings)
import storage.mark_models  # noqa: F401  (and the values typed for marks)
import storage.person_models  # noqa: F401  (and the person links)
import storage.review_models  # noqa: F401  (and the clerks' field corrections)
from storage.models import Base

engine = context.config.attributes["engine"]
with engine.begin() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
