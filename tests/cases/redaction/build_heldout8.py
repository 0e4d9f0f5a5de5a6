"""Same as `build_heldout.py --set 8`: heldout8.yaml -> heldout8.jsonl (--check: exit 1 if stale)."""

import sys

from build_heldout import main

if __name__ == "__main__":
    sys.exit(main(["--set", "8", *sys.argv[1:]]))
