"""Errors the engine raises; the web adapter turns them into JSON 4xx answers."""
from __future__ import annotations


class DatabaseUnavailable(Exception):
    """The database cannot be reached (PostgreSQL down, restarting, refusing connections): a 503."""


class KezekError(Exception):
    """A refused operation: nothing was changed."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, code: str | None = None, **details):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details


class NotFound(KezekError):
    """An unknown id or token."""

    status = 404
    code = "not_found"


class Conflict(KezekError):
    """A transition the current state does not allow."""

    status = 409
    code = "conflict"


class Invalid(KezekError):
    """Invalid input."""

    status = 422
    code = "invalid"
