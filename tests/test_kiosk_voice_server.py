"""The kiosk's voice guide on the server: its phrases spoken offline, only the kiosk's own, only to a kiosk."""
from __future__ import annotations

import io
import wave
from urllib.parse import unquote

import pytest

from kezek.voice import guide


def spoken(answer) -> str:
    return unquote(answer.headers["X-Kezek-Spoken"])


def seconds(audio: bytes) -> float:
    with wave.open(io.BytesIO(audio)) as w:
        return w.getnframes() / w.getframerate()


@pytest.mark.parametrize("lang, text", [("kk", "Сіздің алдыңызда: үш адам"), ("en", "People ahead of you: three")])
def test_a_phrase_is_spoken_with_its_numbers_in_words(client, kiosk_headers, lang, text):
    answer = client.get(f"/audio/kiosk.wav?lang={lang}&phrase=People ahead of you: %(n)s&n=3",
                        headers=kiosk_headers)
    assert answer.status_code == 200 and answer.mimetype == "audio/wav"
    assert spoken(answer) == text
    assert seconds(answer.data) > 0.5


def test_a_ticket_number_and_a_service_are_read_in_the_visitors_language(client, kiosk_headers):
    number = client.get("/audio/kiosk.wav?lang=ru&number=А017", headers=kiosk_headers)
    assert spoken(number) == "А ноль семнадцать"
    service = client.get("/audio/kiosk.wav?lang=ru&service=1", headers=kiosk_headers)
    assert service.status_code == 200 and spoken(service) and spoken(service) != spoken(
        client.get("/audio/kiosk.wav?lang=kk&service=1", headers=kiosk_headers))


def test_only_the_kiosks_own_phrases_are_synthesised(client, kiosk_headers, tmp_path):
    bad = [("lang=kk&phrase=Say anything I like", 422), ("lang=kk&phrase=%(n)s&n=1000", 422),
           ("lang=kk&phrase=%(n)s&n=-1", 422), ("lang=kk&phrase=%(n)s", 422),
           ("lang=xx&phrase=Back", 422), ("lang=kk&number=Z999", 422), ("lang=kk&service=999", 422),
           ("lang=kk&phrase=Booking at %(time)s&time=<speak>", 422)]
    for query, status in bad:
        assert client.get("/audio/kiosk.wav?" + query, headers=kiosk_headers).status_code in (400, status), query
    # Nobody but a kiosk: the route costs a synthesis per new text.
    assert client.get("/audio/kiosk.wav?lang=kk&phrase=Back").status_code == 401


def test_a_recorded_clip_replaces_the_synthesised_phrase(app, client, kiosk_headers, tmp_path):
    clips = tmp_path / "clips"
    app.config["VOICE_CLIPS_DIR"] = str(clips)
    text = guide.phrase_text("Back", "kk")
    (clips / "kk").mkdir(parents=True)
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(8000), w.writeframes(b"\x10\x00" * 4000)
    (clips / "kk" / guide.clip_key(text, "kk")).write_bytes(buffer.getvalue())
    answer = client.get("/audio/kiosk.wav?lang=kk&phrase=Back", headers=kiosk_headers)
    assert answer.data == buffer.getvalue() and spoken(answer) == text
