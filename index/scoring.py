"""Scores both engines give a matched word, so results rank the same way in either mode.

Constant scores instead of BM25: an officer expects "exact spelling first, then without diacritics, then
near-misses", not term-frequency statistics that change as the archive grows.
"""
EXACT_BOOST = 4.0
FOLDED_BOOST = 2.0
FUZZY_BOOST = 1.0
