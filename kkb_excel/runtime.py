"""Process-level tuning for large batches."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc(until_exit: bool = False) -> Iterator[None]:
    """Pause the cyclic garbage collector while a batch allocates many long-lived, acyclic objects.

    Reference counting still frees everything; only the periodic full-heap scans (which grow with
    tens of thousands of submissions in memory) are skipped until the batch is done. `until_exit`
    (a command whose objects live until the process ends): the objects made meanwhile are frozen
    (`gc.freeze`), so the first collection after the pause does not scan them all (~1 s nasional).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if until_exit:
            gc.freeze()
        if was_enabled:
            gc.enable()
