"""Chunked process pools that work under the `spawn` start method (Windows): generate and read use them."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def chunked(items: Sequence[T], jobs: int, max_chunk: int) -> list[list[T]]:
    """Split into chunks of at most `max_chunk`, several per worker so that workers stay busy."""
    size = max(1, min(max_chunk, -(-len(items) // (4 * max(jobs, 1)))))
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def _numbered(func: Callable[[Any], list[R]], job: tuple[int, Any]) -> tuple[int, list[R]]:
    number, chunk = job
    return number, func(chunk)


def in_order(numbered: Iterable[tuple[int, list[R]]]) -> list[R]:
    """The results of `iter_chunks`, concatenated in chunk order."""
    finished = dict(numbered)
    return [item for number in sorted(finished) for item in finished[number]]


def iter_chunks(
    func: Callable[[Any], list[R]],
    chunks: Sequence[Any],
    parallel: bool,
    jobs: int,
    progress: Callable[[int], None] | None = None,
    initializer: Callable[..., None] | None = None,
    initargs: tuple = (),
) -> Iterator[tuple[int, list[R]]]:
    """(chunk number, `func(chunk)`) for every chunk, as each finishes (`in_order` puts them back in order).

    With `parallel`, chunks go to `jobs` spawn-started workers (unordered); otherwise they run in this
    process. `func` and `initializer` must be module-level functions. `progress(n)` is told the number
    of results of each finished chunk.
    """
    if not parallel:
        if initializer:
            initializer(*initargs)
        for number, chunk in enumerate(chunks):
            done = func(chunk)
            if progress:
                progress(len(done))
            yield number, done
        return
    context = multiprocessing.get_context("spawn")
    with context.Pool(min(jobs, len(chunks)), initializer=initializer, initargs=initargs) as pool:
        for number, done in pool.imap_unordered(partial(_numbered, func), enumerate(chunks)):
            if progress:
                progress(len(done))
            yield number, done
