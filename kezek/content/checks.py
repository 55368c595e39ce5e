"""What an uploaded file really is: its first bytes, then Pillow (images) or ffprobe (videos) read it whole."""
from __future__ import annotations

import json
import shutil
import subprocess
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from kezek.base.errors import Invalid

MAX_SIDE = 3840           # a 4K TV; larger is only a bigger download for the same picture
MAX_PIXELS = 3840 * 2160
MAX_VIDEO_S = 30 * 60
PROBE_TIMEOUT_S = 20
# Codecs the TVs' Chromium plays: anything else would be a black rectangle in the hall.
VIDEO_CODECS = {"mp4": {"h264", "vp9", "av1"}, "webm": {"vp8", "vp9", "av1"}}
AUDIO_CODECS = {"mp4": {"aac", "mp3", "opus"}, "webm": {"opus", "vorbis"}}


@dataclass(frozen=True)
class Checked:
    """A file that passed: what it is and its size on screen."""

    kind: str          # video or image
    mime: str
    ext: str
    width: int
    height: int
    duration_s: float | None


def refuse(message: str, code: str) -> Invalid:
    """A refusal that says why (shown to the admin beside the file field)."""
    return Invalid(message, code, field="file")


def sniff(head: bytes) -> str | None:
    """The container the first bytes announce: png, jpeg, webp, mp4, webm, or None."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp":
        return "mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm"
    return None


def check_file(path: Path) -> Checked:
    """Check a file by its content (never its name); raises Invalid saying why it is refused."""
    with open(path, "rb") as f:
        head = f.read(32)
    kind = sniff(head)
    if kind is None:
        raise refuse("This file is not a video (MP4, WebM) or a picture (PNG, JPEG, WebP): its content says "
                     "otherwise, whatever its name.", "not_media")
    if kind in ("png", "jpeg", "webp"):
        return _image(path, kind)
    return _video(path, kind)


def _image(path: Path, kind: str) -> Checked:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as img:
                fmt = (img.format or "").lower()
                width, height = img.size
                if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE * 2:
                    raise refuse(f"The picture is {width}×{height}: at most {MAX_SIDE}×2160 is shown.",
                                 "too_many_pixels")
                img.load()   # decodes every pixel: a truncated or corrupt file fails here
    except Invalid:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise refuse(f"The picture is too large: at most {MAX_SIDE}×2160 is shown.", "too_many_pixels")
    except Exception as exc:
        raise refuse(f"The picture cannot be read ({type(exc).__name__}): it is damaged or not a {kind.upper()}.",
                     "unreadable") from exc
    if fmt != kind:
        raise refuse(f"The file starts as {kind.upper()} but reads as {fmt.upper() or 'nothing'}.", "unreadable")
    return Checked("image", f"image/{kind}", "jpg" if kind == "jpeg" else kind, width, height, None)


def ffprobe_available() -> bool:
    """Whether ffprobe (Debian's ffmpeg package) is installed."""
    return shutil.which("ffprobe") is not None


def probe(path: Path, kind: str) -> dict:
    """ffprobe's JSON for a file, read with the demuxer its first bytes named and local files only."""
    if not ffprobe_available():
        raise refuse("Videos cannot be checked on this server: ffprobe is missing (apt-get install ffmpeg).",
                     "no_ffprobe")
    demuxer = "mov" if kind == "mp4" else "matroska"
    command = ["ffprobe", "-v", "error", "-protocol_whitelist", "file", "-f", demuxer,
               "-show_entries", "format=format_name,duration:stream=codec_type,codec_name,width,height",
               "-of", "json", "file:" + str(path)]
    try:
        done = subprocess.run(command, capture_output=True, timeout=PROBE_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired as exc:
        raise refuse("The video took too long to read: it is refused.", "unreadable") from exc
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["unreadable"]
        raise refuse(f"The video cannot be read: {reason[0][:200]}", "unreadable")
    return json.loads(done.stdout or b"{}")


def _video(path: Path, kind: str) -> Checked:
    info = probe(path, kind)
    streams = info.get("streams") or []
    videos = [s for s in streams if s.get("codec_type") == "video"]
    audios = [s for s in streams if s.get("codec_type") == "audio"]
    if not videos:
        raise refuse("The file has no video picture in it.", "no_video_stream")
    video = videos[0]
    if video.get("codec_name") not in VIDEO_CODECS[kind]:
        raise refuse(f"The video is coded as {video.get('codec_name')}: the display plays "
                     f"{', '.join(sorted(VIDEO_CODECS[kind]))} in {kind.upper()}.", "unplayable_codec")
    for audio in audios:
        if audio.get("codec_name") not in AUDIO_CODECS[kind]:
            raise refuse(f"The sound is coded as {audio.get('codec_name')}: the display plays "
                         f"{', '.join(sorted(AUDIO_CODECS[kind]))} in {kind.upper()}.", "unplayable_codec")
    width, height = int(video.get("width") or 0), int(video.get("height") or 0)
    if not width or not height:
        raise refuse("The video's picture size cannot be read.", "unreadable")
    if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE:
        raise refuse(f"The video is {width}×{height}: at most {MAX_SIDE}×2160 is shown.", "too_many_pixels")
    try:
        duration = float((info.get("format") or {}).get("duration") or 0)
    except ValueError:
        duration = 0.0
    if duration <= 0:
        raise refuse("The video's length cannot be read.", "unreadable")
    if duration > MAX_VIDEO_S:
        raise refuse(f"The video lasts {duration / 60:.0f} minutes: at most {MAX_VIDEO_S // 60} are shown.",
                     "too_long")
    return Checked("video", f"video/{kind}", kind, width, height, round(duration, 3))
