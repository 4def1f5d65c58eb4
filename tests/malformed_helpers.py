"""Shared by the tests/test_malformed_*.py modules: where the broken inputs live and how an error is checked."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from hpdgenomics.errors import HpdError, InputError

from .conftest import TEST_DATA

MALFORMED = TEST_DATA / "malformed"


def expect_error(call: Callable[[], Any], error_type: type[InputError], path: Path, line: int | None,
                 expected: str) -> InputError:
    """``call()`` raises exactly ``error_type`` naming ``path``, ``line`` (None: no line) and saying ``expected``."""
    with pytest.raises(HpdError) as caught:
        call()
    error = caught.value
    assert type(error) is error_type, f"{type(error).__name__}: {error}"
    assert error.path == str(path), error
    assert str(error).startswith(f"{path}, line {line}: " if line is not None else f"{path}: "), error
    assert error.line == line, error
    assert expected in error.detail, error
    return error


def truncated_gzip(source: Path, target: Path, *, bgzip: bool = False, keep: float = 0.6) -> Path:
    """Compress ``source`` (bgzip for VCFs) into ``target`` and cut the compressed bytes short."""
    if bgzip:
        import pysam

        pysam.tabix_compress(str(source), str(target), force=True)
        data = target.read_bytes()
    else:
        data = gzip.compress(source.read_bytes(), mtime=0)
    target.write_bytes(data[: max(20, int(len(data) * keep))])
    return target
