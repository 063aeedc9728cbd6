"""What every pool worker needs, loaded once by the local pool's fork server (``workers.local``) before any
worker is forked from it: the modules (OpenCV, SQLAlchemy, the pipeline's stages), the place-name gazetteer and
the syllable model. Each worker then starts in milliseconds instead of seconds, and shares these pages with the
others until it writes to them. Importing this module is its whole job; nothing else imports it."""
from __future__ import annotations

from domain.gazetteer import gazetteer
from ocr.correct.model import model
from workers import stages  # noqa: F401  (the pipeline, imported here once for all workers)

gazetteer()
model()
