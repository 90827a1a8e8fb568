"""``newsweave serve``: its options and defaults."""

from __future__ import annotations

from click.testing import CliRunner

from newsweave.cli import cli


def test_serve_listens_on_localhost_by_default():
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0
    assert "127.0.0.1" in result.output and "--port" in result.output
    assert "--token" in result.output


def test_serve_refuses_a_bad_port(tmp_path):
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "x.db"), "serve", "--port", "70000"])
    assert result.exit_code == 2
