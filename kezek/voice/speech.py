"""Offline audio for the hall display: espeak-ng speech with a disk cache, recorded clips, a chime.

Recorded clips (human voice) replace synthesis call by call. They live in
`<clips_dir>/<lang>/<key>.wav`, one file per key of `announcement_parts()`:

* `call-intro` — kk «Талон нөмірі», ru «Клиент номер», en "Ticket";
* `letter-<name>` — a ticket letter (`letter-a` А, `letter-b` Б, `letter-q` Қ … see
  `kezek.voice.words.LETTERS`); `letter-latin-<x>` for a Latin letter in English;
* `num-<value>` — one numeral word: kk `num-10` «он», `num-7` «жеті» (17 = num-10 num-7);
  ru `num-17` «семнадцать», `num-200` «двести»; en `num-0`…`num-19`, tens, `num-100` and `and`;
* `ord-<value>` — a Kazakh ordinal word (`ord-5` «бесінші», `ord-20` «жиырмасыншы»);
* `to-desk` — kk «терезеге келіңіз», ru «пройдите к окну номер», en "please go to desk";
  `to-named-desk` and `desk-<name>` for desks with a name instead of a number.

`,` in the parts is a pause, not a file. A call uses clips only when every clip it needs
exists; otherwise espeak-ng reads the whole sentence, so voices are never mixed in one call.
Clips may be any plain PCM WAV (8/16/24/32-bit, mono or stereo, any rate); they are
converted to 22050 Hz mono 16-bit and their leading and trailing silence is cut.
WAVE_FORMAT_EXTENSIBLE files (sox writes them for 24/32-bit) are not read by Python 3.11's
`wave`: save with `sox in.wav -b 16 out.wav`. An unreadable clip makes the call use espeak-ng.
"""
from __future__ import annotations

import array
import hashlib
import io
import json
import logging
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import wave
from dataclasses import asdict, dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from kezek.voice import words

log = logging.getLogger(__name__)

ESPEAK = "espeak-ng"
ESPEAK_TIMEOUT_S = 15.0  # a call is a few seconds of audio; espeak makes it in well under one
VOICES = {"kk": "kk", "ru": "ru", "en": "en-gb"}
RATE = 22050  # espeak-ng's own rate; everything joined is converted to it (mono, 16-bit)
WORD_GAP_MS = 60
PAUSE_MS = 250


class SpeechUnavailable(RuntimeError):
    """Speech cannot be produced (no espeak-ng, or it failed); the display plays the chime alone."""


@dataclass(frozen=True)
class VoiceSettings:
    """espeak-ng settings; slower than its default of 175 words a minute, for a large hall."""

    speed_wpm: int = 140
    pitch: int = 50
    amplitude: int = 120


DEFAULT_SETTINGS = VoiceSettings()


def espeak_available() -> bool:
    """Whether the espeak-ng program is installed."""
    return shutil.which(ESPEAK) is not None


def _espeak_markup(text: str, lang: str) -> str:
    """SSML for espeak-ng; in English a lone capital letter is spelt ("A" → "ay", not "a")."""
    marked = escape(text)
    if lang == "en":
        marked = re.sub(r"(?<![\w'])([A-Z])(?![\w'])",
                        r'<say-as interpret-as="characters">\1</say-as>', marked)
    return f"<speak>{marked}</speak>"


def _run_espeak(markup: str, lang: str, settings: VoiceSettings) -> bytes:
    """Run espeak-ng once, with a timeout, and return the WAV it wrote."""
    if not espeak_available():
        raise SpeechUnavailable("espeak-ng is not installed (Debian package espeak-ng)")
    with tempfile.TemporaryDirectory(prefix="kezek-speech-") as tmp:
        out = Path(tmp) / "speech.wav"
        # -w writes a WAV with true sizes (--stdout leaves them unset); text on stdin so
        # no text can be taken for an option.
        command = [ESPEAK, "-v", VOICES[lang], "-s", str(settings.speed_wpm),
                   "-p", str(settings.pitch), "-a", str(settings.amplitude),
                   "-m", "-w", str(out), "--stdin"]
        try:
            done = subprocess.run(command, input=markup.encode("utf-8"), capture_output=True,
                                  timeout=ESPEAK_TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired as exc:
            raise SpeechUnavailable(f"espeak-ng took longer than {ESPEAK_TIMEOUT_S} s") from exc
        except OSError as exc:
            raise SpeechUnavailable(f"espeak-ng could not run: {exc}") from exc
        if done.returncode != 0 or not out.is_file():
            message = done.stderr.decode("utf-8", "replace").strip()
            raise SpeechUnavailable(f"espeak-ng failed ({done.returncode}): {message}")
        audio = out.read_bytes()
    _read_pcm(audio)  # raises SpeechUnavailable when espeak wrote no usable WAV
    return audio


def cache_key(text: str, lang: str, settings: VoiceSettings = DEFAULT_SETTINGS) -> str:
    """The cache file name of a text: a hash of language, voice, settings and text."""
    recipe = json.dumps([lang, VOICES[lang], asdict(settings), text], ensure_ascii=False)
    return hashlib.sha256(recipe.encode("utf-8")).hexdigest() + ".wav"


CACHE_MAX_BYTES = 64 * 1024 * 1024   # the disk cache's cap (KEZEK_VOICE_CACHE_MB); the oldest used go first


def trim_cache(cache_dir: str | os.PathLike, max_bytes: int = CACHE_MAX_BYTES) -> int:
    """Delete the least recently used files until the cache holds at most `max_bytes`; bytes kept."""
    files = []
    for entry in os.scandir(cache_dir):
        if entry.is_file() and entry.name.endswith(".wav"):
            stat = entry.stat()
            files.append((stat.st_mtime, stat.st_size, entry.path))
    total = sum(size for _, size, _ in files)
    for _, size, path in sorted(files):
        if total <= max_bytes:
            break
        try:
            os.remove(path)
            total -= size
        except FileNotFoundError:
            pass
    return total


def synthesise(text: str, lang: str, cache_dir: str | os.PathLike | None = None,
               settings: VoiceSettings = DEFAULT_SETTINGS, *, cache_max_bytes: int = CACHE_MAX_BYTES) -> bytes:
    """Speak `text` in `lang` (kk, ru, en) with espeak-ng and return WAV bytes, cached on disk (bounded)."""
    lang = words.check_lang(lang)
    path = Path(cache_dir) / cache_key(text, lang, settings) if cache_dir else None
    if path is not None and path.is_file():
        try:
            os.utime(path)   # recently used: evicted last
        except OSError:
            pass
        return path.read_bytes()
    audio = _run_espeak(_espeak_markup(text, lang), lang, settings)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so a reader never sees half a file.
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".part")
        with os.fdopen(fd, "wb") as out:
            out.write(audio)
        os.replace(tmp, path)
        trim_cache(path.parent, cache_max_bytes)
    return audio


def call_is_ready(number: str, desk: str | int, lang: str, cache_dir: str | os.PathLike | None = None,
                  clips_dir: str | os.PathLike | None = None, settings: VoiceSettings = DEFAULT_SETTINGS) -> bool:
    """Whether a call's audio costs no synthesis: recorded clips cover it, or it is in the cache."""
    lang = words.check_lang(lang)
    if clips_dir is not None and clips_for_call(number, desk, lang, clips_dir):
        return True
    return cache_dir is not None and (Path(cache_dir) / cache_key(words.spoken(number, desk, lang), lang,
                                                                   settings)).is_file()


def _write_wav(samples: array.array, rate: int = RATE) -> bytes:
    if sys.byteorder == "big":
        samples = array.array("h", samples)
        samples.byteswap()
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.tobytes())
    return buffer.getvalue()


def chime_wav() -> bytes:
    """A two-tone "ding-dong" chime (E5 then C5, bell-like decay) as a 16-bit mono WAV."""
    tones = ((0.0, 659.25), (0.45, 523.25))  # (start s, Hz): a falling major third
    length = 1.9
    samples = array.array("h", bytes(2 * int(length * RATE)))
    for start, freq in tones:
        first = int(start * RATE)
        for i in range(len(samples) - first):
            t = i / RATE
            attack = min(1.0, t / 0.006)  # a few ms of rise, so the tone starts without a click
            envelope = attack * math.exp(-3.2 * t)
            wave_ = (math.sin(2 * math.pi * freq * t) + 0.35 * math.sin(4 * math.pi * freq * t)
                     + 0.12 * math.sin(6 * math.pi * freq * t))
            value = samples[first + i] + int(9000 * envelope * wave_)
            samples[first + i] = max(-32767, min(32767, value))
    return _write_wav(samples)


def _read_pcm(audio: bytes) -> tuple[array.array, int]:
    """Mono 16-bit samples and the rate of a PCM WAV of any common width and channel count."""
    try:
        with wave.open(io.BytesIO(audio), "rb") as src:
            channels, width, rate = src.getnchannels(), src.getsampwidth(), src.getframerate()
            raw = src.readframes(src.getnframes())
    except (wave.Error, EOFError) as exc:
        raise SpeechUnavailable(f"not a PCM WAV: {exc}") from exc
    if width == 1:
        values = [(b - 128) << 8 for b in raw]
    elif width == 3:
        values = [int.from_bytes(raw[i + 1:i + 3], "little", signed=True)
                  for i in range(0, len(raw) - 2, 3)]
    elif width in (2, 4):
        values = array.array("h" if width == 2 else "i", raw[:len(raw) - len(raw) % width])
        if sys.byteorder == "big":
            values.byteswap()
        if width == 4:
            values = [v >> 16 for v in values]
    else:
        raise SpeechUnavailable(f"unsupported sample width {width}")
    if channels > 1:
        values = [sum(values[i:i + channels]) // channels
                  for i in range(0, len(values) - channels + 1, channels)]
    if not values:
        raise SpeechUnavailable("WAV holds no audio")
    return array.array("h", values), rate


def _resample(samples: array.array, rate: int) -> array.array:
    if rate == RATE:
        return samples
    step = rate / RATE
    count = int(len(samples) / step)
    out = array.array("h", bytes(2 * count))
    for i in range(count):  # linear interpolation: good enough for speech
        pos = i * step
        j = int(pos)
        nxt = samples[j + 1] if j + 1 < len(samples) else samples[j]
        out[i] = int(samples[j] + (nxt - samples[j]) * (pos - j))
    return out


def _trim(samples: array.array, threshold: int = 300) -> array.array:
    """Cut the silence recorders leave around a clip, so words follow each other evenly."""
    loud = [i for i, v in enumerate(samples) if abs(v) > threshold]
    return samples[loud[0]:loud[-1] + 1] if loud else samples


def join_wavs(parts: list[bytes | int]) -> bytes:
    """Join WAVs (converted to 22050 Hz mono 16-bit) into one; an int in `parts` is silence in ms."""
    joined = array.array("h")
    for part in parts:
        if isinstance(part, int):
            joined.extend(array.array("h", bytes(2 * (RATE * part // 1000))))
        else:
            joined.extend(_resample(*_read_pcm(part)))
    return _write_wav(joined)


def announcement_parts(number: str, desk: str | int, lang: str) -> list[str]:
    """The clip keys of a call in speaking order ("," is a pause): kk А017 at 5 → call-intro, letter-a, num-0, num-10, num-7, ",", ord-5, to-desk."""
    return [part.key for part in words.call_parts(number, desk, lang)]


def clips_for_call(number: str, desk: str | int, lang: str,
                   clips_dir: str | os.PathLike) -> list[Path] | None:
    """The clip files of a call, or None unless every one exists under `clips_dir/<lang>/`."""
    lang = words.check_lang(lang)
    folder = Path(clips_dir) / lang
    paths = [folder / f"{key}.wav" for key in announcement_parts(number, desk, lang) if key != ","]
    return paths if all(path.is_file() for path in paths) else None


def _audio_from_clips(keys: list[str], folder: Path) -> bytes:
    parts: list[bytes | int] = []
    for key in keys:
        if key == ",":
            parts[-1:] = [PAUSE_MS]  # the pause replaces the word gap before it
            continue
        samples, rate = _read_pcm((folder / f"{key}.wav").read_bytes())
        parts += [_write_wav(_trim(_resample(samples, rate))), WORD_GAP_MS]
    return join_wavs(parts[:-1])


def audio_for_call(number: str, desk: str | int, lang: str,
                   cache_dir: str | os.PathLike | None = None,
                   clips_dir: str | os.PathLike | None = None,
                   settings: VoiceSettings = DEFAULT_SETTINGS, *, cache_max_bytes: int = CACHE_MAX_BYTES) -> bytes:
    """The WAV of a call: recorded clips when all exist, else espeak-ng; SpeechUnavailable if neither."""
    lang = words.check_lang(lang)
    if clips_dir is not None and clips_for_call(number, desk, lang, clips_dir):
        try:
            return _audio_from_clips(announcement_parts(number, desk, lang),
                                     Path(clips_dir) / lang)
        except SpeechUnavailable as exc:  # a broken clip: fall back rather than stay silent
            log.warning("recorded clips for %s unusable, using espeak-ng: %s", lang, exc)
    return synthesise(words.spoken(number, desk, lang), lang, cache_dir, settings, cache_max_bytes=cache_max_bytes)
