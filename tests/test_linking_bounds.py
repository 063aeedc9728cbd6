"""Linking searches for each person's name: a name OCR read as a whole paragraph must not trip the search bounds
(QueryRejected would fail the batch's finalize step)."""
from __future__ import annotations

from workers import Context
from workers.linking import Person, _candidates


def test_a_paragraph_read_as_a_name_still_finds_candidates_within_the_bounds(embedded_settings):
    ctx = Context(embedded_settings)
    person = Person("r1", "birth", None, "Nguyễn Văn An " * 60, "1990-02-03")
    assert list(_candidates(person, ctx)) == []  # an empty archive: no candidates, and no refusal
    ctx.close()
