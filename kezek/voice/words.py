"""The spoken text of a call in Kazakh, Russian and English, every number in words.

How a call is read (see docs/voice.md):

* Ticket number: its letters by name, then its digits. Leading zeros are read one by one
  as "zero", the rest as one cardinal: kk А017 → «А нөл он жеті», А005 → «А нөл нөл бес»,
  А100 → «А жүз», А000 → «А нөл нөл нөл». More than three digits after the zeros are read
  one by one (А1234 → «А бір екі үш төрт»). English reads every digit: "A zero one seven".
* Letters: Cyrillic prefixes are read by their letter name (ru «Б» → «Бэ», kk «Қ» → «Қа»);
  in English a Cyrillic letter becomes its Latin transliteration (А → "A", В → "V",
  Ж → "Zh"). Latin letters in a kk/ru number are read as the Cyrillic letter they look
  like (Latin A → А, B → В, P → Р), since that is what the visitor sees on the ticket.
  So a spoken string never mixes Latin and Cyrillic letters of its own making.
* Desk: a number (int or a string of digits) is a Kazakh ordinal in the dative
  («бесінші терезеге»), Russian «к окну номер пять» (not declined), English "desk five".
  Any other name is said as given, except that runs of digits inside it are read as
  cardinals (so a named desk leaves no digit either) and, in English, Cyrillic letters are
  transliterated («Тіркеу» → "Tirkeu"). In kk/ru a Latin name ("VIP") stays Latin, as on
  the desk's sign; speech engines switch to English for it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

LANGS = ("kk", "ru", "en")

# Cyrillic letter -> (clip key, kk name, ru name, en name). Russian has no sounds for the
# Kazakh-only letters, so ru names for Ә Ғ Қ Ң Ө Ұ Ү Һ І are the nearest Russian letter.
LETTERS: dict[str, tuple[str, str, str, str]] = {
    "А": ("a", "А", "А", "A"), "Ә": ("ae", "Ә", "Э", "A"), "Б": ("b", "Бэ", "Бэ", "B"),
    "В": ("v", "Вэ", "Вэ", "V"), "Г": ("g", "Гэ", "Гэ", "G"), "Ғ": ("gh", "Ға", "Гэ", "G"),
    "Д": ("d", "Дэ", "Дэ", "D"), "Е": ("e", "Е", "Е", "E"), "Ё": ("yo", "Ё", "Ё", "Yo"),
    "Ж": ("zh", "Жэ", "Жэ", "Zh"), "З": ("z", "Зэ", "Зэ", "Z"), "И": ("i", "И", "И", "I"),
    "Й": ("short-i", "Қысқа и", "И краткое", "Y"), "К": ("k", "Ка", "Ка", "K"),
    "Қ": ("q", "Қа", "Ка", "Q"), "Л": ("l", "Эль", "Эль", "L"), "М": ("m", "Эм", "Эм", "M"),
    "Н": ("n", "Эн", "Эн", "N"), "Ң": ("ng", "Ың", "Эн", "N"), "О": ("o", "О", "О", "O"),
    "Ө": ("oe", "Ө", "Ё", "O"), "П": ("p", "Пэ", "Пэ", "P"), "Р": ("r", "Эр", "Эр", "R"),
    "С": ("s", "Эс", "Эс", "S"), "Т": ("t", "Тэ", "Тэ", "T"), "У": ("u", "У", "У", "U"),
    "Ұ": ("uu", "Ұ", "У", "U"), "Ү": ("ue", "Ү", "Ю", "U"), "Ф": ("f", "Эф", "Эф", "F"),
    "Х": ("kh", "Ха", "Ха", "Kh"), "Һ": ("h", "Һа", "Ха", "H"), "Ц": ("ts", "Цэ", "Цэ", "Ts"),
    "Ч": ("ch", "Че", "Че", "Ch"), "Ш": ("sh", "Ша", "Ша", "Sh"), "Щ": ("shch", "Ща", "Ща", "Shch"),
    "Ъ": ("hard-sign", "Айыру белгісі", "Твёрдый знак", "Hard sign"), "Ы": ("y", "Ы", "Ы", "Y"),
    "І": ("dotted-i", "І", "И", "I"),
    "Ь": ("soft-sign", "Жіңішкелік белгісі", "Мягкий знак", "Soft sign"),
    "Э": ("eh", "Э", "Э", "E"), "Ю": ("yu", "Ю", "Ю", "Yu"), "Я": ("ya", "Я", "Я", "Ya"),
}

# Latin letter -> Cyrillic letter for kk/ru: lookalikes first (what the ticket shows),
# then the letter with the same sound.
LATIN_TO_CYRILLIC = dict(zip(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "АВСДЕФГНИЖКЛМНОРҚРСТУВВХУЗ",
))

KK_WORDS = {
    0: "нөл", 1: "бір", 2: "екі", 3: "үш", 4: "төрт", 5: "бес", 6: "алты", 7: "жеті",
    8: "сегіз", 9: "тоғыз", 10: "он", 20: "жиырма", 30: "отыз", 40: "қырық", 50: "елу",
    60: "алпыс", 70: "жетпіс", 80: "сексен", 90: "тоқсан", 100: "жүз",
}
RU_WORDS = {
    0: "ноль", 1: "один", 2: "два", 3: "три", 4: "четыре", 5: "пять", 6: "шесть",
    7: "семь", 8: "восемь", 9: "девять", 10: "десять", 11: "одиннадцать",
    12: "двенадцать", 13: "тринадцать", 14: "четырнадцать", 15: "пятнадцать",
    16: "шестнадцать", 17: "семнадцать", 18: "восемнадцать", 19: "девятнадцать",
    20: "двадцать", 30: "тридцать", 40: "сорок", 50: "пятьдесят", 60: "шестьдесят",
    70: "семьдесят", 80: "восемьдесят", 90: "девяносто", 100: "сто", 200: "двести",
    300: "триста", 400: "четыреста", 500: "пятьсот", 600: "шестьсот", 700: "семьсот",
    800: "восемьсот", 900: "девятьсот",
}
EN_WORDS = {
    0: "zero", 1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six",
    7: "seven", 8: "eight", 9: "nine", 10: "ten", 11: "eleven", 12: "twelve",
    13: "thirteen", 14: "fourteen", 15: "fifteen", 16: "sixteen", 17: "seventeen",
    18: "eighteen", 19: "nineteen", 20: "twenty", 30: "thirty", 40: "forty", 50: "fifty",
    60: "sixty", 70: "seventy", 80: "eighty", 90: "ninety", 100: "hundred",
}
WORDS = {"kk": KK_WORDS, "ru": RU_WORDS, "en": EN_WORDS}

# Kazakh ordinals that do not follow the suffix rule (GLOSSARY).
KK_IRREGULAR_ORDINALS = {"жиырма": "жиырмасыншы", "қырық": "қырқыншы", "елу": "елуінші"}
KK_VOWELS = "аәеоөұүыіэюя"  # у and и act as consonants (/w/, /ij/) at a word's end
KK_BACK_VOWELS = "аоұыя"
KK_FRONT_VOWELS = "әеөүіэи"

# The fixed phrases of a call: (before the ticket, before/after the desk).
PHRASES = {
    "kk": {"call-intro": "Талон нөмірі", "to-desk": "терезеге келіңіз",
           "to-named-desk": "терезесіне келіңіз"},
    "ru": {"call-intro": "Клиент номер", "to-desk": "пройдите к окну номер",
           "to-named-desk": "пройдите к окну"},
    "en": {"call-intro": "Ticket", "to-desk": "please go to desk",
           "to-named-desk": "please go to desk"},
}


@dataclass(frozen=True)
class Part:
    """One piece of a spoken call: its recorded-clip key, its text, and the glue before it."""

    key: str
    text: str
    glue: str = " "


PAUSE = Part(",", ",", glue="")


def check_lang(lang: str) -> str:
    """Return the voice language code for `lang` ("ru-RU" → "ru"); ValueError if unsupported."""
    code = (lang or "").strip().lower().replace("_", "-").split("-")[0]
    if code not in LANGS:
        raise ValueError(f"no voice for language {lang!r}")
    return code


def cardinal_values(n: int, lang: str) -> list[int]:
    """The values of the words that say `n` (0–999), e.g. kk 125 → [100, 20, 5], ru → [100, 20, 5]."""
    if not 0 <= n <= 999:
        raise ValueError(f"cardinal out of range: {n}")
    if n == 0:
        return [0]
    hundreds, rest = divmod(n, 100)
    values: list[int] = []
    if hundreds:
        if lang == "ru":
            values.append(hundreds * 100)  # двести, триста … are single words
        elif lang == "kk" and hundreds == 1:
            values.append(100)  # «жүз», not «бір жүз»
        else:
            values += [hundreds, 100]
    if rest:
        if rest < 20 and lang != "kk":
            values.append(rest)
        else:
            tens, units = divmod(rest, 10)
            values += [v for v in (tens * 10, units) if v]
    return values


def cardinal(n: int, lang: str) -> str:
    """The cardinal `n` (0–999) in words: kk 17 «он жеті», ru «семнадцать», en "seventeen"."""
    lang = check_lang(lang)
    return "".join(p.glue + p.text for p in _cardinal_parts(n, lang)).strip()


def _cardinal_parts(n: int, lang: str) -> list[Part]:
    words = WORDS[lang]
    parts = [Part(f"num-{v}", words[v]) for v in cardinal_values(n, lang)]
    if lang == "en":
        glued = []
        for i, part in enumerate(parts):
            previous = parts[i - 1].key if i else ""
            if previous == "num-100" and n % 100:
                glued.append(Part("and", "and"))
            if previous in {f"num-{t}" for t in range(20, 100, 10)}:
                part = Part(part.key, part.text, glue="-")  # twenty-five
            glued.append(part)
        parts = glued
    return parts


def kk_ordinal_word(word: str) -> str:
    """The Kazakh ordinal of one numeral word: бес → бесінші, алты → алтыншы, қырық → қырқыншы."""
    if word in KK_IRREGULAR_ORDINALS:
        return KK_IRREGULAR_ORDINALS[word]
    back = next((c in KK_BACK_VOWELS for c in reversed(word)
                 if c in KK_BACK_VOWELS + KK_FRONT_VOWELS), False)
    if word[-1] in KK_VOWELS:
        return word + ("ншы" if back else "нші")
    return word + ("ыншы" if back else "інші")


def kk_ordinal(n: int) -> str:
    """The Kazakh ordinal of `n` (0–999), suffix on the last word: 25 → «жиырма бесінші»."""
    return " ".join(p.text for p in _kk_ordinal_parts(_number_parts(n, "kk")))


def _kk_ordinal_parts(parts: list[Part]) -> list[Part]:
    last = parts[-1]
    return parts[:-1] + [Part(last.key.replace("num-", "ord-"), kk_ordinal_word(last.text))]


def _number_parts(n: int, lang: str) -> list[Part]:
    """A desk number in words; beyond 999 the digits are read one by one."""
    if n <= 999:
        return _cardinal_parts(n, lang)
    return [Part(f"num-{d}", WORDS[lang][int(d)]) for d in str(n)]


def _letter_parts(letters: str, lang: str) -> list[Part]:
    parts = []
    for char in letters.upper():
        if lang in ("kk", "ru"):
            char = LATIN_TO_CYRILLIC.get(char, char)
        if char in LETTERS:
            key, kk, ru, en = LETTERS[char]
            parts.append(Part(f"letter-{key}", {"kk": kk, "ru": ru, "en": en}[lang]))
        elif lang == "en" and "A" <= char <= "Z":
            parts.append(Part(f"letter-latin-{char.lower()}", char))
        else:
            raise ValueError(f"cannot read letter {char!r} of a ticket number")
    return parts


def _ticket_digit_parts(digits: str, lang: str) -> list[Part]:
    words = WORDS[lang]
    if lang == "en":
        return [Part(f"num-{d}", words[int(d)]) for d in digits]
    significant = digits.lstrip("0")
    parts = [Part("num-0", words[0])] * (len(digits) - len(significant))
    if len(significant) > 3:
        return parts + [Part(f"num-{d}", words[int(d)]) for d in significant]
    return parts + (_cardinal_parts(int(significant), lang) if significant else [])


def ticket_parts(number: str, lang: str) -> list[Part]:
    """The parts that read a ticket number such as "А017" (letters by name, digits in words)."""
    lang = check_lang(lang)
    parts: list[Part] = []
    for run in re.findall(r"\d+|[^\W\d_]+", number or ""):
        parts += _ticket_digit_parts(run, lang) if run.isdigit() else _letter_parts(run, lang)
    if not parts:
        raise ValueError(f"empty ticket number {number!r}")
    return parts


def desk_number(desk: str | int) -> int | None:
    """The desk's number if it is one (5, "5", " 12 "), else None (a named desk)."""
    if isinstance(desk, bool):
        raise TypeError("desk must be a number or a name")
    if isinstance(desk, int):
        if desk < 0:
            raise ValueError(f"negative desk number: {desk}")
        return desk
    text = str(desk).strip()
    if not text:
        raise ValueError("empty desk name")
    return int(text) if text.isascii() and text.isdigit() else None


def desk_clip_key(name: str) -> str:
    """The clip key of a named desk: "desk-" + the name lowercased, spaces as "-"."""
    return "desk-" + re.sub(r"[\s/\\]+", "-", name.strip().lower())


def latin(text: str) -> str:
    """Cyrillic letters of `text` in Latin, by the English letter names: «Тіркеу» → "Tirkeu"."""
    out = []
    for char in text:
        if char.upper() in LETTERS:
            name = "" if char.upper() in "ЪЬ" else LETTERS[char.upper()][3]
            char = name if char.isupper() else name.lower()
        out.append(char)
    return "".join(out)


def _named_desk_text(name: str, lang: str) -> str:
    if lang == "en":
        name = latin(name)
    return re.sub(r"\d+", lambda m: " ".join(p.text for p in _number_parts(int(m.group()), lang)),
                  name.strip())


def call_parts(number: str, desk: str | int, lang: str) -> list[Part]:
    """Every part of a call, in speaking order; keys name recorded clips (see docs/voice.md)."""
    lang = check_lang(lang)
    phrases = PHRASES[lang]
    parts = [Part("call-intro", phrases["call-intro"])] + ticket_parts(number, lang) + [PAUSE]
    n = desk_number(desk)
    if n is None:
        name = Part(desk_clip_key(str(desk)), _named_desk_text(str(desk), lang))
        if lang == "kk":
            return parts + [name, Part("to-named-desk", phrases["to-named-desk"])]
        return parts + [Part("to-named-desk", phrases["to-named-desk"]), name]
    if lang == "kk":
        return parts + _kk_ordinal_parts(_number_parts(n, lang)) + [
            Part("to-desk", phrases["to-desk"])]
    return parts + [Part("to-desk", phrases["to-desk"])] + _number_parts(n, lang)


def spoken(number: str, desk: str | int, lang: str) -> str:
    """The spoken text of a call, every number in words: ("А017", 5, "kk") → «Талон нөмірі А нөл он жеті, бесінші терезеге келіңіз»."""
    return "".join(p.glue + p.text for p in call_parts(number, desk, lang)).strip()
