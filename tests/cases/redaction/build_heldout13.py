"""Same as `build_heldout.py --set 13`: heldout13.yaml -> heldout13.jsonl (--check: exit 1 if stale)."""

import sys

from build_heldout import main

if __name__ == "__main__":
    sys.exit(main(["--set", "13", *sys.argv[1:]]))
