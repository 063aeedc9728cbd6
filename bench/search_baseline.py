"""The query both engines built before issue 13 (main at 340ed18), kept for ``bench search`` to time beside
today's on the same index: every word also fuzzy over the whole vocabulary (Tantivy: an automaton whose result
is a bitmap of the archive; Elasticsearch: its ``fuzzy`` query), and every part of a word merged per document.

Only the query differs: the documents and fields are today's (``any_f`` is ``all_f`` and ``place_alt_f``
together, so matching a word folded there is what the old query matched in either of the two).
"""
from __future__ import annotations

from typing import Any

import tantivy

from index.analysis import fuzzy_distance, fuzzy_target
from index.base import SearchQuery
from index.query import PLACE_ALT_FIELD, ParsedQuery, parse
from index.scoring import EXACT_BOOST, FOLDED_BOOST, FUZZY_BOOST

MAX_EXPANSIONS = 1000


def tantivy_query(schema: tantivy.Schema, parsed: ParsedQuery, query: SearchQuery) -> tantivy.Query:
    Q, should_ = tantivy.Query, tantivy.Occur.Should

    def term(field: str, token: str, boost: float) -> tantivy.Query:
        return Q.const_score_query(Q.term_query(schema, field, token), boost)

    def word(exact_field: str, target: str, exact: str, folded: str, also: str | None = None) -> tantivy.Query:
        should = [term(exact_field, exact, EXACT_BOOST)] if exact_field else []
        if also:
            either = [(should_, Q.term_query(schema, f, folded)) for f in (target, also)]
            should.append(Q.const_score_query(Q.boolean_query(either), FOLDED_BOOST))
        else:
            should.append(term(target, folded, FOLDED_BOOST))
        distance = fuzzy_distance(folded)
        if distance:
            fuzzy = Q.fuzzy_term_query(schema, fuzzy_target(folded, target), folded, distance, True, False)
            should.append(Q.const_score_query(fuzzy, FUZZY_BOOST))
        return Q.boolean_query([(should_, q) for q in should])

    must = [word("all_x", "all_f", t.exact, t.folded, PLACE_ALT_FIELD) for t in parsed.terms]
    must += [word("", field, tok, tok) for field, toks in parsed.fielded.items() for tok in toks]
    if query.type:
        must.append(Q.const_score_query(Q.term_query(schema, "type", query.type), 0.0))
    if query.authority:
        must += [Q.const_score_query(Q.term_query(schema, "authority_f", t.folded), 0.0)
                 for t in parse(query.authority).terms]
    if query.year_from is not None or query.year_to is not None:
        must.append(Q.const_score_query(Q.range_query(
            schema, "year", tantivy.FieldType.Integer, query.year_from, query.year_to), 0.0))
    return Q.boolean_query([(tantivy.Occur.Must, q) for q in must]) if must else Q.all_query()


def es_query(parsed: ParsedQuery, query: SearchQuery) -> dict[str, Any]:
    def const(q: dict[str, Any], boost: float) -> dict[str, Any]:
        return {"constant_score": {"filter": q, "boost": boost}}

    def word(exact_field: str, target: str, exact: str, folded: str, also: str | None = None) -> dict[str, Any]:
        should = [const({"term": {exact_field: exact}}, EXACT_BOOST)] if exact_field else []
        if also:
            either = [{"term": {f: folded}} for f in (target, also)]
            should.append(const({"bool": {"should": either, "minimum_should_match": 1}}, FOLDED_BOOST))
        else:
            should.append(const({"term": {target: folded}}, FOLDED_BOOST))
        distance = fuzzy_distance(folded)
        if distance:
            fuzzy = {"value": folded, "fuzziness": distance, "transpositions": True, "prefix_length": 0,
                     "max_expansions": MAX_EXPANSIONS}
            should.append(const({"fuzzy": {fuzzy_target(folded, target): fuzzy}}, FUZZY_BOOST))
        return {"bool": {"should": should}}

    must = [word("all_x", "all_f", t.exact, t.folded, PLACE_ALT_FIELD) for t in parsed.terms]
    must += [word("", field, tok, tok) for field, toks in parsed.fielded.items() for tok in toks]
    filters: list[dict[str, Any]] = []
    if query.type:
        filters.append({"term": {"type": query.type}})
    if query.authority:
        filters += [{"term": {"authority_f": t.folded}} for t in parse(query.authority).terms]
    if query.year_from is not None or query.year_to is not None:
        bounds = {"gte": query.year_from, "lte": query.year_to}
        filters.append({"range": {"year": {k: v for k, v in bounds.items() if v is not None}}})
    return {"bool": {"must": must, "filter": filters}} if must or filters else {"match_all": {}}
