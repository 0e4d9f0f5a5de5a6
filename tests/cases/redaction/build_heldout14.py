"""Same as `build_heldout.py --set 14`: heldout14.yaml -> heldout14.jsonl (--check: exit 1 if stale)."""

import sys

from build_heldout import main

if __name__ == "__main__":
    sys.exit(main(["--set", "14", *sys.argv[1:]]))
