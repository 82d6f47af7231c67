"""Any ImageFolder tree (ImageNet subsets, Imagenette), nested random subsets and mixed corpora.

An ImageFolder tree is ``root/<class>/<image>`` or, with splits, ``root/{train,val}/<class>/<image>``
(Imagenette ``imagenette2[-320|-160]/{train,val}/<wnid>/*.JPEG``, torchvision's ImageNet layout). Classes are
indexed in sorted folder order and files walked in sorted order (torchvision's ``ImageFolder`` order), so
the table, and every subset drawn from it, is the same on every machine.

Nested subsets: one seeded permutation of a corpus, and each size takes its first ``n`` rows, so the 6k
subset is inside the 10k subset, inside the 25k one (pretraining-scale curves compare like with like).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from bench.errors import DataError

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff")
SPLIT_FOLDERS = {
    "train": "train",
    "val": "val",
    "valid": "val",
    "validation": "val",
    "test": "test",
}


def read_image_folder(root: Path) -> pd.DataFrame:
    """``image_id, participant_id, image_path, class_name, label, split`` of an ImageFolder tree.

    ``participant_id`` is the image id (natural images have no patient). Without split folders every image
    is ``train``.

    Raises:
        DataError: ``root`` is missing or holds no image in a class folder.
    """
    root = Path(root)
    if not root.is_dir():
        raise DataError(f"ImageFolder root {root} not found")
    splits = {
        p.name: SPLIT_FOLDERS[p.name.lower()]
        for p in root.iterdir()
        if p.is_dir() and p.name.lower() in SPLIT_FOLDERS
    }
    trees = {name: root / name for name in splits} if splits else {"": root}
    classes = sorted({c.name for tree in trees.values() for c in tree.iterdir() if c.is_dir()})
    index = {name: i for i, name in enumerate(classes)}
    rows = []
    for folder_name, tree in sorted(trees.items()):
        split = splits.get(folder_name, "train")
        for class_dir in sorted(c for c in tree.iterdir() if c.is_dir()):
            for image in sorted(class_dir.iterdir()):
                if image.suffix.lower() in IMAGE_SUFFIXES:
                    relative = image.relative_to(root).as_posix()
                    rows.append(
                        (
                            relative,
                            relative,
                            str(image.resolve()),
                            class_dir.name,
                            index[class_dir.name],
                            split,
                        )
                    )
    if not rows:
        raise DataError(f"no image ({', '.join(IMAGE_SUFFIXES)}) in a class folder under {root}")
    return pd.DataFrame(
        rows, columns=["image_id", "participant_id", "image_path", "class_name", "label", "split"]
    )


def nested_subsets(n_items: int, sizes: Sequence[int], seed: int) -> dict[int, np.ndarray]:
    """``{size: row positions}``: the first ``size`` rows of ONE seeded permutation of ``range(n_items)``.

    Raises:
        DataError: a size larger than the corpus or below 1.
    """
    too_big = [s for s in sizes if s > n_items or s < 1]
    if too_big:
        raise DataError(f"subset size(s) {too_big} do not fit a corpus of {n_items} images")
    order = np.random.default_rng(seed).permutation(n_items)
    return {int(s): np.sort(order[:s]) for s in sorted(sizes)}


def mixed_corpus(parts: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """One corpus from several: the rows of every part, with a ``corpus`` column naming its part.

    Ids are prefixed with the part's name (``knee:...``) so that parts never collide.
    """
    if not parts:
        raise DataError("a mixed corpus needs at least one part")
    tables = []
    for name, table in parts.items():
        tagged = table.assign(corpus=name)
        tagged["image_id"] = name + ":" + tagged["image_id"].astype(str)
        tagged["participant_id"] = name + ":" + tagged["participant_id"].astype(str)
        tables.append(tagged)
    return pd.concat(tables, ignore_index=True)
