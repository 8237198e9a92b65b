"""`muse view`: a local, read-only browser viewer of a muse database.

Server-rendered HTML only (no JavaScript, no external resources). Everything shown comes from
the database and is untrusted: product listings and generated text go through Jinja with
autoescape on, and nothing from the data is ever marked safe.
"""

from __future__ import annotations

import ipaddress
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import duckdb
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from jinja2 import Environment, PackageLoader, StrictUndefined
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from muse_core.store import Store

PAGE_SIZE = 50
MAX_PAGE = 1_000_000  # beyond any dataset, and small enough that its SQL OFFSET cannot overflow
# Host headers a loopback-only viewer answers: any other name may be a DNS-rebinding page in the
# user's browser reaching the viewer through a hostile domain.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
SNIPPET_CHARS = 140
# package data of muse_core (muse_core/viewer_templates/*.html), found through importlib by Jinja's
# PackageLoader wherever muse is installed (wheel or editable checkout)
TEMPLATES = ("muse_core", "viewer_templates")
# Image BLOBs are served with their stored mime type; anything else could be HTML or SVG with
# script in it, served from our own origin, so only raster types are let through.
IMAGE_MIMES = {"image/png", "image/jpeg", "image/gif", "image/webp"}
# Defence in depth beside escaping: the pages need no script, no remote resource, no frames.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; "
                               "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
INJECTED_CHOICES = ("", "injected", "organic")
REVIEW_CHOICES = ("", "kept", "dropped", "unreviewed")
OPEN_CHOICES = ("", "text", "multimodal")


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _environment() -> Environment:
    # autoescape=True for every template, whatever its extension: data is never trusted.
    env = Environment(loader=PackageLoader(*TEMPLATES), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["money"] = lambda v: "—" if v is None else f"${v:.4f}"
    env.filters["score"] = lambda v: "—" if v is None else f"{v:.2f}"
    return env


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _snippet(text: str | None, limit: int = SNIPPET_CHARS) -> str:
    if not text:
        return ""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class ListFilters:
    """The list page's filters, validated; empty strings mean "any"."""

    domain: str = ""
    open_type: str = ""
    action: str = ""
    injected: str = ""
    review: str = ""
    min_score: float | None = None
    page: int = 1

    @classmethod
    def parse(cls, query: dict[str, str]) -> ListFilters:
        def choice(name: str, allowed: tuple[str, ...]) -> str:
            value = query.get(name, "")
            if value not in allowed:
                raise HTTPException(400, f"{name} must be one of {', '.join(a or '(empty)' for a in allowed)}")
            return value

        raw_score = query.get("min_score", "").strip()
        try:
            min_score = float(raw_score) if raw_score else None
            page = int(query.get("page", "1") or "1")
        except ValueError:
            raise HTTPException(400, "min_score must be a number and page a whole number") from None
        if not 1 <= page <= MAX_PAGE:
            raise HTTPException(400, f"page must be between 1 and {MAX_PAGE}")
        return cls(domain=query.get("domain", ""), open_type=choice("open_type", OPEN_CHOICES),
                   action=query.get("action", ""), injected=choice("injected", INJECTED_CHOICES),
                   review=choice("review", REVIEW_CHOICES), min_score=min_score, page=page)

    def where(self) -> tuple[str, list[Any]]:
        """SQL conditions on the list query's aliases (c, p, r), always with bound parameters."""
        clauses, params = ["TRUE"], []
        if self.domain:
            clauses.append("p.domain = ?")
            params.append(self.domain)
        if self.open_type:
            clauses.append("c.open_type = ?")
            params.append(self.open_type)
        if self.action:
            clauses.append("EXISTS (SELECT 1 FROM turns t WHERE t.conversation_id = c.conversation_id"
                           " AND t.action = ?)")
            params.append(self.action)
        if self.injected:
            clauses.append("c.target_injected = ?")
            params.append(self.injected == "injected")
        if self.review == "kept":
            clauses.append("r.kept")
        elif self.review == "dropped":
            clauses.append("NOT r.kept")
        elif self.review == "unreviewed":
            clauses.append("r.conversation_id IS NULL")
        if self.min_score is not None:
            clauses.append("r.total >= ?")
            params.append(self.min_score)
        return " AND ".join(clauses), params

    def query_string(self, **changes: Any) -> str:
        """The filters as a URL query (empty ones left out), e.g. for the next page's link."""
        values = {"domain": self.domain, "open_type": self.open_type, "action": self.action,
                  "injected": self.injected, "review": self.review,
                  "min_score": "" if self.min_score is None else f"{self.min_score:g}", "page": self.page}
        values.update(changes)
        return urlencode({k: v for k, v in values.items() if v not in ("", None, 1)})


LIST_SQL = """
WITH first_user AS (
    SELECT conversation_id, arg_min(text, idx) AS text FROM turns WHERE role = 'user' GROUP BY conversation_id
)
SELECT c.conversation_id, c.open_type, c.rounds, c.target_injected, c.target_product_id,
       p.title AS target_title, p.domain, r.total AS review_total, r.kept, f.text AS first_user
FROM conversations c
LEFT JOIN products p ON p.product_id = c.target_product_id
LEFT JOIN reviews r USING (conversation_id)
LEFT JOIN first_user f USING (conversation_id)
WHERE {where}
ORDER BY c.conversation_set, c.k, c.conversation_id
LIMIT ? OFFSET ?
"""

COUNT_SQL = """
SELECT count(*) FROM conversations c
LEFT JOIN products p ON p.product_id = c.target_product_id
LEFT JOIN reviews r USING (conversation_id)
WHERE {where}
"""


def _list_context(con: duckdb.DuckDBPyConnection, filters: ListFilters) -> dict[str, Any]:
    where, params = filters.where()
    total = con.execute(COUNT_SQL.format(where=where), params).fetchone()[0]
    rows = _rows(con, LIST_SQL.format(where=where), [*params, PAGE_SIZE, (filters.page - 1) * PAGE_SIZE])
    for row in rows:
        row["first_user"] = _snippet(row["first_user"])
    pages = max(1, -(-total // PAGE_SIZE))
    return {
        "filters": filters, "rows": rows, "total": total, "pages": pages,
        "prev_qs": filters.query_string(page=filters.page - 1) if filters.page > 1 else None,
        "next_qs": filters.query_string(page=filters.page + 1) if filters.page < pages else None,
        "domains": [r[0] for r in con.execute(
            "SELECT DISTINCT p.domain FROM conversations c JOIN products p ON p.product_id = c.target_product_id"
            " ORDER BY 1").fetchall()],
        "actions": [r[0] for r in con.execute("SELECT DISTINCT action FROM turns ORDER BY 1").fetchall()],
        "open_choices": OPEN_CHOICES[1:], "injected_choices": INJECTED_CHOICES[1:],
        "review_choices": REVIEW_CHOICES[1:],
    }


def _products(con: duckdb.DuckDBPyConnection, ids: set[str]) -> dict[str, dict[str, Any]]:
    """Products by id with whether a photo is stored (so no <img> points at a missing one)."""
    if not ids:
        return {}
    rows = _rows(con, "SELECT p.product_id, p.title, p.price, p.store, p.domain, p.categories,"
                      " EXISTS (SELECT 1 FROM product_images i WHERE i.product_id = p.product_id) AS has_image"
                      " FROM products p WHERE list_contains(?, p.product_id)", [sorted(ids)])
    return {r["product_id"]: r for r in rows}


def _conversation_context(con: duckdb.DuckDBPyConnection, cid: str) -> dict[str, Any]:
    found = _rows(con, "SELECT * FROM conversations WHERE conversation_id = ?", [cid])
    if not found:
        raise HTTPException(404, f"no conversation {cid!r}")
    conv = found[0]
    turns = _rows(con, "SELECT * FROM turns WHERE conversation_id = ? ORDER BY idx", [cid])
    rounds = _rows(con, "SELECT * FROM querier_rounds WHERE conversation_id = ? ORDER BY round", [cid])
    rewrites = _rows(con, "SELECT w.*, t.original_text, t.text AS dataset_text, t.role, t.action"
                          " FROM rewrites w JOIN turns t USING (conversation_id, idx)"
                          " WHERE w.conversation_id = ? ORDER BY w.idx", [cid])
    review = next(iter(_rows(con, "SELECT * FROM reviews WHERE conversation_id = ?", [cid])), None)
    outfit = next(iter(_rows(con, "SELECT * FROM outfit_attempts WHERE conversation_id = ?", [cid])), None)
    profile = next(iter(_rows(
        con, "SELECT pr.*, u.name, u.gender, u.age, u.profession, s.reason AS scenario_reason, s.text AS scenario"
             " FROM profiles pr LEFT JOIN users u USING (user_id) LEFT JOIN scenarios s USING (scenario_id)"
             " WHERE pr.profile_id = ?", [conv["profile_id"]])), None)
    # Gateway entity ids of a conversation's calls are the id itself (review) or "<id>/..."
    # (greet, r1, t3, outfit, judge0, ...); a prefix match alone would mix "-1" with "-10".
    costs = _rows(con, "SELECT skill, role, model, host, engine, count(*) AS calls,"
                       " count(*) FILTER (WHERE status = 'ok') AS ok,"
                       " coalesce(sum(prompt_tokens), 0) AS prompt_tokens,"
                       " coalesce(sum(completion_tokens), 0) AS completion_tokens,"
                       " coalesce(sum(cost_usd), 0) AS cost_usd"
                       " FROM llm_calls JOIN call_origins USING (call_id) WHERE entity_id = ? OR starts_with(entity_id, ?)"
                       " GROUP BY ALL ORDER BY skill, role", [cid, cid + "/"])
    profile_cost = con.execute("SELECT count(*), coalesce(sum(cost_usd), 0) FROM llm_calls WHERE entity_id = ?",
                               [conv["profile_id"]]).fetchone()

    ids = {conv["target_product_id"]}
    for optional in (conv["outfit_product_id"], outfit and outfit["outfit_product_id"]):
        if optional:
            ids.add(optional)
    for turn in turns:
        ids.update(turn["product_ids"], turn["image_product_ids"])
    for rnd in rounds:
        ids.update(c["product_id"] for c in rnd["candidates"])
        ids.update(rnd["dropped"])
        ids.add(rnd["chosen_product_id"])
        if rnd["reranked_product_id"]:
            ids.add(rnd["reranked_product_id"])
    return {
        "conv": conv, "turns": turns, "rounds": rounds, "rewrites": rewrites, "review": review, "outfit": outfit,
        "profile": profile, "costs": costs, "products": _products(con, ids),
        "cost_total": sum(c["cost_usd"] for c in costs), "calls_total": sum(c["calls"] for c in costs),
        "profile_calls": profile_cost[0], "profile_cost": profile_cost[1],
    }


def create_app(db_path: str | Path, allowed_hosts: tuple[str, ...] | None = None) -> FastAPI:
    """The viewer app over one database, opened read-only once (StoreError if it is missing).
    `allowed_hosts`: the Host names it answers (None: any), checked before anything else.

    One read-only connection for the app's life: opening a Store loads two extensions (~0.2 s),
    too slow per request with a page of photos. Each request takes its own cursor, because a
    DuckDB connection must not be shared between the threads FastAPI runs handlers on. While the
    viewer runs it holds the file open, so a writing muse command must wait until it stops.
    """
    store = Store(db_path, read_only=True)
    env = _environment()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        store.close()

    app = FastAPI(title="muse view", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.store = store
    if allowed_hosts is not None:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts))

    def render(name: str, status: int = 200, **context: Any) -> HTMLResponse:
        html = env.get_template(name).render(db=str(store.path), **context)
        return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)

    @app.exception_handler(StarletteHTTPException)  # also unknown routes, which Starlette raises
    async def http_error(_: Request, exc: StarletteHTTPException) -> HTMLResponse:
        return render("error.html", status=exc.status_code, status_code=exc.status_code, detail=str(exc.detail))

    @app.exception_handler(duckdb.Error)  # a damaged file, or one changed under the viewer: a page, not a trace
    async def database_error(_: Request, exc: duckdb.Error) -> HTMLResponse:
        return render("error.html", status=500, status_code=500,
                      detail=f"the database could not be read: {type(exc).__name__}: {str(exc).splitlines()[0]}")

    @app.get("/healthz")
    def healthz() -> PlainTextResponse:
        with store.con.cursor() as con:
            con.execute("SELECT 1").fetchone()
        return PlainTextResponse("ok")

    @app.get("/", response_class=HTMLResponse)
    def conversation_list(request: Request) -> HTMLResponse:
        filters = ListFilters.parse(dict(request.query_params))
        with store.con.cursor() as con:
            context = _list_context(con, filters)
        return render("list.html", **context)

    @app.get("/conversation/{cid:path}", response_class=HTMLResponse)
    def conversation(cid: str) -> HTMLResponse:
        with store.con.cursor() as con:
            context = _conversation_context(con, cid)
        return render("conversation.html", **context)

    @app.get("/image/{product_id:path}")
    def image(product_id: str) -> Response:
        with store.con.cursor() as con:
            return image_response(con, product_id)

    return app


def image_response(con: duckdb.DuckDBPyConnection, product_id: str) -> Response:
    """A product's stored photo (variant MAIN first) with its stored mime type, raster types only."""
    row = con.execute("SELECT image, mime FROM product_images WHERE product_id = ?"
                      " ORDER BY variant <> 'MAIN', variant LIMIT 1", [product_id]).fetchone()
    if row is None:
        raise HTTPException(404, f"no image stored for product {product_id!r}")
    return raster_response(*row, product_id)


def raster_response(blob: bytes, mime: str, product_id: str) -> Response:
    """A stored photo served with its stored mime type, raster types only (IMAGE_MIMES)."""
    if mime not in IMAGE_MIMES:
        raise HTTPException(415, f"stored image of {product_id!r} has type {mime!r}, not a raster image")
    return Response(bytes(blob), media_type=mime,
                    headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "private, max-age=3600"})


def serve(db_path: str | Path, host: str = "127.0.0.1", port: int = 8700, *, allow_remote: bool = False,
          annotate: bool = False) -> None:
    """Run the viewer with uvicorn until interrupted. Loopback only unless `allow_remote`: the
    pages show the whole dataset and have no login. `annotate`: serve the annotators' pages of
    human evaluation studies instead (muse_core/study_viewer.py), which write study tables only.
    Raises ValueError for a refused host and StoreError for a missing or locked database, before
    anything listens."""
    import uvicorn

    if not allow_remote and not is_loopback(host):
        raise ValueError(f"refusing to listen on {host}: the viewer binds loopback only (127.0.0.1, ::1, localhost)"
                         " unless remote access is allowed explicitly (muse view --allow-remote)")
    # the loopback address it was told to bind (127.0.0.2 too) is a name it answers
    hosts = None if allow_remote else (*LOOPBACK_HOSTS, host, f"[{host}]")
    if annotate:
        from muse_core.study_viewer import create_annotate_app

        app = create_annotate_app(db_path, allowed_hosts=hosts)
    else:
        app = create_app(db_path, allowed_hosts=hosts)
    shown = f"[{host}]" if ":" in host else host
    # uvicorn's own startup lines are silenced below; this is the one line a user needs.
    mode = "annotation pages (open the private links muse study create printed)" if annotate else "muse view"
    print(f"{mode} of {Path(db_path).resolve()} on http://{shown}:{port}/ (Ctrl-C to stop)", file=sys.stderr)
    uvicorn.run(app, host=host, port=port, log_level="warning")
