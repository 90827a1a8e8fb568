"""The web app: reader pages and a JSON API, thin over one ``Library``.

Pages (server-rendered, readable without JavaScript; ``static/app.js`` only adds the
citation preview):

- ``/``: the stories, newest and most covered first; full-text search, a date filter and
  an outlet filter;
- ``/stories/{id}``: the cited brief, who covered it (outlets by owner, country and lean),
  the claim matrix, the conflicts side by side, what each outlet alone reports, the
  coverage timeline, the people and organisations;
- ``/outlets``, ``/outlets/{id}``: the outlets, what the registry says of each, its stories;
- ``/articles/{id}``: a report's text with its claims marked and linked to their groups;
- ``/docs``: the API's OpenAPI description as a page (no CDN), ``/openapi.json``.

The API lives under ``/api``; the ingest endpoint exists only when a token is configured.

Safety: everything a report carries (text, title, outlet, URL) is hostile. Templates
autoescape and never mark a value safe; report URLs become links only when http(s); every
response carries a strict Content-Security-Policy (no inline script or style), nosniff,
no referrer and no framing; request bodies are capped. Errors from anywhere become one JSON
shape under ``/api`` and an error page elsewhere, in one place (``_error_response``).
"""

from __future__ import annotations

import hmac
import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import asynccontextmanager
from functools import lru_cache
from http import HTTPStatus
from os import PathLike
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import jinja2
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..config import Options
from ..errors import BadRequest, Forbidden, NewsweaveError, NotFound
from ..library import Library
from ..render._common import css_token
from ..store import Store, open_store
from . import views

log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

HERE = Path(__file__).parent

#: Sent with every response. No inline script or style anywhere, so none is allowed.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
]
#: Largest request body accepted anywhere but the ingest endpoint (the reading pages and
#: API take none; this leaves room for a small form or JSON query).
MAX_BODY_BYTES = 64 * 1024
#: Largest ingest request body: a batch of a few hundred full-length reports.
MAX_INGEST_BYTES = 8 * 1024 * 1024
#: Seconds one store read may take before it is stopped and the request gets
#: a 503 (a costly search must not hold a worker for long).
READ_TIMEOUT_S = 10.0
#: Most reports in one ingest request, and the longest report text accepted (characters).
MAX_INGEST_ARTICLES = 500
MAX_TEXT_CHARS = 1_000_000
#: Stories per page on ``/``, and the most the API lists at once.
PAGE_SIZE = 50
MAX_API_PAGE = 200
#: Search hits shown on the stories page next to the matching stories.
PAGE_HITS = 10
#: Seconds a page waits for a story's first comparison before it answers with a
#: "Comparing N reports…" notice that reloads itself: past a second a reader should see
#: that something is happening (a story of dozens of reports takes seconds on 2 cores).
COMPARE_WAIT_S = 1.0
#: Seconds between the reloads of a page waiting for its story's comparison.
COMPARING_REFRESH_S = 2
INGEST_PATH = "/api/articles"


# --- the API's records ---------------------------------------------------------------------------


class ErrorBody(BaseModel):
    status: int = Field(description="The HTTP status, repeated.")
    code: str = Field(description="newsweave's error code, like E040.")
    type: str = Field(description="The error's kind: NotFound, BadRequest, Forbidden, ...")
    message: str = Field(description="What happened and what to do.")


class ErrorOut(BaseModel):
    """Every error the API answers, whatever the status."""

    error: ErrorBody


class StoryOut(BaseModel):
    id: str = Field(description="The story's id.")
    title: str | None = Field(description="A title from its reports; null when none has one.")
    reports: int = Field(description="Reports in the story.")
    independent_sources: int = Field(
        description="Independent sources: owners where the outlet registry knows them, "
                    "else outlets, else reports; a reprint counts as its original.")
    outlets: list[str] = Field(description="The names of its outlets (reports of no known "
                                           "outlet are not named).")
    first_published: str | None = Field(
        description="Day of the earliest dated report; null when no report has a date.")
    last_published: str | None = Field(
        description="Day of the latest dated report; null when no report has a date.")
    updated_at: str = Field(description="When the story last changed (a report joined or left it).")
    article_ids: list[str] = Field(description="Its reports' ids.")
    compared: bool = Field(description="Whether a current comparison is cached.")
    claims: int | None = Field(description="Claim groups; null until compared.")
    conflicts: int | None = Field(
        description="Disagreements between the reports (one per conflict); null until compared.")


class CoverageSlice(BaseModel):
    value: str | None = Field(
        description="An owner, country or lean as the outlet registry gives it; null for "
                    "the outlets the registry says nothing of (and reports of no known "
                    "outlet, each counted as an outlet of its own).")
    outlets: int = Field(description="Outlets of the story with this value.")
    reports: int = Field(description="The story's reports from those outlets.")


class CoverageOut(BaseModel):
    """Who covered a story, by the outlet registry (`newsweave outlets add FILE`)."""

    outlets: int = Field(description="Outlets of the story (a report of no known outlet "
                                     "counts as one of its own).")
    owners: list[CoverageSlice] = Field(description="The outlets by owner, most first; "
                                                    "unknown (value null) last.")
    countries: list[CoverageSlice] = Field(description="The outlets by country, most "
                                                       "first; unknown last.")
    leans: list[CoverageSlice] = Field(description="The outlets by lean, most first; "
                                                   "unknown last.")
    only_lean: str | None = Field(
        description="The one lean of every outlet whose lean is known, when at least one "
                    "is known and they all agree; else null.")
    only_country: str | None = Field(
        description="The one country of every outlet whose country is known, when at "
                    "least one is known and they all agree; else null.")


class StoryDetailOut(StoryOut):
    coverage: CoverageOut = Field(description="Who covered the story: outlets by owner, "
                                              "country and lean.")


class OutletOut(BaseModel):
    id: str = Field(description="The registered domain (latimes.com), else a key of the "
                                "name (la-times).")
    name: str = Field(description="The name shown for the outlet.")
    owner: str | None = Field(description="Its owner, as the registry gives it; null when "
                                          "unknown.")
    country: str | None = Field(description="Its country, as the registry gives it.")
    lean: str | None = Field(description="Its lean, as the registry rates it.")
    aliases: list[str] = Field(description="Other spellings of its name (registry).")
    registered: bool = Field(description="Whether the outlet registry has a row for it.")
    reports: int = Field(description="Stored reports of this outlet.")
    stories: int = Field(description="Stories with a report of this outlet.")


class OutletsOut(BaseModel):
    outlets: list[OutletOut] = Field(description="Every outlet the registry or a stored "
                                                 "report names, most reports first.")
    unknown_reports: int = Field(description="Stored reports of no known outlet.")


#: What ``as_words`` says in the API's answers.
AS_WORDS = ("True when the query was not a valid FTS5 query and was searched as plain "
            "words (each word as written) instead.")


class StoriesOut(BaseModel):
    stories: list[StoryOut]
    total: int = Field(description="Stories matching the filters, over all pages.")
    limit: int
    offset: int
    as_words: bool = Field(False, description=AS_WORDS)


class ArticleOut(BaseModel):
    id: str
    url: str | None
    path: str | None
    outlet: str | None
    title: str | None
    dateline: str | None
    published: str | None = Field(description="As the report gave it; null when undated.")
    author: str | None
    story_id: str | None
    copy_of: str | None = Field(description="The report this one copies, if any.")
    copies: list[str] = Field(description="Reports that copy this one.")
    text: str | None = Field(description="The text every offset indexes (with_text=true).")


class HitOut(BaseModel):
    article_id: str
    story_id: str | None
    title: str | None
    outlet: str | None
    snippet: str = Field(description="Matched words between [ and ].")
    rank: float = Field(description="bm25: lower is better.")


class SearchOut(BaseModel):
    hits: list[HitOut]
    as_words: bool = Field(False, description=AS_WORDS)


class ArticleIn(BaseModel):
    """One report, in the JSONL record form of ``newsweave ingest``."""

    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)
    title: str | None = Field(default=None, max_length=2000)
    outlet: str | None = Field(default=None, max_length=500)
    url: str | None = Field(default=None, max_length=4000)
    published: str | None = Field(default=None, max_length=64,
                                  description="YYYY-MM-DD or an ISO datetime.")
    author: str | None = Field(default=None, max_length=500)


class IngestIn(BaseModel):
    articles: list[ArticleIn] = Field(min_length=1, max_length=MAX_INGEST_ARTICLES)


class IngestOut(BaseModel):
    added: list[str]
    existing: list[str]
    failures: list[dict[str, str]]
    copies: dict[str, str]
    new_stories: list[str]
    updated_stories: list[str]
    moved: dict[str, str] = Field(
        default_factory=dict, description="Reports stored before that moved: id -> story."
    )
    merged: dict[str, str] = Field(
        default_factory=dict, description="Stories that ended -> the story they lead to."
    )


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "A bad parameter."},
    404: {"model": ErrorOut, "description": "No such story, report or outlet."},
}


# --- the app ---------------------------------------------------------------------------------


class _NewsweaveApp(FastAPI):
    """FastAPI with newsweave's outermost layers: the security headers and the body limit
    wrap everything, Starlette's own error responses included."""

    max_body: int = MAX_BODY_BYTES
    max_ingest: int = MAX_INGEST_BYTES
    ingest_token: bytes | None = None

    def build_middleware_stack(self) -> ASGIApp:
        inner = super().build_middleware_stack()
        limited = BodyLimit(inner, self.max_body, {INGEST_PATH: self.max_ingest})
        gated = IngestGate(limited, self.ingest_token)
        return SecurityHeaders(HeadAsGet(gated))


def create_app(
    source: Library | str | PathLike[str],
    *,
    token: str | None = None,
    options: Options | None = None,
    compute: bool = True,
    max_body_bytes: int = MAX_BODY_BYTES,
    max_ingest_bytes: int = MAX_INGEST_BYTES,
    read_timeout: float | None = READ_TIMEOUT_S,
    compare_wait: float = COMPARE_WAIT_S,
) -> FastAPI:
    """The web app over a store.

    Args:
        source: a ``Library``, or the path (or postgresql:// URL) of a store to open (closed
            when the app stops).
        token: when given, ``POST /api/articles`` ingests reports for requests that send
            ``Authorization: Bearer TOKEN``; without it that endpoint does not exist.
        options: the engine's options when ``source`` is a path (models load on the first
            comparison, not here).
        compute: compare a story when its page is asked for and no current comparison is
            cached (seconds); false: show what the store has and say it is not compared yet.
        compare_wait: seconds a page waits for a story's first comparison; past them it
            says "Comparing N reports…" and reloads itself until the comparison is done
            (the API's comparison endpoint always waits for it).
        max_body_bytes: largest request body accepted, but for ingest.
        max_ingest_bytes: largest ingest request body.
        read_timeout: seconds a store read may run before it is stopped (503); set on the
            store the app reads (``Store.read_timeout``); None: no limit.

    Raises:
        ConfigError: an empty token.
        StoreError: the store cannot be opened.
    """
    from ..errors import ConfigError

    if token is not None and not token.strip():
        raise ConfigError("the API token is empty; give a long random string, or no token")
    owned: Store | None = None
    if isinstance(source, Library):
        library = source
    else:
        from ..engine import Engine

        owned = open_store(source)
        library = Library(owned, Engine.shared(options or Options()))
    library.store.read_timeout = read_timeout

    comparisons = Comparisons(library)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):  # noqa: ANN202
        yield
        comparisons.close()
        if owned is not None:
            owned.close()

    app = _NewsweaveApp(
        title="newsweave",
        version=__version__,
        summary="Read the news across sources: stories, their claims and where outlets differ.",
        description=(
            "The stories of a newsweave store and their comparisons. A comparison follows the "
            "JSON contract of `newsweave story ID --format json`; its JSON Schema is at "
            "`/api/schema/comparison.json`. Errors always have the shape of `ErrorOut`."
        ),
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.max_body = max_body_bytes
    app.max_ingest = max_ingest_bytes
    app.ingest_token = token.encode("utf-8") if token is not None else None
    app.state.library = library
    app.state.compute = compute
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    _install_error_handlers(app)
    _add_pages(app, library, comparisons if compute else None, compare_wait)
    _add_api(app, library, compute=compute, token=token)
    return app


# --- errors: the one place they become responses ---------------------------------------------


def _error_response(request: Request, status: int, code: str, kind: str, message: str) -> Response:
    if request.url.path.startswith("/api") or request.url.path == "/openapi.json":
        body = {"error": {"status": status, "code": code, "type": kind, "message": message}}
        return JSONResponse(body, status_code=status)
    phrase = HTTPStatus(status).phrase if status in _HTTP_STATUSES else kind
    html = _render("error.html.j2", status=status, code=code, kind=kind, message=message,
                   phrase=phrase, title=f"{status} · {phrase}")
    return HTMLResponse(html, status_code=status)


_HTTP_STATUSES = {s.value for s in HTTPStatus}


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(NewsweaveError)
    async def newsweave_error(request: Request, exc: NewsweaveError) -> Response:
        # A reader gets the error's public message: the other one is for whoever runs
        # newsweave (it may name the store's file and the command to run), as is the
        # message of a fault on the server's side, which goes to the log.
        if exc.http_status >= 500:
            log.error("%s %s: %s", request.method, request.url.path, exc)
        if exc.public is not None:
            message = exc.public
        elif exc.http_status >= 500:
            message = "the server failed to answer; the details are in its log"
        else:
            message = str(exc.args[0]) if exc.args else str(exc)
        return _error_response(request, exc.http_status, exc.code, type(exc).__name__,
                               message)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = []
        for err in exc.errors()[:5]:
            where = " ".join(str(p) for p in err.get("loc", ()))
            problems.append(f"{where}: {err.get('msg', 'invalid')}")
        message = "; ".join(problems) + "; see /docs for what this endpoint takes"
        return _error_response(request, 400, BadRequest.code, "BadRequest", message)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return _error_response(
                request, 404, NotFound.code, "NotFound",
                f"nothing at {request.url.path}; start from / or see /docs for the API",
            )
        return _error_response(request, exc.status_code, BadRequest.code, "HTTPError",
                               str(exc.detail))

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> Response:
        log.exception("%s %s failed", request.method, request.url.path)
        return _error_response(request, 500, NewsweaveError.code, "InternalError",
                               "the server failed to answer; the details are in its log")


# --- pages -----------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,  # always: the template names end in .j2
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _render(template: str, **context: Any) -> str:
    return _env().get_template(template).render(version=__version__, **context)


def _page(template: str, **context: Any) -> HTMLResponse:
    return HTMLResponse(_render(template, **context))


def _span(value: str | None) -> tuple[int, int] | None:
    """A ``START-END`` highlight parameter; anything else is ignored (it is only a hint)."""
    if not value:
        return None
    start, _, end = value.partition("-")
    if not (start.isdigit() and end.isdigit()) or len(value) > 24:
        return None
    return int(start), int(end)


#: Rendered story pages kept in memory per app (the most recently viewed).
RENDERED_STORY_PAGES = 256


class Comparisons:
    """The stories the pages are comparing, one at a time on a worker thread.

    A page asks ``get(story_id, wait)``: the story's comparison when it is cached or
    done within ``wait`` seconds, else None while the comparison goes on (the page says
    so and reloads). A comparison that failed raises its error to the next page that
    asks for it; the one after tries again.
    """

    def __init__(self, library: Library) -> None:
        self.library = library
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsweave-compare")
        self._running: dict[str, Future[dict[str, Any] | None]] = {}
        self._lock = threading.Lock()

    def get(self, story_id: str, wait: float) -> dict[str, Any] | None:
        data = self.library.story_comparison(story_id, compute=False)
        with self._lock:
            future = self._running.get(story_id)
            if data is not None:
                if future is not None and future.done():
                    del self._running[story_id]
                return data
            if future is None:
                future = self._running[story_id] = self._pool.submit(
                    self.library.story_comparison, story_id
                )
        try:
            data = future.result(timeout=wait)
        except TimeoutError:
            return None
        except BaseException:
            self._forget(story_id, future)
            raise
        self._forget(story_id, future)
        return data

    def _forget(self, story_id: str, future: Future[dict[str, Any] | None]) -> None:
        with self._lock:
            if self._running.get(story_id) is future:
                del self._running[story_id]

    def close(self) -> None:
        """Stop: comparisons not started are dropped, the running one is left to end."""
        self._pool.shutdown(wait=False, cancel_futures=True)


def _redirect_retired(store: Store, request: Request, story_id: str, path: str) -> Response:
    """For a story id not found: a permanent redirect when it was retired into
    another story (its reports regrouped); NotFound when no story ever had it."""
    live = store.resolve_story(story_id)
    target = path.format(story_id=quote(live, safe=""))
    if request.url.query:
        target += "?" + request.url.query
    return RedirectResponse(target, status_code=308)


def _add_pages(
    app: FastAPI, library: Library, comparisons: Comparisons | None, wait: float
) -> None:
    """The reading pages; ``comparisons`` compares stories not compared yet (None: the
    pages show only comparisons already made)."""
    store = library.store

    def comparison(story_id: str) -> tuple[dict[str, Any] | None, bool]:
        """A story's comparison, and whether it is being made now (None until it is)."""
        if comparisons is None:
            return library.story_comparison(story_id, compute=False), False
        data = comparisons.get(story_id, wait)
        return data, data is None

    def listing(
        path: str, keep: dict[str, str], page: int, filters: dict[str, Any]
    ) -> dict[str, Any] | Response:
        """One page of stories for ``path`` (the home page, an outlet's page) with its
        pager links, which keep the filters (``keep``); a page past the last redirects
        (302) to the last one, with the same filters (to the first when nothing matches)."""
        stories, total = library.story_summaries(
            limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE, **filters
        )
        pages = max(1, -(-total // PAGE_SIZE))

        def link(n: int) -> str:
            params = {**keep, "page": n} if n > 1 else keep
            return path + "?" + urlencode(params) if params else path

        if page > pages:
            return RedirectResponse(link(pages), status_code=302)
        for s in stories:
            s["href"] = views.story_href(s["id"])
        return {
            "stories": stories, "total": total, "page": page, "pages": pages,
            "prev_href": link(page - 1) if page > 1 else None,
            "next_href": link(page + 1) if page < pages else None,
        }

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def stories_page(
        q: str = Query("", max_length=500),
        since: str = Query("", max_length=10),
        until: str = Query("", max_length=10),
        outlet: str = Query("", max_length=300),
        page: int = Query(1, ge=1, le=100_000),
    ) -> Response:
        """The stories, a page at a time, filtered by words, days and outlet (an outlet
        id no store report or registry row names is a 404)."""
        if outlet:
            store.outlet(outlet)  # NotFound: a 404 page
        filters = {"query": q.strip() or None, "since": since or None, "until": until or None,
                   "outlet": outlet or None}
        keep = {k: v for k, v in {"q": q.strip(), "since": since, "until": until,
                                  "outlet": outlet}.items() if v}
        listed = listing("/", keep, page, filters)
        if isinstance(listed, Response):
            return listed
        hits = []
        as_words = False
        if q.strip():
            as_words = store.search_expression(q)[1]
            for h in store.search(q, limit=PAGE_HITS, highlight=(views.HIT_OPEN, views.HIT_CLOSE)):
                hits.append({"href": views.article_href(h.article_id), "title": h.title,
                             "outlet": h.outlet, "parts": views.hit_parts(h.snippet)})
        known, _ = store.outlets()
        # Outlets with reports, and the one asked for even when it has none (registered).
        choices = [{"id": o.id, "name": o.name, "reports": o.reports}
                   for o in known if o.reports or o.id == outlet]
        return _page(
            "stories.html.j2",
            title="Stories",
            hits=hits,
            q=q,
            as_words=as_words,
            since=since,
            until=until,
            outlet=outlet,
            outlet_choices=choices,
            filtered=bool(keep),
            **listed,
        )

    @app.get("/outlets", response_class=HTMLResponse, include_in_schema=False)
    def outlets_page() -> HTMLResponse:
        """Every outlet, with what the registry says of it and its counts."""
        known, unknown = store.outlets()
        return _page(
            "outlets.html.j2",
            title="Outlets",
            outlets=[{**o.to_dict(), "href": views.outlet_href(o.id)} for o in known],
            unknown=unknown,
            registered=any(o.registered for o in known),
        )

    @app.get("/outlets/{outlet_id}", response_class=HTMLResponse, include_in_schema=False)
    def outlet_page(outlet_id: str, page: int = Query(1, ge=1, le=100_000)) -> Response:
        """One outlet: its registry facts and its stories, a page at a time."""
        record = store.outlet(outlet_id)
        listed = listing(views.outlet_href(outlet_id), {}, page, {"outlet": outlet_id})
        if isinstance(listed, Response):
            return listed
        return _page(
            "outlet.html.j2",
            title=record.name,
            outlet=record.to_dict(),
            filtered=True,
            stories_href="/?" + urlencode({"outlet": outlet_id}),
            **listed,
        )

    # Rendered story pages by (story, everything the page shows of the store):
    # rendering a large story's matrix and brief costs far more than checking.
    rendered: OrderedDict[tuple[str, str], str] = OrderedDict()
    rendered_lock = threading.Lock()

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(request: Request, story_id: str) -> Response:
        try:
            summary = library.story_summary(story_id)
        except NotFound:
            return _redirect_retired(library.store, request, story_id, "/stories/{story_id}")
        if summary["compared"]:
            with rendered_lock:
                key = (story_id, json.dumps(summary, sort_keys=True))
                html = rendered.get(key)
                if html is not None:
                    rendered.move_to_end(key)
            if html is not None:
                return HTMLResponse(html)
        data, comparing = comparison(story_id)
        if data is not None and not summary["compared"]:
            summary = library.story_summary(story_id)  # now with the comparison's counts
        key = (story_id, json.dumps(summary, sort_keys=True))
        articles = library.story_articles(story_id)
        view = views.story_view(summary, data, articles) if data is not None else None
        response = _story_response(summary, view, articles, story_id, comparing)
        if data is not None:
            with rendered_lock:
                rendered[key] = bytes(response.body).decode("utf-8")
                while len(rendered) > RENDERED_STORY_PAGES:
                    rendered.popitem(last=False)
        return response

    def _story_response(
        summary: dict[str, Any], view: dict[str, Any] | None, articles: list[Any], story_id: str,
        comparing: bool,
    ) -> HTMLResponse:
        return _page(
            "story.html.j2",
            title=summary["title"] or story_id,
            story=summary,
            view=view,
            comparing=comparing,
            refresh=COMPARING_REFRESH_S if comparing else None,
            articles=[{"href": views.article_href(a.id), "label": a.source_label,
                       "outlet_href": views.outlet_href(a.outlet_id) if a.outlet_id else None,
                       "title": a.title, "published": a.published} for a in articles],
            coverage=views.coverage_view(views.coverage(articles)),
            api_href=f"/api/stories/{story_id}/comparison",
        )

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(article_id: str, hl: str = Query("", max_length=24)) -> HTMLResponse:
        article = store.get_article(article_id)
        story_id = store.get_article_story(article_id)
        data = None
        comparing = False
        members: list = []
        if story_id:
            data, comparing = comparison(story_id)
            members = store.story_articles(story_id)
        view = views.article_view(article, story_id, data, members, _span(hl))
        original, copies = store.copy_family(article_id)
        related = store.articles([i for i in [original, *copies] if i])
        labels = {a.id: {"href": views.article_href(a.id), "label": a.source_label,
                         "title": a.title, "published": a.published} for a in related}
        return _page(
            "article.html.j2",
            title=article.title or article.source_label,
            article=article,
            view=view,
            story_href=views.story_href(story_id) if story_id else None,
            original=labels.get(original) if original else None,
            copies=[labels[c] for c in copies],
            comparing=comparing,
            refresh=COMPARING_REFRESH_S if comparing else None,
            story_reports=len(members),
        )

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def docs_page() -> HTMLResponse:
        spec = app.openapi()
        return _page("docs.html.j2", title="API", ops=_operations(spec), schemas=_schemas(spec))


def _operations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The OpenAPI paths as a flat list for the docs page."""
    out = []
    for path, methods in spec.get("paths", {}).items():
        for method, op in methods.items():
            params = [
                {
                    "name": p["name"],
                    "in": p["in"],
                    "required": p.get("required", False),
                    "type": _type_name(p.get("schema", {})),
                    "description": p.get("description") or p.get("schema", {}).get(
                        "description", ""),
                }
                for p in op.get("parameters", [])
            ]
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            responses = [
                {"status": status, "description": r.get("description", ""),
                 "type": _type_name(r.get("content", {}).get("application/json", {})
                                    .get("schema", {}))}
                for status, r in op.get("responses", {}).items()
            ]
            out.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "params": params,
                    "body": _type_name(body.get("schema", {})) if body else None,
                    "responses": responses,
                    "anchor": css_token(f"{method}-{path}"),
                }
            )
    return out


def _schemas(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The OpenAPI component schemas as a flat list for the docs page."""
    out = []
    for name, schema in sorted(spec.get("components", {}).get("schemas", {}).items()):
        required = set(schema.get("required", []))
        fields = [
            {"name": field, "required": field in required, "type": _type_name(sub),
             "description": sub.get("description", "")}
            for field, sub in schema.get("properties", {}).items()
        ]
        out.append({"name": name, "description": schema.get("description", ""),
                    "fields": fields})
    return out


def _type_name(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " | ".join(_type_name(s) for s in schema["anyOf"])
    if schema.get("type") == "array":
        return f"list of {_type_name(schema.get('items', {}))}"
    return str(schema.get("type", "object" if schema else ""))


# --- the API ---------------------------------------------------------------------------------


def _json_text(text: str) -> Response:
    return Response(text, media_type="application/json")


def _add_api(app: FastAPI, library: Library, *, compute: bool, token: str | None) -> None:
    store = library.store

    @app.get("/api/stories", response_model=StoriesOut, responses=ERRORS, tags=["stories"],
             summary="List stories")
    def api_stories(
        limit: int = Query(PAGE_SIZE, ge=1, le=MAX_API_PAGE, description="Stories per page."),
        offset: int = Query(0, ge=0, description="Stories to skip."),
        q: str | None = Query(None, max_length=500,
                              description="Only stories with a report matching this "
                                          "full-text query (SQLite FTS5; read as plain "
                                          "words when it does not parse)."),
        since: str | None = Query(None, max_length=10,
                                  description="Only stories with a report on or after this "
                                              "day (YYYY-MM-DD)."),
        until: str | None = Query(None, max_length=10,
                                  description="Only stories with a report on or before this "
                                              "day (YYYY-MM-DD)."),
        outlet: str | None = Query(None, max_length=300,
                                   description="Only stories with a report of this outlet "
                                               "(its id, as /api/outlets lists it)."),
    ) -> dict[str, Any]:
        """Stories, newest and most covered first (stories with no dated report last),
        with their counts. `claims` and `conflicts` are null for a story not compared
        since its reports changed. An undated report matches no `since` or `until`;
        `since` after `until` is a 400; an unknown `outlet` is a 404."""
        if outlet:
            store.outlet(outlet)  # NotFound
        stories, total = library.story_summaries(
            limit=limit, offset=offset, query=q, since=since, until=until, outlet=outlet or None
        )
        as_words = bool(q and q.strip()) and store.search_expression(q)[1]
        return {"stories": stories, "total": total, "limit": limit, "offset": offset,
                "as_words": as_words}

    @app.get("/api/stories/{story_id}", response_model=StoryDetailOut, responses=ERRORS,
             tags=["stories"], summary="One story")
    def api_story(request: Request, story_id: str) -> Any:
        """One story's counts, report ids and coverage (its outlets by owner, country
        and lean, from the outlet registry). A story id that was retired (its reports
        regrouped into another story) answers 308 to that story."""
        try:
            summary = library.story_summary(story_id)
            articles = library.story_articles(story_id)
        except NotFound:
            return _redirect_retired(library.store, request, story_id, "/api/stories/{story_id}")
        return {**summary, "coverage": views.coverage(articles)}

    @app.get("/api/outlets", response_model=OutletsOut, responses=ERRORS, tags=["outlets"],
             summary="List outlets")
    def api_outlets() -> dict[str, Any]:
        """Every outlet the outlet registry or a stored report names, with what the
        registry says of it (owner, country, lean) and its counts, most reports first;
        and how many reports have no known outlet. Its stories:
        `/api/stories?outlet=ID`."""
        known, unknown = store.outlets()
        return {"outlets": [o.to_dict() for o in known], "unknown_reports": unknown}

    @app.get("/api/outlets/{outlet_id}", response_model=OutletOut, responses=ERRORS,
             tags=["outlets"], summary="One outlet")
    def api_outlet(outlet_id: str) -> dict[str, Any]:
        """One outlet's record (as `/api/outlets` lists it); its stories are at
        `/api/stories?outlet=ID`. An id neither the registry nor a report names is a 404."""
        return store.outlet(outlet_id).to_dict()

    @app.get(
        "/api/stories/{story_id}/comparison",
        tags=["stories"],
        summary="A story's comparison",
        responses={
            200: {
                "description": "The comparison: the JSON contract of `newsweave story ID "
                "--format json` (schema: /api/schema/comparison.json), plus `brief[].kind`, "
                "`brief[].outlet` and `entities`.",
                "content": {"application/json": {"schema": {"type": "object"}}},
            },
            **ERRORS,
        },
    )
    def api_comparison(
        request: Request,
        story_id: str,
        with_text: bool = Query(False, description="Include each article's text."),
    ) -> Response:
        """Claims, conflicts and the cited brief of one story. Computed on first request
        (seconds) and cached in the store until the story's reports change."""
        try:
            text = library.story_comparison_json(story_id, compute=compute)
        except NotFound:
            return _redirect_retired(
                library.store, request, story_id, "/api/stories/{story_id}/comparison"
            )
        if text is None:
            raise NotFound(
                f"story {story_id!r} has not been compared yet and this server does not "
                "compare on request; run `newsweave story ID` once to compare it",
                public=f"story {story_id!r} has not been compared yet, and this server "
                "shows only comparisons made before; try again later",
            )
        if not with_text:
            return _json_text(text)
        data = json.loads(text)
        texts = {a.id: a.text for a in store.articles([a["id"] for a in data["articles"]])}
        for a in data["articles"]:
            a["text"] = texts[a["id"]]
        return JSONResponse(data)

    @app.get("/api/schema/comparison.json", tags=["stories"],
             summary="JSON Schema of a comparison")
    def api_schema() -> dict[str, Any]:
        """The packaged JSON Schema (draft 2020-12) of the comparison contract."""
        from ..render.json import schema

        return schema()

    @app.get("/api/articles/{article_id}", response_model=ArticleOut, responses=ERRORS,
             tags=["reports"], summary="One report")
    def api_article(
        article_id: str,
        with_text: bool = Query(False, description="Include the text."),
    ) -> dict[str, Any]:
        """A stored report: its metadata, story, copies and (with_text) its text."""
        a = store.get_article(article_id)
        original, copies = store.copy_family(article_id)
        return {
            "id": a.id, "url": a.url, "path": a.path, "outlet": a.outlet, "title": a.title,
            "dateline": a.dateline, "published": a.published, "author": a.author,
            "story_id": store.get_article_story(article_id), "copy_of": original,
            "copies": copies, "text": a.text if with_text else None,
        }

    @app.get("/api/search", response_model=SearchOut, responses=ERRORS, tags=["reports"],
             summary="Search reports")
    def api_search(
        q: str = Query(..., min_length=1, max_length=500,
                       description="Words (all must match) or an FTS5 query; a query "
                                   "FTS5 cannot parse is searched as plain words."),
        limit: int = Query(20, ge=1, le=100, description="Most hits."),
    ) -> dict[str, Any]:
        """Full-text search over report titles and texts, best first. `as_words` says
        when the query was not valid FTS5 and its words were searched as written."""
        hits = store.search(q, limit=limit)
        return {
            "hits": [
                {**h.to_dict(), "story_id": store.get_article_story(h.article_id)} for h in hits
            ],
            "as_words": store.search_expression(q)[1],
        }

    if token is None:
        return  # no route: a POST is refused (404) before its body is read

    @app.post(
        INGEST_PATH,
        response_model=IngestOut,
        tags=["reports"],
        summary="Add reports",
        responses={
            403: {"model": ErrorOut, "description": "No token, or the wrong one."},
            413: {"model": ErrorOut, "description": "The body is too large."},
            400: {"model": ErrorOut, "description": "A bad body."},
        },
    )
    def api_ingest(body: IngestIn) -> dict[str, Any]:
        """Analyse reports, store them and place them in stories. Requires
        `Authorization: Bearer TOKEN` (the token the server was started with)."""
        # The token was checked before the body was read (IngestGate).
        records = [a.model_dump(exclude_none=True) for a in body.articles]
        return library.ingest(records).to_dict()


# --- ASGI layers -----------------------------------------------------------------------------


class SecurityHeaders:
    """Adds the security headers to every HTTP response (and a cache policy)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope.get("path", "").startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.lower() not in _OURS]
                headers.extend(SECURITY_HEADERS)
                headers.append(
                    (b"cache-control", b"public, max-age=3600" if static else b"no-store")
                )
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


_OURS = {k for k, _ in SECURITY_HEADERS} | {b"cache-control"}


class HeadAsGet:
    """Answers HEAD as GET without the body (FastAPI routes list GET only): link
    checkers and ``curl -I`` get the page's status and headers, not a 405."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if not message.get("more_body", False):
                    await send({"type": "http.response.body", "body": b""})
                return
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)


class IngestGate:
    """Refuses an ingest request without the server's token before its body is read.

    FastAPI parses a body before any check in the endpoint runs, so the check lives
    here: a caller without the token learns nothing from how its body is parsed (403,
    never 400 or 413) and cannot make the server read megabytes first.
    """

    def __init__(self, app: ASGIApp, token: bytes | None) -> None:
        self.app = app
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            self.token is None
            or scope["type"] != "http"
            or scope.get("path") != INGEST_PATH
            or scope.get("method") != "POST"
            or _bears(scope, self.token)
        ):
            await self.app(scope, receive, send)
            return
        await _refuse(scope, send, 403, Forbidden,
                      "ingesting needs the server's token: send the header "
                      "'Authorization: Bearer TOKEN'")



def _bears(scope: Scope, token: bytes) -> bool:
    """Whether the request sends ``Authorization: Bearer <token>``."""
    given = dict(scope.get("headers", [])).get(b"authorization", b"")
    scheme, _, value = given.partition(b" ")
    return scheme.lower() == b"bearer" and hmac.compare_digest(value.strip(), token)


class BodyLimit:
    """Answers 413 to a request whose body is larger than its path allows.

    A declared ``Content-Length`` over the limit is refused before the app sees the request;
    a body sent without one (chunked) is counted as it arrives, and when it passes the limit
    the app is told the client left and the client gets the 413.
    """

    def __init__(self, app: ASGIApp, default: int, limits: dict[str, int]) -> None:
        self.app = app
        self.default = default
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limits.get(scope.get("path", ""), self.default)
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None:
            try:
                size = int(declared)
            except ValueError:
                size = limit + 1
            if size > limit:
                await _too_large(scope, send, limit)
                return
        seen = 0
        refused = False
        started = False

        async def counting_receive() -> Message:
            nonlocal seen, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    refused = True
                    if not started:
                        await _too_large(scope, send, limit)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused:
                return  # the 413 went out already
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        await self.app(scope, counting_receive, guarded_send)


async def _too_large(scope: Scope, send: Send, limit: int) -> None:
    from ..errors import TooLarge

    message = (f"the request body is larger than {limit} bytes; send less "
               f"(ingest in smaller batches)")
    await _refuse(scope, send, 413, TooLarge, message)


async def _refuse(
    scope: Scope, send: Send, status: int, error: type[NewsweaveError], message: str
) -> None:
    """Answer before the app runs, with the error shape; the connection closes after it,
    since the request's body may be left unread."""
    if scope.get("path", "").startswith("/api"):
        body = json.dumps({"error": {"status": status, "code": error.code,
                                     "type": error.__name__, "message": message}}).encode()
        ctype = b"application/json"
    else:
        body = f"{status}: {message}".encode()
        ctype = b"text/plain; charset=utf-8"
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", ctype),
                            (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


__all__ = ["CONTENT_SECURITY_POLICY", "create_app"]
