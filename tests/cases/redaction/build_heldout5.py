"""Same as `build_heldout.py --set 5`: heldout5.yaml -> heldout5.jsonl (--check: exit 1 if stale)."""

import sys

from build_heldout import main

if __name__ == "__main__":
    sys.exit(main(["--set", "5", *sys.argv[1:]]))
