"""Vietnamese post-correction of OCR'd words, syllable by syllable, where the model is sure: diacritics, and the
letters of a reading that is no known syllable.

Rules, each with a test in tests/ocr/test_correct.py:

1. Look-alikes become Vietnamese letters: Ð (U+00D0, Icelandic eth), ð and Ɖ → Đ/đ (``domain.text.normalize``).
2. A syllable's tone and vowel marks are re-chosen by the n-gram model in ``ocr.correct.model`` (hook ↔ acute
   "ổ/ố", a dropped tone, uppercase "PHÓ" vs "PHỐ", "NỌI" → "NỘI"), keeping its base letters and its case; its
   context takes in the numbers beside it ("ngày 16 thắng 6" → "tháng") and, where a wrapped line runs on into
   the next, the word across the line break ("các cơ | quần, đơn vị" → "quan"); a
   confusion OCR is known to make (``channel``: a hook read as an acute, "đế thực hiện") is cheaper to undo
   (tests/ocr/test_correct_confusions.py); on a page that reads poorly (``unknown_share``) the model need be
   less sure (``model.NOISY_PAGE``, tests/ocr/test_correct.py), and less sure again to put back a hook read as
   an acute ("năm 2026 đế tổng hợp" → "để", ``model.NOISY_HOOK_MIN_POSTERIOR``).
3. Never touched: anything with a digit (IDs, registration and book numbers, dates), short uppercase codes next
   to a number ("BĐ 123456", "CH 01234"), the letters of a known syllable, and letter strings that are no
   Vietnamese syllable and carry no Vietnamese mark ("GCN").
4. Capitals as lower case (tests/ocr/test_correct_capitals.py): case folded for the model and restored; a run
   of syllables decoded together ("THÁNH PHÓ" → "THÀNH PHỐ"); a doubled vowel read as one ("CHÀANH"); fixed
   administrative phrases in capitals take their marks whole (``phrases``: "PHO CHÁNH VĂN PHONG"), and those of
   three words or more in any case ("lưu trữ số hộ tịch" → "sổ hộ tịch").
5. Shape, not language (``shapes``, tests/ocr/test_correct_shapes.py): a number or date split by a space is
   joined where only one reading is possible ("1 0/4/2026" → "10/4/2026"); "Địc Chủ tịch" → "Đ/c Chủ tịch".
6. A photocopy's specks read as punctuation on a syllable are taken off first (``stray_marks``): "nhân-dân",
   "'thực", "của. doanh" (tests/ocr/test_correct_stray_marks.py).
7. A letter misread (``letters``, tests/ocr/test_correct_letters.py): a reading that is no known syllable and
   carries a Vietnamese mark also weighs the syllables one letter slip away ("rghề" → "nghề", "dâr" → "dân"),
   where its own letters' spellings leave it unsure; a capitalised one spelled like no syllable is a name. A line
   where a word was corrected is decoded once more, the corrected word its neighbours' context ("kiếm từa" →
   "kiếm tra" → "kiểm tra", tests/ocr/test_correct.py).
8. Syllables run together (``split.unmerged``, tests/ocr/test_correct_shapes.py): a word carrying a Vietnamese
   mark that is exactly a sequence of known syllables, and no misreading of one, is cut into them before the
   model weighs it ("Nơinhận:" → "Nơi nhận:", "Chứtịch" → "Chủ tịch"). On held-out prose (``python -m
   ocr.correct.evaluate 2000 --joined``) 2 of 13,857 real words are cut, both loanwords, and of 2,158 pairs
   written as one word 1,905 are cut right and 6 wrong.
9. A known syllable read with a capital after its small first letter is lower case ("tHực" → "thực", "pHường" →
   "phường"; ``_one_case``, tests/ocr/test_correct_capitals.py).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import NamedTuple

from domain.text import normalize
from ocr.correct.channel import letters_of, tone_of
from ocr.correct.letters import may_slip
from ocr.correct.model import (
    MIN_POSTERIOR,
    NOISY_HOOK_MIN_POSTERIOR,
    NOISY_MIN_POSTERIOR,
    NOISY_PAGE,
    SyllableModel,
    model,
)
from ocr.correct.numbering import mend_list_markers
from ocr.correct.phrases import restore_phrases
from ocr.correct.shapes import fix_abbreviations, join_numbers, join_points, joined, split_points
from ocr.correct.split import unmerged
from ocr.correct.stray_marks import unspecked, unstopped
from ocr.correct.syllables import NUMBER, NUMBER_TOKEN, TOKEN, base, recase
from ocr.words import Word, lines_of


class Neighbour(NamedTuple):
    """A word of the line before or after, as the model weighs it: lowercase (or ``NUMBER``), its confidence,
    whether it is in capitals, whether it is capitalised (``_titled``)."""

    word: str
    conf: float
    upper: bool
    titled: bool = False


@dataclass(slots=True)
class Correction:
    index: int
    old: str
    new: str
    posterior: float


def _hook_read_as_acute(read: str, word: str) -> bool:
    return tone_of(read) == "acute" and tone_of(word) == "hook" and letters_of(read) == letters_of(word)


def _protected(tokens: list[str], i: int, core: str) -> bool:
    """Short uppercase codes beside a number: serial letters, registry prefixes."""
    if not (core.isupper() and len(core) <= 3):
        return False
    near = tokens[max(0, i - 1):i] + tokens[i + 1:i + 2]
    return any(any(ch.isdigit() for ch in t) for t in near)


def _token(text: str) -> re.Match | None:
    """A run of letters, or a number, with the punctuation around it (groups 1–3); None for anything else."""
    return TOKEN.match(text) or NUMBER_TOKEN.match(text)


def _is_number(m: re.Match) -> bool:
    return m.group(2)[0].isdigit()


def _one_case(token: str, known: Callable[[str], bool]) -> str:
    """A known syllable read with a capital after its small first letter ("tHực", "pHường", "gẤP") in lower case:
    no Vietnamese word is written so (a unit's "kWh" is no syllable, and is left)."""
    m = TOKEN.match(token)
    if m and m.group(2)[0].islower() and not m.group(2).islower() and known(m.group(2).lower()):
        return m.group(1) + m.group(2).lower() + m.group(3)
    return token


def _runs(out: list[str], parts: list[re.Match | None], numbers: list[bool]) -> list[list[int]]:
    """Indices of the correctable words, grouped into runs with nothing but a space between neighbours; a number
    (``numbers``) joins a run as its words' context, and a run of numbers alone is none."""
    runs: list[list[int]] = []
    for i, m in enumerate(parts):
        if not m or _protected(out, i, m.group(2)):
            runs.append([])
            continue
        joined = runs and runs[-1] and runs[-1][-1] == i - 1 and not parts[i - 1].group(3) and not m.group(1)
        if joined:
            runs[-1].append(i)
        else:
            runs.append([i])
    return [r for r in runs if not all(numbers[i] for i in r)]


def correct_tokens(tokens: list[str], confs: list[float] | None = None, lm: SyllableModel | None = None,
                   min_posterior: float = MIN_POSTERIOR, letters: bool = True,
                   around: tuple[Neighbour | None, Neighbour | None] = (None, None),
                   hook_posterior: float | None = None) -> tuple[list[str], list[Correction]]:
    """One line's tokens (as OCR split them) → corrected tokens and what was changed. Case is folded for the
    model and restored after, so capitals are corrected as lower case is. ``letters``: a reading that is no
    known syllable may also be a letter slip (``ocr.correct.letters``). ``around``: the words before and after
    the line where the text runs on from the line before and into the next (``_runs_on``), weighed as context,
    never changed here. ``hook_posterior``: the posterior enough to put back a hook above read as an acute (a
    photocopy's habit, ``NOISY_HOOK_MIN_POSTERIOR``); None: ``min_posterior`` as for any other change."""
    lm = lm or model()
    confs = confs or [0.9] * len(tokens)
    out = [_one_case(normalize(t), lm.known) if t.strip() else t for t in tokens]
    out = fix_abbreviations(out)
    changes: list[Correction] = [Correction(i, tokens[i], t, 1.0) for i, t in enumerate(out)
                                 if t != normalize(tokens[i]) and tokens[i].strip()]
    # A word corrected is its neighbours' context: where the first decoding changed one ("kiếm từa" → "kiếm tra",
    # a letter slip), the line is decoded once more with it ("kiểm tra").
    changed = _decode_runs(out, tokens, confs, lm, min_posterior, letters, around, hook_posterior, None)
    if changed:
        changed += _decode_runs(out, tokens, confs, lm, min_posterior, letters, around, hook_posterior,
                                {c.index for c in changed})
    latest = {c.index: c for c in changes + changed}  # a word's last change stands…
    changes = [c for c in latest.values() if c.new != normalize(tokens[c.index])]  # …unless it undid the first
    for i, t in enumerate(restore_phrases(out)):
        if t != out[i]:
            out[i] = t
            changes = [c for c in changes if c.index != i] + [Correction(i, tokens[i], t, 1.0)]
    changes.sort(key=lambda c: c.index)
    return out, changes


def _decode_runs(out: list[str], tokens: list[str], confs: list[float], lm: SyllableModel, min_posterior: float,
                 letters: bool, around: tuple[Neighbour | None, Neighbour | None],
                 hook_posterior: float | None, holding: set[int] | None) -> list[Correction]:
    """One decoding of the line's runs (``correct_tokens``), or of those ``holding`` one of these words: ``out``
    changed in place, the changes returned."""
    parts = [_token(t) for t in out]
    numbers = [m is not None and _is_number(m) for m in parts]
    changes: list[Correction] = []
    for run in _runs(out, parts, numbers):
        if holding is not None and holding.isdisjoint(run):
            continue
        cores = [NUMBER if numbers[i] else parts[i].group(2) for i in run]  # type: ignore[union-attr]
        low = [c.lower() for c in cores]
        run_confs = [1.0 if numbers[i] else confs[i] for i in run]
        upper = [c.isupper() and len(c) > 1 for c in cores]
        head = _across(around[0], cores[0], parts[run[0]].group(1)) if run[0] == 0 else None
        tail = _across(around[1], cores[-1], parts[run[-1]].group(3)) if run[-1] == len(out) - 1 else None
        before, after = [head] if head else [], [tail] if tail else []
        low = [n.word for n in before] + low + [n.word for n in after]
        run_confs = [n.conf for n in before] + run_confs + [n.conf for n in after]
        upper = [n.upper for n in before] + upper + [n.upper for n in after]
        own = slice(len(before), len(before) + len(run))  # the neighbours are context only
        choices = lm.decode(low, run_confs, upper)[own]
        # A letter misread is weighed only where no spelling with the read letters is sure: the slips' many
        # candidates would otherwise take certainty from the marks' corrections (ocr.correct.letters).
        unsure = [k for k, ch in enumerate(choices) if letters and not numbers[run[k]]
                  and (ch is None or ch.posterior < min_posterior) and may_slip(cores[k])
                  and lm.slipped(cores[k].lower())]
        if unsure:
            again = lm.decode(low, run_confs, upper, slips=[k - own.start in unsure for k in range(len(low))])[own]
            for k in unsure:
                choices[k] = again[k]
        for i, core, choice in zip(run, cores, choices, strict=True):
            if numbers[i] or choice is None or choice.word == core.lower():
                continue
            needed = min_posterior
            if hook_posterior is not None and _hook_read_as_acute(core.lower(), choice.word):
                needed = min(needed, hook_posterior)
            if choice.posterior < needed:
                continue
            m = parts[i]
            word = recase(choice.word, core)
            if _lost_capital(choice.word, core, parts, i):
                word = word[:1].upper() + word[1:]
            out[i] = m.group(1) + word + m.group(3)  # type: ignore[union-attr]
            changes.append(Correction(i, tokens[i], out[i], choice.posterior))
    return changes


def _pieces(tokens: list[str], lm: SyllableModel) -> list[list[str] | None]:
    """For each token, the words it is cut into, or None: a word run into a number (``split_points``), or run
    together from syllables (``split.unmerged``)."""
    cuts = split_points(tokens, lm.known)
    return [[t[:cuts[i]], t[cuts[i]:]] if i in cuts else unmerged(t, lm) for i, t in enumerate(tokens)]


def _cut(tokens: list[str], lm: SyllableModel) -> list[str]:
    return [part for t, parts in zip(tokens, _pieces(tokens, lm), strict=True) for part in (parts or [t])]


def correct_text(text: str, lm: SyllableModel | None = None) -> str:
    """Plain text, line by line (for text without word boxes)."""
    lm = lm or model()
    return "\n".join(" ".join(correct_tokens(join_numbers(_cut(line.split(), lm)), lm=lm)[0])
                     for line in text.splitlines())


def _split(line: list[Word], lm: SyllableModel, born: dict[int, list[Word]]) -> list[Word]:
    """The line's words with those ``_pieces`` cuts cut, the box shared by characters; ``born`` gets each cut
    word's parts, by the word's id."""
    out: list[Word] = []
    for w, texts in zip(line, _pieces([w.text for w in line], lm), strict=True):
        if not texts:
            out.append(w)
            continue
        parts, left = [], w.left
        for k, t in enumerate(texts):
            width = w.left + w.width - left if k == len(texts) - 1 else round(w.width * len(t) / len(w.text))
            parts.append(replace(w, text=t, left=left, width=width))
            left += width
        born[id(w)] = parts
        out += parts
    return out


def _glued(line: list[Word]) -> list[Word]:
    """The line's words with numbers split by a space joined back into one word (box and confidence merged into
    the first part; the later parts are left out)."""
    points = join_points([w.text for w in line])
    out: list[Word] = []
    for i, w in enumerate(line):
        if i - 1 not in points:
            out.append(w)
            continue
        a = out[-1]
        right, bottom = max(a.left + a.width, w.left + w.width), max(a.top + a.height, w.top + w.height)
        a.left, a.top = min(a.left, w.left), min(a.top, w.top)
        a.width, a.height = right - a.left, bottom - a.top
        a.text, a.conf = joined(a.text, w.text, points[i - 1]), min(a.conf, w.conf)
    return out


FULL = 0.08  # a wrapped line's right end lies within this share of its block's width from the block's right edge


def _runs_on(lines: list[list[Word]]) -> list[bool]:
    """For each line, whether its text runs on into the next: the next line is in the same block, right below it,
    and this one is full (it reaches to within ``FULL`` of its block's widest line), so it was wrapped, not ended."""
    left: dict[int, int] = {}
    right: dict[int, int] = {}
    for w in (w for line in lines for w in line):
        left[w.block] = min(left.get(w.block, w.left), w.left)
        right[w.block] = max(right.get(w.block, 0), w.left + w.width)
    out = []
    for line, nxt in zip(lines, lines[1:], strict=False):
        a, b = line[-1], nxt[0]
        width = right[a.block] - left[a.block]
        tall = max(w.height for w in line)  # (the last word may be short: "cơ" is x-height only)
        out.append(b.block == a.block and 0 <= b.top - a.top <= 2.5 * tall
                   and right[a.block] - (a.left + a.width) <= FULL * width)
    return [*out, False]


def _across(n: Neighbour | None, core: str, apart: str) -> Neighbour | None:
    """``n``, the word across a line break, as context for the run's end word ``core``; None where punctuation
    (``apart``) parts them, or where both are capitalised: a name's parts there make pairs the model has seldom
    seen ("Nùng | Thịnh Đức" became "Nưng": "nưng thịnh" is counted)."""
    return None if n is None or apart or n.titled and _titled(core) else n


def _lost_capital(word: str, core: str, parts: list[re.Match | None], i: int) -> bool:
    """Was the first letter put back (``word``, a letter slip from the read ``core``: "guyễn" for Nguyễn, its
    capital lost under a seal's ring) a capital? So where the words either side of it on the line are capitalised,
    or it opens the line before one: a name ("guyễn Thị Hảo"). In a sentence, after a word in lower case, it is
    not ("của guyễn Thị" → "của nguyễn Thị")."""
    if not (core[:1].islower() and len(word) == len(core) + 1 and base(word[1:]) == base(core.lower())):
        return False
    after = parts[i + 1] if i + 1 < len(parts) else None
    before = parts[i - 1] if i else None
    return after is not None and _titled(after.group(2)) and (i == 0 or before is not None
                                                              and _titled(before.group(2)))


def _titled(core: str) -> bool:
    """Capitalised, not in capitals: a name's word ("Nùng", "Thịnh"), or a sentence's first."""
    return core[:1].isupper() and not core.isupper()


def _neighbour(w: Word, side: int) -> Neighbour | None:
    """The word as context for the line after it (``side`` 3: nothing may follow it) or before it (1: nothing may
    open it); None when punctuation parts them, or it is no word or number."""
    m = _token(w.text)
    if m is None or m.group(side):
        return None
    if _is_number(m):
        return Neighbour(NUMBER, 1.0, False)
    core = m.group(2)
    return Neighbour(core.lower(), w.conf, core.isupper() and len(core) > 1, _titled(core))


# A page with more than this share of its letter words no known syllable is not Vietnamese print read with
# slips (photocopies: 2–8%) but handwriting, a photo's texture or another language; weighing the letter slips of
# every word there would cost seconds a page for nothing.
NOT_PRINT = 0.25


def unknown_share(words: list[Word], known: Callable[[str], bool]) -> float:
    """Share of the page's letter words (punctuation around them aside) that are no syllable the corpus knows
    (``known``: seen at least 3 times): ≈ 1–3% on office scans and clean pages, 2–8% on photocopies."""
    cores = [m.group(2).lower() for w in words if (m := TOKEN.match(w.text))]
    return sum(not known(c) for c in cores) / len(cores) if cores else 0.0


def correct_words(words: list[Word], lm: SyllableModel | None = None) -> list[Correction]:
    """Correct OCR words in place, line by line; returns the changes (``index``: the word's place in its line's
    run through the page, as ``lines_of`` orders them). A number split by a space becomes one word: the list
    loses the later parts."""
    lm = lm or model()
    known = lm.known
    share = unknown_share(words, known)
    noisy = share >= NOISY_PAGE
    sure = NOISY_MIN_POSTERIOR if noisy else MIN_POSTERIOR
    letters = share <= NOT_PRINT  # a page that is mostly no syllable is no Vietnamese print: no letter guesses
    changes: list[Correction] = []
    offset = 0
    gone: set[int] = set()
    born: dict[int, list[Word]] = {}  # id of a word cut in two → its parts
    lines = []
    for line in lines_of(words):
        cut = _split(unspecked(line, known, born), lm, born)
        glued = _glued(cut)
        gone.update({id(w) for w in cut} - {id(g) for g in glued})
        lines.append(glued)
    gone |= mend_list_markers(lines, born)
    runs_on = _runs_on(lines)
    for k in range(len(lines) - 1):
        if runs_on[k]:
            unstopped(lines[k][-1], lines[k + 1][0], known)
    for k, glued in enumerate(lines):
        around = (_neighbour(lines[k - 1][-1], 3) if k and runs_on[k - 1] else None,
                  _neighbour(lines[k + 1][0], 1) if runs_on[k] else None)
        new, ch = correct_tokens([w.text for w in glued], [w.conf for w in glued], lm, sure, letters, around,
                                 NOISY_HOOK_MIN_POSTERIOR if noisy else None)
        for w, t in zip(glued, new, strict=True):
            w.text = t
        changes += [Correction(c.index + offset, c.old, c.new, c.posterior) for c in ch]
        offset += len(glued)
    if gone or born:
        def grown(w: Word) -> list[Word]:  # a part cut again (a speck's cut, then the syllables') gives its parts
            return [q for p in born[id(w)] for q in grown(p)] if id(w) in born else [w]

        words[:] = [p for w in words for p in grown(w) if id(p) not in gone]
    return changes
