"""The day's log checkpoint on paper, for the office's notice board: the figures, and a QR code of the whole note."""
from __future__ import annotations

from dataclasses import dataclass

from PIL import Image

from kezek.base.i18n import gettext
from kezek.printers.drawing import LAYOUTS, _Canvas


@dataclass
class CheckpointPrint:
    """What goes on the printed checkpoint."""

    office_name: str
    day: str | None          # the office day it closes (None: the latest checkpoint, not a day's close)
    size: int
    root: str                # base64, as in the note
    note: str                # the whole signed note, in the QR code
    lang: str


def render_checkpoint(c: CheckpointPrint, width_dots: int) -> Image.Image:
    """The checkpoint as a mode "1" image exactly `width_dots` wide."""
    lay = LAYOUTS[width_dots]

    def _(msgid: str, **values) -> str:
        return gettext(c.lang, msgid, **values)

    page = _Canvas(lay)
    page.text(c.office_name, lay.office, bold=True, max_lines=3, line_gap=0.12)
    page.rule()
    page.text(_("The office's log"), lay.service, bold=True, max_lines=2)
    if c.day:
        page.text(_("The day %(day)s is closed", day=c.day), lay.info, max_lines=2, shrink=0.8)
    page.space(lay.gap // 2)
    page.text(_("Entries: %(size)s", size=c.size), lay.info, bold=True, max_lines=1, shrink=0.8)
    half = (len(c.root) + 1) // 2
    for part in (c.root[:half], c.root[half:]):
        page.text(part, lay.small, max_lines=1, shrink=0.6)
    page.qr(c.note, max(2, lay.qr_module - 2))
    page.text(_("Scan and keep it: with it anyone can later check that the queue's history was not rewritten."),
              lay.small, max_lines=4)
    return page.finish()
