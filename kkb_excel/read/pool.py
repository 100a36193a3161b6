"""Read many files, in spawn-safe worker processes when the batch is large: validate and consolidate use this."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

from kkb_excel.catalogue import load_catalogue
from kkb_excel.findings import DITERIMA, FileResult
from kkb_excel.parallel import chunked, in_order, iter_chunks
from kkb_excel.read.discover import Discovered
from kkb_excel.read.reader import read_submission
from kkb_excel.read.submission import Submission
from kkb_excel.runtime import paused_gc
from kkb_excel.validators.filechecks import check_file

PARALLEL_MIN_FILES = 200
MAX_CHUNK = 250  # files per chunk: each checked chunk pays one pandera pass (~70 ms), so not too small

Checked = tuple[Submission, FileResult | None]  # a submission and its validation result (None for a rollup input)


def read_chunk(items: list[tuple[str, str]]) -> list[list[Submission]]:
    """Worker entry point: read and check (path, berkas) pairs, one list per file; these workers never import pandas."""
    catalogue = load_catalogue()
    with paused_gc():
        return [[check_file(s, catalogue) for s in flatten(read_submission(Path(path), berkas, catalogue))] for path, berkas in items]


def check_chunk(items: list[tuple[str, str]]) -> list[bytes]:
    """Worker entry point for consolidate: read, then validate the chunk's submissions in one batch.

    Per file, the pickled (day checked, its `Checked` pairs), submissions packed (`Submission.pack`):
    the parent unpickles it once and the cache stores these bytes as they are. The parent only merges:
    it never runs the batch rules (nor imports pandas) for files read here.
    """
    return payloads(read_chunk(items))


def payloads(per_file: list[list[Submission]]) -> list[bytes]:
    """Per file, the pickled (day checked, its `Checked` pairs packed): what the cache stores as it is."""
    day = date.today().isoformat()
    return [pickle.dumps((day, packed(checked)), protocol=pickle.HIGHEST_PROTOCOL) for checked in validated(per_file)]


def packed(checked: list[Checked]) -> list[Checked]:
    """The same pairs, each submission packed (`Submission.pack`): what a consolidation holds."""
    for sub, _ in checked:
        sub.pack()
    return checked


def validated(per_file: list[list[Submission]]) -> list[list[Checked]]:
    """Each file's submissions with their results; the batch rules run once over all non-rollup submissions.

    Results equal one `validate_submissions` over the whole run: its rules look at one file at a time.
    An accepted submission also gets its partials (`Submission.leaves`), so the parent only adds up.
    """
    subs = [s for group in per_file for s in group if not s.is_rollup]
    if not subs:  # nothing to validate: pandas is not even imported (a rerun served from the cache)
        return [[(s, None) for s in group] for group in per_file]
    from kkb_excel.consolidate.merge import single_source
    from kkb_excel.validators.run import validate_submissions

    catalogue = load_catalogue()
    with paused_gc():
        results = iter(validate_submissions(subs, catalogue).files)
        checked = [[(s, None if s.is_rollup else next(results)) for s in group] for group in per_file]
        for sub, result in (pair for group in checked for pair in group):
            if result is not None and result.status == DITERIMA:
                try:
                    sub.leaves = single_source(sub, catalogue)
                except Exception:  # left to the consolidation, which reports it as before
                    sub.leaves = None
    return checked


def flatten(sub: Submission) -> list[Submission]:
    """An OPD workbook becomes its desa rows' submissions (one file, many submissions); others stay one.
    What was found of the whole file (another catalogue version, a macro workbook) holds for each row."""
    if not (sub.kind == "opd" and sub.readable and sub.rows):
        return [sub]
    for row in sub.rows:
        row.findings[:0] = [replace(f, berkas=row.berkas) for f in sub.findings]
    return sub.rows


def read_all(files: list[Discovered], jobs: int = 1, progress: Callable[[int], None] | None = None) -> list[Submission]:
    """Read every file, in order; with jobs > 1 and enough files, in spawn-safe worker processes.

    An OPD workbook yields one submission per reported desa row (see `flatten`).
    """
    items = [(str(f.path), f.berkas) for f in files]
    parallel = jobs > 1 and len(items) >= PARALLEL_MIN_FILES
    per_file = in_order(iter_chunks(read_chunk, chunked(items, jobs, MAX_CHUNK), parallel, jobs, progress))  # progress counts files
    return [sub for subs in per_file for sub in subs]
