"""Same as `build_heldout.py --set 16`: heldout16.yaml -> heldout16.jsonl (--check: exit 1 if stale)."""

import sys

from build_heldout import main

if __name__ == "__main__":
    sys.exit(main(["--set", "16", *sys.argv[1:]]))
