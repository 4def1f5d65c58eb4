"""Where the per-sample work runs: in this process, in local worker processes, or on a Dask cluster.

Work goes out in batches (so that sending the shared context and starting a task cost little next to the work) and
at most a few batches per worker are in flight at once, so that memory stays bounded: the caller hands over an
iterator of batches and gets back each batch's results as it completes. Which worker ran what, and in which order,
changes nothing in the outputs: every report depends only on its own sample, and the caller sorts the summary rows.
"""

from __future__ import annotations

import concurrent.futures
import concurrent.futures.process
import contextlib
import multiprocessing
import multiprocessing.context
import os
import signal
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from hpdgenomics.cohort.lifeline import tie_to_parent
from hpdgenomics.cohort.summary import SampleSummary
from hpdgenomics.cohort.tasks import RunContext, SampleTask, TaskFailure, run_batch
from hpdgenomics.errors import HpdError, OptionError

Results = list[SampleSummary | TaskFailure]
IN_FLIGHT_PER_WORKER = 2
DASK_CONNECT_TIMEOUT = "30s"  # how long to wait for the scheduler before giving up


def run_batches(batches: Iterable[Sequence[SampleTask]], context: RunContext, *, jobs: int = 1,
                dask_scheduler: str | None = None) -> Iterator[Results]:
    """Run every batch and yield its results as it completes.

    Args:
        jobs: local worker processes (1 runs in this process); ignored with ``dask_scheduler``.
        dask_scheduler: address of a running Dask distributed scheduler (``tcp://host:8786``); the work is sent to
            its workers (needs the ``dask`` extra: ``pip install 'hpdgenomics[dask]'``).
    """
    if jobs < 1:
        raise OptionError(f"--jobs must be at least 1, got {jobs}")
    if dask_scheduler is not None:
        yield from _dask(batches, context, dask_scheduler)
    elif jobs == 1:
        for batch in batches:
            yield run_batch(batch, context)
    else:
        yield from _processes(batches, context, jobs)


def _processes(batches: Iterable[Sequence[SampleTask]], context: RunContext, jobs: int) -> Iterator[Results]:
    # Worker processes start from a fork server (or are spawned): a script calling run_cohort with jobs > 1 needs
    # the usual `if __name__ == "__main__":` guard, as with any multiprocessing code.
    context_ = _start_method()
    _start_helpers_deaf_to_ctrl_c(context_)
    earlier = _forked_by_server()  # workers of another pool in this process are not ours to stop
    try:
        with concurrent.futures.ProcessPoolExecutor(max_workers=jobs, mp_context=context_,
                                                    initializer=tie_to_parent, initargs=(os.getpid(),)) as pool:
            try:
                yield from _windowed(batches, lambda batch: pool.submit(run_batch, batch, context), jobs,
                                     lambda pending: concurrent.futures.wait(
                                         pending, return_when=concurrent.futures.FIRST_COMPLETED)[0])
            except BaseException:  # Ctrl-C, an error in a sample, or the caller closing us: stop the workers now
                _stop_workers(pool, earlier)
                raise
    except concurrent.futures.process.BrokenProcessPool as exc:
        raise HpdError(f"a worker process stopped abruptly ({exc}); it may have run out of memory: rerun with "
                       "fewer --jobs") from exc


def _forked_by_server() -> set[int]:
    """Pids of the running children of this process's fork server (Linux /proc; empty elsewhere)."""
    from multiprocessing import forkserver

    server = getattr(getattr(forkserver, "_forkserver", None), "_forkserver_pid", None)
    if server is None or not os.path.isdir("/proc"):
        return set()
    children = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                    fields = handle.read().rsplit(") ", 1)[-1].split()
            except OSError:
                continue
            if len(fields) > 1 and fields[1] == str(server) and fields[0] not in ("Z", "X"):
                children.add(int(entry))
    return children


def _start_method() -> multiprocessing.context.BaseContext:
    """Workers forked from a fork server that has imported the per-sample code once: they start in milliseconds,
    and nothing is forked from this process, whose reader threads (pyarrow, pandas) make a plain fork unsafe."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")  # Windows
    context = multiprocessing.get_context("forkserver")
    # lifeline first: the fork server then dies with this process (and its workers with it)
    context.set_forkserver_preload(["hpdgenomics.cohort._forkserver", "hpdgenomics.cohort.tasks", "hpdgenomics.api",
                                    "hpdgenomics.report.writers"])
    return context


def _start_helpers_deaf_to_ctrl_c(context: multiprocessing.context.BaseContext) -> None:
    """Start the fork server (and the resource tracker) with SIGINT ignored, which they and the workers they fork
    inherit through exec: the terminal sends Ctrl-C to the whole process group, and a helper still importing its
    modules would print a traceback of its own. (A blocked mask is not inherited: the spawn resets it.) A Ctrl-C in
    the few milliseconds this takes is lost; the run goes on."""
    if context.get_start_method() != "forkserver" or threading.current_thread() is not threading.main_thread():
        return
    from multiprocessing import forkserver

    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        forkserver.ensure_running()
    finally:
        signal.signal(signal.SIGINT, previous)


def _stop_workers(pool: concurrent.futures.ProcessPoolExecutor, earlier: set[int]) -> None:
    """Cancel what has not started and end the workers (they ignore Ctrl-C, so that only this process reports it;
    a batch in progress is abandoned: its reports go to the staging folder, which is removed).

    A worker the fork server is still starting (an interrupt can come between its fork and the pool's note of it)
    is killed too: left alone, it would fail to unpickle its queues once this process has gone and print a traceback.
    """
    processes = list((getattr(pool, "_processes", None) or {}).values())  # no public API lists a pool's workers
    pool.shutdown(wait=False, cancel_futures=True)
    known = {process.pid for process in processes}
    for pid in _forked_by_server() - earlier - known:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    for process in processes:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            process.terminate()
    for process in processes:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            process.join(timeout=5)


def _dask(batches: Iterable[Sequence[SampleTask]], context: RunContext, address: str) -> Iterator[Results]:
    try:
        from distributed import Client, wait
    except ImportError as exc:
        raise OptionError("--dask-scheduler needs Dask distributed: pip install 'hpdgenomics[dask]'") from exc
    try:
        client = Client(address, timeout=DASK_CONNECT_TIMEOUT)
    except (OSError, TimeoutError) as exc:
        raise OptionError(f"cannot reach the Dask scheduler at {address}: {exc}") from exc
    try:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        shared = client.scatter(context, broadcast=True)  # the rule set and parameters travel once per worker
        yield from _windowed(batches, lambda batch: client.submit(run_batch, list(batch), shared, pure=False),
                             workers, lambda pending: set(wait(list(pending), return_when="FIRST_COMPLETED").done))
    finally:
        client.close()


def _windowed(batches: Iterable[Sequence[SampleTask]], submit: Callable[[Sequence[SampleTask]], Any], workers: int,
              wait_some: Callable[[set[Any]], set[Any]]) -> Iterator[Results]:
    """Keep at most ``IN_FLIGHT_PER_WORKER`` batches per worker submitted; yield results as batches finish."""
    pending: set[Any] = set()
    limit = workers * IN_FLIGHT_PER_WORKER
    source = iter(batches)
    exhausted = False
    try:
        while True:
            while not exhausted and len(pending) < limit:
                batch = next(source, None)
                if batch is None:
                    exhausted = True
                else:
                    pending.add(submit(batch))
            if not pending:
                return
            for future in wait_some(pending):
                pending.discard(future)
                yield future.result()
    finally:
        for future in pending:
            future.cancel()
