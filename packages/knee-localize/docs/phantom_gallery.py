"""Draw ``docs/phantom_realistic.png``: six default (domain-randomised) phantoms above one negative per kind.

Run from the package folder: ``python docs/phantom_gallery.py [--seed 0] [--out docs/phantom_realistic.png]``.
Images are rendered at 1 mm/px (the figure's tiles are 160 x 200 px) in display convention (bone bright).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from knee_localize.phantom import PhantomConfig, render_negative, render_radiograph
from knee_localize.realism import NEGATIVE_KINDS
from PIL import Image

TILE = (160, 200)


def _tile(image: np.ndarray) -> Image.Image:
    picture = Image.fromarray((np.clip(image, 0, 1) * 255).astype(np.uint8))
    picture.thumbnail(TILE)
    canvas = Image.new("L", TILE)
    canvas.paste(picture, ((TILE[0] - picture.width) // 2, (TILE[1] - picture.height) // 2))
    return canvas


def main() -> None:
    """Render the tiles and write the sheet."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "phantom_realistic.png")
    args = parser.parse_args()
    config = PhantomConfig.realistic(spacing_mm=(1.0, 1.0))
    rng = np.random.default_rng(args.seed)
    knees = [
        render_radiograph(rng, config, {"R": int(rng.integers(5)), "L": int(rng.integers(5))}).image
        for _ in range(6)
    ]
    negatives = [render_negative(rng, config, kind).image for kind in NEGATIVE_KINDS]
    sheet = Image.new("L", (6 * TILE[0], 2 * TILE[1]))
    for row, images in enumerate((knees, negatives)):
        for column, image in enumerate(images):
            sheet.paste(_tile(image), (column * TILE[0], row * TILE[1]))
    sheet.save(args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
