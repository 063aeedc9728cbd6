"""Every table of the metadata database, registered on one ``MetaData``: the schema the migrations build step by
step (``migrations/env.py`` compares against it), and the one a new database is made from at once
(``database.migrate``)."""
from __future__ import annotations

import storage.account_models  # noqa: F401  (registers the accounts' tables on Base.metadata)
import storage.audit_models  # noqa: F401  (the audit log)
import storage.dossier_models  # noqa: F401  (dossiers and certified copies)
import storage.keying_models  # noqa: F401  (the keying station's entries and keyings)
import storage.mark_models  # noqa: F401  (the values typed for marks)
import storage.person_models  # noqa: F401  (the person links)
import storage.review_models  # noqa: F401  (the clerks' field corrections)
from storage.models import Base

metadata = Base.metadata
