"""The visitor's rating of a finished visit: 1–5 stars and an optional comment, one per ticket.

The stars go in `tickets.rating` (quick reports); stars and comment go in the event log as
`ticket.rated`, tied to the desk and the operator that served the visit.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime

from kezek.base import database
from kezek.base.errors import Conflict, Invalid, NotFound
from kezek.log import chain
from kezek.queue import store

MAX_COMMENT = 500
STARS = range(1, 6)


@dataclass
class Rating:
    """A stored rating: which ticket, how many stars, the comment (or None)."""

    ticket_id: int
    number: str
    stars: int
    comment: str | None
    desk_id: int | None
    user_id: int | None


def clean_comment(comment) -> str | None:
    """The comment as stored: trimmed, control characters dropped, None when empty; or Invalid."""
    if comment is None:
        return None
    if not isinstance(comment, str):
        raise Invalid("comment has the wrong type.", "bad_field", field="comment")
    # Line breaks are kept; other control characters would only garble the audit view.
    text = "".join(c for c in comment if c in "\n\t" or unicodedata.category(c) != "Cc").strip()
    if len(text) > MAX_COMMENT:
        raise Invalid(f"The comment is too long ({MAX_COMMENT} characters at most).", "comment_too_long",
                      field="comment")
    return text or None


def rate(db, token: str, stars, comment, now: datetime) -> Rating:
    """Rate a finished visit once; 422 bad stars/comment, 404 unknown token, 409 not done or rated."""
    if isinstance(stars, bool) or not isinstance(stars, int) or stars not in STARS:
        raise Invalid("stars: a whole number from 1 to 5.", "bad_stars", field="stars")
    text = clean_comment(comment)
    with database.transaction(db):
        ticket = store.ticket_by_token(db, token)
        if ticket is None:
            raise NotFound("No such ticket.", "ticket_not_found")
        if ticket["status"] != "done":
            raise Conflict("Only a finished visit can be rated.", "not_done", status=ticket["status"])
        if ticket["rating"] is not None:
            raise Conflict("This visit has been rated already.", "already_rated")
        store.update_ticket(db, ticket["id"], rating=stars)
        # desk_id and user_id stay on the ticket after the visit: the desk and operator who served it.
        chain.append(db, now, ticket["office_id"], "ticket.rated", ticket_id=ticket["id"],
                     service_id=ticket["service_id"], desk_id=ticket["desk_id"], user_id=ticket["user_id"],
                     details={"number": ticket["display_number"], "stars": stars, "comment": text})
    return Rating(ticket["id"], ticket["display_number"], stars, text, ticket["desk_id"], ticket["user_id"])


def rated(ticket: dict) -> bool:
    """Whether a ticket row has been rated."""
    return ticket.get("rating") is not None


def ratings(db, office_id: str, *, since: str | None = None, until: str | None = None,
            limit: int = 200) -> list[dict]:
    """The office's ratings from the event log, newest first: at, number, stars, comment, desk, user."""
    return [{"at": e["at"], "ticket_id": e["ticket_id"], "number": e["details"].get("number"),
             "stars": e["details"]["stars"], "comment": e["details"].get("comment"),
             "desk_id": e["desk_id"], "user_id": e["user_id"], "service_id": e["service_id"]}
            for e in chain.list_events(db, office_id, since=since, until=until, name="ticket.rated", limit=limit)]
