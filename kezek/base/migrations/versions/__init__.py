"""Alembic revisions, oldest first: each takes the schema one step towards schema.sql (docs in README, Storage)."""
