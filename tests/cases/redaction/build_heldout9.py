"""Same as `build_heldout.py --set 9`: heldout9.yaml -> heldout9.jsonl (--check: exit 1 if stale)."""

import sys

from build_heldout import main

if __name__ == "__main__":
    sys.exit(main(["--set", "9", *sys.argv[1:]]))
