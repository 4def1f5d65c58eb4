"""Ctrl-C held back while outputs are being put in place, so that a run is either complete or not done at all."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_held: list[int] = []


@contextmanager
def interrupts_held() -> Iterator[None]:
    """Within the block, SIGINT and SIGTERM are noted instead of acted on; the block always finishes.

    After it, a noted SIGTERM is acted on again (raised as the signal's default action would end the process) and a
    noted Ctrl-C is dropped: the outputs are complete by then, so the run ends as a success. Outside the main thread
    (where Python cannot set handlers) the block runs unprotected.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    noted: list[int] = []
    previous = {sig: signal.signal(sig, lambda number, _frame: noted.append(number))
                for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        _held.extend(noted)
    if signal.SIGTERM in noted:
        signal.raise_signal(signal.SIGTERM)


@contextmanager
def interrupts_ignored() -> Iterator[None]:
    """Ctrl-C ignored within the block (main thread only): for the few lines a run prints once its outputs are in
    place, so that a late Ctrl-C cannot turn a complete run into a reported interruption."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


EXIT_TERMINATED = 143  # 128 + SIGTERM


def exit_on_sigterm() -> None:
    """Make SIGTERM (``kill``, a batch scheduler's time limit) unwind like an error, so that temporary files and
    staging folders are removed and the output lock released on the way out (exit code 143). Called first thing by
    the command line, before its modules load; a no-op outside the main thread."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _terminated)


def _terminated(signum: int, frame: object) -> None:
    raise SystemExit(EXIT_TERMINATED)


def interrupt_was_held() -> bool:
    """Whether a Ctrl-C arrived (and was held back) while outputs were being put in place in this process."""
    return signal.SIGINT in _held
