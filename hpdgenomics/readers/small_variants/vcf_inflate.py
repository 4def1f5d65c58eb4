"""A VCF's bytes decompressed in chunks for the position scan: plain, gzip, or BGZF (blocks inflated in threads,
each checked against its CRC32), with ISA-L when installed."""

from __future__ import annotations

import struct
import zlib
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import IO, Any

from hpdgenomics.errors import InputError

try:  # ISA-L inflates about three times faster than zlib; both produce the same bytes
    from isal.isal_zlib import crc32 as _crc32
    from isal.isal_zlib import decompress as _inflate
except ImportError:  # pragma: no cover - isal is a declared dependency, zlib is the fallback
    _crc32 = zlib.crc32
    _inflate = zlib.decompress

CHUNK_BYTES = 8 << 20  # decompressed bytes per unit of work: large enough to amortise numpy calls
_BGZF_MAGIC = b"\x1f\x8b\x08\x04"


def decompressed_chunks(path: Path, threads: int) -> Iterator[bytes]:
    """The file's bytes, decompressed, in chunks of about :data:`CHUNK_BYTES` (plain files read as they are)."""
    with path.open("rb") as handle:
        magic = handle.read(4)
        handle.seek(0)
        if magic == _BGZF_MAGIC and _is_bgzf(handle):
            yield from _bgzf_chunks(path, handle, threads)
        elif magic[:2] == b"\x1f\x8b":
            yield from _gzip_chunks(path, handle)
        else:
            yield from iter(lambda: handle.read(CHUNK_BYTES), b"")


def _is_bgzf(handle: IO[bytes]) -> bool:
    head = handle.read(18)
    handle.seek(0)
    if len(head) < 18:
        return False
    xlen = struct.unpack_from("<H", head, 10)[0]
    return xlen >= 6 and head[12:14] == b"BC"


def _gzip_chunks(path: Path, handle: IO[bytes]) -> Iterator[bytes]:
    """Ordinary (possibly multi-member) gzip: one stream, inflated in order."""
    decompressobj: Any
    try:
        from isal.isal_zlib import decompressobj
    except ImportError:  # pragma: no cover - isal is a declared dependency
        decompressobj = zlib.decompressobj
    inflater = decompressobj(31)
    fed = False
    try:
        for raw in iter(lambda: handle.read(CHUNK_BYTES // 4), b""):
            while raw:
                fed = True
                data = inflater.decompress(raw)
                if data:
                    yield data
                if inflater.eof:  # a member ended; another may follow (concatenated gzip)
                    raw = inflater.unused_data
                    inflater = decompressobj(31)
                    fed = False
                else:
                    raw = b""
    except (zlib.error, OSError, ValueError) as exc:
        raise InputError(path, f"compressed data is corrupt or truncated ({exc})") from exc
    except Exception as exc:  # isal raises its own error type
        raise InputError(path, f"compressed data is corrupt or truncated ({exc})") from exc
    if fed and not inflater.eof:
        raise InputError(path, "compressed data is truncated (the gzip stream ends early)")


def _bgzf_chunks(path: Path, handle: IO[bytes], threads: int) -> Iterator[bytes]:
    """BGZF: split the compressed bytes into blocks and inflate groups of blocks in worker threads, in order.

    zlib and ISA-L release the GIL while inflating, so the workers run beside the numpy scan of earlier chunks.
    """
    read_size = CHUNK_BYTES // 3  # BGZF text typically compresses 3-6x, so this is about one chunk of output
    pending: deque[Future[bytes]] = deque()
    with ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
        buffer = b""
        offset_in_file = 0
        while True:
            raw = handle.read(read_size)
            buffer += raw
            blocks, used = _split_blocks(path, buffer, offset_in_file, final=not raw)
            if blocks:
                pending.append(pool.submit(_inflate_blocks, path, buffer, blocks))
            buffer = buffer[used:]
            offset_in_file += used
            while len(pending) > max(2, threads + 1) or (pending and not raw):
                yield pending.popleft().result()
            if not raw:
                break


def _split_blocks(path: Path, buffer: bytes, base: int, *, final: bool) -> tuple[list[tuple[int, int, int, int]], int]:
    """Complete BGZF blocks in ``buffer`` as (deflate start, deflate end, crc, size); and the bytes they use."""
    blocks = []
    offset = 0
    unpack = struct.unpack_from
    while offset + 18 <= len(buffer):
        if buffer[offset:offset + 4] != _BGZF_MAGIC:
            raise InputError(path, f"compressed data is corrupt: no BGZF block starts at byte {base + offset}")
        xlen = unpack("<H", buffer, offset + 10)[0]
        bsize = _block_size(buffer, offset, xlen)
        if bsize is None:
            raise InputError(path, f"compressed data is corrupt: BGZF block at byte {base + offset} has no size")
        if offset + bsize > len(buffer):
            break
        crc, size = unpack("<II", buffer, offset + bsize - 8)
        blocks.append((offset + 12 + xlen, offset + bsize - 8, crc, size))
        offset += bsize
    if final and offset != len(buffer):
        raise InputError(path, "compressed data is truncated (the last BGZF block is incomplete)")
    return blocks, offset


def _block_size(buffer: bytes, offset: int, xlen: int) -> int | None:
    extra = offset + 12
    stop = extra + xlen
    while extra + 4 <= stop:
        slen = struct.unpack_from("<H", buffer, extra + 2)[0]
        if buffer[extra:extra + 2] == b"BC" and slen == 2:
            return struct.unpack_from("<H", buffer, extra + 4)[0] + 1
        extra += 4 + slen
    return None


def _inflate_blocks(path: Path, buffer: bytes, blocks: list[tuple[int, int, int, int]],
                    inflate: Callable[..., bytes] = _inflate) -> bytes:
    view = memoryview(buffer)
    parts = []
    for start, stop, crc, size in blocks:
        try:
            data = inflate(view[start:stop], -15)
        except zlib.error as exc:
            raise InputError(path, f"compressed data is corrupt ({exc})") from exc
        except Exception as exc:  # isal raises its own error type
            raise InputError(path, f"compressed data is corrupt ({exc})") from exc
        if len(data) != size or _crc32(data) != crc:
            raise InputError(path, "compressed data is corrupt (BGZF block checksum or size mismatch)")
        parts.append(data)
    return b"".join(parts)
