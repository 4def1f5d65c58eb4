"""``python -m hpdgenomics`` and the ``hpdgenomics`` console script run the command line.

The command line is imported inside :func:`main`, so that a Ctrl-C while its modules load (pandas, pyarrow … take
a second) ends with the one-line message and exit code 130, like one during the run, not with a traceback.
"""

from __future__ import annotations

import sys


def main() -> None:
    """Console-script entry point."""
    from hpdgenomics.interrupts import exit_on_sigterm  # a small module: before the heavy imports

    exit_on_sigterm()
    try:
        from hpdgenomics.cli import main as cli_main
    except KeyboardInterrupt:
        sys.stderr.write("hpdgenomics: interrupted; no report was written (the output folder is as it was before the "
                         "run)\n")
        sys.exit(130)
    cli_main()


if __name__ == "__main__":
    main()
