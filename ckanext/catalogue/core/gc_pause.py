"""Python's cyclic garbage collector paused while a request decodes, shapes
and encodes a large answer (thousands of hits).

Such an answer is a tree of dicts and lists with no cycles: reference
counting frees it when the request ends. Meanwhile every few hundred new
containers start a collection that scans them all again; on a 10,000-entry
Global Catalog tree that scanning cost about a sixth of the request
(``make bench``, hierarchy). Paused for the block, the collector runs again
after it, with whatever other threads made meanwhile.
"""
from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

_LOCK = threading.Lock()


class _Pause:
    depth = 0  # blocks inside the pause
    was_enabled = False  # the collector's state before the first


_PAUSE = _Pause()


@contextlib.contextmanager
def catalogue_gc_paused() -> Iterator[None]:
    """No cyclic collection within the block (nested and concurrent blocks
    share one pause; the last to leave restores what was before)."""
    with _LOCK:
        if _PAUSE.depth == 0:
            _PAUSE.was_enabled = gc.isenabled()
            gc.disable()
        _PAUSE.depth += 1
    try:
        yield
    finally:
        with _LOCK:
            _PAUSE.depth -= 1
            if _PAUSE.depth == 0 and _PAUSE.was_enabled:
                gc.enable()
