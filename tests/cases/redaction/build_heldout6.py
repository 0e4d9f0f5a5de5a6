"""Same as `build_heldout.py --set 6`: heldout6.yaml -> heldout6.jsonl (--check: exit 1 if stale)."""

import sys

from build_heldout import main

if __name__ == "__main__":
    sys.exit(main(["--set", "6", *sys.argv[1:]]))
