"""Offline audio of a call: espeak-ng speech, its disk cache, the chime, recorded clips."""
import array
import io
import math
import wave

import pytest

from kezek.voice import speech


def read_wav(audio: bytes):
    """(samples as 16-bit ints, rate) of a mono 16-bit WAV; fails on anything else."""
    with wave.open(io.BytesIO(audio), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth()) == (1, 2)
        samples = array.array("h", wav.readframes(wav.getnframes()))
        return samples, wav.getframerate()


def rms(samples) -> float:
    return math.sqrt(sum(v * v for v in samples) / len(samples))


def tone_energy(samples, rate, freq) -> float:
    """Goertzel: how much of `freq` is in the samples."""
    coeff = 2 * math.cos(2 * math.pi * freq / rate)
    s1 = s2 = 0.0
    for v in samples:
        s1, s2 = v + coeff * s1 - s2, s1
    return s1 * s1 + s2 * s2 - coeff * s1 * s2


def tiny_wav(freq: float, ms: int, rate: int = 8000, channels: int = 1, width: int = 2) -> bytes:
    """A sine tone as a PCM WAV of the given format (little-endian, 8-bit unsigned)."""
    frames = bytearray()
    for i in range(rate * ms // 1000):
        value = 0.25 * math.sin(2 * math.pi * freq * i / rate)
        if width == 1:
            sample = int(128 + 127 * value).to_bytes(1, "little")
        else:
            sample = int(value * (2 ** (8 * width - 1) - 1)).to_bytes(width, "little", signed=True)
        frames += sample * channels
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(width)
        wav.setframerate(rate)
        wav.writeframes(bytes(frames))
    return out.getvalue()


@pytest.fixture
def no_espeak(monkeypatch):
    monkeypatch.setattr(speech, "ESPEAK", "kezek-no-such-espeak")


def test_espeak_ng_is_installed_for_the_tests():
    assert speech.espeak_available(), "install the Debian package espeak-ng"


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_a_call_is_spoken_as_audible_wav(lang, tmp_path):
    samples, rate = read_wav(speech.audio_for_call("А017", 5, lang, tmp_path))
    assert len(samples) / rate > 1.5  # a whole sentence, not a word
    assert rms(samples) > 500


def test_the_cache_returns_the_same_audio_without_running_espeak_again(tmp_path, monkeypatch):
    first = speech.synthesise("Талон нөмірі А нөл он жеті", "kk", tmp_path)
    assert len(list(tmp_path.iterdir())) == 1

    def must_not_run(*args, **kwargs):
        raise AssertionError("espeak-ng ran again")

    monkeypatch.setattr(speech, "_run_espeak", must_not_run)
    assert speech.synthesise("Талон нөмірі А нөл он жеті", "kk", tmp_path) == first
    with pytest.raises(AssertionError):
        speech.synthesise("Клиент номер А ноль семнадцать", "ru", tmp_path)


def test_the_cache_tells_languages_and_voice_settings_apart(tmp_path):
    speech.synthesise("А", "kk", tmp_path)
    speech.synthesise("А", "ru", tmp_path)
    speech.synthesise("А", "ru", tmp_path, speech.VoiceSettings(speed_wpm=120))
    assert len(list(tmp_path.iterdir())) == 3


def test_without_espeak_a_call_raises_speech_unavailable(tmp_path, no_espeak):
    assert not speech.espeak_available()
    with pytest.raises(speech.SpeechUnavailable, match="espeak-ng"):
        speech.audio_for_call("А017", 5, "kk", tmp_path)


def test_a_hanging_espeak_is_stopped_by_the_timeout(tmp_path, monkeypatch):
    hanging = tmp_path / "espeak-ng"
    hanging.write_text("#!/bin/sh\nexec sleep 60\n")
    hanging.chmod(0o755)
    monkeypatch.setattr(speech, "ESPEAK", str(hanging))
    monkeypatch.setattr(speech, "ESPEAK_TIMEOUT_S", 0.5)
    with pytest.raises(speech.SpeechUnavailable, match="longer than"):
        speech.synthesise("Талон", "kk")


def test_the_chime_is_two_audible_tones_falling():
    samples, rate = read_wav(speech.chime_wav())
    assert 1.0 < len(samples) / rate < 3.0
    assert rms(samples) > 1000
    ding = samples[int(0.05 * rate):int(0.40 * rate)]
    dong = samples[int(0.60 * rate):int(1.00 * rate)]
    assert tone_energy(ding, rate, 659.25) > 10 * tone_energy(ding, rate, 523.25)
    assert tone_energy(dong, rate, 523.25) > 2 * tone_energy(dong, rate, 659.25)


def test_announcement_parts_name_the_clips_of_a_call():
    assert speech.announcement_parts("А017", 5, "kk") == [
        "call-intro", "letter-a", "num-0", "num-10", "num-7", ",", "ord-5", "to-desk"]
    assert speech.announcement_parts("А017", 5, "ru") == [
        "call-intro", "letter-a", "num-0", "num-17", ",", "to-desk", "num-5"]
    assert speech.announcement_parts("Б017", 25, "en") == [
        "call-intro", "letter-b", "num-0", "num-1", "num-7", ",", "to-desk", "num-20", "num-5"]


def make_clips(clips_dir, lang, keys, **wav_format):
    folder = clips_dir / lang
    folder.mkdir(parents=True, exist_ok=True)
    for i, key in enumerate(k for k in keys if k != ","):
        (folder / f"{key}.wav").write_bytes(tiny_wav(300 + 50 * i, 100, **wav_format))


@pytest.mark.parametrize("wav_format", [
    {"rate": 8000}, {"rate": 44100, "channels": 2, "width": 3},
    {"rate": 16000, "width": 1}, {"rate": 48000, "channels": 2, "width": 4},
])
def test_recorded_clips_replace_espeak_when_all_are_present(tmp_path, no_espeak, wav_format):
    keys = speech.announcement_parts("А017", 5, "ru")
    make_clips(tmp_path / "clips", "ru", keys, **wav_format)
    samples, rate = read_wav(speech.audio_for_call("А017", 5, "ru", tmp_path / "cache",
                                                   clips_dir=tmp_path / "clips"))
    assert rate == speech.RATE  # the clips were converted
    clips = len(keys) - 1
    expected = clips * 0.1 + (clips - 2) * speech.WORD_GAP_MS / 1000 + speech.PAUSE_MS / 1000
    assert abs(len(samples) / rate - expected) < 0.05
    assert rms(samples) > 1000
    assert not (tmp_path / "cache").exists()  # espeak was not needed


def test_a_missing_clip_makes_the_whole_call_use_espeak(tmp_path):
    keys = speech.announcement_parts("А017", 5, "kk")
    make_clips(tmp_path / "clips", "kk", [k for k in keys if k != "ord-5"])
    audio = speech.audio_for_call("А017", 5, "kk", tmp_path / "cache", clips_dir=tmp_path / "clips")
    assert speech.clips_for_call("А017", 5, "kk", tmp_path / "clips") is None
    assert audio == speech.synthesise(
        "Талон нөмірі А нөл он жеті, бесінші терезеге келіңіз", "kk", tmp_path / "cache")


def test_clips_of_another_language_are_not_used(tmp_path, no_espeak):
    make_clips(tmp_path / "clips", "ru", speech.announcement_parts("А017", 5, "ru"))
    with pytest.raises(speech.SpeechUnavailable):
        speech.audio_for_call("А017", 5, "kk", tmp_path / "cache", clips_dir=tmp_path / "clips")


def test_a_broken_clip_makes_the_call_use_espeak(tmp_path):
    keys = speech.announcement_parts("А017", 5, "kk")
    make_clips(tmp_path / "clips", "kk", keys)
    (tmp_path / "clips" / "kk" / "num-7.wav").write_bytes(b"not a wav")
    audio = speech.audio_for_call("А017", 5, "kk", tmp_path / "cache", clips_dir=tmp_path / "clips")
    assert audio == speech.synthesise(speech.words.spoken("А017", 5, "kk"), "kk", tmp_path / "cache")
