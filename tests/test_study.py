"""Human evaluation studies: sampling and assignments, the annotate pages (blind, per-annotator,
per-page tokens, saved once), refusal of bad input, the model annotator on the offline engine,
`muse study results`, the report section, and two annotators in a real headless Chromium.

The database is built once per module (8 offline profiles and conversations, about 20 s) and
copied for each study."""

from __future__ import annotations

import re
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from muse_core import studies
from muse_core.store import Store
from muse_core.study_viewer import create_annotate_app
from tests.helpers import (BackgroundApp, build_profiles_db, headless_chromium, muse_output, needs_chromium,
                           run_conversation_stages)

# words that would tell an annotator which side is which, or where a text comes from
GIVEAWAYS = ("muse", "original", "variant", "human", "model", "generated", "dataset", "simulat")


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("study") / "base.duckdb"
    build_profiles_db(db, 8)
    run_conversation_stages(db, 8)
    return db


def _copy(base: Path, tmp_path: Path) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    db = tmp_path / "muse.duckdb"
    shutil.copy(base, db)
    return db


def _create(db: Path, kind: str = "utterance-ab", n: int = 6, annotators: int = 2, seed: int = 0):
    with Store(db) as store:
        return studies.create_study(store, kind, n, annotators, seed)


def _snapshot(con) -> dict[str, tuple]:
    """Row count and a content hash of every table that is not a study table."""
    names = [f'"{schema}"."{name}"' for schema, name in con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() WHERE NOT starts_with(table_name, 'stud')"
        " ORDER BY ALL").fetchall()]
    return {name: con.execute(f"SELECT count(*), sum(hash(t::VARCHAR)) FROM {name} t").fetchone() for name in names}


def _blind(html: str) -> None:
    """Neither the page nor its markup says which side is which: the word muse appears nowhere, and
    no giveaway word appears outside the texts shown (turns, profile, product names, which come
    from the data and may say anything)."""
    assert not re.search(r"\bmuse\b", html, re.IGNORECASE)
    markup = re.sub(r'<div class="pre">.*?</div>|<strong>.*?</strong>|<p[^>]*>.*?</p>|alt="[^"]*"', "", html,
                    flags=re.DOTALL)
    assert not [word for word in GIVEAWAYS if word in markup.lower()], markup


def _study_rows(con) -> tuple:
    return tuple(con.execute(f"SELECT count(*), sum(hash(t::VARCHAR)) FROM {name} t").fetchone()
                 for name in ("study_responses", "study_judgments", "study_tasks", "study_annotators"))


# -- creating a study --------------------------------------------------------------------------------

def test_create_is_seeded_blind_and_assigns_every_item(base: Path, tmp_path: Path) -> None:
    one, two = _copy(base, tmp_path / "a"), _copy(base, tmp_path / "b")
    first = _create(one)
    _create(two)
    assert first.items == 6 and len(first.links) == 2
    with Store(one, read_only=True) as a, Store(two, read_only=True) as b:
        sample = "SELECT position, conversation_id, reply_idx FROM study_items ORDER BY position"
        assert a.rows(sample) == b.rows(sample)  # the same seed draws the same contexts and turns
        kept = {r[0] for r in a.con.execute("SELECT conversation_id FROM reviews WHERE kept").fetchall()}
        items = a.rows("SELECT * FROM study_items")
        assert {i["conversation_id"] for i in items} <= kept
        for item in items:  # the turn to write is an answer the paper asks for, after the opening
            reply = next(t for t in __import__("json").loads(item["turns"]) if t["idx"] == item["reply_idx"])
            assert reply["action"] in studies.REPLY_ACTIONS and item["reply_idx"] >= 2
        tasks = a.rows("SELECT t.*, i.writer FROM study_tasks t JOIN study_items i USING (item_id)")
        per = {}
        for t in tasks:
            per.setdefault(t["annotator_id"], []).append(t)
        assert all(len(ts) == 6 for ts in per.values())  # 3 to write, 3 to compare each
        for annotator, ts in per.items():
            assert sorted(t["task"] for t in ts) == ["compare"] * 3 + ["write"] * 3
            assert all(t["writer"] != annotator for t in ts if t["task"] == "compare")  # never their own
            writes = [t["position"] for t in ts if t["task"] == "write"]
            assert max(writes) < min(t["position"] for t in ts if t["task"] == "compare")  # writes come first
        sides = [t["muse_side"] for t in tasks if t["task"] == "compare"]
        assert set(sides) == {"A", "B"}
        # tokens are not stored, only their hashes; ids say nothing about conversations
        stored = " ".join(str(v) for r in a.rows("SELECT * FROM study_annotators") for v in r.values())
        assert all(token not in stored for _, token in first.links)
        assert all(i["conversation_id"] not in i["item_id"] for i in items)


def test_create_refuses_unusable_arguments(base: Path, tmp_path: Path) -> None:
    db = _copy(base, tmp_path)
    with Store(db) as store:
        for kind, n, annotators, message in (("video", 5, 3, "unknown study kind"), ("utterance-ab", 0, 3, "--n"),
                                             ("utterance-ab", 5, 1, "at least 2 annotators")):
            with pytest.raises(ValueError, match=message):
                studies.create_study(store, kind, n, annotators)
        assert store.scalar("SELECT count(*) FROM studies") == 0


def test_sides_are_balanced_and_not_drawn_from_the_seed() -> None:
    draws = [studies.balanced_sides(10) for _ in range(20)]
    assert all(d.count("A") == d.count("B") == 5 for d in draws)
    assert len({tuple(d) for d in draws}) > 1  # the order is drawn afresh: no seed can predict it
    assert sorted(studies.balanced_sides(3)) == ["A", "A", "B"] and studies.balanced_sides(0) == []


def test_a_conversation_study_skips_conversations_without_two_turns_of_each_side() -> None:
    import random

    def turns(roles: str) -> list[dict]:
        return [{"idx": i, "role": {"a": "assistant", "u": "user"}[r], "action": "chitchat"}
                for i, r in enumerate(roles)]

    # after the greeting and the opening, one turn of each side: nothing to write
    assert studies._slots("conversation-ab", turns("auau"), random.Random(0)) == (None, [])
    reply, slots = studies._slots("conversation-ab", turns("auauau"), random.Random(0))
    assert reply is None and slots == [2, 3, 4, 5]


def test_the_core_refuses_what_the_pages_cannot_send(base: Path, tmp_path: Path) -> None:
    """A judgment for a write task and the reverse, a comparison before its turn is written, one
    that misses an aspect, and a second answer: each refused, nothing written."""
    db = _copy(base, tmp_path)
    created = _create(db)
    (_, token_a), (_, token_b) = created.links
    with Store(db) as store:
        a_id, b_id = (studies.annotator_for(store.con, t)["annotator_id"] for t in (token_a, token_b))
        a_tasks, b_tasks = studies.queue(store.con, a_id), studies.queue(store.con, b_id)
        write_a = next(t["task_id"] for t in a_tasks if t["task"] == "write")
        compare_a = next(t for t in a_tasks if t["task"] == "compare")
        unchanged = _study_rows(store.con)
        with pytest.raises(studies.StudyError, match="asks for a written response, not a comparison"):
            studies.save_judgment(store, a_id, write_a, studies.Judgment(choices=CHOICES))
        with pytest.raises(studies.StudyError, match="asks for a comparison, not a written response"):
            studies.save_response(store, a_id, compare_a["task_id"], studies.WrittenTurn(text="x"))
        with pytest.raises(studies.Conflict, match="waits for a response"):
            studies.save_judgment(store, a_id, compare_a["task_id"], studies.Judgment(choices=CHOICES))
        assert _study_rows(store.con) == unchanged
        for task in b_tasks:  # b writes the turn a compares
            if task["task"] == "write":
                studies.save_response(store, b_id, task["task_id"], studies.WrittenTurn(text="B wrote this."))
        with pytest.raises(studies.Conflict, match="saved for this task already"):
            studies.save_response(store, b_id, next(t["task_id"] for t in b_tasks if t["task"] == "write"),
                                  studies.WrittenTurn(text="again"))
        written = _study_rows(store.con)
        with pytest.raises(studies.StudyError, match="choose A, B or tie for each of"):
            studies.save_judgment(store, a_id, compare_a["task_id"], studies.Judgment(choices={"logical": "A"}))
        assert _study_rows(store.con) == written
        studies.save_judgment(store, a_id, compare_a["task_id"], studies.Judgment(choices=CHOICES))
        assert store.scalar("SELECT count(*) FROM study_judgments WHERE task_id = ?", [compare_a["task_id"]]) == 4


def test_variants_of_the_other_kinds(base: Path, tmp_path: Path) -> None:
    db = _copy(base, tmp_path)
    conversation, images = _create(db, "conversation-ab", 3, 2), _create(db, "image-vs-text", 3, 3)
    import json

    with Store(db, read_only=True) as store:
        for item in store.rows("SELECT * FROM study_items WHERE study_id = ?", [conversation.study_id]):
            turns = {t["idx"]: t for t in json.loads(item["turns"])}
            roles = sorted(turns[s]["role"] for s in item["slots"])
            assert roles == ["assistant", "assistant", "user", "user"]  # two of each side (Appendix B.2)
        for item in store.rows("SELECT * FROM study_items WHERE study_id = ?", [images.study_id]):
            text_turns, products = json.loads(item["text_turns"]), json.loads(item["products"])
            assert all(not t["images"] for t in text_turns)
            shown = [p for t in json.loads(item["turns"]) for p in t["images"]]
            assert shown and all(f"[photo of {products[p]['title']}: {products[p]['summary']}]" in
                                 " ".join(t["text"] for t in text_turns) for p in shown)
        assert store.scalar("SELECT count(*) FROM study_tasks WHERE study_id = ? AND task = 'compare'",
                            [images.study_id]) == 9  # nothing to write: everyone compares every item


# -- the annotate pages over TestClient ----------------------------------------------------------------

def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def _next(client: TestClient, token: str) -> str | None:
    found = re.search(r'id="next" href="([^"]+)"', client.get(f"/a/{token}").text)
    return found.group(1) if found else None


CHOICES = {"logical": "A", "informative": "B", "natural": "tie", "coherent": "A"}
FORM = "application/x-www-form-urlencoded"


def test_bad_input_is_refused_and_changes_nothing(base: Path, tmp_path: Path) -> None:
    db = _copy(base, tmp_path)
    created = _create(db)
    (_, token_a), (_, token_b) = created.links
    app = create_annotate_app(db)
    with TestClient(app) as client:
        con = app.state.store.con
        before_data = _snapshot(con)
        first_a = _next(client, token_a)
        page = client.get(first_a)
        assert page.status_code == 200 and 'autofocus' in page.text and 'accesskey="s"' in page.text
        csrf = _csrf(page.text)
        task_a = first_a.rsplit("/", 1)[1]
        task_b = _next(client, token_b).rsplit("/", 1)[1]
        a_id = studies.annotator_for(con, token_a)["annotator_id"]
        compare_a = next(t["task_id"] for t in studies.queue(con, a_id) if t["task"] == "compare")
        unchanged = _study_rows(con)

        refused = {
            "unknown link": client.get("/a/not-a-token"),
            "forged task id": client.post(f"/a/{token_a}/task/forged-task-id",
                                          data={"csrf": csrf, "response": "x"}),
            "another annotator's task page": client.get(f"/a/{token_a}/task/{task_b}"),
            "another annotator's task": client.post(f"/a/{token_a}/task/{task_b}", data={"csrf": csrf,
                                                                                         "response": "x"}),
            "no page token": client.post(first_a, data={"response": "x"}),
            "a foreign origin": client.post(first_a, data={"csrf": csrf, "response": "x"},
                                            headers={"origin": "http://evil.example"}),
            "a blank response": client.post(first_a, data={"csrf": csrf, "response": "   "}),
            "not a form": client.post(first_a, content=b'{"response": "x"}', headers={"content-type": "application/json"}),
            "a form too large": client.post(first_a, content=f"csrf={csrf}&response={'x' * 70_000}".encode(),
                                            headers={"content-type": FORM}),
            "a form not in UTF-8": client.post(first_a, content=f"csrf={csrf}&response=".encode() + b"\xff\xfe",
                                               headers={"content-type": FORM}),
            "a comparison before its turn is written": client.get(f"/a/{token_a}/task/{compare_a}"),
        }
        for what, response in refused.items():
            assert 400 <= response.status_code < 500, (what, response.status_code)
            assert "Traceback" not in response.text
        assert refused["forged task id"].status_code in (403, 404)
        assert refused["no page token"].status_code == 403
        assert refused["a foreign origin"].status_code == 403 and refused["not a form"].status_code == 415
        assert refused["a form too large"].status_code == 413 and refused["a form not in UTF-8"].status_code == 400
        assert refused["a blank response"].status_code == 422
        assert refused["a comparison before its turn is written"].status_code == 409
        assert _study_rows(con) == unchanged

        saved = client.post(first_a, data={"csrf": csrf, "response": "First answer."}, follow_redirects=False)
        assert saved.status_code == 303
        after_save = _study_rows(con)
        replayed = client.post(first_a, data={"csrf": csrf, "response": "Changed answer."}, follow_redirects=False)
        assert replayed.status_code == 409 and _study_rows(con) == after_save
        assert con.execute("SELECT text FROM study_responses WHERE task_id = ?", [task_a]).fetchone()[0] == \
            "First answer."
        # the core refuses another annotator's task whatever page it came from
        b_id = studies.annotator_for(con, token_b)["annotator_id"]
        with pytest.raises(studies.NotFound):
            studies.save_response(app.state.store, b_id, task_a, studies.WrittenTurn(text="mine now"))
        # annotate mode writes study tables only, and cannot reach files
        assert _snapshot(con) == before_data
        with pytest.raises(Exception, match="(?i)disabled|permission"):
            con.execute(f"COPY (SELECT 1) TO '{tmp_path / 'out.csv'}'")
        # none of the dataset's pages is served
        assert client.get("/conversation/x").status_code == 404 and client.get("/?page=1").text.count("<tr") == 0


def test_compare_validates_every_aspect(base: Path, tmp_path: Path) -> None:
    db = _copy(base, tmp_path)
    created = _create(db, "image-vs-text", 2, 1)
    (_, token), = created.links
    app = create_annotate_app(db)
    with TestClient(app) as client:
        url = _next(client, token)
        page = client.get(url).text
        assert "<script" not in page
        photos = re.findall(r'<img src="(/a/[^/"]+/image/([^"]+))"', page)
        assert photos and all(link.startswith(f"/a/{token}/image/") for link, _ in photos)
        shown = client.get(photos[0][0])
        assert shown.status_code == 200 and shown.headers["content-type"].startswith("image/")
        with Store(base, read_only=True) as store:  # the photo as stored when the conversation was made
            assert shown.content == bytes(store.scalar(
                "SELECT h.image FROM conversation_products c JOIN product_history h USING (product_id, image_sha256)"
                " WHERE c.product_id = ? LIMIT 1", [photos[0][1]]))
        elsewhere = app.state.store.con.execute(
            "SELECT product_id FROM products WHERE product_id NOT IN"
            " (SELECT unnest(json_keys(products)) FROM study_items) LIMIT 1").fetchone()[0]
        # only the photos of this annotator's items, only through their link; the viewer's route is not served
        assert client.get(f"/a/{token}/image/{elsewhere}").status_code == 404
        assert client.get(f"/a/not-a-token/image/{photos[0][1]}").status_code == 404
        assert client.get(f"/image/{photos[0][1]}").status_code == 404
        _blind(page)
        before = _study_rows(app.state.store.con)
        missing = client.post(url, data={"csrf": _csrf(page)})
        wrong = client.post(url, data={"csrf": _csrf(page), "overall": "left"})
        assert missing.status_code == 422 and wrong.status_code == 422
        assert _study_rows(app.state.store.con) == before
        ok = client.post(url, data={"csrf": _csrf(page), "overall": "A", "comment": "A <b>bold</b> note"},
                         follow_redirects=False)
        assert ok.status_code == 303
        row = app.state.store.con.execute("SELECT choice, outcome, comment FROM study_judgments").fetchone()
        side = app.state.store.con.execute("SELECT muse_side FROM study_tasks WHERE task_id = ?",
                                           [url.rsplit("/", 1)[1]]).fetchone()[0]
        assert row == ("A", "win" if side == "A" else "loss", "A <b>bold</b> note")


def test_annotate_mode_binds_loopback_only(base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    from muse_core.viewer import serve

    with pytest.raises(ValueError, match="loopback only"):
        serve(tmp_path / "absent.duckdb", host="0.0.0.0", annotate=True)
    db = _copy(base, tmp_path)
    apps = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **_: apps.append(app))
    serve(db, port=8702, annotate=True)
    with TestClient(apps[0], base_url="http://127.0.0.1:8702") as local:
        assert local.get("/healthz").text == "ok"
        assert local.get("/healthz", headers={"host": "rebound.example:8702"}).status_code == 400


# -- the model annotator, results and the report -------------------------------------------------------

def _answer_all(client: TestClient, token: str, label: str, kind: str = "write") -> None:
    """Do every open task of one kind through the pages."""
    while (url := _next(client, token)) is not None:
        page = client.get(url).text
        if ('id="response"' in page) != (kind == "write"):
            return
        form = {"csrf": _csrf(page)}
        form.update({"response": f"A reply {label} wrote."} if kind == "write" else CHOICES)
        assert client.post(url, data=form, follow_redirects=False).status_code == 303


def test_model_annotator_results_csv_and_report(base: Path, tmp_path: Path) -> None:
    db = _copy(base, tmp_path)
    created = _create(db, annotators=3)
    app = create_annotate_app(db)
    with TestClient(app) as client:
        for label, token in created.links:
            _answer_all(client, token, label, "write")
        for label, token in created.links:
            _answer_all(client, token, label, "compare")
    out = muse_output("study", "llm", created.study_id, "--offline", "--db", str(db), cwd=tmp_path)
    assert "judged 6 comparisons" in out
    again = muse_output("study", "llm", created.study_id, "--offline", "--db", str(db), cwd=tmp_path)
    assert "judged 0 comparisons" in again  # saved once; a rerun judges nothing twice
    with Store(db, read_only=True) as store:
        calls = store.rows("SELECT skill, role, entity_id FROM llm_calls WHERE skill = 'study_compare'")
        assert len(calls) >= 6 and {c["role"] for c in calls} == {"judge"}
        assert store.scalar("SELECT count(*) FROM study_judgments j JOIN study_tasks t USING (task_id)"
                            " JOIN study_annotators a USING (annotator_id) WHERE a.kind = 'llm'"
                            " AND j.cache_key IS NOT NULL") == 6 * 4
    csv_path = tmp_path / "results.csv"
    table = muse_output("study", "results", created.study_id, "--db", str(db), "--csv", str(csv_path), cwd=tmp_path)
    assert "Figure 5" in table and "logical" in table and "llm" in table
    import csv

    rows = list(csv.DictReader(csv_path.open()))
    assert {(r["aspect"], r["annotators"]) for r in rows} == {(a, k) for a in CHOICES for k in ("human", "llm")}
    human_logical = next(r for r in rows if r["aspect"] == "logical" and r["annotators"] == "human")
    assert int(human_logical["judgments"]) == 12  # 6 items x the 2 annotators who did not write each
    assert human_logical["krippendorff_alpha"] != "" and human_logical["alpha_with_llm"] != ""
    assert human_logical["fleiss_kappa"] != ""
    assert float(human_logical["win_low"]) <= float(human_logical["win_share"]) <= float(human_logical["win_high"])
    muse_output("report", "--db", str(db), "--out", str(tmp_path / "report.html"), cwd=tmp_path)
    report = (tmp_path / "report.html").read_text()
    assert "Human evaluation (Figure 5, Tables 7 and 9)" in report and created.study_id in report


# -- two annotators in headless Chromium ----------------------------------------------------------------



@pytest.fixture
def chromium() -> Iterator:
    with headless_chromium("muse-study-chromium-") as driver:
        yield driver


def _settle(driver, before: str) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 20).until(lambda d: d.current_url != before
                                    and d.execute_script("return document.readyState") == "complete")


def _write_by_keyboard(driver, text: str) -> None:
    """The textarea has the focus on arrival; Tab reaches Save, Enter presses it."""
    from selenium.webdriver.common.keys import Keys

    before = driver.current_url
    active = driver.switch_to.active_element
    assert active.get_attribute("id") == "response"
    active.send_keys(text)
    active.send_keys(Keys.TAB)
    assert driver.switch_to.active_element.get_attribute("id") == "save"
    driver.switch_to.active_element.send_keys(Keys.ENTER)
    _settle(driver, before)


def _compare_by_keyboard(driver, picks: dict[str, str], comment: str) -> None:
    """The first aspect's A has the focus: Space picks A, an arrow moves to B (and picks it), two
    arrows to tie; Tab goes to the next aspect, then the comment, then Save."""
    from selenium.webdriver.common.keys import Keys

    before = driver.current_url
    for aspect in ("logical", "informative", "natural", "coherent"):
        active = driver.switch_to.active_element
        assert active.get_attribute("name") == aspect
        active.send_keys(Keys.SPACE)
        for _ in range(("A", "B", "tie").index(picks[aspect])):
            driver.switch_to.active_element.send_keys(Keys.ARROW_RIGHT)
        assert driver.find_element("id", f"{aspect}-{picks[aspect]}").is_selected()
        driver.switch_to.active_element.send_keys(Keys.TAB)
    assert driver.switch_to.active_element.get_attribute("id") == "comment"
    driver.switch_to.active_element.send_keys(comment)
    driver.switch_to.active_element.send_keys(Keys.TAB)
    assert driver.switch_to.active_element.get_attribute("id") == "save"
    driver.switch_to.active_element.send_keys(Keys.ENTER)
    _settle(driver, before)


@needs_chromium
def test_two_annotators_in_chromium(base: Path, tmp_path: Path, chromium) -> None:
    from selenium.webdriver.common.by import By

    db = _copy(base, tmp_path)
    created = _create(db)
    links = dict(created.links)
    picks = {"annotator 1": {"logical": "A", "informative": "B", "natural": "tie", "coherent": "A"},
             "annotator 2": {"logical": "B", "informative": "B", "natural": "A", "coherent": "tie"}}
    with Store(db, read_only=True) as store:
        muse_texts = {r["item_id"]: next(t["text"] for t in __import__("json").loads(r["turns"])
                                         if t["idx"] == r["reply_idx"])
                      for r in store.rows("SELECT * FROM study_items")}
        conversation_ids = [r[0] for r in store.con.execute("SELECT conversation_id FROM study_items").fetchall()]
    driver = chromium
    with BackgroundApp(create_annotate_app(db)) as server:
        con = server.app.state.store.con
        # phase 1: each writes their three responses, from their own link, by keyboard
        for label, token in links.items():
            driver.get(f"{server.url}/a/{token}")
            assert driver.find_element(By.ID, "progress").text == "0 of 6 done."
            for k in range(3):
                before = driver.current_url
                driver.find_element(By.ID, "next").click()
                _settle(driver, before)
                assert "Write the next" in driver.find_element(By.TAG_NAME, "h1").text
                _blind(driver.page_source)
                _write_by_keyboard(driver, f"Response {k} by {label}: this one suits your trip.")
                driver.get(f"{server.url}/a/{token}")
            if label == "annotator 1":  # the other has not written yet: comparisons wait
                assert driver.find_elements(By.ID, "waiting")
        # phase 2: each compares the three items the other wrote
        for label, token in links.items():
            driver.get(f"{server.url}/a/{token}")
            before = driver.current_url
            driver.find_element(By.ID, "next").click()
            _settle(driver, before)
            for k in range(3):
                assert "Compare two responses" in driver.find_element(By.TAG_NAME, "h1").text
                source = driver.page_source
                _blind(source)
                assert not any(cid in source for cid in conversation_ids)
                assert driver.execute_script("return document.querySelectorAll('script').length;") == 0
                side_a = driver.find_element(By.ID, "side-A").text
                side_b = driver.find_element(By.ID, "side-B").text
                # one side is the item's dataset turn, the other what the other annotator wrote; the
                # markup around both is the same
                other = "annotator 2" if label == "annotator 1" else "annotator 1"
                assert (f"by {other}" in side_a) != (f"by {other}" in side_b)
                shown = " ".join((side_a + " " + side_b).split())
                assert any(" ".join(text.split()) in shown for text in muse_texts.values())
                assert driver.find_element(By.ID, "side-A").get_attribute("class") == \
                    driver.find_element(By.ID, "side-B").get_attribute("class")
                _compare_by_keyboard(driver, picks[label], f"note {k}")
            assert driver.find_element(By.ID, "finished").text == "All done, thank you."

        # what was stored: 6 responses, 6 compare tasks x 4 aspects, each outcome the choice made
        assert con.execute("SELECT count(*) FROM study_responses").fetchone()[0] == 6
        rows = con.execute(
            "SELECT a.label, j.aspect, j.choice, j.outcome, t.muse_side, j.comment, t.item_id, i.writer,"
            " t.annotator_id FROM study_judgments j JOIN study_tasks t USING (task_id)"
            " JOIN study_annotators a USING (annotator_id) JOIN study_items i USING (item_id)").fetchall()
        assert len(rows) == 24
        for label, aspect, choice, outcome, side, comment, _, writer, annotator in rows:
            assert choice == picks[label][aspect]
            assert outcome == studies.outcome(choice, side)
            assert comment.startswith("note ") and writer != annotator
        written = dict(con.execute("SELECT t.item_id, r.text FROM study_responses r JOIN study_tasks t"
                                   " USING (task_id)").fetchall())
        assert all(text.startswith("Response ") for text in written.values()) and len(written) == 6

    table = muse_output("study", "results", created.study_id, "--db", str(db), cwd=tmp_path)
    assert f"study {created.study_id}: utterance-ab, 6 items" in table
    assert "human: 12 of 12 tasks done" in table
    for aspect in CHOICES:
        assert re.search(rf"{aspect}\s.*human\s.*6\s", table), table


def test_cli_create_prints_one_private_link_per_annotator(base: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    db = _copy(base, tmp_path)
    out = muse_output("study", "create", "--kind", "conversation-ab", "--n", "3", "--annotators", "3", "--db", str(db),
                      "--port", "8711", cwd=tmp_path)
    links = re.findall(r"annotator \d: (http://127\.0\.0\.1:8711/a/(\S+))", out)
    assert len(links) == 3 and len({token for _, token in links}) == 3
    assert all(len(token) >= 32 for _, token in links)  # token_urlsafe(24): 192 random bits
    assert "muse view --annotate" in out
    listing = muse_output("study", "list", "--db", str(db), cwd=tmp_path)
    assert "conversation-ab" in listing
    app = create_annotate_app(db)
    with TestClient(app) as client:
        for _, token in links:
            page = client.get(f"/a/{token}")
            assert page.status_code == 200 and "Your tasks" in page.text
    bad = subprocess.run([sys.executable, "-m", "muse_flows.cli", "study", "create", "--kind", "video", "--db", str(db)],
                         capture_output=True, text=True, cwd=tmp_path)
    assert bad.returncode == 2 and "unknown study kind 'video'" in bad.stderr and "Traceback" not in bad.stderr
    missing = subprocess.run([sys.executable, "-m", "muse_flows.cli", "study", "results", "st-nope", "--db", str(db)],
                             capture_output=True, text=True, cwd=tmp_path)
    assert missing.returncode == 2 and "no study 'st-nope'" in missing.stderr


def test_conversation_study_replaces_four_turns_in_one_side(base: Path, tmp_path: Path) -> None:
    import json

    db = _copy(base, tmp_path)
    created = _create(db, "conversation-ab", 2, 2)
    app = create_annotate_app(db)
    with TestClient(app) as client:
        for label, token in created.links:  # each writes the four turns of one item
            for k in range(4):
                url = _next(client, token)
                page = client.get(url).text
                assert 'id="response"' in page
                client.post(url, data={"csrf": _csrf(page), "response": f"Turn {k} by {label}."})
        con = app.state.store.con
        for label, token in created.links:
            url = _next(client, token)
            page = client.get(url).text
            _blind(page)
            sides = {name: re.search(rf'<section class="side" id="side-{name}">(.*?)</section>', page, re.DOTALL)
                     .group(1) for name in "AB"}
            task_id = url.rsplit("/", 1)[1]
            side, turns = con.execute("SELECT t.muse_side, i.turns FROM study_tasks t JOIN study_items i"
                                      " USING (item_id) WHERE t.task_id = ?", [task_id]).fetchone()
            other = "B" if side == "A" else "A"
            writer = "annotator 2" if label == "annotator 1" else "annotator 1"
            assert sides[other].count(f"by {writer}.") == 4 and f"by {writer}." not in sides[side]
            assert sides[side].count('class="turn') == sides[other].count('class="turn') == len(json.loads(turns))
            assert client.post(url, data={"csrf": _csrf(page), "overall": "B"}, follow_redirects=False).status_code \
                == 303
        outcomes = con.execute("SELECT j.outcome, t.muse_side FROM study_judgments j JOIN study_tasks t"
                               " USING (task_id)").fetchall()
        assert sorted(outcomes) == sorted(("win" if s == "B" else "loss", s) for _, s in outcomes)


def test_a_model_that_never_answers_leaves_tasks_open(base: Path, tmp_path: Path) -> None:
    import asyncio

    from muse_core.config import RoleConfig
    from muse_core.llm import LLMCallError
    from muse_core.study_llm import annotate_with_model

    class Refusing:
        async def run(self, *_: object, **__: object):
            raise LLMCallError("study_compare: no valid answer after 3 re-asks")

    db = _copy(base, tmp_path)
    created = _create(db, "image-vs-text", 2, 1)
    with Store(db) as store:
        done = asyncio.run(annotate_with_model(store, Refusing(), created.study_id, RoleConfig(model="m")))
        assert done.judged == 0 and len(done.failed) == 2 and "no valid answer" in done.failed[0]
        assert store.scalar("SELECT count(*) FROM study_judgments") == 0
        with pytest.raises(ValueError, match="no study"):
            asyncio.run(annotate_with_model(store, Refusing(), "st-nope", RoleConfig(model="m")))


def test_cli_refuses_bad_input_in_one_line(base: Path, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    import duckdb

    db = _copy(base, tmp_path)
    created = _create(db, "image-vs-text", 1, 1)
    unmigrated = tmp_path / "unmigrated.duckdb"
    duckdb.connect(str(unmigrated)).close()
    none_kept = _copy(base, tmp_path / "none-kept")
    with Store(none_kept) as store:
        store.con.execute("UPDATE reviews SET kept = false")

    def muse(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "muse_flows.cli", *args], capture_output=True, text=True,
                              cwd=tmp_path, env={**os.environ, "COLUMNS": "240"})

    cases = {
        "an unwritable CSV": (muse("study", "results", created.study_id, "--db", str(db), "--csv",
                                   str(tmp_path / "absent" / "r.csv")), 1, "cannot write"),
        "a file no muse command wrote": (muse("study", "results", "st-x", "--db", str(unmigrated)), 1,
                                         "muse did not write"),
        "a missing database": (muse("study", "list", "--db", str(tmp_path / "absent.duckdb")), 1, "no database at"),
        "no kept conversations": (muse("study", "create", "--kind", "utterance-ab", "--db", str(none_kept)), 2,
                                  "no kept conversations to sample"),
        "--offline with --model": (muse("study", "llm", created.study_id, "--offline", "--model", "gpt-4o", "--db",
                                        str(db)), 2, "drop --model"),
        "an unknown study": (muse("study", "llm", "st-nope", "--offline", "--db", str(db)), 2, "no study 'st-nope'"),
    }
    for what, (result, code, message) in cases.items():
        assert result.returncode == code and message in result.stderr, (what, result.returncode, result.stderr)
        assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1, (what, result.stderr)
    assert not (tmp_path / "absent").exists()
    # a model that cannot be reached: each comparison named, exit 1, nothing saved
    (tmp_path / "no-retries.toml").write_text("[gateway]\nmax_retries = 0\n")
    with socket.socket() as closed:  # bound, never listening: every connection is refused
        closed.bind(("127.0.0.1", 0))
        unreachable = muse("study", "llm", created.study_id, "--db", str(db), "-c", str(tmp_path / "no-retries.toml"),
                           "--model", "openai/x", "--api-base", f"http://127.0.0.1:{closed.getsockname()[1]}")
    assert unreachable.returncode == 1 and "Traceback" not in unreachable.stderr, unreachable.stderr
    assert "1 comparisons got no valid answer from llm:openai/x" in unreachable.stderr
    with Store(db, read_only=True) as store:
        assert store.scalar("SELECT count(*) FROM study_judgments") == 0
