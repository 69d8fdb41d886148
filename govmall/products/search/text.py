"""Chinese text for search: normalisation, jieba segmentation with a user dictionary, pinyin,
query parsing and highlighting. No database access here (the lexicon is passed in).

Both back-ends index the *same* tokens produced here, so segmentation is identical on SQLite
and PostgreSQL: tokens are runs of letters/digits (lower case) and jieba words of CJK runs
(search mode: a long word and its dictionary sub-words, e.g. 台式计算机 → 台式 计算 计算机 台式计算机).
"""

from __future__ import annotations

import html
import logging
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import jieba
from pypinyin import Style, lazy_pinyin

jieba.setLogLevel(logging.WARNING)

MAX_QUERY_CHARS = 100  # longer queries are cut (a 500-character paste still gets a normal page)
MAX_QUERY_TERMS = 8
MAX_EXPANSIONS = 12

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN = re.compile(rf"[{CJK}]+|[a-z0-9]+")
_RUN_KIND = re.compile(rf"([{CJK}]+)|([a-z0-9]+)")
_CJK_RUN = re.compile(rf"^[{CJK}]+$")
_ALPHA = re.compile(r"^[a-z]+$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
STOP_CHARS = set("的了和与及或在等用买要个只件台套")


def normalize(text: str) -> str:
    """NFKC (full-width → half-width), lower case, control characters removed."""
    return _CONTROL.sub(" ", unicodedata.normalize("NFKC", text or "")).lower()


def is_cjk(token: str) -> bool:
    return bool(_CJK_RUN.match(token))


@lru_cache(maxsize=100_000)
def pinyin_full(word: str) -> str:
    return "".join(lazy_pinyin(word))


@lru_cache(maxsize=100_000)
def pinyin_initials(word: str) -> str:
    return "".join(lazy_pinyin(word, style=Style.FIRST_LETTER))


@dataclass
class Lexicon:
    """The user dictionary and what query expansion needs, built from the database by
    search/lexicon.py: catalog names, mall-catalog names and aliases, brands, place names,
    spec values, synonym groups."""

    words: dict[str, int] = field(default_factory=dict)  # word → priority (higher first)
    groups: list[tuple[str, ...]] = field(default_factory=list)  # synonym groups
    stamp: tuple = ()
    _synonyms: dict[str, set[str]] = field(default_factory=dict, repr=False)
    _by_pinyin: dict[str, list[str]] = field(default_factory=dict, repr=False)
    _by_initials: dict[str, list[str]] = field(default_factory=dict, repr=False)
    _by_last_char: dict[str, list[str]] = field(default_factory=dict, repr=False)

    def prepare(self) -> Lexicon:
        groups = [{normalize(w) for w in group if w.strip()} for group in self.groups]
        # Groups that share a word are one concept (the catalog's aliases and synonyms.txt
        # often list the same words): merge them.
        merged: list[set[str]] = []
        for g in groups:
            hits = [m for m in merged if m & g]
            for m in hits:
                g |= m
                merged.remove(m)
            merged.append(g)
        groups = merged
        member_of = {w: i for i, members in enumerate(groups) for w in members}
        # A word that ends another concept's word is an ambiguous synonym (一体机, an alias of
        # 台式计算机, ends 多功能一体机): it still finds what it literally says, but is never
        # added to another word's alternatives.
        ambiguous = {w for w, i in member_of.items() if any(o != w and o.endswith(w) and member_of[o] != i for o in member_of)}
        for members in groups:
            for w in members:
                self._synonyms.setdefault(w, set()).update(members - {w} - ambiguous)
                self.words.setdefault(w, 5)
        by_py: dict[str, list[tuple[int, str]]] = {}
        by_ini: dict[str, list[tuple[int, str]]] = {}
        by_last: dict[str, list[tuple[int, str]]] = {}
        for word, prio in self.words.items():
            if not is_cjk(word) or len(word) < 2:
                continue
            by_py.setdefault(pinyin_full(word), []).append((-prio, word))
            by_ini.setdefault(pinyin_initials(word), []).append((-prio, word))
            by_last.setdefault(word[-1], []).append((-prio, word))
        self._by_pinyin = {k: [w for _, w in sorted(v)] for k, v in by_py.items()}
        self._by_initials = {k: [w for _, w in sorted(v)] for k, v in by_ini.items()}
        self._by_last_char = {k: [w for _, w in sorted(v, key=lambda x: (x[0], len(x[1])))] for k, v in by_last.items()}
        return self

    def synonyms(self, word: str) -> set[str]:
        return self._synonyms.get(word, set())

    def from_pinyin(self, token: str) -> list[str]:
        """Words whose full pinyin or initials are `token` (taishiji / tsj → 台式机), and for
        longer input, words whose full pinyin starts with it (taish → 台式…)."""
        found = list(self._by_pinyin.get(token, []))
        found += [w for w in self._by_initials.get(token, []) if w not in found]
        if not found and len(token) >= 4:
            for py, words in self._by_pinyin.items():
                if py.startswith(token):
                    found += words
                    if len(found) >= MAX_EXPANSIONS:
                        break
        return found[:MAX_EXPANSIONS]

    def ending_with(self, char: str) -> list[str]:
        return self._by_last_char.get(char, [])[:MAX_EXPANSIONS]

    def suggestions(self, prefix: str, limit: int = 8) -> list[str]:
        """Words for the search box's suggestion list: by Chinese prefix or pinyin prefix."""
        p = normalize(prefix).strip()
        if not p:
            return []
        out: list[str] = []
        if is_cjk(p):
            cands = sorted((w for w in self.words if w.startswith(p) and w != p), key=lambda w: (-self.words[w], len(w)))
            out = cands[:limit]
        elif _ALPHA.match(p):
            for w in self.from_pinyin(p):
                out.append(w)
            if len(out) < limit:
                for py, words in sorted(self._by_pinyin.items()):
                    if py.startswith(p):
                        out += [w for w in words if w not in out]
                    if len(out) >= limit:
                        break
        return out[:limit]


class Segmenter:
    """A jieba tokenizer of its own (not jieba's global one) with the lexicon's words added.
    Words are only ever added, so documents indexed earlier keep matching."""

    def __init__(self):
        self._tk = jieba.Tokenizer()
        try:  # jieba caches its prefix dictionary in a file: keep it under VAR_DIR
            from django.conf import settings

            cache_dir = settings.VAR_DIR / "cache"
            cache_dir.mkdir(parents=True, exist_ok=True)
            self._tk.tmp_dir = str(cache_dir)
        except Exception:  # noqa: BLE001 — outside Django the temp directory is fine
            pass
        self._added: set[str] = set()
        self._lock = threading.Lock()
        self._memo: dict[str, tuple[str, ...]] = {}
        self._query_memo: dict[str, tuple[str, ...]] = {}

    def load(self, words) -> None:
        with self._lock:
            new = [w for w in words if w not in self._added and is_cjk(w) and len(w) >= 2]
            if not new and self._tk.initialized:
                return
            self._tk.initialize()
            for w in new:
                self._tk.add_word(w, freq=max(self._tk.FREQ.get(w, 0) or 0, 1000 + 100 * len(w)))
                self._added.add(w)
            self._memo.clear()
            self._query_memo.clear()

    def index_words(self, cjk_run: str) -> tuple[str, ...]:
        """Search-mode segmentation of one CJK run (memoised: listings repeat their words)."""
        got = self._memo.get(cjk_run)
        if got is None:
            got = tuple(w for w in self._tk.cut_for_search(cjk_run, HMM=True) if w.strip())
            if len(self._memo) > 200_000:
                self._memo.clear()
            self._memo[cjk_run] = got
        return got

    def query_words(self, cjk_run: str) -> tuple[str, ...]:
        got = self._query_memo.get(cjk_run)
        if got is None:
            got = tuple(w for w in self._tk.cut(cjk_run, HMM=True) if w.strip())
            if len(self._query_memo) > 50_000:
                self._query_memo.clear()
            self._query_memo[cjk_run] = got
        return got


def index_tokens(seg: Segmenter, text: str) -> list[str]:
    """The tokens a text is indexed under (duplicates kept: they count for ranking)."""
    out: list[str] = []
    memo = seg._memo
    for cjk, alnum in _RUN_KIND.findall(normalize(text)):
        if cjk:
            words = memo.get(cjk)
            out.extend(words if words is not None else seg.index_words(cjk))
        else:
            out.append(alnum)
    return out


@dataclass
class Term:
    """One word of the query and what it may match (any of `alternatives`)."""

    text: str
    alternatives: tuple[str, ...]
    pinyin: bool = False


def parse_query(q: str, seg: Segmenter, lex: Lexicon) -> list[Term]:
    """Query words → terms, every term required (AND), each matched by any of its
    alternatives (OR): synonyms, catalog aliases, pinyin and initials. Anything that is not a
    letter, digit or CJK character (quotes, *, <, ', operators) is dropped, so no input can
    reach the back-end's query syntax."""
    text = normalize(q)[:MAX_QUERY_CHARS]
    terms: list[Term] = []
    seen: set[str] = set()
    for run in _RUN.findall(text):
        words = seg.query_words(run) if is_cjk(run) else (run,)
        for w in words:
            if w in seen or (len(w) == 1 and w in STOP_CHARS):
                continue
            seen.add(w)
            terms.append(_term(w, lex))
            if len(terms) >= MAX_QUERY_TERMS:
                return terms
    return terms


def _term(word: str, lex: Lexicon) -> Term:
    alts: list[str] = [word]

    def add(ws):
        for w in ws:
            if w not in alts and len(alts) < MAX_EXPANSIONS + 4:
                alts.append(w)

    if is_cjk(word):
        add(sorted(lex.synonyms(word)))
        if len(word) == 1:
            add(lex.ending_with(word))
        return Term(word, tuple(alts))
    if _ALPHA.match(word) and len(word) >= 2:
        hits = lex.from_pinyin(word)
        add(hits)
        for h in hits[:4]:
            add(sorted(lex.synonyms(h)))
        return Term(word, tuple(alts), pinyin=bool(hits))
    return Term(word, tuple(alts))


def text_score(name: list[str], body: list[str], terms: list[tuple[str, ...]]) -> float:
    """Relevance of one candidate to the query, from its own tokens: per query word the best
    of its alternatives (the word typed counts 1, a synonym or pinyin expansion 0.8) found in
    the name (×1) or only in the body (×0.3), summed, with shorter names preferred (a name
    that is mostly the query ranks above a long one that merely contains it)."""
    if not terms:
        return 0.0
    name_set, body_set = set(name), set(body)
    score = 0.0
    for alts in terms:
        best = 0.0
        for k, a in enumerate(alts):
            w = 1.0 if k == 0 else 0.8
            if a in name_set:
                best = max(best, w)
            elif a in body_set:
                best = max(best, 0.3 * w)
        score += best
    return score / (1.0 + len(name) / 40.0)


def highlight(text: str, terms: list[Term], seg: Segmenter | None = None) -> str:
    """HTML-escaped `text` with every matching alternative wrapped in <mark>. Longest
    alternatives first; case-insensitive for Latin letters."""
    if not text:
        return ""
    needles = sorted({a for t in terms for a in t.alternatives if a}, key=len, reverse=True)
    if not needles:
        return html.escape(text)
    norm = normalize(text)
    if len(norm) != len(text):  # NFKC changed the length: match on the original, lower-cased
        norm = text.lower()
    marks = [False] * len(text)
    for n in needles:
        start = 0
        while True:
            i = norm.find(n, start)
            if i < 0:
                break
            # Latin/digit needles match whole tokens only ("hp" not inside "php").
            if not is_cjk(n):
                before = norm[i - 1] if i > 0 else " "
                after = norm[i + len(n)] if i + len(n) < len(norm) else " "
                if before.isalnum() and not is_cjk(before) or after.isalnum() and not is_cjk(after):
                    start = i + 1
                    continue
            for k in range(i, i + len(n)):
                marks[k] = True
            start = i + len(n)
    out, buf, on = [], [], False
    for ch, m in zip(text, marks):
        if m != on:
            out.append(html.escape("".join(buf)))
            buf = []
            out.append("<mark>" if m else "</mark>")
            on = m
        buf.append(ch)
    out.append(html.escape("".join(buf)))
    if on:
        out.append("</mark>")
    return "".join(out)
