"""warcio's own tools, the reference the archive's WARC files are checked against."""

from __future__ import annotations

import subprocess
import sys


def warcio_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """Run warcio's own command line (it has no ``__main__``: call its entry point)."""
    code = "import sys; from warcio.cli import main; sys.exit(main())"
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=60
    )
