"""The weekly participation chart: a PNG bar chart drawn with Pillow in Noto Sans CJK SC.

The font comes with the install (the ``noto-cjk-sans-otc`` package). Text the font cannot
draw would come out as the font's "missing" box, so every character is compared with that box
first and a ``MissingGlyphWarning`` names what is missing.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence
from functools import cache
from importlib import resources

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 800, 450
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 40, 30, 100, 60
BAR = (204, 32, 39)  # a party-red bar
INK = (40, 40, 40)
GRID = (225, 225, 225)
BACKGROUND = (255, 255, 255)
FONT_FILE = "NotoSansCJK-Regular.ttc"
SIMPLIFIED_CHINESE = 2  # the collection's face for Simplified Chinese
GLYPH_CHECK_SIZE = 18
NEVER_A_GLYPH = "\U0010fffd"  # a noncharacter: the font draws its "missing" box for it


class MissingGlyphWarning(UserWarning):
    """The chart's font has no glyph for some character it was asked to draw."""


@cache
def _font_path() -> str:
    return str(resources.files("noto_cjk_sans_otc").joinpath(FONT_FILE))


@cache
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(_font_path(), size, index=SIMPLIFIED_CHINESE)


def _drawn(character: str) -> tuple[tuple[int, int], bytes]:
    mask = _font(GLYPH_CHECK_SIZE).getmask(character)
    return mask.size, Image.Image()._new(mask).tobytes()  # noqa: SLF001 - Pillow's own wrapper


@cache
def _has_glyph(character: str) -> bool:
    return _drawn(character) != _drawn(NEVER_A_GLYPH)


def missing_glyphs(text: str) -> str:
    """The characters of ``text`` the font cannot draw (whitespace aside)."""
    return "".join(sorted({c for c in text if not c.isspace() and not _has_glyph(c)}))


def _checked(text: str) -> str:
    missing = missing_glyphs(text)
    if missing:
        warnings.warn(f"no glyph for {missing!r} in {text!r}", MissingGlyphWarning, stacklevel=3)
    return text


def participation_chart(title: str, labels: Sequence[str], values: Sequence[int]) -> bytes:
    """A bar per day with its count above it; returns PNG bytes."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    title_font, label_font = _font(26), _font(18)
    draw.text((WIDTH / 2, 24), _checked(title), font=title_font, fill=INK, anchor="mt")
    plot_width = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_height = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    floor = HEIGHT - MARGIN_BOTTOM
    top = max(values, default=0) or 1
    for step in range(1, 5):
        y = floor - plot_height * step / 4
        draw.line([(MARGIN_LEFT, y), (WIDTH - MARGIN_RIGHT, y)], fill=GRID, width=1)
    draw.line([(MARGIN_LEFT, floor), (WIDTH - MARGIN_RIGHT, floor)], fill=INK, width=2)
    slot = plot_width / max(len(values), 1)
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        centre = MARGIN_LEFT + slot * (index + 0.5)
        height = plot_height * value / top
        draw.rectangle(
            [(centre - slot * 0.3, floor - height), (centre + slot * 0.3, floor)], fill=BAR
        )
        draw.text(
            (centre, floor - height - 6),
            _checked(str(value)),
            font=label_font,
            fill=INK,
            anchor="md",
        )
        draw.text((centre, floor + 10), _checked(label), font=label_font, fill=INK, anchor="mt")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
