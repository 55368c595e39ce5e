"""The display's audio routes: the chime, spoken calls as WAV, input checks, and the voice status for admins."""
import array
import io
import math
import wave

import pytest

from kezek.base import database
from kezek.voice import speech


def samples_of(body: bytes):
    with wave.open(io.BytesIO(body), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth()) == (1, 2)
        return array.array("h", wav.readframes(wav.getnframes())), wav.getframerate()


def rms(samples) -> float:
    return math.sqrt(sum(v * v for v in samples) / len(samples))


@pytest.fixture
def no_espeak(monkeypatch):
    monkeypatch.setattr(speech, "ESPEAK", "kezek-no-such-espeak")


def test_the_chime_is_an_audible_wav_anyone_may_fetch(client):
    response = client.get("/audio/chime.wav")
    assert response.status_code == 200
    assert response.mimetype == "audio/wav"
    samples, rate = samples_of(response.data)
    assert len(samples) / rate > 1 and rms(samples) > 500


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_a_call_is_served_as_non_silent_speech(client, lang):
    response = client.get("/audio/call.wav", query_string={"number": "А017", "desk": "5", "lang": lang})
    assert response.status_code == 200, response.get_json()
    assert response.mimetype == "audio/wav"
    samples, rate = samples_of(response.data)
    assert len(samples) / rate > 1.5  # a sentence, not a click
    assert rms(samples) > 500
    # Speech is not one steady tone: its loudness changes from one 50 ms window to the next.
    window = rate // 20
    levels = [rms(samples[i:i + window]) for i in range(0, len(samples) - window, window)]
    assert max(levels) > 5 * (min(levels) + 1)


def test_a_call_is_synthesised_once_then_served_from_the_cache_beside_the_database(client, app, monkeypatch):
    query = {"number": "Б042", "desk": "3", "lang": "kk"}
    first = client.get("/audio/call.wav", query_string=query)
    assert first.status_code == 200
    assert len(list((database.files_dir(app.config["DB"], app.config["DATA_DIR"]) / "voice-cache").iterdir())) == 1

    def must_not_run(*args, **kwargs):
        raise AssertionError("espeak-ng ran again")

    monkeypatch.setattr(speech, "_run_espeak", must_not_run)
    again = client.get("/audio/call.wav", query_string=query)
    assert again.status_code == 200 and again.data == first.data


@pytest.mark.parametrize("query", [
    {"number": "017", "desk": "5", "lang": "kk"},            # no letter
    {"number": "А017; rm -rf /", "desk": "5", "lang": "kk"},
    {"number": "А" * 4 + "1", "desk": "5", "lang": "kk"},    # too many letters
    {"number": "А017", "desk": "", "lang": "kk"},
    {"number": "А017", "desk": "x" * 21, "lang": "kk"},
    {"number": "А017", "desk": "5", "lang": "de"},
    {"number": "А017", "desk": "5"},
    {"number": "Я017", "desk": "5", "lang": "kk"},            # no service has the prefix Я
    {"number": "А017", "desk": "99", "lang": "kk"},           # no desk is called 99
])
def test_a_call_that_cannot_happen_is_refused_without_running_espeak(client, monkeypatch, query):
    def must_not_run(*args, **kwargs):
        raise AssertionError("espeak-ng ran")

    monkeypatch.setattr(speech, "_run_espeak", must_not_run)
    response = client.get("/audio/call.wav", query_string=query)
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] in ("bad_field", "unknown_call")


def test_without_espeak_a_call_answers_503_and_the_chime_still_plays(client, no_espeak):
    response = client.get("/audio/call.wav", query_string={"number": "А017", "desk": "5", "lang": "ru"})
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "speech_unavailable"
    assert client.get("/audio/chime.wav").status_code == 200


def test_admins_see_whether_the_server_can_speak(admin, no_espeak):
    client, _ = admin
    body = client.get("/api/v1/voice/status").get_json()
    assert body["espeak"] is False
    assert set(body["clips"]) == {"kk", "ru", "en"}


def test_admins_see_recorded_clips_and_espeak(admin, app, tmp_path):
    app.config["VOICE_CLIPS_DIR"] = str(tmp_path)
    (tmp_path / "kk").mkdir()
    (tmp_path / "kk" / "call-intro.wav").write_bytes(speech.chime_wav())
    client, _ = admin
    body = client.get("/api/v1/voice/status").get_json()
    assert body["espeak"] is True
    assert body["clips"] == {"kk": 1, "ru": 0, "en": 0}


def test_the_voice_status_is_for_managers_and_admins_only(client, operator):
    assert client.get("/api/v1/voice/status").status_code == 401
    op_client, _ = operator
    assert op_client.get("/api/v1/voice/status").status_code == 403


def test_the_voice_status_is_in_the_openapi_document(client):
    assert "/api/v1/voice/status" in client.get("/api/v1/openapi.json").get_json()["paths"]
