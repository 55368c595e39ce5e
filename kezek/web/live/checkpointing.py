"""The checkpoint job of a running server (kezek/web/live/background.py): sign what is due, then hand each new one to the hooks."""
from __future__ import annotations

from kezek.base import database
from kezek.base.clock import utcnow
from kezek.log import checkpoints

EVERY_S = 60


def checkpoint_once(app) -> list[dict]:
    """Make the checkpoints that are due now and call `checkpoints.after_checkpoint` for each; the new rows."""
    clock = app.config.get("CLOCK")
    db = database.open_db(app.config["DB"])
    try:
        made = checkpoints.make_due(db, app.extensions["kezek_log_key"], clock() if clock else utcnow())
        for row in made:
            for hook in list(checkpoints.after_checkpoint):
                try:
                    hook(db, row["office_id"], row)
                except Exception:  # a witness that fails never stops the office's checkpoints
                    app.logger.exception("a checkpoint hook failed")
        return made
    finally:
        db.close()
