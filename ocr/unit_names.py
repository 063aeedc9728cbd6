"""A unit's name in a line of capitals written with the gazetteer's marks: the issuing body ("ỦY BAN NHÂN DÂN /
XÃ HIỂN KHÁNH"), the signer's or the decision's issuer ("CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ HIỂN KHÁNH").

Tesseract reads a capital's hook as an acute ("HIẾN" for "HIỂN"), and the correction, whose model learnt prose,
weighs a place's name as prose: "PHƯỜNG AN NHƠN" read right became "PHƯƠNG ÁN NHƠN" ("phương án", a plan). A line of
capitals that ends with a unit's type word and a name the gazetteer holds once, its letters the same and only its
marks other, takes that unit's marks (``domain.gazetteer.unit_marks``); a name two units share ("Cát Tiên", "Cát
Tiến") and a tone placed the older way ("HOÀ") stay as read. Tests: tests/ocr/test_unit_names.py."""
from __future__ import annotations

from dataclasses import replace

from domain.gazetteer import unit_marks
from ocr.words import Word, in_capitals, lines_of

_TRAILING = ",.;:"  # a line's closing punctuation stays on its last word


def respelled_units(words: list[Word]) -> list[Word]:
    """``words`` (in reading order, lines numbered) with each capitals line's unit name in the gazetteer's marks."""
    changed: dict[int, Word] = {}
    for line in lines_of(words):
        if not in_capitals(" ".join(w.text for w in line)):
            continue
        last = line[-1].text
        tail = last[len(last.rstrip(_TRAILING)):]
        texts = [w.text for w in line[:-1]] + [last[:len(last) - len(tail)]]
        # The longest tail that names a unit, from its type word ("ỦY BAN NHÂN DÂN XÃ …" from "XÃ"; "THỊ XÃ AN
        # NHƠN" from "THỊ", never "XÃ AN NHƠN" within it)
        for i in range(len(line)):
            spelled = unit_marks(" ".join(texts[i:]))
            if spelled is None:
                continue
            new = spelled.split(" ")
            if len(new) == len(line) - i:
                new[-1] += tail
                changed.update({id(w): replace(w, text=t) for w, t in zip(line[i:], new, strict=True)
                                if t != w.text})
            break
    return [changed.get(id(w), w) for w in words] if changed else words
