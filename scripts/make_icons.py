"""Draw the add-in's icons (PNG, the sizes Office asks for) into sidebar/static/icons.

    python scripts/make_icons.py

Two overlapping envelopes on a blue tile: one customer, several mailboxes. Pure Python (zlib),
so the icons can be redrawn anywhere; the PNGs are committed.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

# 25, 50, 75, 48, 96, 144 (and 32, 64): the mobile button at scales 1-3
SIZES = (16, 25, 32, 48, 50, 64, 75, 80, 96, 128, 144)
TILE, PAPER, FOLD = (0x1F, 0x5F, 0xAF), (0xFF, 0xFF, 0xFF), (0x9C, 0xB8, 0xDC)
FOLDER = Path(__file__).resolve().parents[1] / "sidebar" / "static" / "icons"


def pixel(x: float, y: float) -> tuple[int, int, int]:
    """The colour at (x, y) in the unit square."""
    colour = TILE
    for left, top in ((0.14, 0.22), (0.34, 0.42)):  # the back envelope, then the front one
        right, bottom = left + 0.52, top + 0.36
        if left <= x <= right and top <= y <= bottom:
            # the flap: a V from the top corners to the middle
            middle = (left + right) / 2
            depth = top + 0.2 * (1 - abs(x - middle) / (middle - left))
            on_flap = abs(y - depth) < 0.035
            colour = FOLD if on_flap else PAPER
    return colour


def png(size: int) -> bytes:
    rows = b"".join(
        b"\x00" + b"".join(bytes(pixel((x + 0.5) / size, (y + 0.5) / size))
                          for x in range(size))
        for y in range(size))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


def main() -> None:
    FOLDER.mkdir(parents=True, exist_ok=True)
    for size in SIZES:
        (FOLDER / f"icon-{size}.png").write_bytes(png(size))


if __name__ == "__main__":
    main()
