"""Same as `build_heldout.py --set 7`: heldout7.yaml -> heldout7.jsonl (--check: exit 1 if stale)."""

import sys

from build_heldout import main

if __name__ == "__main__":
    sys.exit(main(["--set", "7", *sys.argv[1:]]))
