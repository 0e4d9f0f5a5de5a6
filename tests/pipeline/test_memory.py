"""pipeline.memory.release: freed heap pages go back to the system (issue 15)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from pipeline.memory import release

glibc = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")


def test_release_collects_cycles() -> None:
    import gc
    import weakref

    class Node:
        pass

    a, b = Node(), Node()
    a.other, b.other = b, a  # type: ignore[attr-defined]
    gone = weakref.ref(a)
    gc.disable()
    try:
        del a, b
        assert gone() is not None  # a cycle outlives its names until collected
        release()
        assert gone() is None
    finally:
        gc.enable()


@glibc
def test_release_returns_fragmented_heap_pages() -> None:
    """A stage's many freed blocks (1 KiB each, malloc'd, every 16th kept so that the heap
    cannot simply shrink from its top) stay resident until `release()` hands them back.
    Measured in a fresh interpreter so that the test process's own heap does not blur it."""
    script = textwrap.dedent("""
        import gc
        from pipeline.memory import release

        def rss_mib():
            with open("/proc/self/statm") as f:
                return int(f.read().split()[1]) * 4096 / 2**20

        gc.disable()
        blocks = [bytes(1024) + bytes([i % 251]) for i in range(300_000)]
        kept = blocks[::16]
        del blocks
        before = rss_mib()
        assert release()
        after = rss_mib()
        print(before, after, len(kept))
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True).stdout.split()
    before, after = float(out[0]), float(out[1])
    assert before - after > 150, (before, after)  # about 280 MiB freed, most of it returned
