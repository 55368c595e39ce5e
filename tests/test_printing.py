"""The printed ticket: Kazakh letters on paper, a readable QR code, nothing clipped, exact widths."""
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
import zxingcpp
from babel.messages.pofile import read_po
from PIL import Image, ImageDraw

from kezek.base import i18n
from kezek.printers import drawing
from kezek.printers.drawing import LAYOUTS, TicketPrint, encode_escpos, render_ticket
from tests.escpos_raster import decode_paper

SAMPLES = Path(__file__).parent / "samples"
KAZAKH_LETTERS = "ӘҒҚҢӨҰҮҺІәғқңөұүһі"
NAMES = {
    "kk": ("Бостандық ауданы әкімдігінің халыққа қызмет көрсету орталығы",
           "Жер қатынастары және тұрғын үй мәселелері"),
    "ru": ("Центр обслуживания населения акимата Бостандыкского района",
           "Земельные отношения и жилищные вопросы"),
    "en": ("Bostandyk District Akimat Public Service Centre", "Land relations and housing"),
}


@pytest.fixture(scope="module", autouse=True)
def catalogues():
    i18n.compile_catalogues()


def ticket(lang="kk", **changes) -> TicketPrint:
    office, service = NAMES[lang]
    values = dict(office_name=office, number="А017", service_name=service, people_ahead=12,
                  estimated_wait_s=25 * 60, issued_at=datetime(2026, 3, 2, 4, 5, tzinfo=timezone.utc),
                  timezone="Asia/Almaty", url="https://kezek.example.kz/t/Xk3fQ9pLmN2vR8sTqW4z",
                  lang=lang)
    values.update(changes)
    return TicketPrint(**values)


def qr_texts(image: Image.Image) -> list[str]:
    return [code.text for code in zxingcpp.read_barcodes(image.convert("L"))]


def ink_in_margins(image: Image.Image, margin: int) -> bool:
    """Whether any black dot lies in the left or right margin: text that ran off the paper."""
    grey = image.convert("L")
    left = grey.crop((0, 0, margin, image.height))
    right = grey.crop((image.width - margin, 0, image.width, image.height))
    return left.getextrema()[0] == 0 or right.getextrema()[0] == 0


@pytest.mark.parametrize("width", sorted(LAYOUTS))
@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_each_layout_is_exactly_its_width_black_and_white_and_saved_as_a_sample(lang, width):
    for priority in (False, True):
        image = render_ticket(ticket(lang, priority=priority), width)
        assert image.mode == "1" and image.width == width
        assert 500 < image.height < 1400  # a ticket, not a metre of paper
        SAMPLES.mkdir(exist_ok=True)
        image.save(SAMPLES / f"ticket_{lang}_{width}{'_priority' if priority else ''}.png")


@pytest.mark.parametrize("width", sorted(LAYOUTS))
def test_the_qr_code_on_every_layout_opens_the_ticket_page(width):
    t = ticket("kk", url="https://queue.almaty-akimat.kz/ticket/4fQ9pLmN2vR8sTqW4zXk3mYb7cVd")
    assert qr_texts(render_ticket(t, width)) == [t.url]


@pytest.mark.parametrize("width", sorted(LAYOUTS))
def test_the_paper_shows_exactly_the_rendered_ticket(width):
    image = render_ticket(ticket("kk"), width)
    paper = decode_paper(encode_escpos(image))
    assert paper.size == image.size
    assert paper.tobytes() == image.tobytes()
    assert qr_texts(paper) == [ticket().url]


def test_the_job_ends_with_a_cut_after_the_image():
    data = encode_escpos(render_ticket(ticket("ru"), 576))
    assert data.startswith(b"\x1b@")  # ESC @ resets whatever the last job left set
    assert data.rfind(b"\x1dV") > data.rfind(b"\x1dv0")
    partial = encode_escpos(render_ticket(ticket("ru"), 576), cut="partial")
    assert partial.endswith(b"\x1dV\x01")


def test_a_narrow_ticket_is_centred_on_wider_paper():
    image = render_ticket(ticket("en"), 576)
    paper = decode_paper(encode_escpos(image, paper_width=640))
    assert paper.width == 640
    assert paper.crop((32, 0, 608, image.height)).tobytes() == image.tobytes()


@pytest.mark.parametrize("width", sorted(LAYOUTS))
def test_long_office_and_service_names_wrap_instead_of_running_off_the_paper(width):
    margin = LAYOUTS[width].margin
    short = render_ticket(ticket("kk", office_name="ХҚКО", service_name="Жер"), width)
    long = render_ticket(ticket(
        "kk",
        office_name="Алматы қаласы Бостандық ауданы әкімдігінің халыққа қызмет көрсету орталығы",
        service_name="Мемлекеттік тұрғын үй қорынан тұрғын үй беру және жер учаскелерін "
                     "рәсімдеу мәселелері бойынша кеңес",
        number="ЖЖ1234", priority=True), width)
    assert long.height > short.height + 3 * LAYOUTS[width].service  # the names took more lines
    assert not ink_in_margins(long, margin)
    assert not ink_in_margins(short, margin)
    assert qr_texts(long) == [ticket().url]


def test_a_word_longer_than_the_paper_is_broken_not_clipped():
    image = render_ticket(ticket("kk", service_name="Ә" * 60), 384)
    assert not ink_in_margins(image, LAYOUTS[384].margin)


def test_kazakh_letters_are_drawn_as_themselves_not_as_question_marks_or_boxes():
    face = drawing.font(40, bold=True)

    def drawn(text):
        image = Image.new("L", (60, 60), 255)
        ImageDraw.Draw(image).text((5, 0), text, font=face, fill=0)
        return image.tobytes()

    missing = drawn("\ue000")  # a private-use code point DejaVu has no glyph for: the "box"
    for letter in KAZAKH_LETTERS:
        assert drawn(letter) not in (drawn("?"), missing, drawn(" ")), letter
    with_letter = render_ticket(ticket("kk", office_name="Қ", service_name="Ұ"), 576)
    with_question = render_ticket(ticket("kk", office_name="?", service_name="?"), 576)
    assert with_letter.tobytes() != with_question.tobytes()


def test_the_kazakh_ticket_uses_the_glossary_wording():
    assert i18n.gettext("kk", "People ahead of you: %(count)s", count=3) == "Сіздің алдыңызда: 3 адам"
    assert i18n.gettext("kk", "Estimated wait: %(minutes)s min", minutes=25) == "Шамамен күту уақыты: 25 мин"
    assert i18n.gettext("kk", "Valid today only") == "Талон тек бүгін жарамды"
    assert i18n.gettext("ru", "People ahead of you: %(count)s", count=3) == "Перед вами: 3 чел."
    # Different languages print different tickets.
    images = {lang: render_ticket(ticket(lang, office_name="X", service_name="Y"), 576).tobytes()
              for lang in ("kk", "ru", "en")}
    assert len(set(images.values())) == 3


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_string_on_the_ticket_is_translated(lang):
    source = (Path(drawing.__file__)).read_text(encoding="utf-8")
    msgids = set(re.findall(r'_\("([^"]+)"', source))
    assert len(msgids) >= 8
    po = Path(i18n.TRANSLATIONS) / "printing" / lang / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as handle:
        catalogue = {m.id: m.string for m in read_po(handle) if m.id}
    for msgid in msgids:
        assert catalogue.get(msgid), f"{msgid!r} has no {lang} translation"


def test_the_time_printed_is_the_office_time_not_utc():
    # 23:30 UTC on 1 March is already 2 March, 04:30 in Almaty (UTC+5).
    t = ticket("en", issued_at=datetime(2026, 3, 1, 23, 30, tzinfo=timezone.utc))
    same_in_utc = ticket("en", issued_at=datetime(2026, 3, 1, 23, 30, tzinfo=timezone.utc), timezone="UTC")
    assert render_ticket(t, 576).tobytes() != render_ticket(same_in_utc, 576).tobytes()
    assert drawing.wait_minutes(61) == 2 and drawing.wait_minutes(0) == 0


@pytest.mark.parametrize("width", sorted(LAYOUTS))
def test_a_booked_visitor_s_ticket_prints_the_slot_time_in_the_office_zone(width):
    walk_in = render_ticket(ticket("kk"), width)
    at_1030 = ticket("kk", appointment_at=datetime(2026, 3, 2, 5, 30, tzinfo=timezone.utc))   # 10:30 Almaty
    booked = render_ticket(at_1030, width)
    booked.save(SAMPLES / f"ticket_kk_{width}_booked.png")
    assert booked.height > walk_in.height, "the booked time takes a line of its own"
    other_slot = ticket("kk", appointment_at=datetime(2026, 3, 2, 6, 30, tzinfo=timezone.utc))
    assert render_ticket(other_slot, width).tobytes() != booked.tobytes()
    same_slot_in_utc = ticket("kk", appointment_at=at_1030.appointment_at, timezone="UTC")
    assert render_ticket(same_slot_in_utc, width).tobytes() != booked.tobytes()
    assert not ink_in_margins(booked, LAYOUTS[width].margin)
    assert qr_texts(booked) == [at_1030.url]
    assert i18n.gettext("kk", "Booked for %(time)s", time="10:30") == "Жазылу: 10:30"
    assert i18n.gettext("ru", "Booked for %(time)s", time="10:30") == "Запись на 10:30"


def test_an_unknown_width_is_refused():
    with pytest.raises(ValueError):
        render_ticket(ticket(), 500)


def test_a_missing_font_fails_clearly(monkeypatch, tmp_path):
    monkeypatch.setattr(drawing.shutil, "which", lambda name: None)
    monkeypatch.setattr(drawing, "DEBIAN_DEJAVU", tmp_path)
    drawing.font_path.cache_clear()
    drawing.font.cache_clear()
    try:
        with pytest.raises(drawing.FontMissing, match="fonts-dejavu-core"):
            render_ticket(ticket(), 576)
    finally:
        drawing.font_path.cache_clear()
        drawing.font.cache_clear()
