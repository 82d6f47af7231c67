"""Make a second run from a finished one for ``bench compare``: the same run with some settings changed.

``python derive_run.py RUN NEW_NAME KEY=VALUE [...]`` copies ``RUN``'s folder to ``RUN/../NEW_NAME`` and sets
each dotted ``KEY`` of its config to the TOML ``VALUE`` (e.g. ``evaluate.trials.lp=3``); then
``bench run --config <copy>/config.toml`` reruns only the stages those settings touch, as a user checking a
change would. Prints the new config's path.
"""

from __future__ import annotations

import shutil
import sys
import tomllib
from pathlib import Path

import tomli_w


def main(argv: list[str]) -> None:
    """Copy the run and apply the overrides."""
    source, name, overrides = Path(argv[0]).resolve(), argv[1], argv[2:]
    target = source.parent / name
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("browser", "compare*"))
    config = tomllib.loads((target / "config.toml").read_text(encoding="utf-8"))
    config["name"] = name
    config["runs_dir"] = str(source.parent)
    for override in overrides:
        key, _, value = override.partition("=")
        *parents, leaf = key.split(".")
        table = config
        for part in parents:
            table = table[part]
        table[leaf] = tomllib.loads(f"v = {value}")["v"]
    (target / "config.toml").write_text(tomli_w.dumps(config), encoding="utf-8")
    print(target / "config.toml")


if __name__ == "__main__":
    main(sys.argv[1:])
