"""Kezek: the electronic queue of a public front office (the engine, no Flask)."""
