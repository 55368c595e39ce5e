"""The printed ticket: drawn as one black-and-white bitmap, encoded as ESC/POS raster.

Thermal printers' code pages lack most Kazakh letters (Ә Ғ Қ Ң Ө Ұ Ү Һ І), so nothing
is sent as text: the whole ticket is one picture drawn with DejaVu Sans.
"""
from __future__ import annotations

import functools
import math
import shutil
import subprocess
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import qrcode
from escpos.printer import Dummy
from PIL import Image, ImageDraw, ImageFont

from kezek.base.i18n import gettext

# Where Debian's fonts-dejavu-core puts the files, used only when fontconfig is missing.
DEBIAN_DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
# Pixels of the anti-aliased drawing darker than this become black dots; a little
# above the midpoint keeps thin strokes of small text whole on the paper.
INK_THRESHOLD = 150
_THRESHOLD_TABLE = [0 if value < INK_THRESHOLD else 255 for value in range(256)]


class FontMissing(RuntimeError):
    """DejaVu Sans (Debian package fonts-dejavu-core) is not installed."""


@dataclass
class TicketPrint:
    """What goes on a printed ticket."""

    office_name: str
    number: str
    service_name: str
    people_ahead: int
    estimated_wait_s: int
    issued_at: datetime  # aware, UTC
    timezone: str  # the office's zone, e.g. Asia/Almaty
    url: str  # the ticket page, encoded in the QR code
    lang: str  # kk, ru or en
    priority: bool = False
    appointment_at: datetime | None = None  # aware, UTC: the booked slot of a checked-in visitor
    desks: list[str] = field(default_factory=list)  # the desks that serve the service (where the call comes)
    zones: list[str] = field(default_factory=list)  # the hall TVs' zones that show its calls (big halls)


@dataclass(frozen=True)
class Layout:
    """Sizes for one paper width, chosen by eye for that width (never scaled)."""

    width: int
    margin: int
    office: int  # font sizes in dots
    label: int
    number: int
    service: int
    info: int
    small: int
    qr_module: int
    gap: int


LAYOUTS = {
    576: Layout(576, 16, 30, 24, 176, 34, 28, 23, 7, 18),  # 80 mm paper, 203 dpi
    512: Layout(512, 14, 28, 22, 156, 31, 26, 21, 6, 16),  # 80 mm paper, 180 dpi
    384: Layout(384, 10, 23, 19, 118, 25, 21, 18, 5, 12),  # 58 mm paper, 203 dpi
}


@functools.lru_cache(maxsize=None)
def font_path(bold: bool = False) -> str:
    """The file of DejaVu Sans (bold or book), found with fontconfig; FontMissing if absent."""
    style = "Bold" if bold else "Book"
    if shutil.which("fc-match"):
        found = subprocess.run(
            ["fc-match", "-f", "%{family}|%{file}", f"DejaVu Sans:style={style}"],
            capture_output=True, text=True, timeout=10, check=False,
        ).stdout
        family, _, path = found.partition("|")
        # fc-match always answers with *some* font; only DejaVu Sans has every Kazakh letter we need.
        if "DejaVu Sans" in family and Path(path).is_file():
            return path
    fallback = DEBIAN_DEJAVU / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
    if fallback.is_file():
        return str(fallback)
    raise FontMissing(
        f"DejaVu Sans {style} not found: install the Debian package fonts-dejavu-core"
        " (and fontconfig); printed tickets need its Kazakh letters"
    )


@functools.lru_cache(maxsize=None)
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    """DejaVu Sans at `size` dots."""
    return ImageFont.truetype(font_path(bold), size)


def wrap(text: str, face: ImageFont.FreeTypeFont, width: int, max_lines: int) -> list[str]:
    """Split `text` into lines no wider than `width`; the last allowed line ends in '…' if cut."""
    lines: list[str] = []
    line = ""
    # Only plain spaces break a line: a no-break space keeps "25\u00a0мин" together.
    for word in (w for w in text.split(" ") if w):
        candidate = f"{line} {word}" if line else word
        if face.getlength(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        # A single word wider than the paper is broken between letters.
        while face.getlength(word) > width:
            cut = max(1, next(i for i in range(len(word), 0, -1) if face.getlength(word[:i]) <= width))
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    if line:
        lines.append(line)
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and face.getlength(last + "…") > width:
            last = last[:-1].rstrip()
        lines = lines[: max_lines - 1] + [last + "…"]
    return lines


class _Canvas:
    """A tall grey page that text is laid down on, top to bottom, centred."""

    def __init__(self, layout: Layout):
        self.layout = layout
        self.image = Image.new("L", (layout.width, 3000), 255)
        self.draw = ImageDraw.Draw(self.image)
        self.y = layout.margin

    @property
    def inner(self) -> int:
        return self.layout.width - 2 * self.layout.margin

    def text(self, text: str, size: int, bold: bool = False, max_lines: int = 3,
             line_gap: float = 0.22, fill: int = 0, shrink: float = 1.0) -> None:
        """Wrapped, centred lines of text; advances y.

        With shrink < 1 the text may get that much smaller to stay on one line,
        since "25 / min" split over two lines reads worse than slightly smaller type.
        """
        face = font(size, bold)
        for smaller in range(size - 1, int(size * shrink) - 1, -1):
            if face.getlength(text) <= self.inner:
                break
            face = font(smaller, bold)
        if face.getlength(text) > self.inner:
            face = font(size, bold)  # too long even when smaller: wrap at full size
        ascent, descent = face.getmetrics()
        for line in wrap(text, face, self.inner, max_lines):
            x = (self.layout.width - face.getlength(line)) / 2
            self.draw.text((x, self.y), line, font=face, fill=fill)
            self.y += ascent + descent + round(size * line_gap)

    def number(self, text: str, size: int) -> None:
        """The ticket number as big as fits the paper width, tight to its ink."""
        face = font(size, True)
        while face.getlength(text) > self.inner and size > 20:
            size -= 4
            face = font(size, True)
        left, top, right, bottom = self.draw.textbbox((0, 0), text, font=face)
        x = (self.layout.width - (right - left)) / 2 - left
        self.draw.text((x, self.y - top), text, font=face, fill=0)
        self.y += bottom - top

    def banner(self, text: str, size: int) -> None:
        """White text on a black band: the priority mark, seen at a glance."""
        face = font(size, True)
        pad = self.layout.gap // 2
        lines = wrap(text, face, self.inner - 2 * pad, 2)
        ascent, descent = face.getmetrics()
        m = self.layout.margin
        height = len(lines) * (ascent + descent) + 2 * pad
        self.draw.rectangle((m, self.y, self.layout.width - m - 1, self.y + height - 1), fill=0)
        y = self.y + pad
        for line in lines:
            self.draw.text(((self.layout.width - face.getlength(line)) / 2, y), line, font=face, fill=255)
            y += ascent + descent
        self.y += height

    def rule(self) -> None:
        """A thin full-width line between sections."""
        m, g = self.layout.margin, self.layout.gap
        self.y += g // 2
        self.draw.rectangle((m, self.y, self.layout.width - m - 1, self.y + 1), fill=0)
        self.y += 2 + g // 2

    def space(self, dots: int) -> None:
        self.y += dots

    def qr(self, url: str, module: int) -> None:
        """The QR code of `url`, whole modules only so phones read it off thermal paper."""
        code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
        code.add_data(url)
        code.make(fit=True)
        matrix = code.get_matrix()
        modules = len(matrix)
        pixels = bytes(0 if dark else 255 for row in matrix for dark in row)
        small = Image.frombytes("L", (modules, modules), pixels)
        size = modules * module
        while size > self.inner and module > 2:
            module -= 1
            size = modules * module
        big = small.resize((size, size), Image.Resampling.NEAREST)
        quiet = 4 * module  # the quiet zone the QR standard asks for
        self.y += quiet
        self.image.paste(big, ((self.layout.width - size) // 2, self.y))
        self.y += size + quiet

    def finish(self) -> Image.Image:
        """Cropped to what was drawn, thresholded (never dithered) to pure black and white."""
        page = self.image.crop((0, 0, self.layout.width, self.y + self.layout.margin))
        return page.point(_THRESHOLD_TABLE, "1")


def wait_minutes(estimated_wait_s: int) -> int:
    """Whole minutes shown for an estimated wait (rounded up: never promise too little)."""
    return max(0, math.ceil(estimated_wait_s / 60))


def desks_line(desks: list[str], translate) -> str:
    """"Served at desks: 3, 5, 7" (the first eight, then "…"), as on the kiosk's ticket screen."""
    names = ", ".join(desks[:8]) + (", …" if len(desks) > 8 else "")
    msgid = "Served at desk: %(desks)s" if len(desks) == 1 else "Served at desks: %(desks)s"
    return translate(msgid, desks=names)


def zones_line(zones: list[str], translate) -> str:
    """"Zone: Hall B" (the hall TVs that show the ticket's calls), as on the kiosk's ticket screen."""
    return translate("Zone: %(zones)s", zones=", ".join(zones[:3]) + (", …" if len(zones) > 3 else ""))


def render_ticket(t: TicketPrint, width_dots: int) -> Image.Image:
    """The ticket as a mode "1" image exactly `width_dots` wide (576, 512 or 384)."""
    if width_dots not in LAYOUTS:
        raise ValueError(f"no ticket layout for {width_dots} dots; layouts: {sorted(LAYOUTS)}")
    lay = LAYOUTS[width_dots]
    lang = t.lang

    def _(msgid: str, **values) -> str:
        return gettext(lang, msgid, **values)

    local = t.issued_at.astimezone(ZoneInfo(t.timezone))
    page = _Canvas(lay)
    page.text(t.office_name, lay.office, bold=True, max_lines=3, line_gap=0.12)
    page.rule()
    page.text(_("Your ticket number"), lay.label)
    page.space(lay.gap // 2)
    page.number(t.number, lay.number)
    page.space(lay.gap)
    if t.priority:
        page.banner(_("Priority service"), lay.info)
        page.space(lay.gap // 2)
    page.text(t.service_name, lay.service, bold=True, max_lines=4, line_gap=0.12)
    if t.appointment_at is not None:
        slot = t.appointment_at.astimezone(ZoneInfo(t.timezone)).strftime("%H:%M")
        page.space(lay.gap // 2)
        page.text(_("Booked for %(time)s", time=slot), lay.info, bold=True, max_lines=2, shrink=0.8)
    if t.desks:
        page.space(lay.gap // 2)
        page.text(desks_line(t.desks, _), lay.info, max_lines=2, shrink=0.8)
    if t.zones:
        page.text(zones_line(t.zones, _), lay.info, bold=True, max_lines=2, shrink=0.8)
    page.rule()
    page.text(_("People ahead of you: %(count)s", count=t.people_ahead), lay.info, max_lines=2,
              shrink=0.8)
    page.text(_("Estimated wait: %(minutes)s min", minutes=wait_minutes(t.estimated_wait_s)),
              lay.info, max_lines=2, shrink=0.8)
    page.text(_("Issued at: %(time)s", time=local.strftime("%d.%m.%Y %H:%M")), lay.small,
              max_lines=2, shrink=0.85)
    page.qr(t.url, lay.qr_module)
    page.text(_("Scan to follow your turn"), lay.small, max_lines=2, shrink=0.85)
    page.rule()
    page.text(_("Valid today only"), lay.info, bold=True, max_lines=2, shrink=0.8)
    page.text(_("Watch the screen and listen for your number"), lay.small, max_lines=3)
    return page.finish()


def encode_escpos(image: Image.Image, profile: str | None = None, *, cut: str = "full",
                  paper_width: int | None = None) -> bytes:
    """ESC/POS bytes for `image`: reset, one raster image (GS v 0), feed, cut."""
    if cut not in ("full", "partial", "none"):
        raise ValueError(f"cut must be full, partial or none, not {cut!r}")
    printer = Dummy(profile=profile)
    media = printer.profile.profile_data.get("media", {}).get("width", {})
    known = media.get("pixels")
    paper = paper_width or (int(known) if str(known).isdigit() else image.width)
    if image.width > paper:
        raise ValueError(f"ticket is {image.width} dots wide, the paper only {paper}")
    if paper > image.width:
        # Centre on wider paper ourselves, so no profile needs to know the width.
        wide = Image.new("1", (paper, image.height), 1)
        wide.paste(image, ((paper - image.width) // 2, 0))
        image = wide
    # python-escpos warns on stdout when the profile has no width; give this
    # printer's own copy of the profile the width we know.
    data = dict(printer.profile.profile_data)
    data["media"] = dict(data.get("media", {}))
    data["media"]["width"] = {**data["media"].get("width", {}), "pixels": paper}
    printer.profile.profile_data = data
    printer.hw("INIT")
    printer.image(image, impl="bitImageRaster")
    if cut != "none":
        printer.cut(mode="PART" if cut == "partial" else "FULL")
    else:
        printer.print_and_feed(6)
    return printer.output
