"""Chinese text for search: segmentation with jieba, synonyms, query parsing, quoting for the
embedded engines, and highlighting. Plain functions: no database, no Flask.

Traditional and simplified characters find each other (環評 ⇔ 环评, 測繪 ⇔ 测绘): documents and
queries alike are converted to simplified characters with OpenCC (`t2s`) in `normalize`, before
jieba cuts them and before Meilisearch receives them, so the synonyms and jieba's dictionary, both
simplified, apply to either script. What is shown stays as written: the engines keep each
document's original text for display, and `highlight` finds the (simplified) marks in a simplified
copy of the text aligned character for character with the original, then marks the original.
Changing this conversion changes the indexed tokens: run `flask --app wsgi search reindex` after an
upgrade that does.

Documents are segmented like jieba's `cut_for_search`, which emits a long word *and* the
dictionary words inside it ("环境影响评价" → 环境 影响 评价 环境影响 环境影响评价) — but every inner
dictionary word, not only those of two or three characters — so any word a query can be cut into
is found inside longer words. A query is cut in precise mode; each of its words matches a document
that contains the word or one of its synonyms. All words of a query must match.
"""

from __future__ import annotations

import logging
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import jieba
import opencc
from markupsafe import Markup, escape

#: The length of a snippet: long text is cropped around its first match.
SNIPPET_CHARS = 80
#: Longer queries are cut here: nobody types more, and it bounds the work a query can cause.
MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 12
MAX_TOKEN_CHARS = 64

#: Abbreviations used in approval practice and the words they stand for; each group is mutual.
SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    ("环评", "环境影响评价", "eia"),
    ("水保", "水土保持"),
    ("安评", "安全评价"),
    ("地震安评", "震评", "地震安全性评价"),
    ("能评", "节能评估", "节能"),
    ("地灾", "地质灾害"),
    ("地灾评估", "地质灾害危险性评估"),
    ("洪评", "防洪评价", "洪水影响评价"),
    ("测绘", "测量"),
    ("造价", "造价咨询", "工程造价"),
    ("图审", "施工图审查"),
    ("稳评", "社稳", "社会稳定风险评估"),
    ("职评", "职业病危害评价"),
    ("可研", "可行性研究"),
    ("水资源论证", "水资源评价"),
    ("文评", "文物影响评估"),
    ("压矿", "压覆矿产"),
    ("雷评", "雷电灾害风险评估"),
    ("交评", "交通影响评价"),
)

#: Words too common to narrow a search (dropped from queries and documents alike).
STOP_WORDS = frozenset({"的", "了", "和", "与", "及", "或", "在", "是", "之", "等", "对"})

_WORD = re.compile(r"[^\W_]+")


def _build_synonyms() -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}
    for group in SYNONYM_GROUPS:
        for term in group:
            table.setdefault(term, []).extend(t for t in group if t != term)
    return {term: tuple(dict.fromkeys(others)) for term, others in table.items()}


SYNONYMS = _build_synonyms()


class Tokenizer(jieba.Tokenizer):
    """jieba's tokenizer with its two hot loops — the DAG of dictionary words starting at each
    character and the best route through it — written with fewer dictionary look-ups and each
    word's log-probability computed once. The cut is the same as jieba's, token for token (the
    same floating-point sums, ties broken the same way: tests/market/test_search_segmenting.py);
    reindexing spends most of its time here."""

    _logp: dict[str, float]
    _logtotal: float | None = None

    def get_DAG(self, sentence: str) -> dict[int, list[int]]:  # noqa: N802  (jieba's name)
        self.check_initialized()
        get = self.FREQ.get
        dag = {}
        n = len(sentence)
        for k in range(n):
            ends = []
            i = k
            frag = sentence[k]
            while i < n:
                freq = get(frag)
                if freq is None:  # not a prefix of any word
                    break
                if freq:
                    ends.append(i)
                i += 1
                frag = sentence[k : i + 1]
            dag[k] = ends or [k]
        return dag

    def calc(self, sentence: str, DAG: dict[int, list[int]], route: dict) -> None:  # noqa: N803
        n = len(sentence)
        route[n] = (0, 0)
        logtotal = math.log(self.total)
        if self._logtotal != logtotal:  # a word was added: the probabilities changed
            self._logp, self._logtotal = {}, logtotal
        logp, get = self._logp, self.FREQ.get
        for idx in range(n - 1, -1, -1):
            best = None
            for x in DAG[idx]:
                word = sentence[idx : x + 1]
                p = logp.get(word)
                if p is None:
                    p = logp[word] = math.log(get(word) or 1) - logtotal
                candidate = (p + route[x + 1][0], x)
                if best is None or candidate > best:  # the first of equals, as max() keeps
                    best = candidate
            route[idx] = best


@lru_cache(maxsize=1)
def tokenizer() -> jieba.Tokenizer:
    """A private jieba tokenizer that knows the synonym terms as words (the global one is left
    alone)."""
    jieba.setLogLevel(logging.WARNING)
    tk = Tokenizer()
    for group in SYNONYM_GROUPS:
        for term in group:
            if not term.isascii():
                tk.add_word(term)
    return tk


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    """`text` in simplified Chinese characters (anything else unchanged)."""
    return _converter().convert(text) if text else ""


@lru_cache(maxsize=4096)
def _simplified_char(char: str) -> str:
    converted = simplified(char)
    return converted if len(converted) == 1 else char


def aligned_simplified(text: str) -> str:
    """`simplified(text)` with exactly one character for each character of `text`, so a position
    in one is the same position in the other (for highlighting the original text)."""
    converted = simplified(text)
    if len(converted) == len(text):
        return converted
    return "".join(_simplified_char(c) for c in text)


def normalize(text: str) -> str:
    """How documents and queries alike are compared: NFKC, lower case, simplified characters."""
    return simplified(unicodedata.normalize("NFKC", text or "").lower())


def _words(pieces: Iterable[str]) -> list[str]:
    out = []
    for piece in pieces:
        for word in _WORD.findall(piece):
            if word not in STOP_WORDS:
                out.append(word[:MAX_TOKEN_CHARS])
    return out


def cut_for_index(text: str):
    """Each word of the precise cut, preceded by every dictionary word inside it."""
    tk = tokenizer()
    tk.check_initialized()
    for word in tk.cut(text):
        yield from _inner_words(word)


@lru_cache(maxsize=65_536)
def _inner_words(word: str) -> tuple[str, ...]:
    """`word` preceded by every dictionary word inside it."""
    freq = tokenizer().FREQ
    n = len(word)
    inner = [
        word[start : start + size]
        for size in range(2, n)
        for start in range(n - size + 1)
        if freq.get(word[start : start + size])
    ]
    return (*inner, word)


#: A run that jieba cuts on its own: it splits text at these (`jieba.re_han_default`) and cuts
#: each run independently, so cutting run by run gives exactly the cut of the whole text.
_RUN = jieba.re_han_default


@lru_cache(maxsize=65_536)
def _run_tokens(run: str) -> tuple[str, ...]:
    return tuple(_words(cut_for_index(run)))


def index_tokens(text: str) -> list[str]:
    """The tokens a document field is indexed under (with inner words). Segmentation is most of
    the cost of indexing, and documents repeat their phrases (service names, boilerplate): each
    run of text between punctuation is segmented once and remembered (bounded LRU caches)."""
    out: list[str] = []
    for run in _RUN.split(normalize(text)):
        if run:
            out.extend(_run_tokens(run) if len(run) <= 200 else _words(cut_for_index(run)))
    return out


def query_words(text: str) -> list[str]:
    """The distinct words of a query, in order, at most MAX_QUERY_WORDS."""
    words = _words(tokenizer().cut(normalize(text)[:MAX_QUERY_CHARS]))
    return list(dict.fromkeys(words))[:MAX_QUERY_WORDS]


@dataclass(frozen=True)
class Term:
    """One query word: a document matches if it holds every token of any one of the forms."""

    forms: tuple[tuple[str, ...], ...]
    #: Forms whose last token also matches longer tokens (the word being typed).
    prefixed: tuple[int, ...] = ()

    def is_prefix(self, form: int, token: int) -> bool:
        return form in self.prefixed and token == len(self.forms[form]) - 1


@dataclass(frozen=True)
class ParsedQuery:
    terms: tuple[Term, ...]

    @property
    def empty(self) -> bool:
        return not self.terms

    def marks(self) -> set[str]:
        """The strings to highlight in a matching document."""
        return {token for term in self.terms for form in term.forms for token in form}


def parse_query(text: str, prefix: bool = False) -> ParsedQuery:
    """`prefix`: the last word may be incomplete. Then it also matches longer words, and so do
    the pieces it falls into without jieba's guesses for unknown words ("甲环" → 甲 环…), since
    an unfinished word is often cut differently from the finished one."""
    terms = []
    words = query_words(text)
    for i, word in enumerate(words):
        forms: list[tuple[str, ...]] = []
        forms.append((word,))
        forms.extend((synonym,) for synonym in SYNONYMS.get(word, ()))
        prefixed: list[int] = []
        if prefix and i == len(words) - 1:
            prefixed.append(0)
            pieces = tuple(_words(tokenizer().cut(word, HMM=False)))
            if len(pieces) > 1:
                forms.insert(1, pieces)
                prefixed.append(1)
        unique = list(dict.fromkeys(forms))
        terms.append(Term(tuple(unique), tuple(unique.index(forms[p]) for p in prefixed)))
    return ParsedQuery(tuple(terms))


# --- the embedded engines' query languages ---------------------------------------------------


def fts5_string(token: str) -> str:
    """An FTS5 string: double-quoted, inner double quotes doubled, so nothing is syntax."""
    return '"' + token.replace('"', '""') + '"'


def fts5_text(query: ParsedQuery) -> str:
    """The words of a MATCH expression (every term, any of its forms)."""
    clauses = []
    for term in query.terms:
        alternatives = []
        for f, form in enumerate(term.forms):
            tokens = [
                fts5_string(t) + ("*" if term.is_prefix(f, k) else "") for k, t in enumerate(form)
            ]
            alternatives.append(tokens[0] if len(tokens) == 1 else "(" + " AND ".join(tokens) + ")")
        clauses.append("(" + " OR ".join(alternatives) + ")")
    return " AND ".join(clauses)


def tsquery_lexeme(token: str) -> str:
    """A tsquery lexeme: single-quoted, quotes doubled and backslashes escaped."""
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def pg_tsquery(query: ParsedQuery, weights: str = "") -> str:
    """The words as a tsquery (every term, any of its forms); `weights` ("AB"): found only in
    fields of these weights."""
    clauses = []
    for term in query.terms:
        alternatives = []
        for f, form in enumerate(term.forms):
            tokens = [
                tsquery_lexeme(t)
                + (":*" + weights if term.is_prefix(f, k) else (":" + weights if weights else ""))
                for k, t in enumerate(form)
            ]
            alternatives.append(tokens[0] if len(tokens) == 1 else "(" + " & ".join(tokens) + ")")
        clauses.append("(" + " | ".join(alternatives) + ")")
    return " & ".join(clauses)


def pg_tsvector(weighted: Iterable[tuple[str, list[str]]]) -> str:
    """A tsvector literal from (weight letter, tokens) pairs; positions keep the weights."""
    positions: dict[str, list[str]] = {}
    pos = 0
    for weight, tokens in weighted:
        for token in tokens:
            pos = min(pos + 1, 16383)
            entry = positions.setdefault(token, [])
            if len(entry) < 255:
                entry.append(f"{pos}{weight}")
    return " ".join(f"{tsquery_lexeme(t)}:{','.join(p)}" for t, p in positions.items())


# --- highlighting -----------------------------------------------------------------------------

#: Matches are wrapped in these before the text is escaped, then the wrappers become <mark>.
PRE_TAG, POST_TAG = "\x02", "\x03"


def marked(text: str) -> Markup:
    """Text with PRE_TAG/POST_TAG around matches → escaped HTML with <mark>."""
    html = str(escape(text or ""))
    return Markup(html.replace(PRE_TAG, "<mark>").replace(POST_TAG, "</mark>"))


def highlight(text: str, marks: Iterable[str], crop: int | None = None) -> Markup:
    """Escape `text`, then wrap each occurrence of a mark in <mark>; crop long text around the
    first match. Marks are simplified (`normalize`), and are found in either script: the text is
    searched in simplified characters and marked as written."""
    text = (text or "").replace(PRE_TAG, "").replace(POST_TAG, "")
    needles = sorted({m for m in marks if m}, key=len, reverse=True)
    spans = []
    if needles:
        pattern = re.compile("|".join(re.escape(n) for n in needles), re.IGNORECASE)
        for m in pattern.finditer(aligned_simplified(text)):
            if spans and m.start() <= spans[-1][1]:  # touching matches make one mark
                spans[-1] = (spans[-1][0], max(spans[-1][1], m.end()))
            else:
                spans.append((m.start(), m.end()))
    start, end = 0, len(text)
    if crop and len(text) > crop:
        first = spans[0][0] if spans else 0
        start = max(0, min(first - crop // 3, len(text) - crop))
        end = start + crop
    out, cursor = [], start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        out.append(text[cursor:s])
        out.append(PRE_TAG + text[s:e] + POST_TAG)
        cursor = e
    out.append(text[cursor:end])
    body = "".join(out)
    return marked(("…" if start > 0 else "") + body + ("…" if end < len(text) else ""))
