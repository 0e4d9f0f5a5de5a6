"""Same as `build_heldout.py --set 4`: heldout4.yaml -> heldout4.jsonl (--check: exit 1 if stale)."""

import sys

from build_heldout import main

if __name__ == "__main__":
    sys.exit(main(["--set", "4", *sys.argv[1:]]))
