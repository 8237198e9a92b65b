"""`muse view --annotate`: the annotators' pages of human evaluation studies (muse_core/studies.py).

Each annotator opens a private link `/a/<token>` and sees only their own tasks: *write* (a context,
write the next turn) and *compare* (two sides named A and B, a choice per aspect, a comment). No
page says which side is muse's, and none of the dataset's pages are served in this mode: photos
only for the products an annotator's items show, through their link.

Least privilege: the file is opened for writing (DuckDB has no per-table rights), with DuckDB's
file and network access off and its configuration locked, and the app writes only through
`studies.save_response` / `studies.save_judgment`, which insert into study_responses and
study_judgments. Every POST carries a per-page token (an HMAC of the annotator and the task under
a secret of this process), a foreign Origin is refused, and a task is saved once: a replay is a
409 that changes nothing."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import duckdb
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from muse_core import studies
from muse_core.store import Store, StoreError
from muse_core.viewer import SECURITY_HEADERS, _environment, raster_response

MAX_FORM_BYTES = 64_000


def _lock_down(store: Store) -> None:
    """No COPY, ATTACH, file or network functions on this connection, and no SET to undo that."""
    store.con.execute("SET enable_external_access = false")
    store.con.execute("SET lock_configuration = true")


async def _form(request: Request) -> dict[str, str]:
    """A urlencoded form's fields (the last value of each); 4xx for anything else. The body is read
    only up to MAX_FORM_BYTES, so a huge one costs no memory."""
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        raise HTTPException(415, "send the form as application/x-www-form-urlencoded")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise HTTPException(413, "the form is too large")
    try:
        fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except UnicodeDecodeError:
        raise HTTPException(400, "the form is not UTF-8") from None
    return {name: values[-1] for name, values in fields.items()}


def create_annotate_app(db_path: str | Path, allowed_hosts: tuple[str, ...] | None = None) -> FastAPI:
    """The annotation app over one database, opened for writing once (StoreError if it is missing
    or another process holds it). `allowed_hosts` as for the viewer."""
    if not Path(db_path).exists():
        raise StoreError(f"no database at {db_path}: run `muse run --offline` and `muse study create` first")
    store = Store(db_path)
    _lock_down(store)
    env = _environment()
    secret = secrets.token_bytes(32)  # page tokens die with the process: a restart asks for a reload
    lock = threading.Lock()  # one connection, written from FastAPI's worker threads: one at a time

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        store.close()

    app = FastAPI(title="annotation", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.store = store
    if allowed_hosts is not None:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts))

    def render(name: str, status: int = 200, **context: Any) -> HTMLResponse:
        return HTMLResponse(env.get_template(name).render(**context), status_code=status, headers=SECURITY_HEADERS)

    def page_token(annotator_id: str, task_id: str) -> str:
        return hmac.new(secret, f"{annotator_id}\x1f{task_id}".encode(), hashlib.sha256).hexdigest()

    def annotator(token: str) -> dict[str, Any]:
        found = studies.annotator_for(store.con, token)
        if found is None:
            raise HTTPException(404, "this link is not an annotation link; ask for yours")
        return found

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> HTMLResponse:
        return render("annotate_error.html", status=exc.status_code, status_code=exc.status_code,
                      detail=str(exc.detail))

    @app.exception_handler(studies.StudyError)
    async def study_error(_: Request, exc: studies.StudyError) -> HTMLResponse:
        return render("annotate_error.html", status=exc.status, status_code=exc.status, detail=str(exc))

    @app.exception_handler(duckdb.Error)
    async def database_error(_: Request, exc: duckdb.Error) -> HTMLResponse:
        return render("annotate_error.html", status=500, status_code=500,
                      detail=f"the database could not be used: {type(exc).__name__}")

    @app.get("/healthz")
    def healthz() -> PlainTextResponse:
        with lock:
            store.con.execute("SELECT 1").fetchone()
        return PlainTextResponse("ok")

    @app.get("/", response_class=HTMLResponse)
    def home() -> HTMLResponse:
        return render("annotate_error.html", status_code=200, detail="Open the private link you were given.")

    @app.get("/a/{token}", response_class=HTMLResponse)
    def assignments(token: str) -> HTMLResponse:
        with lock:
            who = annotator(token)
            tasks = studies.queue(store.con, who["annotator_id"])
        return render("annotate_queue.html", token=token, who=who, tasks=tasks, following=studies.next_open(tasks),
                      done=sum(t["done"] for t in tasks))

    @app.get("/a/{token}/task/{task_id}", response_class=HTMLResponse)
    def task_page(token: str, task_id: str) -> HTMLResponse:
        with lock:
            who = annotator(token)
            view = studies.task_view(store.con, who["annotator_id"], task_id)
            tasks = studies.queue(store.con, who["annotator_id"])
        return render("annotate_task.html", token=token, who=who, view=view, csrf=page_token(who["annotator_id"], task_id),
                      number=view["task"]["position"] + 1, total=len(tasks))

    @app.post("/a/{token}/task/{task_id}")
    async def save(token: str, task_id: str, request: Request) -> Response:
        origin = request.headers.get("origin")
        if origin and origin != "null" and urlsplit(origin).netloc != request.headers.get("host"):
            raise HTTPException(403, "a form from another site cannot save answers here")
        fields = await _form(request)
        with lock:
            who = annotator(token)
            if not hmac.compare_digest(fields.get("csrf", ""), page_token(who["annotator_id"], task_id)):
                raise HTTPException(403, "this form is out of date: reload the task and answer again")
            task = studies.find_task(store.con, who["annotator_id"], task_id)
            try:
                if task["task"] == "write":
                    studies.save_response(store, who["annotator_id"], task_id,
                                          studies.WrittenTurn(text=fields.get("response", "")))
                else:
                    choices = {a: fields.get(a, "") for a in who["aspects"]}
                    studies.save_judgment(store, who["annotator_id"], task_id,
                                          studies.Judgment(choices=choices, comment=fields.get("comment", "")))
            except ValidationError as exc:
                problem = exc.errors()[0]
                raise HTTPException(422, f"{'.'.join(map(str, problem['loc']))}: {problem['msg']}") from None
            following = studies.next_open(studies.queue(store.con, who["annotator_id"]))
        target = f"/a/{token}/task/{following}" if following else f"/a/{token}"
        return RedirectResponse(target, status_code=303, headers=SECURITY_HEADERS)

    @app.get("/a/{token}/image/{product_id:path}")
    def image(token: str, product_id: str) -> Response:
        """Only the photos this annotator's items show, as they were when each conversation was made."""
        with lock:
            who = annotator(token)
            return raster_response(*studies.photo(store.con, who["annotator_id"], product_id), product_id)

    return app
