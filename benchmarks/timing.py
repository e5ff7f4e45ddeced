"""The timing helper the benchmarks share (imported as ``timing`` when a benchmark runs as a script)."""
from __future__ import annotations

import time
from collections.abc import Callable


def best_time(function: Callable[[], object], repeat: int) -> tuple[float, object]:
    """The fastest of ``repeat`` calls of ``function``, in seconds, and what the last call returned."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result
