"""Shared by the benchmark scripts (run them as `python benchmarks/NAME.py`)."""

from __future__ import annotations


def peak_memory_mb() -> str:
    """Peak resident memory of this process and of its largest finished child, where the OS reports it."""
    try:
        import resource
    except ImportError:  # Windows: no getrusage
        return "n/a"
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return f"{own:.0f} MB (proses ini), {children:.0f} MB (proses anak terbesar)"
