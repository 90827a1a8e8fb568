"""The command line: thin over the library.

Each command builds ``Options`` the same way the API does, makes one library
call, renders the result and turns ``NewsweaveError`` into a message and an
exit code, in one place (``main``).

Exit codes: 0 all inputs compared; 1 some input failed (the others are still
compared and rendered); 2 bad usage or settings; 3 a model could not load.
"""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from . import __version__
from .config import Options
from .errors import ConfigError, ModelError, NewsweaveError
from .model import Comparison

EXIT_INPUT_FAILED = 1
EXIT_USAGE = 2
EXIT_MODEL = 3
FORMATS = ("text", "json", "markdown", "html")


def model_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Options shared by every command that analyses reports."""

    @click.option("--config", "config_file", type=click.Path(dir_okay=False),
                  help="TOML file with a [newsweave] table of options.")
    @click.option("--spacy-model", default=None, help="spaCy pipeline name or path.")
    @click.option("--embed-model", default=None,
                  help="Sentence embedder: a model name, a local folder, or 'hashing'.")
    @click.option("--cache-dir", default=None, type=click.Path(file_okay=False),
                  help="Folder to cache embeddings per text.")
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        opts = Options.build(
            kwargs.pop("config_file"),
            spacy_model=kwargs.pop("spacy_model"),
            embed_model=kwargs.pop("embed_model"),
            cache_dir=kwargs.pop("cache_dir"),
        )
        return func(*args, options=opts, **kwargs)

    return wrapper


def output_options(func: Callable[..., Any]) -> Callable[..., Any]:
    @click.option("--format", "fmt", type=click.Choice(FORMATS), default="text",
                  show_default=True, help="Output format.")
    @click.option("-o", "--output", type=click.Path(dir_okay=False),
                  help="Write the output to this file instead of standard output.")
    @click.option("--with-text", is_flag=True,
                  help="JSON: include each article's text (the offsets index it).")
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    return wrapper


def render(comparison: Comparison, fmt: str, output: str | None, with_text: bool) -> None:
    if fmt == "text":
        if output:
            with open(output, "w", encoding="utf-8") as fh:
                from .render.terminal import render as render_terminal

                render_terminal(comparison, Console(file=fh, width=120, force_terminal=False))
        else:
            from .render.terminal import render as render_terminal

            render_terminal(comparison, Console())
        return
    if fmt == "json":
        from .render.json import to_json

        out = to_json(comparison, with_text=with_text)
    elif fmt == "markdown":
        from .render.markdown import to_markdown

        out = to_markdown(comparison)
    else:
        from .render.html import to_html

        out = to_html(comparison)
    if output:
        Path(output).write_text(out, encoding="utf-8")
    else:
        click.echo(out)


def report_failures(comparison: Comparison) -> int:
    err = Console(stderr=True)
    for f in comparison.failures:
        err.print(f"[bold red]error:[/] {f.source}: {f.reason}", highlight=False, markup=True)
    return EXIT_INPUT_FAILED if comparison.failures else 0


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newsweave")
@click.option("-v", "--verbose", count=True, help="Log more (-v info, -vv debug).")
def cli(verbose: int) -> None:
    """Read the news across sources: what reports agree on, what only one says,
    and where they disagree, claim by claim."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--outlet", default=None, help="Outlet of the given files (wins over a sidecar).")
@click.option("--published", default=None, help="Publication date YYYY-MM-DD of the given files.")
@click.option("--url", default=None, help="URL of the given file.")
@click.option("--title", default=None, help="Title of the given file.")
@output_options
@model_options
def compare(
    inputs: tuple[str, ...],
    outlet: str | None,
    published: str | None,
    url: str | None,
    title: str | None,
    fmt: str,
    output: str | None,
    with_text: bool,
    options: Options,
) -> None:
    """Compare reports of one story: files, folders or JSONL."""
    from .engine import compare as run_compare

    meta = {k: v for k, v in
            {"outlet": outlet, "published": published, "url": url, "title": title}.items() if v}
    result = run_compare(list(inputs), options=options, meta=meta or None)
    if not result.articles:
        report_failures(result)
        raise click.exceptions.Exit(EXIT_INPUT_FAILED)
    render(result, fmt, output, with_text)
    code = report_failures(result)
    if code:
        raise click.exceptions.Exit(code)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="What to print; the HTML report is written either way.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default="newsweave-demo.html",
              show_default=True, help="Where to write the HTML report.")
@model_options
def demo(fmt: str, output: str, options: Options) -> None:
    """Compare the sample reports shipped with newsweave and write an HTML report."""
    from .engine import compare as run_compare
    from .render.html import to_html

    samples = resources.files("newsweave") / "samples"
    with resources.as_file(samples) as folder:
        paths = sorted(str(p) for p in Path(folder).glob("*.txt"))
        result = run_compare(paths, options=options)
    Path(output).write_text(to_html(result), encoding="utf-8")
    if fmt == "html":
        click.echo(Path(output).read_text(encoding="utf-8"))
    else:
        render(result, fmt, None, False)
    Console(stderr=True).print(f"Wrote the HTML report to [bold]{output}[/]", highlight=False)
    code = report_failures(result)
    if code:
        raise click.exceptions.Exit(code)


def main(argv: list[str] | None = None) -> None:
    """Entry point: the one place errors become messages and exit codes."""
    try:
        # standalone_mode=False: click returns the exit code rather than raising it.
        code = cli.main(args=argv, prog_name="newsweave", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_USAGE)
    except click.exceptions.Abort:
        sys.exit(130)
    except ConfigError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    except ModelError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_MODEL)
    except NewsweaveError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
