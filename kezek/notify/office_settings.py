"""An office's notifications as the admin screen sets them: bot (token write-only), Telegram mode, SMS, managers' alerts."""
from __future__ import annotations

from datetime import datetime

from kezek.base import database
from kezek.base.errors import Invalid, NotFound
from kezek.log import chain
from kezek.notify import store, subscribe

MODES = ("polling", "webhook")
SMS_TEMPLATE_MAX = 300


def masked(token: str | None) -> str | None:
    """A saved bot token as the screen shows it: the bot's first digits, the secret part dots."""
    if not token:
        return None
    return token.split(":", 1)[0][:4] + "…:" + "•" * 10


def view(db, office_id: str, *, gateway: bool, default_mode: str) -> dict:
    """Everything the admin's Notifications section shows; never the token itself, nor any address."""
    row = store.settings(db, office_id)
    options = store.options(db, office_id)
    return {**subscribe.public_settings(db, office_id), "telegram_token_masked": masked(row["telegram_token"]),
            "telegram_mode": options["telegram_mode"], "telegram_mode_default": default_mode,
            "telegram_mode_in_use": options["telegram_mode"] or default_mode,
            "sms_gateway": gateway, "sms_enabled": bool(options["sms_enabled"]),
            "sms_template": options["sms_template"]}


def _template(value) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > SMS_TEMPLATE_MAX or "{text}" not in value:
        raise Invalid(f"sms_template: up to {SMS_TEMPLATE_MAX} characters containing {{text}}, or empty.",
                      "bad_field", field="sms_template")
    # Only {text} is filled; any other brace would be sent as typed, which is a typo.
    rest = value.replace("{text}", "")
    if "{" in rest or "}" in rest:
        raise Invalid("sms_template: only {text} may stand in braces.", "bad_field", field="sms_template")
    return value


def save(db, office_id: str, values: dict, now: datetime, *, public_url: str, by_user_id: int | None = None) -> None:
    """Change the office's notification settings; refused input changes nothing (every check comes first)."""
    options = dict(store.options(db, office_id))
    if "telegram_mode" in values:
        mode = values["telegram_mode"]
        if mode not in (None, "", *MODES):
            raise Invalid("telegram_mode: polling, webhook or null (the server's).", "bad_field",
                          field="telegram_mode")
        if mode == "webhook" and not public_url.startswith("https://"):
            raise Invalid("telegram_mode: a webhook needs KEZEK_PUBLIC_URL over https; use polling.",
                          "webhook_needs_https", field="telegram_mode")
        options["telegram_mode"] = mode or None
    if "sms_enabled" in values:
        if not isinstance(values["sms_enabled"], bool):
            raise Invalid("sms_enabled: true or false.", "bad_field", field="sms_enabled")
        options["sms_enabled"] = int(values["sms_enabled"])
    if "sms_template" in values:
        options["sms_template"] = _template(values["sms_template"])
    bot_values = {k: values[k] for k in ("ahead_default", "telegram_token", "telegram_bot") if k in values}
    if bot_values:
        subscribe.save_settings(db, office_id, bot_values)   # checks the bot's values, then writes them
    # In the log: who changed what (a new bot token could send visitors' messages elsewhere), never the token.
    logged = {k: (("changed" if values[k] else "removed") if k == "telegram_token" else values[k]) for k in values
              if k in ("ahead_default", "telegram_token", "telegram_bot", "telegram_mode", "sms_enabled", "sms_template")}
    with database.transaction(db):
        store.save_options(db, options)
        if logged:
            chain.append(db, now, office_id, "notify.settings_changed", user_id=by_user_id, details=logged)


def _alerts(values: dict) -> tuple[bool, bool]:
    for key in ("wait_over_target", "printer_failure"):
        if key in values and not isinstance(values[key], bool):
            raise Invalid(f"{key}: true or false.", "bad_field", field=key)
    return values.get("wait_over_target", True), values.get("printer_failure", True)


def managers(db, office_id: str, user_id: int | None = None) -> list[dict]:
    """The office's managers' alert subscriptions (or one user's): who, which channel, which alerts."""
    return [{**r, "pending": bool(r["pending"]), "wait_over_target": bool(r["wait_over_target"]),
             "printer_failure": bool(r["printer_failure"])} for r in store.manager_subscriptions(db, office_id, user_id)]


def _own(db, office_id: str, subscription_id: int, user_id: int | None) -> dict:
    found = [r for r in store.manager_subscriptions(db, office_id, user_id) if r["id"] == subscription_id]
    if not found:
        raise NotFound("No such alert subscription in this office.", "subscription_not_found")
    return found[0]


def choose(db, office_id: str, subscription_id: int, values: dict, now: datetime, user_id: int | None = None,
           by_user_id: int | None = None) -> dict:
    """Which alerts a manager's subscription gets (an admin: any in the office; a manager: their own)."""
    current = _own(db, office_id, subscription_id, user_id)
    wait, printer = _alerts({"wait_over_target": bool(current["wait_over_target"]),
                             "printer_failure": bool(current["printer_failure"]), **values})
    with database.transaction(db):
        store.set_alert_choices(db, subscription_id, wait, printer)
        chain.append(db, now, office_id, "notify.alerts_chosen", user_id=by_user_id,
                     details={"for_user_id": current["user_id"], "channel": current["channel"],
                              "wait_over_target": wait, "printer_failure": printer})
    return next(r for r in managers(db, office_id) if r["id"] == subscription_id)


def remove(db, office_id: str, subscription_id: int, user_id: int | None = None) -> None:
    """Stop one manager's subscription (an admin: any in the office; a manager: their own)."""
    _own(db, office_id, subscription_id, user_id)
    with database.transaction(db):
        store.remove_manager_subscription(db, subscription_id)
