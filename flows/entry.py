"""The `casebundle` console command: Prefect's temporary server launched first when the
command is a run that will want one (flows/early.py), then the command line (flows/cli.py)
imported and run.

Kept apart from flows/early.py, which flows/cli.py and flows/runners.py import to adopt
the launched server: the entry point imports both, neither imports it back.
"""

from __future__ import annotations

import sys


def main() -> None:
    from flows import early

    early.launch_for(sys.argv)
    from flows.cli import main as cli_main

    cli_main()


if __name__ == "__main__":  # `python -m flows.entry run ...`
    main()
