"""Same as `build_heldout.py --set 17`: heldout17.yaml -> heldout17.jsonl (--check: exit 1 if stale)."""

import sys

from build_heldout import main

if __name__ == "__main__":
    sys.exit(main(["--set", "17", *sys.argv[1:]]))
