"""Same as `build_heldout.py --set 2`: heldout2.yaml -> heldout2.jsonl (--check: exit 1 if stale)."""

import sys

from build_heldout import main

if __name__ == "__main__":
    sys.exit(main(["--set", "2", *sys.argv[1:]]))
