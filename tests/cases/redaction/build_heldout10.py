"""Same as `build_heldout.py --set 10`: heldout10.yaml -> heldout10.jsonl (--check: exit 1 if stale)."""

import sys

from build_heldout import main

if __name__ == "__main__":
    sys.exit(main(["--set", "10", *sys.argv[1:]]))
