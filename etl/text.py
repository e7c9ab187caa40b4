"""Text normalisation and name matching for Vietnamese labels."""
from __future__ import annotations

import difflib
import re
import unicodedata
from functools import lru_cache

_PARENS = re.compile(r"\([^)]*\)")
_NON_WORD = re.compile(r"[^0-9a-z]+")


def fold(text) -> str:
    """Lower case, no diacritics (đ -> d), punctuation to single spaces."""
    if text is None:
        return ""
    return _fold(str(text))


@lru_cache(maxsize=65536)
def _fold(text: str) -> str:
    s = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    s = "".join(ch for ch in s if unicodedata.category(ch) != "Mn").lower()
    return _NON_WORD.sub(" ", s).strip()


def fold_no_parens(text) -> str:
    return fold(_PARENS.sub(" ", str(text or "")))


class NameIndex:
    """Finds a catalogue code from a name typed with or without diacritics, with small
    differences in wording or punctuation, or with a parenthetical left off."""

    def __init__(self, names: dict[str, str]):
        self.names = names
        self.exact: dict[str, str] = {}
        for code, name in names.items():
            for key in (fold(name), fold_no_parens(name), fold(code)):
                self.exact.setdefault(key, code)
        self.folded = {code: fold_no_parens(name) for code, name in names.items()}

    def match(self, text) -> str | None:
        key = fold(text)
        if not key:
            return None
        if key in self.exact:
            return self.exact[key]
        key2 = fold_no_parens(text)
        if key2 in self.exact:
            return self.exact[key2]
        best, best_score = None, 0.0
        for code, f in self.folded.items():
            score = difflib.SequenceMatcher(None, key2, f, autojunk=False).ratio()
            if score > best_score:
                best, best_score = code, score
        return best if best_score >= 0.9 else None

    def closest(self, text, n: int = 3) -> list[str]:
        """The n catalogue entries nearest to text, by name or by code (best first)."""
        key2 = fold_no_parens(text)

        def score(code: str, f: str) -> float:
            by_name = difflib.SequenceMatcher(None, key2, f, autojunk=False).ratio()
            by_code = difflib.SequenceMatcher(None, key2, fold(code), autojunk=False).ratio()
            return max(by_name, by_code)

        scored = sorted(((-score(code, f), i, code) for i, (code, f) in enumerate(self.folded.items())))
        return [code for _, _, code in scored[:n]]
