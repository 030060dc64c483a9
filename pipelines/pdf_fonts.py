"""The font the Chinese PDFs (evidence report, daily report, playback-check form) are drawn
in: WenQuanYi Zen Hei from Debian's `fonts-wqy-zenhei`, embedded (subset) in each PDF."""

from __future__ import annotations

import logging
from pathlib import Path

CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
# fontTools reports every bitmap table it cannot subset; nothing a user can act on.
logging.getLogger("fontTools").setLevel(logging.ERROR)


def cjk_font_available(font: Path = CJK_FONT) -> bool:
    return font.is_file()
