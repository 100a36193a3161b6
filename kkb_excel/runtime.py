"""Process-level tuning for large batches."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a batch allocates many long-lived, acyclic objects.

    Reference counting still frees everything; only the periodic full-heap scans (which grow with
    tens of thousands of submissions in memory) are skipped until the batch is done.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
