from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from bench import ConfigError, load_config, profile_names, profile_text


@pytest.mark.parametrize("name", ["default", "smoke", "table3", "table6", "table7"])
def test_every_profile_validates(name: str) -> None:
    config = load_config(profile=name)
    assert config.name == name
    assert set(config.evaluate.tasks) <= set(config.evaluate.fractions)


def test_paper_presets_use_the_full_protocol() -> None:
    table7 = load_config(profile="table7")
    assert table7.pretrain.backbone == "resnet34"
    assert table7.evaluate.image_size == 224
    assert len(table7.evaluate.seeds) == 10
    assert table7.evaluate.trials == {"lp": 50, "ft": 50}
    assert table7.evaluate.fractions["progression"] == (0.05, 0.1, 0.25)
    assert load_config(profile="table3").evaluate.fractions["kl"] == (0.01, 0.05, 0.1)


def test_config_show_prints_the_shipped_file() -> None:
    assert "default" in profile_names()
    assert tomllib.loads(profile_text("default"))["name"] == "default"


def test_unknown_key_is_named(tmp_path: Path, helpers: type) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(helpers.tiny.read_text().replace("[evaluate]\n", "[evaluate]\ntrails = 3\n"))
    with pytest.raises(ConfigError, match=r"unknown key 'evaluate\.trails'"):
        load_config(path)


def test_bad_value_names_key_value_and_rule(tmp_path: Path, helpers: type) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(helpers.tiny.read_text().replace("kl = [0.5]", "kl = [1.5]"))
    with pytest.raises(ConfigError, match=r"evaluate\.fractions.*\(0, 1\]"):
        load_config(path)
    path.write_text(helpers.tiny.read_text().replace('device = "cpu"', 'device = "tpu"'))
    with pytest.raises(ConfigError, match=r"device = 'tpu'"):
        load_config(path)


def test_unknown_method_lists_the_allowed_ones(tmp_path: Path, helpers: type) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(
        helpers.tiny.read_text().replace('"moco_v2", "barlow_twins"', '"simclr", "barlow_twins"', 1)
    )
    with pytest.raises(ConfigError, match=r"unknown method\(s\) \['simclr'\]"):
        load_config(path)


def test_cli_exits_2_on_a_bad_config(tmp_path: Path, helpers: type) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(helpers.tiny.read_text().replace("[world]\n", "[world]\nparticipants = 3\n"))
    result = helpers.bench("run", "--config", str(path), cwd=tmp_path, check=False)
    assert result.returncode == 2
    assert "world.participants" in result.stderr
    assert "Traceback" not in result.stderr


def test_validate_names_a_missing_data_folder(tmp_path: Path, helpers: type) -> None:
    path = tmp_path / "real.toml"
    path.write_text(
        helpers.tiny.read_text()
        + '\n[data]\noai_root = "nowhere/oai"\noai_images = "nowhere/img"\n'
        + 'hospital_images = "h"\nhospital_reports = "r.csv"\n'
    )
    result = helpers.bench("validate", str(path), cwd=tmp_path, check=False)
    assert result.returncode == 2
    assert "data.oai_root" in result.stderr


def test_missing_imagenet_weights_fail_validation(tmp_path: Path, helpers: type) -> None:
    result = helpers.bench(
        "validate",
        str(helpers.tiny),
        cwd=tmp_path,
        check=True,
    )
    assert "synthetic world" in result.stdout
    path = tmp_path / "weights.toml"
    path.write_text(
        helpers.tiny.read_text().replace("[weights]\n", '[weights]\nimagenet = "missing.pth"\n')
    )
    result = helpers.bench("validate", str(path), cwd=tmp_path, check=False)
    assert result.returncode == 2
    assert "weights.imagenet" in result.stderr
    assert "not found" in result.stderr
