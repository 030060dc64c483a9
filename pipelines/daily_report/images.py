"""Finding frames made small enough to embed in a report."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

# Wide enough to see the scene, small enough that 48 of them keep a report under ~1 MB.
THUMBNAIL_WIDTH = 320


@dataclass(frozen=True, slots=True)
class Jpeg:
    """JPEG bytes and the picture's size in pixels."""

    data: bytes
    width: int
    height: int


def thumbnail_jpeg(path: Path, width: int = THUMBNAIL_WIDTH) -> Jpeg | None:
    """The picture at `path` scaled to at most `width` pixels wide; None when it cannot be
    read (gone since the report was gathered, or not a picture)."""
    try:
        with Image.open(path) as image:
            picture = image.convert("RGB")
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError):
        return None
    if picture.width > width:
        height = max(1, round(picture.height * width / picture.width))
        picture = picture.resize((width, height), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    picture.save(out, format="JPEG", quality=80)
    return Jpeg(out.getvalue(), picture.width, picture.height)


def data_uri(jpeg: Jpeg) -> str:
    return "data:image/jpeg;base64," + base64.b64encode(jpeg.data).decode("ascii")
