"""Same as `build_heldout.py --set 3`: heldout3.yaml -> heldout3.jsonl (--check: exit 1 if stale)."""

import sys

from build_heldout import main

if __name__ == "__main__":
    sys.exit(main(["--set", "3", *sys.argv[1:]]))
