"""The MAF fast path's input: the file decompressed by a worker thread (ISA-L, else zlib) into newline-ended chunks
while the calling thread parses the previous one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hpdgenomics.readers.text import GZIP_MAGIC

CHUNK_BYTES = 16 << 20  # decompressed text parsed at a time: about 15,000 rows of a GDC MAF


class Refused(Exception):
    """The fast path cannot vouch for this file: the careful path must read it."""


class TextChunks:
    """The file after its first ``skip_lines`` lines, decompressed by a worker thread (ISA-L, else zlib) into pieces
    of about :data:`CHUNK_BYTES` that end at a newline. A problem in the worker reaches the reader as Refused."""

    def __init__(self, path: Path, skip_lines: int) -> None:
        import queue
        import threading

        self._path, self._skip = path, skip_lines
        self._queue: queue.Queue[bytes | BaseException | None] = queue.Queue(maxsize=3)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._produce, name="hpdgenomics-maf-inflate", daemon=True)
        self._thread.start()

    def _open(self) -> Any:
        with self._path.open("rb") as probe:
            gzipped = probe.read(2) == GZIP_MAGIC
        if not gzipped:
            return self._path.open("rb")
        try:
            from isal import igzip
        except ImportError:  # pragma: no cover - isal is a declared dependency
            import gzip

            return gzip.open(self._path, "rb")
        return igzip.open(self._path, "rb")

    def _put(self, item: bytes | BaseException | None) -> bool:
        import queue

        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _produce(self) -> None:
        try:
            with self._open() as handle:
                for _ in range(self._skip):
                    if not handle.readline():
                        break
                carry = b""
                while not self._stop.is_set():
                    data = handle.read(CHUNK_BYTES)
                    if not data:
                        if carry and not self._put(carry if carry.endswith(b"\n") else carry + b"\n"):
                            return
                        break
                    data = carry + data if carry else data
                    cut = data.rfind(b"\n") + 1
                    carry = data[cut:]
                    if cut and not self._put(data[:cut]):
                        return
        except Exception as exc:  # corrupt or truncated data: the careful path will name it
            self._put(Refused(str(exc)))
            return
        self._put(None)

    def __iter__(self) -> Iterator[bytes]:
        while True:
            item = self._queue.get()
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    def __enter__(self) -> TextChunks:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
