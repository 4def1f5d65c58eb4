"""How the commands end: the library's typed errors as one-line messages and the documented exit codes.

Exit codes: 0 success; 1 input or data error (the message names the file and line); 2 usage error;
3 internal error (a bug: please report it with the command line used); 130 interrupted; 143 terminated.
"""

from __future__ import annotations

import functools
import sys
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

import click

from hpdgenomics.errors import HpdError, OptionError
from hpdgenomics.report.terminal import terminal_safe

EXIT_INPUT_ERROR = 1
EXIT_INTERNAL_ERROR = 3
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it
EXIT_TERMINATED = 143  # 128 + SIGTERM
INTERRUPTED = "interrupted; no report was written (the output folder is as it was before the run)"
ISSUES_HINT = "this is a bug in hpdgenomics; please report it with the command line and the traceback above"

F = TypeVar("F", bound=Callable[..., Any])


def handle_errors(command: F) -> F:
    """Turn the library's typed errors into one-line messages and documented exit codes."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except OptionError as exc:
            raise click.UsageError(str(exc)) from exc
        except HpdError as exc:
            click.echo(terminal_safe(f"hpdgenomics: error: {exc}"), err=True)
            sys.exit(EXIT_INPUT_ERROR)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo(f"hpdgenomics: {INTERRUPTED}", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except Exception:
            traceback.print_exc(file=sys.stderr)
            click.echo(f"hpdgenomics: internal error: {ISSUES_HINT}", err=True)
            sys.exit(EXIT_INTERNAL_ERROR)

    return wrapper  # type: ignore[return-value]
