"""What a notification says, in the ticket's language (kk/ru/en through the catalogues; msgid = English)."""
from __future__ import annotations

from dataclasses import dataclass, field

from kezek.base.i18n import N_, gettext

# Every string a notification may say (translations/notify, and translations/ticket for the shared ones).
STRINGS: list[str] = [
    N_("Ticket %(number)s"), N_("People ahead of you: %(count)s"), N_("You are next"),
    N_("Please go to desk %(desk)s"), N_("You are called again: please go to desk %(desk)s"),
    N_("You have been sent to another service"), N_("Please wait to be called"),
    N_("You did not come when called"), N_("Please take a new ticket at the kiosk."),
    N_("The office closes at %(time)s: you may not be served today."),
    N_("Your ticket has been cancelled"), N_("This ticket has ended."),
    N_("Estimated wait: %(minutes)s min"), N_("Estimated wait: less than a minute"),
    N_("You are being served at desk %(desk)s"),
    N_("This ticket was not found or has ended."), N_("The ticket can no longer be cancelled."),
    N_("You will get messages about this ticket here. /status: your place in line. /cancel: cancel the ticket."),
    N_("You will get this office's alerts here."),
    N_("Send /status for your place in line, /cancel to cancel the ticket."),
    N_("%(service)s: the longest wait is %(minutes)s min, over the target of %(target)s min"),
    N_("Kiosk %(kiosk)s: the printer does not print (%(state)s)"),
    N_("Office alert"), N_("out of paper"), N_("the cover is open"), N_("offline"),
]
# A printer's state as a person reads it (the operator screen's words, translations/operator).
PRINTER_STATES = {"paper_out": N_("out of paper"), "cover_open": N_("the cover is open"), "offline": N_("offline")}


@dataclass(frozen=True)
class Message:
    """One notification to send: to whom (a subscription), what, and what to do once it was sent."""

    office_id: str
    channel: str                 # push, telegram, sms
    address: str                 # the subscription's address (push JSON, chat id, phone)
    title: str
    body: str
    subscription_id: int | None = None
    tag: str = "kezek"
    url: str = ""                # the ticket page, opened when the notification is tapped
    meta: dict = field(default_factory=dict)

    def text(self) -> str:
        """The message as one text (Telegram, SMS)."""
        return f"{self.title}\n{self.body}" if self.body else self.title


def ticket_text(kind: str, lang: str, ticket: dict, **values) -> tuple[str, str]:
    """(title, body) of a visitor's notification of `kind`, in `lang`."""
    title = gettext(lang, "Ticket %(number)s", number=ticket["display_number"])
    desk = values.get("desk") or ""
    if kind == "ahead":
        count = values["count"]
        body = gettext(lang, "You are next") if count == 0 else gettext(
            lang, "People ahead of you: %(count)s", count=count)
    elif kind == "called":
        body = gettext(lang, "Please go to desk %(desk)s", desk=desk)
    elif kind == "recalled":
        body = gettext(lang, "You are called again: please go to desk %(desk)s", desk=desk)
    elif kind == "transferred":
        service = values.get("service") or ""
        body = (gettext(lang, "You have been sent to another service") + (f": {service}" if service else "")
                + ". " + gettext(lang, "Please wait to be called"))
    elif kind == "no_show":
        body = gettext(lang, "You did not come when called") + ". " + gettext(
            lang, "Please take a new ticket at the kiosk.")
    elif kind == "closing":
        body = gettext(lang, "The office closes at %(time)s: you may not be served today.", time=values["time"])
    elif kind == "cancelled":
        body = gettext(lang, "Your ticket has been cancelled")
    else:
        raise ValueError(kind)
    return title, body


def status_text(lang: str, ticket: dict | None, ahead: int = 0, wait_s: int = 0, desk: str = "") -> str:
    """The answer to Telegram's /status: the place in line, the call, or that the ticket has ended."""
    if ticket is None:
        return gettext(lang, "This ticket was not found or has ended.")
    title = gettext(lang, "Ticket %(number)s", number=ticket["display_number"])
    status = ticket["status"]
    if status == "waiting":
        lines = [gettext(lang, "You are next") if ahead == 0 else gettext(
            lang, "People ahead of you: %(count)s", count=ahead)]
        minutes = (wait_s + 59) // 60   # as the ticket page and the paper ticket round it
        lines.append(gettext(lang, "Estimated wait: %(minutes)s min", minutes=minutes) if minutes
                     else gettext(lang, "Estimated wait: less than a minute"))
    elif status == "called":
        lines = [gettext(lang, "Please go to desk %(desk)s", desk=desk)]
    elif status == "serving":
        lines = [gettext(lang, "You are being served at desk %(desk)s", desk=desk)]
    else:
        lines = [gettext(lang, "This ticket has ended.")]
    return "\n".join([title, *lines])


def manager_text(kind: str, lang: str, **values) -> tuple[str, str]:
    """(title, body) of a manager's alert."""
    title = gettext(lang, "Office alert")
    if kind == "wait":
        return title, gettext(lang, "%(service)s: the longest wait is %(minutes)s min, over the target of "
                                    "%(target)s min", **values)
    if kind == "printer":
        state = PRINTER_STATES.get(values["state"])
        return title, gettext(lang, "Kiosk %(kiosk)s: the printer does not print (%(state)s)", kiosk=values["kiosk"],
                              state=gettext(lang, state) if state else values["state"])
    raise ValueError(kind)
