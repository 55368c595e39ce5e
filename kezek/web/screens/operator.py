"""The operator desk's page: sign in, choose a desk, call and serve visitors.

The page is static; its script reads everything through /api/v1 and Socket.IO
(`{screen: "operator", desk: id}` with the session cookie), so a reload or a second tab
always shows what the server holds.
"""
from __future__ import annotations

from flask import Blueprint
from flask_babel import get_locale

from kezek.base.i18n import N_
from kezek.web.auth import access
from kezek.web.screens.rendering import render_screen

bp = Blueprint("screen_operator", __name__)

# Pause reasons the engine accepts (kezek.desks.PAUSE_REASONS) and how the screen names them.
PAUSE_REASON_LABELS = {
    "break": N_("Break"),
    "lunch": N_("Lunch break"),
    "technical": N_("Technical break"),
    "back_office": N_("Back-office work"),
}

# API error codes the screen explains in the operator's language (others show the server's text).
ERROR_MESSAGES = {
    "desk_paused": N_("The desk is paused: resume work first."),
    "desk_busy": N_("Finish or release the current visitor first."),
    "desk_not_paused": N_("The desk is not paused."),
    "bad_transition": N_("This ticket has changed meanwhile: the screen shows it as it is now."),
    "reason_required": N_("Write the reason."),
    "reason_too_long": N_("The reason is too long."),
    "ticket_not_found": N_("The ticket was not found."),
    "desk_not_found": N_("No such desk."),
    "service_not_found": N_("No such service."),
    "service_not_served": N_("This desk does not serve that service."),
    "same_service": N_("The ticket is already in that service."),
    "service_inactive": N_("That service is not active now."),
    "bad_credentials": N_("Wrong user name or password."),
    "login_throttled": N_("Too many failed sign-ins: wait five minutes."),
    "forbidden": N_("Your role does not allow this."),
    "csrf": N_("Your session has ended. Please sign in again."),
    "missing_field": N_("Fill in every field."),
    # Transfers, visit outcomes, the visitor's phone (operator_visit.js).
    "transferred_elsewhere": N_("This visitor was sent to another desk or specialist."),
    "target_required": N_("Choose where the visitor goes."),
    "one_target": N_("Choose a desk or a specialist, not both."),
    "same_desk": N_("The visitor is already at this desk."),
    "user_not_found": N_("No such specialist."),
    "outcome_not_found": N_("That outcome is no longer in the list: choose another."),
    "outcome_required": N_("Choose what the visit came to."),
    "note_too_long": N_("The note is too long (500 characters at most)."),
    "sms_off": N_("SMS is not set up in this office."),
    "ticket_ended": N_("The ticket has ended."),
    "bad_phone": N_("Check the phone number."),
}

# Printer states that stop a kiosk from printing (kezek.printers.REFUSING, less 'unknown').
PRINTER_PROBLEMS = {
    "paper_out": N_("out of paper"),
    "cover_open": N_("the cover is open"),
    "offline": N_("offline"),
}

STRINGS: list[str] = [
    N_("Operator desk"), N_("Electronic queue"), N_("Sign in"), N_("User name"), N_("Password"),
    N_("Log out"), N_("Operator"), N_("Choose your desk"), N_("Desk %(name)s"), N_("Change desk"),
    N_("Call next"), N_("Recall"), N_("Start service"), N_("Finish service"), N_("No-show"),
    N_("Postpone"), N_("Transfer"), N_("Pause"), N_("Resume"), N_("Call"),
    N_("In queue: %(n)s"), N_("Served today: %(n)s"), N_("Longest wait: %(time)s"),
    N_("Queue"), N_("Services of this desk"), N_("Nobody is waiting."), N_("The desk is free."),
    N_("Called"), N_("Now serving"), N_("Paused"), N_("Waited: %(time)s"),
    N_("Since called: %(time)s"), N_("Serving for: %(time)s"), N_("Priority"),
    N_("Called again: %(n)s"), N_("First in line"), N_("Over the target wait"),
    N_("Transfer %(number)s to another service"), N_("Put first in line"), N_("Cancel"),
    N_("Call %(number)s out of order"), N_("Reason (kept in the log)"),
    N_("Why first in line? (kept in the log)"),
    N_("Why are you pausing?"), N_("Service"), N_("Choose a service."),
    N_("Printer problem: %(name)s — %(state)s"), N_("%(number)s was called."),
    N_("%(number)s was sent to: %(service)s"), N_("%(number)s waits in the queue again."),
    N_("Your session has ended. Please sign in again."),
    N_("The server cannot be reached. Try again."), N_("waiting: %(n)s"), N_("Language"),
    N_("Key"), N_("No desks are set up."), N_("Next"), N_("%(n)s min"),
    N_("Next in line: %(number)s"), N_("Space"),
    *PAUSE_REASON_LABELS.values(), *ERROR_MESSAGES.values(), *PRINTER_PROBLEMS.values(),
    # Book for a caller (operator_booking.js) and booked tickets in the queue.
    N_("Book for a caller"),
    N_("No service takes bookings at the moment."),
    N_("Day"),
    N_("Free times on this day"),
    N_("No free times on this day."),
    N_("Caller's phone number (optional)"),
    N_("Book the time"),
    N_("Booking code"),
    N_("Read the code out to the caller: on the day they enter it at the kiosk (“I have a booking”)."),
    N_("Book another"),
    N_("Done"),
    N_("Today"),
    N_("Tomorrow"),
    N_("free: %(n)s"),
    N_("This time has just been taken. Choose another one."),
    N_("This phone number already has as many bookings for that day as allowed."),
    N_("Check the phone number."),
    N_("Too many requests: wait a minute."),
    N_("Choose a free time."),
    N_("Booked for %(time)s"),
    # Transfer to a service, a desk or a specialist; the visit's outcome; SMS (operator_visit.js).
    N_("Transfer %(number)s"), N_("Transfer to"), N_("To a service"), N_("To a desk"), N_("To a specialist"),
    N_("Search"), N_("Nothing matches the search."), N_("Desk"), N_("Specialist"), N_("Other services"),
    N_("Choose a desk."), N_("Choose a specialist."), N_("Note for the receiving desk (staff only)"),
    N_("Transferred from desk %(desk)s"), N_("Finish %(number)s"), N_("What did the visit come to?"),
    N_("Other services served in this visit"), N_("Note (staff only, optional)"),
    N_("Paused for: %(time)s"), N_("SMS to the visitor"), N_("SMS for %(number)s"),
    N_("SMS for %(number)s: the number ends in …%(end)s"), N_("Visitor's phone number"), N_("Send SMS updates"),
    N_("The visitor gets an SMS when their turn nears and when called. The number is kept only while the ticket lives."),
    N_("%(number)s will get SMS updates."),
    # A user who works in several offices picks one (remembered in the browser).
    N_("Choose your office"),
    N_("Change office"),
]


@bp.get("/operator/")
@access("public")
def page():
    """The operator desk (public page; the data behind it needs an operator's sign-in)."""
    return render_screen("operator", "index.html", STRINGS, lang=str(get_locale()), office=None,
                         pause_reasons=PAUSE_REASON_LABELS, error_messages=ERROR_MESSAGES,
                         printer_problems=PRINTER_PROBLEMS)


# The admin screen's visit outcomes card (admin/static/admin_outcomes.js), listed in the admin screen's strings.
OUTCOME_STRINGS: list[str] = [
    N_("Visit outcomes"), N_("In use"), N_("Add outcome"), N_("Move up"), N_("Save"),
    N_("Name (Kazakh)"), N_("Name (Russian)"), N_("Name (English)"),
    N_("When finishing a visit the specialist chooses one of these; reports count them. An outcome in use is "
       "switched off, never deleted."),
]
