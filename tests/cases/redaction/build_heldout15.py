"""Same as `build_heldout.py --set 15`: heldout15.yaml -> heldout15.jsonl (--check: exit 1 if stale)."""

import sys

from build_heldout import main

if __name__ == "__main__":
    sys.exit(main(["--set", "15", *sys.argv[1:]]))
