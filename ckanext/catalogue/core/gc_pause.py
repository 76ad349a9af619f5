"""Python's cyclic garbage collector paused while a request decodes, shapes
and encodes a large answer (thousands of hits).

Such an answer is a tree of dicts and lists with no cycles: reference
counting frees it when the request ends. Meanwhile every few hundred new
containers start a collection that scans them all again; on a 10,000-entry
Global Catalog tree that scanning cost about a sixth of the request
(``make bench``, hierarchy). Paused for the block, the collector runs again
after it, with whatever other threads made meanwhile; a pause can also end
later than its block (``catalogue_gc_pause``), once the answer is freed.
"""
from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Callable, Iterator

_LOCK = threading.Lock()


class _Pause:
    depth = 0  # blocks inside the pause
    was_enabled = False  # the collector's state before the first


_PAUSE = _Pause()


def catalogue_gc_pause() -> Callable[[], None]:
    """Pause cyclic collection until the returned function is called (once
    counts; nested and concurrent pauses share one, and the last to end
    restores what was before).

    Ending a pause while the answer is still held costs a collection that
    scans all of it: every container made meanwhile is still young. Ended
    after the answer is freed, that collection finds little."""
    with _LOCK:
        if _PAUSE.depth == 0:
            _PAUSE.was_enabled = gc.isenabled()
            gc.disable()
        _PAUSE.depth += 1
    ended = False

    def end() -> None:
        nonlocal ended
        with _LOCK:
            if ended:
                return
            ended = True
            _PAUSE.depth -= 1
            if _PAUSE.depth == 0 and _PAUSE.was_enabled:
                gc.enable()

    return end


@contextlib.contextmanager
def catalogue_gc_paused() -> Iterator[None]:
    """No cyclic collection within the block."""
    end = catalogue_gc_pause()
    try:
        yield
    finally:
        end()
