"""The SQL the PostgreSQL handle itself runs: the writers' lock, the schema's mark."""
from __future__ import annotations

WRITE_LOCK = 0x4B657A656B      # the advisory lock key every writer takes ("Kezek")

TAKE_WRITE_LOCK = f"SELECT pg_advisory_xact_lock({WRITE_LOCK})"
SCHEMA_MARK = "SELECT obj_description('public'::regnamespace, 'pg_namespace')"


def set_schema_mark(mark: str) -> str:
    return f"COMMENT ON SCHEMA public IS '{mark}'"
