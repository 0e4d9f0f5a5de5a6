"""Same as `build_heldout.py --set 12`: heldout12.yaml -> heldout12.jsonl (--check: exit 1 if stale)."""

import sys

from build_heldout import main

if __name__ == "__main__":
    sys.exit(main(["--set", "12", *sys.argv[1:]]))
