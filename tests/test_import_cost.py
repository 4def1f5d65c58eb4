"""Starting the CLI must not import the heavy numeric and plotting libraries (issue 16: quick start).

numpy, pandas, scipy and matplotlib are imported where they are used (a copy-number table, an evidence count, a
figure), so ``hpdgenomics --help`` or a VCF-only run does not pay for them. Checked in a fresh interpreter because
this test process has long imported them.
"""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("numpy", "pandas", "scipy", "matplotlib")


def test_importing_the_cli_loads_no_numeric_or_plotting_library() -> None:
    code = ("import sys, hpdgenomics.cli; "
            f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout.strip()
    assert loaded == "", f"imported at CLI start: {loaded}"
