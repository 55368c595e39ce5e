"""The spoken text of a call: numbers in words, Kazakh ordinals, no digits, no mixed scripts."""
import re

import pytest

from kezek.voice.words import cardinal, kk_ordinal, spoken

LANGS = ("kk", "ru", "en")
LATIN = re.compile(r"[A-Za-z]")
CYRILLIC = re.compile(r"[\u0400-\u04FF]")


def test_the_three_example_calls_are_spoken_exactly():
    assert spoken("А017", 5, "kk") == "Талон нөмірі А нөл он жеті, бесінші терезеге келіңіз"
    assert spoken("А017", 5, "ru") == "Клиент номер А ноль семнадцать, пройдите к окну номер пять"
    assert spoken("А017", 5, "en") == "Ticket A zero one seven, please go to desk five"


@pytest.mark.parametrize("lang", LANGS)
def test_every_ticket_number_and_desk_is_spoken_without_digits_or_mixed_scripts(lang):
    # Every number 0–999 (each with some desk) and every desk 1–99 (as int and as name).
    calls = [(f"А{n:03d}", n % 99 + 1) for n in range(1000)]
    calls += [("Б042", d) for d in range(1, 100)] + [("В999", str(d)) for d in range(1, 100)]
    for number, desk in calls:
        text = spoken(number, desk, lang)
        assert not re.search(r"\d", text), text
        assert not (LATIN.search(text) and CYRILLIC.search(text)), text


@pytest.mark.parametrize("lang", LANGS)
def test_different_ticket_numbers_never_sound_the_same(lang):
    texts = {spoken(f"А{n:03d}", 1, lang) for n in range(1000)}
    assert len(texts) == 1000


@pytest.mark.parametrize("lang", LANGS)
def test_different_cardinals_never_sound_the_same(lang):
    assert len({cardinal(n, lang) for n in range(1000)}) == 1000


@pytest.mark.parametrize("desk, ordinal", [
    (1, "бірінші"), (2, "екінші"), (5, "бесінші"), (6, "алтыншы"), (7, "жетінші"),
    (9, "тоғызыншы"), (10, "оныншы"), (20, "жиырмасыншы"), (25, "жиырма бесінші"),
    (30, "отызыншы"), (40, "қырқыншы"), (41, "қырық бірінші"), (50, "елуінші"),
    (60, "алпысыншы"), (70, "жетпісінші"), (80, "сексенінші"), (90, "тоқсаныншы"),
    (99, "тоқсан тоғызыншы"),
])
def test_kazakh_desk_is_an_ordinal_in_the_dative(desk, ordinal):
    assert kk_ordinal(desk) == ordinal
    assert spoken("А001", desk, "kk") == f"Талон нөмірі А нөл нөл бір, {ordinal} терезеге келіңіз"


@pytest.mark.parametrize("n, kk, ru, en", [
    (0, "нөл", "ноль", "zero"),
    (1, "бір", "один", "one"),
    (11, "он бір", "одиннадцать", "eleven"),
    (17, "он жеті", "семнадцать", "seventeen"),
    (21, "жиырма бір", "двадцать один", "twenty-one"),
    (40, "қырық", "сорок", "forty"),
    (100, "жүз", "сто", "one hundred"),
    (115, "жүз он бес", "сто пятнадцать", "one hundred and fifteen"),
    (125, "жүз жиырма бес", "сто двадцать пять", "one hundred and twenty-five"),
    (200, "екі жүз", "двести", "two hundred"),
    (506, "бес жүз алты", "пятьсот шесть", "five hundred and six"),
    (999, "тоғыз жүз тоқсан тоғыз", "девятьсот девяносто девять",
     "nine hundred and ninety-nine"),
])
def test_cardinals_in_words(n, kk, ru, en):
    assert (cardinal(n, "kk"), cardinal(n, "ru"), cardinal(n, "en")) == (kk, ru, en)


@pytest.mark.parametrize("number, kk, ru, en", [
    ("А005", "А нөл нөл бес", "А ноль ноль пять", "A zero zero five"),
    ("А010", "А нөл он", "А ноль десять", "A zero one zero"),
    ("А100", "А жүз", "А сто", "A one zero zero"),
    ("А000", "А нөл нөл нөл", "А ноль ноль ноль", "A zero zero zero"),
    ("Б250", "Бэ екі жүз елу", "Бэ двести пятьдесят", "B two five zero"),
    ("Қ001", "Қа нөл нөл бір", "Ка ноль ноль один", "Q zero zero one"),
    ("В1234", "Вэ бір екі үш төрт", "Вэ один два три четыре", "V one two three four"),
])
def test_ticket_letters_by_name_and_leading_zeros_one_by_one(number, kk, ru, en):
    assert spoken(number, 3, "kk") == f"Талон нөмірі {kk}, үшінші терезеге келіңіз"
    assert spoken(number, 3, "ru") == f"Клиент номер {ru}, пройдите к окну номер три"
    assert spoken(number, 3, "en") == f"Ticket {en}, please go to desk three"


def test_a_latin_letter_in_a_ticket_is_read_as_the_cyrillic_letter_it_looks_like():
    assert spoken("A017", 5, "ru") == spoken("А017", 5, "ru")  # Latin A, Cyrillic А
    assert spoken("P017", 5, "kk") == spoken("Р017", 5, "kk")


def test_desk_given_as_a_string_is_the_same_desk():
    for lang in LANGS:
        assert spoken("А017", "12", lang) == spoken("А017", 12, lang)


def test_a_named_desk_is_said_as_named_with_its_digits_in_words():
    assert spoken("А017", "Кабинет 3", "kk") == (
        "Талон нөмірі А нөл он жеті, Кабинет үш терезесіне келіңіз")
    assert spoken("А017", "Кабинет 3", "ru") == (
        "Клиент номер А ноль семнадцать, пройдите к окну Кабинет три")
    assert spoken("А017", "Тіркеу", "en") == (
        "Ticket A zero one seven, please go to desk Tirkeu")


def test_language_codes_with_a_region_are_accepted_and_unknown_ones_refused():
    assert spoken("А017", 5, "ru-RU") == spoken("А017", 5, "ru")
    with pytest.raises(ValueError):
        spoken("А017", 5, "de")
