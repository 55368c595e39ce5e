"""Schema migrations with Alembic: the revisions from the first release's schema to schema.sql's, and their driver."""
