"""The command line: thin over the library.

Each command builds ``Options`` the same way the API does, makes one library
call, renders the result and turns ``NewsweaveError`` into a message and an
exit code, in one place (``main``).

Exit codes: 0 all inputs compared; 1 some input failed (the others are still
compared and rendered); 2 bad usage or settings (an option, a date or a filter that
cannot be read: refused before any work starts); 3 a model could not load.
"""

from __future__ import annotations

import functools
import io
import json
import logging
import os
import re
import sys
import warnings
from collections.abc import Callable, Sequence
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.text import Text

from . import __version__
from .config import JUDGES, Options
from .errors import ConfigError, ModelError, NewsweaveError, QueryError
from .model import Comparison, InputFailure
from .outlets import UNKNOWN_OUTLET
from .render.terminal import terminal_console, visible

EXIT_INPUT_FAILED = 1
EXIT_USAGE = 2
EXIT_MODEL = 3
FORMATS = ("text", "json", "markdown", "html")
# The dates the store and the clusterer read: a day first (they compare its first ten
# characters), then an optional time and zone.
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class IsoDate(click.ParamType):
    """An ISO 8601 date or date-time, kept as written (stripped)."""

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> str:
        text = str(value).strip()
        try:
            if not _ISO_DAY.match(text):
                raise ValueError(text)
            date.fromisoformat(text[:10])
            datetime.fromisoformat(text)
        except ValueError:
            self.fail(
                f"{value!r} is not an ISO 8601 date or date-time; write it like 2025-03-19 "
                "or 2025-03-19T14:30:00+00:00",
                param, ctx,
            )
        return text


class OutputFile(click.Path):
    """A file to write, checked before any work starts: its folder exists and takes files.

    Without the check, a typo in ``-o`` was found only when the analysis was done and its
    result had nowhere to go.
    """

    def __init__(self) -> None:
        super().__init__(dir_okay=False, writable=True)

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        path = super().convert(value, param, ctx)
        name = os.fsdecode(path)
        folder = os.path.dirname(name) or "."
        if name.endswith(("/", os.sep)):
            self.fail(f"{name!r} names a folder; give a file name", param, ctx)
        if not os.path.isdir(folder):
            what = "is a file, not a folder" if os.path.exists(folder) else "does not exist"
            self.fail(f"the folder {folder!r} {what}; create it or write somewhere else",
                      param, ctx)
        if not os.access(folder, os.W_OK | os.X_OK):
            self.fail(f"cannot create files in {folder!r}; write somewhere else", param, ctx)
        return path


def model_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Options shared by every command that analyses reports."""

    @click.option("--config", "config_file", type=click.Path(dir_okay=False),
                  help="TOML file with a [newsweave] table of options.")
    @click.option("--spacy-model", default=None, help="spaCy pipeline name or path.")
    @click.option("--embed-model", default=None,
                  help="Sentence embedder: a model name, a local folder, or 'hashing'.")
    @click.option("--judge", type=click.Choice(JUDGES), default=None,
                  help="What decides that two claims state one fact: 'pair' (the packaged "
                       "pair model, default) or 'embed' (embeddings alone: faster, weaker, "
                       "no contradictions).")
    @click.option("--cache-dir", default=None, type=click.Path(file_okay=False),
                  help="Folder to cache embeddings per text.")
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        opts = Options.build(
            kwargs.pop("config_file"),
            spacy_model=kwargs.pop("spacy_model"),
            embed_model=kwargs.pop("embed_model"),
            judge=kwargs.pop("judge"),
            cache_dir=kwargs.pop("cache_dir"),
        )
        return func(*args, options=opts, **kwargs)

    return wrapper


def output_options(func: Callable[..., Any]) -> Callable[..., Any]:
    @click.option("--format", "fmt", type=click.Choice(FORMATS), default="text",
                  show_default=True, help="Output format.")
    @click.option("-o", "--output", type=OutputFile(),
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

                render_terminal(comparison, terminal_console(file=fh, width=120,
                                                             force_terminal=False))
        else:
            from .render.terminal import render as render_terminal

            render_terminal(comparison, terminal_console())
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
    if fmt != "json":
        # Markdown and HTML are read in a terminal too (they print to stdout by default), and
        # a control character means nothing in either; JSON keeps the data, escaped.
        out = visible(out)
    if output:
        Path(output).write_text(out, encoding="utf-8")
    else:
        click.echo(out)


def report_failures(failures: Sequence[InputFailure]) -> int:
    err = terminal_console(stderr=True)
    for f in failures:
        line = Text("error: ", style="bold red")
        line.append(f"{f.source}: {f.reason}")
        err.print(line, highlight=False)
    return EXIT_INPUT_FAILED if failures else 0


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newsweave")
@click.option("-v", "--verbose", count=True, help="Log more (-v info, -vv debug).")
# A plain string, not click.Path: --db also takes a postgresql:// URL, kept as written.
@click.option("--db", "db", metavar="PATH|URL", envvar="NEWSWEAVE_DB",
              help="The store: a SQLite file, or a postgresql://user@host/db URL of a "
              "PostgreSQL database (needs the 'postgres' extra). Default: $NEWSWEAVE_DB, else "
              "a file in the user data folder.")
@click.pass_context
def cli(ctx: click.Context, verbose: int, db: str | None) -> None:
    """Read the news across sources: what reports agree on, what only one says,
    and where they disagree, claim by claim."""
    level = logging.WARNING - 10 * min(verbose, 2)
    handler = logging.StreamHandler()
    handler.setFormatter(_VisibleFormatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler])
    ctx.obj = {"db": db}


class _VisibleFormatter(logging.Formatter):
    """Log lines name inputs (file names, URLs, titles): no control character of theirs
    reaches the terminal."""

    def format(self, record: logging.LogRecord) -> str:
        return visible(super().format(record))


def open_library(ctx: click.Context, options: Options):  # noqa: ANN201 - Library
    """The store named by --db (or the default) with an engine for ``options``."""
    from .engine import Engine
    from .library import Library
    from .store import default_db_path, open_store

    store = open_store(ctx.obj.get("db") or default_db_path())
    ctx.call_on_close(store.close)
    return Library(store, Engine.shared(options))


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--outlet", default=None, help="Outlet of the given files (wins over a sidecar).")
@click.option("--published", type=IsoDate(), default=None,
              help="Publication date of the given files: YYYY-MM-DD or an ISO 8601 date-time.")
@click.option("--url", default=None, help="URL of the given file.")
@click.option("--title", default=None, help="Title of the given file.")
@click.option("--outlets", "registry_file", default=None, metavar="FILE",
              help="An outlet registry (CSV or JSON, as for `outlets add`): names the outlets "
              "and their owners; reports of one owner count as one source.")
@output_options
@model_options
def compare(
    inputs: tuple[str, ...],
    outlet: str | None,
    published: str | None,
    url: str | None,
    title: str | None,
    registry_file: str | None,
    fmt: str,
    output: str | None,
    with_text: bool,
    options: Options,
) -> None:
    """Compare reports of one story: files, folders or JSONL."""
    from .engine import compare as run_compare
    from .outlets import Registry

    registry, problems = None, []
    if registry_file:
        rows, problems = read_registry_file(registry_file)
        registry = Registry.of(rows)
    meta = {k: v for k, v in
            {"outlet": outlet, "published": published, "url": url, "title": title}.items() if v}
    result = run_compare(list(inputs), options=options, meta=meta or None, registry=registry)
    if not result.articles:
        report_failures(result.failures)
        raise click.exceptions.Exit(EXIT_INPUT_FAILED)
    render(result, fmt, output, with_text)
    code = report_failures([*problems, *result.failures])
    if code:
        raise click.exceptions.Exit(code)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="What to print; the HTML report is written either way.")
@click.option("-o", "--output", type=OutputFile(), default="newsweave-demo.html",
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
    terminal_console(stderr=True).print(Text.assemble("Wrote the HTML report to ",
                                                      (output, "bold")), highlight=False)
    code = report_failures(result.failures)
    if code:
        raise click.exceptions.Exit(code)


# -- the store ----------------------------------------------------------------------------------


def _fetch_permissions(options: Options, allow_private: bool, allow_link_local: bool) -> Options:
    """``options`` with the address ranges the flags open (they only ever open more)."""
    if allow_private:
        options = options.replace(allow_private_hosts=True)
    if allow_link_local:
        options = options.replace(allow_link_local_hosts=True)
    return options


@cli.command()
@click.argument("sources", nargs=-1, required=True)
@click.option("--outlet", default=None, help="Outlet of the given files (wins over a sidecar).")
@click.option("--published", type=IsoDate(), default=None,
              help="Publication date of the given files: YYYY-MM-DD or an ISO 8601 date-time.")
@click.option("--allow-private", is_flag=True,
              help="Allow fetching from private and loopback addresses (not link-local: "
                   "see --allow-link-local).")
@click.option("--allow-link-local", is_flag=True,
              help="Allow fetching from link-local addresses (169.254.0.0/16, fe80::/10) and "
                   "cloud metadata services, where a cloud machine's credentials are.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option("--batch-size", default=32, show_default=True,
              help="Reports analysed and stored per transaction.")
@click.option("--engine", "engine_name", type=click.Choice(["local", "ray"]), default="local",
              show_default=True,
              help="Where reports are analysed: in this process, or on Ray actors (this "
                   "process still reads, stores and places them; needs pip install -e '.[ray]').")
@click.option("--ray-address", default=None,
              help="With --engine ray: the Ray cluster to join (default: start a local Ray).")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="With --engine ray: analysing actors (default: one per CPU).")
@model_options
@click.pass_context
def ingest(
    ctx: click.Context,
    sources: tuple[str, ...],
    outlet: str | None,
    published: str | None,
    allow_private: bool,
    allow_link_local: bool,
    quiet: bool,
    batch_size: int,
    engine_name: str,
    ray_address: str | None,
    workers: int | None,
    options: Options,
) -> None:
    """Add reports to the store and place them in stories.

    SOURCES are files, folders (read recursively), JSONL, WARC archives, URLs
    and RSS/Atom feeds. A report already stored is left as it is.

    With --engine ray the reports are analysed by Ray actors (WARC files are
    read by Ray tasks, one per file); this process stores and places them in
    input order, as a plain ingest does.
    """
    from rich.progress import Progress

    if engine_name == "ray":
        from .distributed import import_ray

        import_ray()  # a missing Ray fails here, before any model loads
    options = _fetch_permissions(options, allow_private, allow_link_local)
    library = open_library(ctx, options)
    library.batch_size = max(1, batch_size)
    meta = {k: v for k, v in {"outlet": outlet, "published": published}.items() if v}
    err = terminal_console(stderr=True)
    with Progress(console=err, transient=True, disable=quiet) as bar:
        task = bar.add_task("analysing", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        if engine_name == "ray":
            bar.update(task, description="analysed and stored")
            report = _ray_ingest(library, list(sources), meta or None, ray_address, workers,
                                 bar, progress)
        else:
            report = library.ingest(list(sources), meta=meta or None, progress=progress)
    err.print(
        f"{len(report.added)} added, {len(report.existing)} already stored, "
        f"{len(report.copies)} copies, {len(report.new_stories)} new stories, "
        f"{len(report.updated_stories)} updated stories"
        + (f", {len(report.moved)} earlier reports regrouped" if report.moved else "")
        + (f", {len(report.merged)} stories merged away" if report.merged else ""),
        highlight=False,
    )
    code = report_failures(report.failures)
    if code:
        raise click.exceptions.Exit(code)


def _ray_ingest(library, sources, meta, address, workers, bar, progress):  # noqa: ANN001, ANN202
    """``ingest --engine ray``: a bar for the WARC files read, one for the reports."""
    from .distributed import ray_ingest, ray_session

    # Ray Data logs each dataset's plan, timing and settings, and warns that a pool of
    # N actors got fewer batches than N (a small ingest); the bars say enough.
    logging.getLogger("ray.data").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", category=UserWarning, module=r"ray\.data\.")

    files = bar.add_task("reading archives", total=None, visible=False)

    def files_read(done: int, total: int) -> None:
        bar.update(files, completed=done, total=total, visible=True)

    with ray_session(address, workers) as _:
        return ray_ingest(library, sources, meta=meta, workers=workers, progress=progress,
                          files_read=files_read)


@cli.command()
@click.option("--since", type=IsoDate(), default=None,
              help="Only stories updated since this ISO 8601 date or date-time (UTC unless it "
              "says otherwise).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")
@click.pass_context
def stories(ctx: click.Context, since: str | None, fmt: str) -> None:
    """List the stories in the store, most recently updated first."""
    from rich.table import Table

    library = open_library(ctx, Options())
    data = library.stories_dict(since=since)
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{len(data['stories'])} stories")
    for col in ("Story", "Title", "Reports", "Independent", "Outlets"):
        table.add_column(col)
    for st in data["stories"]:
        arts = st["articles"]
        outlets = sorted({a["outlet"] or UNKNOWN_OUTLET for a in arts})
        table.add_row(
            Text(st["id"]), Text(st["title"] or ""), str(len(arts)),
            str(st["independent_sources"]), Text(", ".join(outlets)),
        )
    terminal_console().print(table)


@cli.command()
@click.argument("story_id")
@output_options
@model_options
@click.pass_context
def story(
    ctx: click.Context, story_id: str, fmt: str, output: str | None, with_text: bool,
    options: Options,
) -> None:
    """Compare the reports of one story: claims, conflicts and the brief.

    A story id that was retired (its reports regrouped into another story)
    shows the story it leads to, with a note on stderr."""
    library = open_library(ctx, options)
    live = library.store.resolve_story(story_id)
    if live != story_id:
        terminal_console(stderr=True).print(
            Text(f"story {story_id} was merged into {live}; showing {live}")
        )
    render(library.compare_story(live), fmt, output, with_text)


@cli.command()
@click.argument("query")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(min=1),
              help="Most hits to show.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")
@click.pass_context
def search(ctx: click.Context, query: str, limit: int, fmt: str) -> None:
    """Full-text search of the stored reports (SQLite FTS5; a PostgreSQL store reads
    PostgreSQL's web search syntax)."""
    library = open_library(ctx, Options())
    as_words = library.store.search_expression(query)[1]
    hits = library.store.search(query, limit=limit)
    if fmt == "json":
        click.echo(json.dumps({"hits": [h.to_dict() for h in hits], "as_words": as_words},
                              ensure_ascii=False, indent=2))
        return
    if as_words:
        click.echo("searched as plain words: the query is not valid FTS5 syntax", err=True)
    console = terminal_console()
    for h in hits:
        line = Text(f"{h.article_id}  ", style="cyan")
        line.append(f"{h.outlet or UNKNOWN_OUTLET}: {h.title or ''}", style="bold")
        console.print(line)
        console.print(Text("    " + " ".join(h.snippet.split())))
    if not hits:
        console.print("no reports match")


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")
@click.pass_context
def failures(ctx: click.Context, fmt: str) -> None:
    """Inputs that could not be read, with the reason and what to do."""
    library = open_library(ctx, Options())
    rows = library.store.failures()
    if fmt == "json":
        click.echo(json.dumps({"failures": [r.to_dict() for r in rows]}, ensure_ascii=False,
                              indent=2))
        return
    console = terminal_console()
    for r in rows:
        line = Text(f"{r.source}", style="bold")
        line.append(f" ({r.count}x, last {r.last_seen}): {r.reason}")
        console.print(line)
    if not rows:
        console.print("no failures recorded")


#: The largest outlet registry file read (a registry of every news site is far smaller).
MAX_REGISTRY_BYTES = 16 * 1024 * 1024


@cli.group(invoke_without_command=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")
@click.pass_context
def outlets(ctx: click.Context, fmt: str) -> None:
    """The outlets of the stored reports and the outlet registry, with report counts.

    An outlet is known by its web domain. Add owners, countries and leans with
    `newsweave outlets add FILE`: reports of one owner then count as one source."""
    if ctx.invoked_subcommand:
        return
    library = open_library(ctx, Options())
    rows, unknown = library.store.outlets()
    if fmt == "json":
        click.echo(json.dumps({"outlets": [r.to_dict() for r in rows], "unknown_reports": unknown},
                              ensure_ascii=False, indent=2))
        return
    from rich.table import Table

    table = Table(title=f"{len(rows)} outlets")
    for col in ("Outlet", "Id", "Owner", "Country", "Lean", "Reports", "Stories"):
        table.add_column(col, justify="right" if col in ("Reports", "Stories") else "left")
    for r in rows:
        table.add_row(*(Text(v or "") for v in (r.name, r.id, r.owner, r.country, r.lean)),
                      str(r.reports), str(r.stories))
    console = terminal_console()
    console.print(table)
    if unknown:
        console.print(f"{unknown} report{'s' if unknown != 1 else ''} with no known outlet "
                      "(no outlet name and no web address)", highlight=False)


@outlets.command("add")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.pass_context
def outlets_add(ctx: click.Context, file: str) -> None:
    """Add outlets to the registry from a CSV or JSON FILE ('-': standard input).

    Columns: domain,name,owner,country,lean,aliases (only domain is required; aliases
    are other spellings of the name, separated by ';'). A row for a domain already in
    the registry replaces it. It applies to the reports stored before and after.
    Bad rows are named on stderr (exit 1) and the good rows are still added."""
    rows, problems = read_registry_file(file)
    library = open_library(ctx, Options())
    added, changed = library.store.add_outlets(rows)
    terminal_console(stderr=True).print(
        f"{added} outlets added, {changed} changed, {len(rows) - added - changed} unchanged",
        highlight=False)
    code = report_failures(problems)
    if code:
        raise click.exceptions.Exit(code)


def read_registry_file(file: str) -> tuple[list[Any], list[InputFailure]]:
    """The rows of an outlet registry file ('-': stdin) and a failure per bad row.

    Raises:
        click.FileError: the file cannot be opened.
        ConfigError: it is too large, or cannot be read as a registry at all.
    """
    from .outlets import parse_registry

    try:
        if file == "-":
            data = sys.stdin.buffer.read(MAX_REGISTRY_BYTES + 1)
        else:
            with open(file, "rb") as fh:
                data = fh.read(MAX_REGISTRY_BYTES + 1)
    except OSError as exc:
        raise click.FileError(file, hint=exc.strerror or str(exc)) from None
    if len(data) > MAX_REGISTRY_BYTES:
        raise ConfigError(f"{visible(file)} is larger than {MAX_REGISTRY_BYTES // 2**20} MiB; "
                          "split it and add the parts one by one")
    try:
        rows, problems = parse_registry(data, visible(file))
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    name = visible(file)
    return rows, [InputFailure(name, p.removeprefix(name + " ")) for p in problems]


@cli.command()
@model_options
@click.pass_context
def recluster(ctx: click.Context, options: Options) -> None:
    """Re-group every stored report into stories from scratch (after re-tuning)."""
    library = open_library(ctx, options)
    assignment = library.recluster()
    terminal_console(stderr=True).print(
        f"{len(assignment)} reports in {len(set(assignment.values()))} stories", highlight=False
    )



@cli.command()
@click.argument("feeds", nargs=-1, required=True)
@click.option("--interval", default=300.0, show_default=True,
              help="Seconds between polls of all the feeds.")
@click.option("--polls", default=0, show_default=True,
              help="Stop after this many polls (0: run until interrupted).")
@click.option("--allow-private", is_flag=True,
              help="Allow fetching from private and loopback addresses (not link-local: "
                   "see --allow-link-local).")
@click.option("--allow-link-local", is_flag=True,
              help="Allow fetching from link-local addresses (169.254.0.0/16, fe80::/10) and "
                   "cloud metadata services, where a cloud machine's credentials are.")
@model_options
@click.pass_context
def watch(
    ctx: click.Context, feeds: tuple[str, ...], interval: float, polls: int,
    allow_private: bool, allow_link_local: bool, options: Options,
) -> None:
    """Poll RSS/Atom feeds, add new reports, and say what changed in the stories."""
    import time

    options = _fetch_permissions(options, allow_private, allow_link_local)
    library = open_library(ctx, options)
    console = terminal_console()
    done = 0
    while True:
        report, lines = library.poll_feeds(list(feeds))
        stamp = time.strftime("%H:%M:%S")
        console.print(
            Text(f"[{stamp}] {len(report.added)} new reports, {len(report.failures)} failures")
        )
        for line in lines:
            console.print(Text("  " + line))
        report_failures(report.failures)
        done += 1
        if polls and done >= polls:
            break
        time.sleep(max(1.0, interval))


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Keep 127.0.0.1 unless other machines must reach it.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on.")
@click.option("--token", envvar="NEWSWEAVE_TOKEN", default=None,
              help="Enable POST /api/articles for requests bearing this token "
              "(also $NEWSWEAVE_TOKEN). Without it the API only reads.")
@click.option("--no-compute", is_flag=True,
              help="Never compare a story on request; show only comparisons already cached.")
@model_options
@click.pass_context
def serve(
    ctx: click.Context, host: str, port: int, token: str | None, no_compute: bool,
    options: Options,
) -> None:
    """Serve the store in a browser: the stories, each story compared, and a JSON API.

    It limits slow and idle clients (see newsweave.web.server); in front of the
    public internet, put it behind a reverse proxy such as nginx or Caddy."""
    try:
        from .web import create_app
        from .web.server import bind, run
    except ImportError as exc:
        raise ConfigError(
            f"the web app needs the 'web' extra ({exc.name} is missing); install it with "
            "pip install 'newsweave[web]'"
        ) from exc
    if host not in ("127.0.0.1", "localhost", "::1"):
        Console(stderr=True).print(
            f"warning: serving on {host}: other machines can read this store", highlight=False
        )
    _require_store(ctx)
    # Bound before the models load: a port in use is said at once, in one line.
    sock = bind(host, port)
    try:
        library = open_library(ctx, options)
        app = create_app(library, token=token, compute=not no_compute)
        if not no_compute:
            # Load the models now: the first story opened would otherwise wait for them.
            Console(stderr=True).print("Loading the models…", highlight=False)
            library.engine.warm_up()
    except BaseException:
        sock.close()
        raise
    port = sock.getsockname()[1]  # the one chosen, for --port 0
    url_host = f"[{host}]" if ":" in host else host
    Console(stderr=True).print(f"Serving {library.store.path} on http://{url_host}:{port}/",
                               highlight=False)
    run(app, sock)


def _require_store(ctx: click.Context) -> None:
    """Refuse a store that does not exist yet: serving would create an empty one."""
    from .store import default_db_path, is_postgres_url

    db = ctx.obj.get("db") or default_db_path()
    if is_postgres_url(db):  # a server database: opening it says if it cannot be reached
        return
    path = Path(db)
    if not path.is_file():
        raise ConfigError(
            f"no store at {path}; give the store to serve with --db, or create it first "
            f"with: newsweave --db {path} ingest FILES"
        )


def _error_line(exc: NewsweaveError) -> None:
    """``error: <message>`` on stderr; the message may quote an input, so no controls."""
    click.echo(f"error: {visible(str(exc))}", err=True)


def main(argv: list[str] | None = None) -> None:
    """Entry point: the one place errors become messages and exit codes."""
    try:
        # standalone_mode=False: click returns the exit code rather than raising it.
        code = cli.main(args=argv, prog_name="newsweave", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        shown = io.StringIO()
        exc.show(file=shown)
        click.echo(visible(shown.getvalue()), err=True, nl=False)
        sys.exit(EXIT_USAGE)
    except click.exceptions.Abort:
        sys.exit(130)
    except (ConfigError, QueryError) as exc:
        # A query or filter the store cannot run is the caller's to fix, like a bad option.
        _error_line(exc)
        sys.exit(EXIT_USAGE)
    except ModelError as exc:
        _error_line(exc)
        sys.exit(EXIT_MODEL)
    except NewsweaveError as exc:
        _error_line(exc)
        sys.exit(exc.exit_code)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
