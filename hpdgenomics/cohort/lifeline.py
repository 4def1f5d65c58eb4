"""Worker processes that never outlive the run that started them.

Local workers are forked from a fork server, itself a child of the run. On Linux each of them asks the kernel for
SIGKILL when its parent dies (``prctl(PR_SET_PDEATHSIG)``): the fork server when the run dies, even by ``kill -9``,
and each worker when the fork server dies. The resource tracker then sees its pipe close and exits too. Workers also
ignore Ctrl-C: the terminal sends SIGINT to the whole process group, and only the run itself should answer it (it
stops the workers and prints one line), not every worker with its own traceback.

:mod:`hpdgenomics.cohort._forkserver` (preloaded into the fork server) ties the fork server to the run;
:func:`tie_to_parent` ties a worker (the pool's initializer). The fork server is tied to the thread that started it
(a property of ``PR_SET_PDEATHSIG``): a program that runs cohorts from a short-lived thread should use ``jobs=1``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int | None = None) -> bool:
    """Ask for SIGKILL when the parent process dies (Linux only; returns whether it was set). If the parent is
    already gone (``parent`` given and no longer our parent), exit at once."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            return False
    except (OSError, AttributeError):
        return False
    if parent is not None and os.getppid() != parent:
        os._exit(1)  # the parent died before the request took effect
    return True


def tie_to_parent(run_pid: int) -> None:
    """Pool initializer: die with the fork server (our parent), ignore Ctrl-C, and exit when ``run_pid`` is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent(os.getppid())
    with contextlib.suppress(OSError):
        os.kill(run_pid, 0)
        return
    os._exit(1)

