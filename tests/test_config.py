"""The one options object: defaults, user TOML file, overrides, checks."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from newsweave.config import Options
from newsweave.errors import ConfigError

KNOWN = sorted(f.name for f in dataclasses.fields(Options))


@pytest.fixture(autouse=True)
def no_user_config(monkeypatch):
    monkeypatch.delenv("NEWSWEAVE_CONFIG", raising=False)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults() -> None:
    assert Options.build() == Options()
    assert Options().embed_cache_dir is None


def test_unknown_key_lists_the_known_ones() -> None:
    with pytest.raises(ConfigError) as info:
        Options.build(max_byte=10)
    message = str(info.value)
    assert message.startswith("[E001]")
    assert "max_byte" in message
    for name in KNOWN:
        assert name in message


@pytest.mark.parametrize(
    "bad",
    [
        {"match_threshold": 1.5},
        {"match_threshold": -0.1},
        {"copy_threshold": 2},
        {"max_bytes": 0},
        {"max_bytes": -5},
        {"batch_size": 0},
    ],
)
def test_bad_values_are_refused(bad: dict) -> None:
    with pytest.raises(ConfigError) as info:
        Options.build(**bad)
    assert next(iter(bad)) in str(info.value)


def test_thresholds_at_the_edges_are_accepted() -> None:
    opts = Options.build(match_threshold=1.0, copy_threshold=0.0)
    assert opts.match_threshold == 1.0


def test_user_file_is_read_and_overrides_win(tmp_path) -> None:
    path = write(tmp_path / "nw.toml", '[newsweave]\nmax_bytes = 1000\nembed_model = "hashing"\n'
                 'cache_dir = "emb"\n')
    opts = Options.build(path)
    assert (opts.max_bytes, opts.embed_model) == (1000, "hashing")
    assert opts.embed_cache_dir == Path("emb")
    # Keyword overrides win; None means "not given".
    opts = Options.build(path, max_bytes=2000, embed_model=None)
    assert (opts.max_bytes, opts.embed_model) == (2000, "hashing")


def test_other_tables_of_the_file_are_ignored(tmp_path) -> None:
    path = write(tmp_path / "nw.toml", "[tool.other]\nmax_bytes = 1\n")
    assert Options.build(path) == Options()


def test_environment_names_the_user_file(tmp_path, monkeypatch) -> None:
    path = write(tmp_path / "env.toml", "[newsweave]\nbatch_size = 4\n")
    monkeypatch.setenv("NEWSWEAVE_CONFIG", str(path))
    assert Options.build().batch_size == 4


def test_unknown_key_in_user_file(tmp_path) -> None:
    path = write(tmp_path / "nw.toml", "[newsweave]\nembed = 'hashing'\n")
    with pytest.raises(ConfigError, match="unknown option.*embed.*Known options"):
        Options.build(path)


def test_broken_toml_names_the_file(tmp_path) -> None:
    path = write(tmp_path / "broken.toml", "[newsweave\nmax_bytes = 1000\n")
    with pytest.raises(ConfigError) as info:
        Options.build(path)
    assert str(path) in str(info.value)
    assert "Fix or remove it" in str(info.value)


def test_missing_user_file_names_the_file(tmp_path) -> None:
    path = tmp_path / "nowhere.toml"
    with pytest.raises(ConfigError, match="nowhere.toml"):
        Options.build(path)


def test_bad_value_in_user_file(tmp_path) -> None:
    path = write(tmp_path / "nw.toml", "[newsweave]\ncopy_threshold = 7\n")
    with pytest.raises(ConfigError, match="copy_threshold"):
        Options.build(path)


def test_wrong_type_in_user_file_is_a_config_error(tmp_path) -> None:
    path = write(tmp_path / "nw.toml", '[newsweave]\nmax_bytes = "1000"\n')
    with pytest.raises(ConfigError, match="max_bytes"):
        Options.build(path)


def test_replace_checks_again() -> None:
    opts = Options()
    assert opts.replace(batch_size=8).batch_size == 8
    with pytest.raises(ConfigError):
        opts.replace(match_threshold=3.0)


def test_options_are_hashable_and_equal_by_value() -> None:
    # The engine keeps one set of loaded models per distinct Options.
    assert Options.build(batch_size=8) == Options(batch_size=8)
    assert len({Options.build(batch_size=8), Options(batch_size=8), Options()}) == 2


def test_options_are_keyword_only_and_frozen() -> None:
    with pytest.raises(TypeError):
        Options("en_core_web_sm")  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        Options().max_bytes = 3  # type: ignore[misc]
