"""For a developer changing schema.sql: `python -m kezek.base.migrations "what changes"` writes the next revision."""
from __future__ import annotations

import sys

from kezek.base.migrations import revisions, runner

if __name__ == "__main__":
    if len(sys.argv) != 2 or not sys.argv[1].strip():
        print('usage: python -m kezek.base.migrations "what the revision changes"', file=sys.stderr)
        sys.exit(2)
    path = runner.new_revision(sys.argv[1])
    print(f"written: {path} (revision {revisions.head()}): write upgrade() to match your schema.sql change, add the"
          f" file to README's map of the code, then run tests/test_migrations.py")
