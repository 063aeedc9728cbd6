"""Intake: expand what the user handed in into validated source files, and render their pages."""

from ingest.expand import expand
from ingest.render import page_jpeg, render_page
from ingest.sources import Rejected, SourceFile

__all__ = ["Rejected", "SourceFile", "expand", "page_jpeg", "render_page"]
