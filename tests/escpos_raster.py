"""Turns recorded ESC/POS bytes back into the picture on the paper (GS v 0 raster images)."""
from __future__ import annotations

from PIL import Image

GS_V_0 = b"\x1dv0"


def raster_blocks(data: bytes) -> list[Image.Image]:
    """Every GS v 0 image in `data`, in order, as mode "1" images (black = 0)."""
    images = []
    at = data.find(GS_V_0)
    while at != -1:
        mode = data[at + 3]
        assert mode in (0, 48), f"only normal density is used, got mode {mode}"
        width_bytes = data[at + 4] | data[at + 5] << 8
        height = data[at + 6] | data[at + 7] << 8
        start = at + 8
        payload = data[start:start + width_bytes * height]
        assert len(payload) == width_bytes * height, "raster data cut short"
        # In ESC/POS a set bit is a black dot; in a mode "1" image a set bit is white.
        inverted = bytes(b ^ 0xFF for b in payload)
        images.append(Image.frombytes("1", (width_bytes * 8, height), inverted))
        at = data.find(GS_V_0, start + len(payload))  # skip the payload: it may hold any bytes
    return images


def decode_paper(data: bytes) -> Image.Image | None:
    """All raster images in `data` stacked top to bottom, as one strip of paper; None if none."""
    blocks = raster_blocks(data)
    if not blocks:
        return None
    width = max(b.width for b in blocks)
    paper = Image.new("1", (width, sum(b.height for b in blocks)), 1)
    y = 0
    for block in blocks:
        paper.paste(block, (0, y))
        y += block.height
    return paper
