"""A cohort output folder that is replaced whole or not at all, by one run at a time.

A run takes the folder's lock (:mod:`hpdgenomics.report.outlock`), writes every report and cohort file into a hidden
staging folder inside it (``OUT/.hpdgenomics-staging-*``), and only when everything is written moves the result into
place: with ``force`` the previous cohort output (``samples/`` and the cohort files) is moved aside first, then the
new one is moved in with ``cohort.tsv`` last, and the old one deleted. Other files in the folder are left alone.
A failed or interrupted run therefore leaves the folder as it was (a folder the run created is removed); a run
killed with SIGKILL leaves its hidden staging folder, which the next run on the folder removes.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from hpdgenomics.errors import OutputError
from hpdgenomics.interrupts import interrupts_held
from hpdgenomics.report.outlock import OutputLock

STAGING_PREFIX = ".hpdgenomics-staging-"
OLD_PREFIX = ".hpdgenomics-old-"
R = TypeVar("R")


def staged(reports_dir: str, cohort_files: tuple[str, ...]) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """Decorate ``run_cohort`` so that it writes into a staging folder which then replaces the cohort output.

    The decorated function is called with the staging folder as its output and ``force`` set (the checks against the
    real folder are made here, before any input is read); its result's ``out_dir`` and ``files`` are pointed back
    at the real folder.
    """
    def decorate(run: Callable[..., R]) -> Callable[..., R]:
        @functools.wraps(run)
        def wrapper(*args: Any, **kwargs: Any) -> R:
            out, force, call = _retarget(args, kwargs, run)
            with OutputLock(out) as lock:
                _remove_leftovers(out)
                if not force:
                    _refuse_existing(out, reports_dir, cohort_files)
                staging = _staging_folder(out)
                try:
                    result = call(staging)
                except BaseException:
                    shutil.rmtree(staging, ignore_errors=True)
                    raise
                with interrupts_held():  # from here on the run completes: a Ctrl-C waits (milliseconds)
                    try:
                        _swap_in(staging, out, reports_dir, cohort_files, force)
                    finally:
                        shutil.rmtree(staging, ignore_errors=True)
                    lock.release()
                    return _pointed_at(result, out)

        return wrapper

    return decorate


def _retarget(args: tuple[Any, ...], kwargs: dict[str, Any], run: Callable[..., R]
              ) -> tuple[Path, bool, Callable[[Path], R]]:
    """The real output folder, ``force``, and a call of ``run`` that writes into another folder instead."""
    request = args[0] if args else kwargs.get("request")
    if request is not None and hasattr(request, "out"):  # run_cohort(request: CohortRequest, …)
        rest, named = args[1:], {k: v for k, v in kwargs.items() if k != "request"}
        return (Path(request.out), bool(request.force),
                lambda folder: run(dataclasses.replace(request, out=folder, force=True), *rest, **named))
    return (Path(kwargs["out"]), bool(kwargs.get("force")),
            lambda folder: run(*args, **{**kwargs, "out": folder, "force": True}))


def _remove_leftovers(out: Path) -> None:
    """Staging and set-aside folders of runs killed before they could clean up (the lock says none is running)."""
    for entry in out.iterdir():
        if entry.is_dir() and entry.name.startswith((STAGING_PREFIX, OLD_PREFIX)):
            shutil.rmtree(entry, ignore_errors=True)


def _refuse_existing(out: Path, reports_dir: str, cohort_files: tuple[str, ...]) -> None:
    existing = [out / name for name in cohort_files if (out / name).exists()]
    samples = out / reports_dir
    if samples.is_dir():
        existing += sorted(p for p in samples.iterdir() if ".hpd." in p.name)
    if existing:
        raise OutputError(f"{existing[0]} already exists (use --force to overwrite)"
                          + (f"; {len(existing) - 1} more" if len(existing) > 1 else ""))


def _staging_folder(out: Path) -> Path:
    try:
        return Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=out))
    except OSError as exc:
        raise OutputError(f"cannot write in the output folder {out}: {exc.strerror or exc}") from exc


def _swap_in(staging: Path, out: Path, reports_dir: str, cohort_files: tuple[str, ...], force: bool) -> None:
    """Move the previous output aside (cohort.tsv first) and the new one in (cohort.tsv last): whenever
    ``cohort.tsv`` is present, the reports beside it are the ones it lists."""
    order = [name for name in cohort_files if name != "cohort.tsv"]
    old = Path(tempfile.mkdtemp(prefix=f"{OLD_PREFIX}{os.getpid()}-", dir=out)) if force else None
    try:
        if old is not None:
            for name in ("cohort.tsv", *order, reports_dir):
                if (out / name).exists():
                    os.replace(out / name, old / name)
        target = out / reports_dir
        if target.exists():  # without force: reports of other samples may already be there (never ours)
            for entry in (staging / reports_dir).iterdir():
                os.replace(entry, target / entry.name)
        else:
            os.replace(staging / reports_dir, target)
        for name in (*order, "cohort.tsv"):
            if (staging / name).exists():
                os.replace(staging / name, out / name)
    except OSError as exc:
        if old is not None:  # put the previous output back where nothing new took its place
            for entry in old.iterdir():
                if not (out / entry.name).exists():
                    with contextlib.suppress(OSError):
                        os.replace(entry, out / entry.name)
        raise OutputError(f"cannot put the cohort output in place in {out}: {exc.strerror or exc}") from exc
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _pointed_at(result: R, out: Path) -> R:
    if not dataclasses.is_dataclass(result) or isinstance(result, type):
        return result
    with contextlib.suppress(TypeError, ValueError):
        files = {name: out / Path(path).name for name, path in getattr(result, "files", {}).items()}
        return dataclasses.replace(result, out_dir=out, files=files)  # type: ignore[type-var]
    return result
