"""A simulated clerk at the keying station (Playwright, headless Chromium): types the ground truth of each entry
at a fixed rate through the station's own keyboard handling, with the built-in Telex input method for letters,
and takes a completion whenever the one it wants is offered (↓ to it, Enter). Counts every key it presses.

Also the yardstick: the keys of typing every field in full in a plain spreadsheet (its characters, one Tab per
cell), and the same with Telex (the keys a Vietnamese PC really needs for those characters)."""
from __future__ import annotations

import time
import unicodedata
from dataclasses import dataclass

from domain.records import NAME_FIELDS

_TONE_KEYS = {"\u0301": "s", "\u0300": "f", "\u0309": "r", "\u0303": "x", "\u0323": "j"}


def telex_keys(text: str) -> list[str]:
    """The Telex keys for ``text``: modifiers after their vowel, each word's tone key at its end
    ("Nguyễn" → N g u y e e n x, "Trường" → T r u o w n g f, "Đức" → D D u w c s)."""
    keys: list[str] = []
    for n, word in enumerate(text.split(" ")):
        if n:
            keys.append(" ")
        wk, tone = [], ""
        last = max((i for i, c in enumerate(word) if c.isalpha()), default=-1)
        word, tail = word[:last + 1], word[last + 1:]  # the tone goes before "," or ")"
        for ch in word:
            d = unicodedata.normalize("NFD", ch)
            base, marks = d[0], d[1:]
            if base in "đĐ":
                wk += [("D" if base == "Đ" else "d")] * 2
                continue
            wk.append(base)
            for m in marks:
                if m in _TONE_KEYS:
                    tone = _TONE_KEYS[m]
                elif m == "\u0302":
                    wk.append(base)
                elif m in ("\u0306", "\u031b"):
                    wk.append("W" if base.isupper() else "w")
        keys += _horn_pairs(wk)
        if tone:
            keys.append(tone.upper() if word.isupper() else tone)
        keys += list(tail)
    return keys


def _horn_pairs(keys: list[str]) -> list[str]:
    """"ươ" is typed u o w: one w after the o marks both."""
    out: list[str] = []
    i = 0
    while i < len(keys):
        if (i + 3 < len(keys) and keys[i].lower() == "u" and keys[i + 1].lower() == "w"
                and keys[i + 2].lower() == "o" and keys[i + 3].lower() == "w"):
            out += [keys[i], keys[i + 2], keys[i + 3]]
            i += 4
        else:
            out.append(keys[i])
            i += 1
    return out


def typed(field: str, value: str) -> str:
    """A stored value as a clerk types it: dates in figures (ddmmyyyy), the gender in Vietnamese."""
    if field in ("date_of_birth", "registration_date", "date_of_death") and len(value) == 10 and value[4] == "-":
        y, m, d = value.split("-")
        return f"{d}{m}{y}"
    return {"male": "Nam", "female": "Nữ"}.get(value, value) if field == "gender" else value


def shown(field: str, value: str) -> str:
    """A stored value as the station shows it in its input."""
    if field in ("date_of_birth", "registration_date", "date_of_death") and len(value) == 10 and value[4] == "-":
        y, m, d = value.split("-")
        return f"{d}/{m}/{y}"
    return {"male": "Nam", "female": "Nữ"}.get(value, value) if field == "gender" else value


def spreadsheet_keys(fields: list[str], truth: dict[str, str], *, telex: bool = False) -> int:
    """Every cell typed in full plus a Tab: characters, or Telex keys."""
    return sum((len(telex_keys(v)) if telex else len(v)) + 1
               for v in (shown(f, truth.get(f, "")) for f in fields))


def matches(field: str, have: str, want: str) -> bool:
    """What the clerk accepts as already right: the same text, names in any case (as the station compares)."""
    return have.casefold() == want.casefold() if field in NAME_FIELDS else have == want


@dataclass
class Keyed:
    keys: int
    seconds: float


class Clerk:
    """Drives one signed-in station page. ``rate``: keys a second (the pace between presses)."""

    def __init__(self, page, rate: float = 8.0, telex: bool = True, completions: bool = True) -> None:
        self.page, self.pause, self.telex, self.completions = page, 1.0 / rate, telex, completions
        self.keys = 0

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.keys += 1
        time.sleep(self.pause)

    def _value(self, field: str) -> str:
        return self.page.locator(f"#f-{field}").input_value()

    def _offers(self, field: str) -> list[str]:
        """The completions shown for what is in the field now (waits for the station's answer)."""
        value = self._value(field)
        lst = self.page.locator(f'.k-field[data-field="{field}"] .k-complete')
        for _ in range(100):
            if lst.get_attribute("data-for") == value:
                break
            time.sleep(0.02)
        else:
            return []
        return [t for t in lst.locator("li").all_inner_texts()] if lst.is_visible() else []

    def _take(self, field: str, want: str) -> bool:
        if not self.completions:
            return False
        offers = self._offers(field)
        if want not in offers:
            return False
        for _ in range(offers.index(want)):
            self.press("ArrowDown")
        self.press("Enter")
        return True

    def _type(self, field: str, text: str) -> None:
        keys = telex_keys(text) if self.telex else list(text)
        for k in keys:
            self.press(k if k != " " else "Space")

    def fill(self, field: str, want: str, figures: bool) -> bool:
        """Put ``want`` in the focused field; True when a whole-value completion moved the focus on."""
        if not want:
            self.press("Delete")
            return False
        if figures:
            for ch in want:
                self.press(ch)
            return False
        if field in NAME_FIELDS:  # word by word, each completed when offered
            words, done = want.split(" "), []
            for w in words:
                target = " ".join([*done, w])
                if done:
                    self.press("Space")
                for k in (telex_keys(w) if self.telex else list(w)):
                    self.press(k)
                    if self._value(field) == target or self._take(field, target):
                        break
                if self._value(field) != target:  # a letter the method could not give: type it plainly
                    raise AssertionError(f"{field}: typed {self._value(field)!r}, wanted {target!r}")
                done.append(w)
            return False
        keys = telex_keys(want) if self.telex else list(want)
        for k in keys:
            self.press(k if k != " " else "Space")
            if self._value(field) == want:
                return False
            if self._take(field, want):
                return True
        if self._value(field) != want:
            raise AssertionError(f"{field}: typed {self._value(field)!r}, wanted {want!r}")
        return False

    def key_entry(self, fields: list[str], figures: set[str], truth: dict[str, str]) -> Keyed:
        """Key one entry from where the station put the focus; Ctrl+Enter saves it and opens the next."""
        start_keys, started = self.keys, time.monotonic()
        focused = self.page.evaluate("document.activeElement.name")
        at = fields.index(focused)
        # Carried fields above the focus: fixed only where wrong (Shift+Tab back, then Tab on again).
        wrong = [i for i in range(at) if not matches(fields[i], self._value(fields[i]),
                                                     shown(fields[i], truth.get(fields[i], "")))]
        if wrong:
            for _ in range(at - wrong[0]):
                self.press("Shift+Tab")
            pos = wrong[0]
            while pos < at:
                f = fields[pos]
                if not matches(f, self._value(f), shown(f, truth.get(f, ""))):
                    self.fill(f, typed(f, truth.get(f, "")), f in figures)
                    if self.page.evaluate("document.activeElement.name") == f:
                        self.press("Tab")
                else:
                    self.press("Tab")
                pos = fields.index(self.page.evaluate("document.activeElement.name"))
        pos = at
        while pos < len(fields):
            f = fields[pos]
            want = shown(f, truth.get(f, ""))
            if not matches(f, self._value(f), want):
                moved = self.fill(f, typed(f, truth.get(f, "")), f in figures)
                if moved and pos == len(fields) - 1:  # Enter on the last field saved the entry
                    return Keyed(self.keys - start_keys, time.monotonic() - started)
                if moved:
                    pos += 1
                    continue
            if pos == len(fields) - 1:
                break
            self.press("Tab")
            pos += 1
        self.press("Control+Enter")
        return Keyed(self.keys - start_keys, time.monotonic() - started)
