"""Opening text inputs: plain or gzip/bgzip (told by magic bytes, not by name), BOM and CRLF tolerated."""

from __future__ import annotations

import gzip
import hashlib
import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from hpdgenomics.errors import InputError

GZIP_MAGIC = b"\x1f\x8b"
# The longest line any reader accepts. Real lines are far shorter (a VEP-annotated VCF record of 100,000 samples is a
# few MB); a file without newlines (/dev/zero, a gzip of NUL bytes) would otherwise be read whole into one string.
MAX_LINE_CHARS = 64 * 1024 * 1024


def line_too_long(path: str | Path, line: int) -> InputError:
    """The error for a line longer than :data:`MAX_LINE_CHARS` (the same message for every reader)."""
    limit = MAX_LINE_CHARS
    return InputError(path, f"the line is longer than {limit:,} characters, the most a line may hold (is this a "
                      "text file of the expected kind?)", line=line)


def open_text(path: str | Path) -> _CheckedText:
    """Open ``path`` for reading text; raise :class:`InputError` when it is missing, a folder or unreadable."""
    path = Path(path)
    if not path.exists():
        raise InputError(path, "file not found")
    if path.is_dir():
        raise InputError(path, "is a folder, expected a file")
    try:
        # The handle outlives this function: the caller closes it through the returned text wrapper.
        raw = open_bytes(path)
    except OSError as exc:
        raise InputError(path, f"cannot be opened: {exc.strerror or exc}") from exc
    # utf-8-sig drops a byte-order mark; newline=None turns Windows line endings into '\n'.
    return _CheckedText(io.TextIOWrapper(raw, encoding="utf-8-sig", errors="strict", newline=None), path)


class _CheckedText(io.TextIOBase):
    """A text stream that turns decoding and gzip errors into InputError with the line number."""

    def __init__(self, inner: io.TextIOWrapper, path: Path) -> None:
        self._inner = inner
        self._path = path
        self._line = 0

    def __iter__(self) -> _CheckedText:  # type: ignore[override]
        return self

    def __next__(self) -> str:  # type: ignore[override]
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        # Never more than one character past the limit, so that a file without newlines is refused, not read whole.
        wanted = MAX_LINE_CHARS + 1 if size is None or size < 0 or size > MAX_LINE_CHARS else size
        try:
            line = self._inner.readline(wanted)
        except UnicodeDecodeError as exc:
            # The decoder works on 8 KB chunks, ahead of the line being returned: find the line from the bytes.
            raise not_utf8(self._path, exc) from exc
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            raise InputError(self._path, f"compressed data is corrupt or truncated ({exc})",
                             line=self._line + 1) from exc
        if len(line) > MAX_LINE_CHARS:
            raise line_too_long(self._path, self._line + 1)
        if line:
            self._line += 1
            if self._line == 1 and line.startswith("\ufeff"):
                # utf-8-sig removed one byte-order mark; pandas removes more, so a second one would make the column
                # names we read differ from the ones pandas reads
                raise InputError(self._path, "the file starts with more than one UTF-8 byte-order mark", line=1)
        return line

    def read(self, size: int | None = -1) -> str:
        return "".join(iter(self.readline, ""))

    def close(self) -> None:
        self._inner.close()
        super().close()

    def readable(self) -> bool:
        return True


def not_utf8(path: str | Path, error: UnicodeDecodeError) -> InputError:
    """The error for a file that is not UTF-8, naming the line of its first undecodable byte (pandas, pyarrow and
    TextIOWrapper decode in blocks and cannot say which line it was)."""
    line = first_undecodable_line(path)
    return InputError(path, f"is not UTF-8 text ({error.reason}; a Latin-1 or Windows-1252 export? convert it "
                      "with iconv -f latin1 -t utf-8)", line=line)



@contextmanager
def table_read_errors(path: Path) -> Iterator[None]:
    """Turn what pandas raises while reading a tab-separated table into the reader's errors: a corrupt or truncated
    gzip, a byte that is not UTF-8 (with its line), or a table pandas cannot parse (its ParserError is a ValueError,
    as is what a header it reads differently raises)."""
    try:
        yield
    except (EOFError, OSError) as exc:
        raise InputError(path, f"compressed data is corrupt or truncated ({exc})") from exc
    except UnicodeDecodeError as exc:  # before ValueError, of which it is a subclass
        raise not_utf8(path, exc) from exc
    except ValueError as exc:
        raise InputError(path, f"not a tab-separated table: {exc}") from exc

def open_bytes(path: Path) -> IO[bytes]:
    """The file's bytes, inflated when it is gzipped (told by its first two bytes, not its name)."""
    with path.open("rb") as probe:
        magic = probe.read(2)
    return gzip.open(path, "rb") if magic == GZIP_MAGIC else path.open("rb")  # type: ignore[return-value]


def first_undecodable_line(path: str | Path, chunk_size: int = 1 << 20) -> int | None:
    """The 1-based line holding the first byte that is not valid UTF-8, or None (valid, or unreadable)."""
    import codecs

    path = Path(path)
    decoder = codecs.getincrementaldecoder("utf-8")()
    newlines = 0
    try:
        with open_bytes(path) as handle:
            while True:
                chunk = handle.read(chunk_size)
                try:
                    decoder.decode(chunk, final=not chunk)
                except UnicodeDecodeError as exc:
                    # exc.start counts from the bytes held back from the previous chunk (at most 3, none a newline)
                    return newlines + chunk[: max(0, exc.start)].count(b"\n") + 1
                if not chunk:
                    return None
                newlines += chunk.count(b"\n")
    except (OSError, EOFError, gzip.BadGzipFile):
        return None


def first_empty_cell_line(path: str | Path, column: str) -> int | None:
    """The 1-based line of the first data row whose ``column`` (by header name; ``#`` lines skipped) is empty."""
    with open_text(path) as handle:
        index = None
        for number, line in enumerate(handle, start=1):
            if index is None:
                if line.startswith("#"):
                    continue
                names = [name.strip() for name in line.rstrip("\n").split("\t")]
                if column not in names:
                    return None
                index = names.index(column)
                continue
            cells = line.rstrip("\n").split("\t")
            if line.strip() and (len(cells) <= index or not cells[index].strip()):
                return number
    return None


def name_list(names: Sequence[str], limit: int = 10) -> str:
    """``names`` for an error message: the first ``limit`` quoted with repr, then how many more (a VCF of 100,000
    samples made a 789 KB one-line message)."""
    shown = ", ".join(repr(name) if _needs_quotes(name) else name for name in names[:limit])
    return shown + (f" … and {len(names) - limit:,} more" if len(names) > limit else "")


def _needs_quotes(name: str) -> bool:
    return not name or name != name.strip() or not name.isprintable() or "," in name


def sha256_of(path: str | Path, chunk_size: int = 1 << 20) -> str:
    """Hex sha256 of a file's bytes (recorded for every input in the report)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for chunk in iter(lambda: handle.read(chunk_size), b""):
            digest.update(chunk)
    return digest.hexdigest()



def first_ragged_line(path: str | Path, header_line: int, columns: int, chunk_size: int = 1 << 22) -> int | None:
    """The number of the first non-blank line after line ``header_line`` that does not have ``columns``
    tab-separated fields, or None when every line has.

    pandas fills the cells of a short row with empty strings and cannot say which row was short, so tables are
    checked here first. Tabs are counted per chunk in C; lines are looked at one by one only inside a chunk whose
    total does not add up (a ragged row or a blank line).
    """
    path = Path(path)
    expected = columns - 1
    number, rest = 0, b""
    try:
        with open_bytes(path) as handle:
            while True:
                chunk = handle.read(chunk_size)
                data = rest + chunk
                cut = data.rfind(b"\n") + 1 if chunk else len(data)
                block, rest = data[:cut], data[cut:]
                if len(rest) > MAX_LINE_CHARS:
                    raise line_too_long(path, number + block.count(b"\n") + 1)
                lines = block.splitlines()
                skip = min(len(lines), max(0, header_line - number))
                body = lines[skip:]
                tabs = block.count(b"\t") if not skip else sum(text.count(b"\t") for text in body)
                if tabs != expected * len(body):
                    for offset, text in enumerate(body):
                        if text.strip(b" \t") and text.count(b"\t") != expected:
                            return number + skip + offset + 1
                number += len(lines)
                if not chunk:
                    return None
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise InputError(path, f"compressed data is corrupt or truncated ({exc})") from exc


class BackgroundHashes:
    """sha256 of the input files, computed in one worker thread while the readers parse them.

    hashlib releases the GIL on large buffers, so hashing a 500 MB VCF overlaps with reading it instead of adding
    its own pass at the end. Use as a context manager; :meth:`get` waits for (or computes) one file's digest.
    """

    def __init__(self, paths: list[str | Path | None]) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hpdgenomics-sha256")
        self._futures = {str(p): self._pool.submit(sha256_of, p) for p in dict.fromkeys(paths)
                         if p is not None and Path(p).is_file()}

    def get(self, path: str | Path) -> str:
        future = self._futures.get(str(path))
        return future.result() if future is not None else sha256_of(path)

    def __enter__(self) -> BackgroundHashes:
        return self

    def __exit__(self, *exc: object) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
