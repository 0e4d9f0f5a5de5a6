"""Same as `build_heldout.py --set 11`: heldout11.yaml -> heldout11.jsonl (--check: exit 1 if stale)."""

import sys

from build_heldout import main

if __name__ == "__main__":
    sys.exit(main(["--set", "11", *sys.argv[1:]]))
