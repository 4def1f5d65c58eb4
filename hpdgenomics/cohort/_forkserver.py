"""Preloaded into the multiprocessing fork server only (never import it elsewhere).

The fork server dies with the run that started it, so that its workers (tied to it in turn) do too; see
:mod:`hpdgenomics.cohort.lifeline`. And a worker that fails while it is still being started because the run has
already gone (interrupted: the worker can no longer open the run's queues) exits quietly instead of printing a
traceback under the run's one-line message; while the run is alive, such a failure is printed as usual.
"""

import os
import sys

from hpdgenomics.cohort.lifeline import die_with_parent

_RUN = os.getppid()
_print_exception = sys.excepthook


def _quiet_when_the_run_has_gone(kind, error, trace):  # type: ignore[no-untyped-def]
    if _starting(error, trace):
        return  # the run has gone or is going: nothing waits for this worker, and its traceback would only confuse
    _print_exception(kind, error, trace)


def _starting(error, trace) -> bool:  # type: ignore[no-untyped-def]
    """A worker that could not open the run's queues (they went with the run), or whose run has ended."""
    import traceback

    try:
        os.kill(_RUN, 0)
    except OSError:
        return True
    frames = traceback.extract_tb(trace)
    unpickling = any(f.name == "_main" and f.filename.endswith(os.path.join("multiprocessing", "spawn.py"))
                     for f in frames)
    return unpickling and isinstance(error, (OSError, EOFError))


die_with_parent()
sys.excepthook = _quiet_when_the_run_has_gone  # the fork server's children report start-up failures through it
