"""Segmenting documents for the embedded index, in this process or in a pool of processes.

Cutting text with jieba is most of the CPU a reindex spends (docs/rules.md §8), and it is pure
Python: one process uses one core whatever the machine has. `Segmenter` cuts the searchable text
of a batch of documents either here or, for a rebuild of many documents, in a pool of worker
processes fed batch by batch while this process reads the next rows and writes the previous
batch. At most `depth` batches are in flight, so memory stays bounded whatever the corpus; the
results come back in the order the batches went out, and each worker cuts with the same
`index_tokens` as this process, so the documents written are the same either way
(tests/market/test_search_segmenting.py).

Workers are forked from this process after the tokenizer is loaded (its dictionary is shared,
not loaded again) and only ever cut text: they never touch the database or the app.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TypeVar

from market.search.registry import Document, IndexSpec
from market.search.text import index_tokens, tokenizer

#: Weighted tokens of one document: (weight letter, tokens) per searchable field, in the spec's
#: order — what `EmbeddedEngine.put_many` writes.
Weighted = list[tuple[str, list[str]]]

T = TypeVar("T")

#: A rebuild of fewer documents than this is cut in this process: starting workers costs more.
POOL_THRESHOLD = 5_000


def segment_rows(rows: list[tuple[str, ...]]) -> list[list[list[str]]]:
    """The tokens of each text of each row (what a worker runs; plain data in and out)."""
    return [[index_tokens(t) for t in row] for row in rows]


def _texts(spec: IndexSpec, docs: list[Document]) -> list[tuple[str, ...]]:
    return [tuple(d.text.get(f.name) or "" for f in spec.searchable) for d in docs]


def _weighted(spec: IndexSpec, docs: list[Document], cut: list[list[list[str]]]):
    weights = [f.weight for f in spec.searchable]
    return {
        d.id: list(zip(weights, tokens, strict=True)) for d, tokens in zip(docs, cut, strict=True)
    }


def weighted_tokens(spec: IndexSpec, docs: list[Document]) -> dict[str, Weighted]:
    """Document id → its weighted tokens, cut in this process."""
    return _weighted(spec, docs, segment_rows(_texts(spec, docs)))


def pool_size(documents: int, workers: int | None = None) -> int:
    """Worker processes for a rebuild of `documents`: `workers` if given, else one per core when
    there is more than one core and enough to cut (0: cut in this process)."""
    if workers is not None:
        return max(0, workers)
    cores = os.cpu_count() or 1
    return cores if cores > 1 and documents >= POOL_THRESHOLD else 0


class Segmenter:
    """Cuts batches of documents in order, `workers` processes at a time (0: here).

    with Segmenter(spec, workers) as segmenter:
        for item, docs, weighted in segmenter.map(batches, build):
            ...  # in the order of `batches`
    """

    def __init__(self, spec: IndexSpec, workers: int = 0, depth: int | None = None):
        self.spec = spec
        self.workers = workers
        #: Batches submitted and not yet written: the bound on memory.
        self.depth = depth or 2 * workers
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Segmenter:
        if self.workers:
            tokenizer().check_initialized()  # loaded once, here; the forked workers share it
            self.pool = ProcessPoolExecutor(
                self.workers, mp_context=multiprocessing.get_context("fork")
            )
        return self

    def __exit__(self, *exc) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    def map(
        self, batches: Iterable[T], build: Callable[[T], list[Document]]
    ) -> Iterator[tuple[T, list[Document], dict[str, Weighted]]]:
        """For each batch, in order: the batch, its documents (`build(batch)`, run here) and their
        weighted tokens."""
        if self.pool is None:
            for batch in batches:
                docs = build(batch)
                yield batch, docs, weighted_tokens(self.spec, docs)
            return
        pending: deque[tuple[T, list[Document], Future]] = deque()
        for batch in batches:
            docs = build(batch)
            pending.append((batch, docs, self.pool.submit(segment_rows, _texts(self.spec, docs))))
            if len(pending) >= self.depth:
                yield self._done(pending.popleft())
        while pending:
            yield self._done(pending.popleft())

    def _done(self, item):
        batch, docs, future = item
        return batch, docs, _weighted(self.spec, docs, future.result())
