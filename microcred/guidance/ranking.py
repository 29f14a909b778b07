"""The pure parts of suggesting skills: the texts that stand for a skill, lexical ranking (BM25) and the fusion of
rankings. No Django here, so the evaluation scripts and the benchmark use exactly what the site uses.

Settings measured on the tuning set (`evaluation/outcomes.py`, TUNING; never on the evaluation set): see
`evaluation/README.md` for what was tried.
"""

from __future__ import annotations

import numpy as np

# A skill's text for the sentence encoder: its preferred label, then its description.
DENSE_TEMPLATE = "{label}. {description}"
# An occupation's text for the multilingual encoder (the occupation look-up, `occupation_search.py`): its label and
# the first sentence of its description (what the occupation is; the whole description made the vectors take about
# 9 minutes to compute on two busy cores, the first sentence about a third of that).
OCCUPATION_TEMPLATE = "{label}. {first_sentence}"


def first_sentence(text: str, limit: int = 300) -> str:
    text = " ".join((text or "").split())
    end = text.find(". ")
    return (text if end < 0 else text[: end + 1])[:limit]


# The query is the learning outcome as written.
QUERY_TEMPLATE = "{text}"
RRF_K = 20  # reciprocal-rank fusion constant (60 in Cormack et al. 2009; 20 measured a little better here)
DEPTH = 50  # how deep each ranking goes into the fusion
LEXICAL_WEIGHT = 0.5  # BM25's weight beside the encoder's (1.0); equal weights measured worse
# Skills specific to one sector or occupation crowd out the general one an outcome is about ("assess environmental
# impact in aquaculture operations"): their fused score is multiplied by this factor (1.0: no change).
SPECIFIC = ("sector-specific", "occupation-specific")
SPECIFIC_FACTOR = 1.0
LABEL_REPEAT = 1  # how many times the preferred label counts in a skill's BM25 text
# Second stage: a candidate whose label names something the outcome does not mention ("provide first aid to
# ANIMALS", "use CAD for FOOTWEAR", "negotiate LOAN agreements") is multiplied by UNMATCHED_FACTOR for each such word
# (at most UNMATCHED_MAX words). Only rare label words count: those in at most UNMATCHED_RARE skill labels, so
# "assess the life cycle of resources" is not demoted for "resources". Compared by Snowball stem. 1.0: no change.
UNMATCHED_FACTOR = 1.0
UNMATCHED_RARE = 50
UNMATCHED_MAX = 2
UNMATCHED_LEVELS: tuple[str, ...] | None = None  # None: every skill; else only skills of these reuse levels


def dense_text(label: str, description: str) -> str:
    return DENSE_TEMPLATE.format(label=label, description=description or "").strip()


def lexical_text(label: str, alternatives: list[str], description: str) -> str:
    return " ".join([label] * LABEL_REPEAT + list(alternatives) + [description or ""])


# Other languages' BM25: their stop words (bm25s has no Hungarian list) and a Snowball stemmer, so that "residuos"
# finds "residuo" (ESCO's labels in those languages are short, and a missed inflection loses the only match).
# English keeps its measured setting: no stemmer.
STEMMED = {"es": "spanish", "fr": "french", "nl": "dutch", "hu": "hungarian"}
STOPWORDS = {"en": "en", "es": "es", "fr": "fr", "nl": "nl"}


def _stemmer(language: str):
    if language not in STEMMED:
        return None
    import snowballstemmer

    return snowballstemmer.stemmer(STEMMED[language]).stemWords


class Lexical:
    """BM25 over the skills' lexical texts in one language (bm25s: sparse matrices in numpy, ~0.2 ms a query)."""

    def __init__(self, texts: list[str], language: str = "en"):
        import bm25s

        self._bm25s = bm25s
        self.size = len(texts)
        self._stopwords = STOPWORDS.get(language)
        self._stem = _stemmer(language)
        self._retriever = bm25s.BM25()
        tokens = bm25s.tokenize(texts, stopwords=self._stopwords, stemmer=self._stem, show_progress=False)
        self._retriever.index(tokens, show_progress=False)
        self._vocab = tokens.vocab

    def rank(self, query: str, depth: int = DEPTH) -> list[tuple[int, float]]:
        """[(row, score)] best first, rows with a positive score only."""
        words = self._bm25s.tokenize(
            [query], stopwords=self._stopwords, stemmer=self._stem, show_progress=False, return_ids=False
        )[0]
        ids = [self._vocab[w] for w in words if w in self._vocab]
        if not ids or self.size == 0:
            return []
        scores = self._retriever.get_scores(ids)
        return top(scores, depth, positive_only=True)


def top(scores: np.ndarray, depth: int, positive_only: bool = False) -> list[tuple[int, float]]:
    """The `depth` best rows of a score vector, best first (ties by row, so the order is stable)."""
    depth = min(depth, len(scores))
    if depth <= 0:
        return []
    candidates = np.argpartition(-scores, depth - 1)[:depth]
    ordered = sorted(candidates.tolist(), key=lambda i: (-float(scores[i]), i))
    return [(i, float(scores[i])) for i in ordered if not positive_only or scores[i] > 0]


def fuse(rankings: list[tuple[list[int], float]], k: int | None = None) -> list[tuple[int, float]]:
    """Weighted reciprocal-rank fusion: each ranking (rows best first, weight) adds weight / (k + rank) to a row.

    Answers [(row, score)] best first; ties are broken by the first ranking's order, then by row.
    """
    k = RRF_K if k is None else k
    scores: dict[int, float] = {}
    first_seen: dict[int, int] = {}
    position = 0
    for rows, weight in rankings:
        for rank, row in enumerate(rows, 1):
            scores[row] = scores.get(row, 0.0) + weight / (k + rank)
            if row not in first_seen:
                first_seen[row] = position
                position += 1
    return sorted(scores.items(), key=lambda item: (-item[1], first_seen[item[0]], item[0]))


_WORD = __import__("re").compile(r"[^\W\d_]{2,}")


def stems(text: str) -> list[str]:
    """The Snowball (English) stems of a text's words, stop words left out."""
    from bm25s.stopwords import STOPWORDS_EN

    stemmer = _english_stemmer()
    words = [w for w in _WORD.findall(text.lower()) if w not in STOPWORDS_EN]
    return stemmer.stemWords(words) if words else []


_stemmer_cache: list = []


def _english_stemmer():
    if not _stemmer_cache:
        import snowballstemmer

        _stemmer_cache.append(snowballstemmer.stemmer("english"))
    return _stemmer_cache[0]


class LabelWords:
    """Each skill label's stems, and in how many labels each stem occurs (to tell a rare, sector word)."""

    def __init__(self, labels: list[str]):
        self.stems = [frozenset(stems(label)) for label in labels]
        self.frequency: dict[str, int] = {}
        for words in self.stems:
            for word in words:
                self.frequency[word] = self.frequency.get(word, 0) + 1

    def unmatched(self, row: int, query_stems: set[str], rare: int) -> int:
        return sum(1 for w in self.stems[row] if w not in query_stems and self.frequency[w] <= rare)


def demote_unmatched(
    fused: list[tuple[int, float]],
    words: LabelWords,
    query: str,
    levels: list[str] | None = None,
    factor: float | None = None,
) -> list[tuple[int, float]]:
    """The fused ranking with each candidate multiplied by `factor` per rare label word the query lacks."""
    factor = UNMATCHED_FACTOR if factor is None else factor
    if factor == 1.0:
        return fused
    query_stems = set(stems(query))
    out = []
    for row, score in fused:
        if UNMATCHED_LEVELS is None or (levels is not None and levels[row] in UNMATCHED_LEVELS):
            score *= factor ** min(UNMATCHED_MAX, words.unmatched(row, query_stems, UNMATCHED_RARE))
        out.append((row, score))
    return sorted(out, key=lambda item: -item[1])
