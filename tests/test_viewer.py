"""`muse view`: pages over a real (small) database, escaping of hostile data, and the same in a
real headless Chromium driven by Selenium.

The database is built once per module: 6 offline profiles and conversations, copied, then one
target product's title and one user turn are replaced with HTML/JS payloads, so every page test
also checks that data is shown as text.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from muse_core.store import Store, StoreError
from muse_core.viewer import create_app, is_loopback, serve
from tests.helpers import (BackgroundApp, build_profiles_db, headless_chromium, needs_chromium,
                           run_conversation_stages)

EVIL_TITLE = '<script>alert("x")</script> Evil Chair'
EVIL_TURN = 'I like it <img src=x onerror=alert(1)> but not the colour'


class Fixture:
    """The database copy and the facts the tests check pages against."""

    def __init__(self, db: Path) -> None:
        self.db = db
        with Store(db) as store:
            self.cids = [r["conversation_id"] for r in store.rows(
                "SELECT conversation_id FROM conversations ORDER BY conversation_set, k")]
            # The hostile conversation: one with a rewrite that changed the text and a querier round.
            self.cid = store.scalar(
                "SELECT c.conversation_id FROM conversations c JOIN rewrites w USING (conversation_id)"
                " WHERE w.rewritten_text <> (SELECT original_text FROM turns t"
                "  WHERE t.conversation_id = w.conversation_id AND t.idx = w.idx)"
                " ORDER BY c.k LIMIT 1")
            conv = store.rows("SELECT * FROM conversations WHERE conversation_id = ?", [self.cid])[0]
            self.target = conv["target_product_id"]
            self.first_round = store.rows("SELECT * FROM querier_rounds WHERE conversation_id = ? ORDER BY round"
                                          " LIMIT 1", [self.cid])[0]
            self.rewrite = store.rows(
                "SELECT w.idx, w.rewritten_text, t.original_text"
                " FROM rewrites w JOIN turns t USING (conversation_id, idx)"
                " WHERE w.conversation_id = ? AND w.rewritten_text <> t.original_text ORDER BY w.idx LIMIT 1",
                [self.cid])[0]
            self.evil_idx = store.scalar("SELECT min(idx) FROM turns WHERE conversation_id = ? AND role = 'user'"
                                         " AND idx <> ?", [self.cid, self.rewrite["idx"]])
            with store.transaction() as con:
                con.execute("UPDATE products SET title = ? WHERE product_id = ?", [EVIL_TITLE, self.target])
                con.execute("UPDATE turns SET text = ? WHERE conversation_id = ? AND idx = ?",
                            [EVIL_TURN, self.cid, self.evil_idx])
                # Costs: a billed call of this conversation, and one of a conversation whose id
                # merely starts with this one's ("-1" vs "-10"), which must not be counted.
                for call_id, entity, cost in (("v1", f"{self.cid}/r1", 0.25), ("v2", f"{self.cid}0/r1", 100.0)):
                    con.execute("INSERT INTO llm_calls (call_id, cache_key, run_id, role, skill, skill_version,"
                                " entity_id, provider, model, params, request, status, attempt, cost_usd, latency_ms)"
                                " VALUES (?, ?, 'viewer-test', 'chatter', 'chatter_recommend', 1, ?, 'test', 'test',"
                                " '{}', '{}', 'ok', 1, ?, 1)", [call_id, call_id, entity, cost])
            self.counts = {
                "open_type": dict(store.con.execute("SELECT open_type, count(*) FROM conversations"
                                                    " GROUP BY ALL").fetchall()),
                "injected": store.scalar("SELECT count(*) FROM conversations WHERE target_injected"),
                "chitchat": store.scalar("SELECT count(DISTINCT conversation_id) FROM turns"
                                         " WHERE action = 'chitchat'"),
                "kept": store.scalar("SELECT count(*) FROM reviews WHERE kept"),
            }


@pytest.fixture(scope="module")
def fx(tmp_path_factory: pytest.TempPathFactory) -> Fixture:
    folder = tmp_path_factory.mktemp("viewer")
    base = folder / "base.duckdb"
    build_profiles_db(base, 6)
    run_conversation_stages(base, 6)
    copy = folder / "evil.duckdb"
    shutil.copy(base, copy)
    return Fixture(copy)


@pytest.fixture(scope="module")
def client(fx: Fixture) -> Iterator[TestClient]:
    with TestClient(create_app(fx.db)) as opened:
        yield opened


def _list_ids(html: str) -> list[str]:
    return re.findall(r'<a href="/conversation/([^"]+)">', html)


# -- pages over TestClient ------------------------------------------------------------------------
def test_healthz_and_list(client: TestClient, fx: Fixture) -> None:
    assert client.get("/healthz").text == "ok"
    page = client.get("/")
    assert page.status_code == 200
    assert _list_ids(page.text) == fx.cids
    assert page.headers["content-security-policy"].startswith("default-src 'none'")
    assert "http://" not in page.text and "https://" not in page.text  # no external resource


def test_filters_match_sql(client: TestClient, fx: Fixture) -> None:
    for open_type in ("text", "multimodal"):
        ids = _list_ids(client.get("/", params={"open_type": open_type}).text)
        assert len(ids) == fx.counts["open_type"].get(open_type, 0)
    assert len(_list_ids(client.get("/", params={"injected": "injected"}).text)) == fx.counts["injected"]
    assert len(_list_ids(client.get("/", params={"injected": "organic"}).text)) == len(fx.cids) - fx.counts["injected"]
    assert len(_list_ids(client.get("/", params={"action": "chitchat"}).text)) == fx.counts["chitchat"]
    assert len(_list_ids(client.get("/", params={"review": "kept"}).text)) == fx.counts["kept"]
    assert _list_ids(client.get("/", params={"min_score": "6.01"}).text) == []  # totals are at most 6
    assert _list_ids(client.get("/", params={"domain": "no-such-domain"}).text) == []
    assert len(_list_ids(client.get("/", params={"domain": "fashion", "min_score": ""}).text)) == len(fx.cids)


def test_bad_filters_are_clear_400s(client: TestClient) -> None:
    bad = client.get("/", params={"open_type": "video"})
    assert bad.status_code == 400 and "open_type must be one of" in bad.text
    assert client.get("/", params={"min_score": "high"}).status_code == 400
    assert client.get("/", params={"page": "0"}).status_code == 400
    huge = client.get("/", params={"page": "9223372036854775807"})
    assert huge.status_code == 400 and "page must be between 1 and" in huge.text


def test_a_database_that_fails_to_read_gives_an_error_page(fx: Fixture, monkeypatch: pytest.MonkeyPatch) -> None:
    import duckdb

    from muse_core import viewer

    def damaged(*_args):
        raise duckdb.IOException("Could not read enough bytes from file\nline two")

    monkeypatch.setattr(viewer, "_list_context", damaged)
    with TestClient(create_app(fx.db)) as opened:
        page = opened.get("/")
    assert page.status_code == 500 and "the database could not be read: IOException" in page.text
    assert "line two" not in page.text and "Traceback" not in page.text


def test_a_loopback_viewer_answers_loopback_host_names_only(fx: Fixture) -> None:
    from muse_core.viewer import LOOPBACK_HOSTS

    app = create_app(fx.db, allowed_hosts=LOOPBACK_HOSTS)
    with TestClient(app, base_url="http://127.0.0.1:8700") as local, \
            TestClient(app, base_url="http://rebound.example:8700") as rebound:
        assert local.get("/healthz").status_code == 200
        assert local.get("/healthz", headers={"host": "localhost:8700"}).status_code == 200
        refused = rebound.get("/healthz")
        assert refused.status_code == 400 and "ok" not in refused.text


def test_the_viewer_answers_the_loopback_address_it_binds(fx: Fixture, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    apps = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **_: apps.append(app))
    serve(fx.db, host="127.0.0.2", port=8701)
    with TestClient(apps[0], base_url="http://127.0.0.2:8701") as bound:
        assert bound.get("/healthz").status_code == 200
    with TestClient(apps[0], base_url="http://rebound.example:8701") as rebound:
        assert rebound.get("/healthz").status_code == 400


def test_pagination(fx: Fixture, monkeypatch: pytest.MonkeyPatch) -> None:
    from muse_core import viewer

    monkeypatch.setattr(viewer, "PAGE_SIZE", 4)
    with TestClient(create_app(fx.db)) as small:
        first, second = small.get("/"), small.get("/", params={"page": 2})
        assert _list_ids(first.text) == fx.cids[:4] and _list_ids(second.text) == fx.cids[4:]
        assert 'href="/?page=2"' in first.text and 'id="next"' not in second.text
        filtered = small.get("/", params={"domain": "fashion"}).text  # filters survive paging
        assert 'href="/?domain=fashion&amp;page=2"' in filtered


def test_conversation_page_shows_everything_escaped(client: TestClient, fx: Fixture) -> None:
    page = client.get(f"/conversation/{fx.cid}")
    assert page.status_code == 200
    html = page.text
    assert "<script" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Evil Chair" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert f'src="/image/{fx.target}"' in html
    round_ = fx.first_round
    for text in (round_["needs"], round_["query"], fx.rewrite["original_text"], fx.rewrite["rewritten_text"]):
        assert _escaped(text) in html
    assert 'id="cost-total">$0.2500<' in html  # its own calls only, not those of "<cid>0/..."


def _escaped(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))


def test_images_and_missing(client: TestClient, fx: Fixture) -> None:
    image = client.get(f"/image/{fx.target}")
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    assert image.content.startswith(b"\x89PNG")
    assert client.get("/image/NO-SUCH-PRODUCT").status_code == 404
    missing = client.get("/conversation/no-such-conversation")
    assert missing.status_code == 404 and "no conversation" in missing.text


def test_missing_database_and_remote_host(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no database"):
        create_app(tmp_path / "absent.duckdb")
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.4")
    with pytest.raises(ValueError, match="loopback only"):
        serve(tmp_path / "absent.duckdb", host="0.0.0.0")


# -- headless Chromium ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser(fx: Fixture):
    with headless_chromium("muse-viewer-chromium-", keep_alerts=True) as driver, \
            BackgroundApp(create_app(fx.db)) as server:
        yield driver, server.url


def _rows(driver) -> list:
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, "#conversations tr.conv")


def _no_alert(driver) -> None:
    from selenium.common.exceptions import NoAlertPresentException

    try:
        text = driver.switch_to.alert.text
    except NoAlertPresentException:
        return
    pytest.fail(f"a script from the data ran and raised an alert: {text!r}")


def _wait_for_url(driver, fragment: str) -> None:
    """A click starts a navigation; wait for it to land instead of racing it."""
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 20).until(expected_conditions.url_contains(fragment))
    WebDriverWait(driver, 20).until(lambda d: d.execute_script("return document.readyState") == "complete")


@needs_chromium
def test_browser_list_filter_and_conversation(browser, fx: Fixture) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    driver, url = browser
    driver.get(url + "/")
    assert len(_rows(driver)) == len(fx.cids) >= 5
    assert EVIL_TITLE in driver.find_element(By.ID, "conversations").text  # the title, as text

    # Filter on open type through the form, as a user would.
    open_type = max(fx.counts["open_type"], key=lambda k: (fx.counts["open_type"][k], k))
    Select(driver.find_element(By.ID, "f-open_type")).select_by_value(open_type)
    driver.find_element(By.ID, "apply").click()
    _wait_for_url(driver, f"open_type={open_type}")
    rows = _rows(driver)
    assert len(rows) == fx.counts["open_type"][open_type]
    assert {row.get_attribute("data-open-type") for row in rows} == {open_type}
    Select(driver.find_element(By.ID, "f-injected")).select_by_value("injected")
    driver.find_element(By.ID, "apply").click()
    _wait_for_url(driver, "injected=injected")
    assert all(row.get_attribute("data-injected") == "yes" for row in _rows(driver))
    assert len(_rows(driver)) <= fx.counts["injected"]

    # Into the hostile conversation by clicking its link in the unfiltered list.
    driver.get(url + "/")
    driver.find_element(By.LINK_TEXT, fx.cid).click()
    _wait_for_url(driver, f"/conversation/{fx.cid}")
    assert driver.current_url == f"{url}/conversation/{fx.cid}"
    _no_alert(driver)
    images = driver.find_elements(By.TAG_NAME, "img")
    assert images, "the conversation shows no photo"
    widths = driver.execute_script(
        "return Array.from(document.images).map(i => [i.getAttribute('src'), i.complete, i.naturalWidth]);")
    assert all(complete and width > 0 for _, complete, width in widths), widths
    assert all(src.startswith("/image/") for src, _, _ in widths), widths  # none came from the data
    body = driver.find_element(By.TAG_NAME, "body").text
    assert EVIL_TITLE in body
    assert "<img src=x onerror=alert(1)>" in body
    assert driver.execute_script("return document.querySelectorAll('script').length;") == 0
    assert driver.find_element(By.ID, "cost-total").text == "$0.2500"
    _no_alert(driver)


@needs_chromium
def test_browser_lineage(browser, fx: Fixture) -> None:
    from selenium.webdriver.common.by import By

    driver, url = browser
    driver.get(f"{url}/conversation/{fx.cid}")
    lineage = driver.find_element(By.ID, "lineage")
    query = lineage.find_element(By.CSS_SELECTOR, f"#round-{fx.first_round['round']} .query")
    assert not query.is_displayed()  # closed until asked for
    lineage.find_element(By.TAG_NAME, "summary").click()
    assert lineage.get_attribute("open") is not None
    assert query.is_displayed() and query.text == fx.first_round["query"]
    row = driver.find_element(By.ID, f"rewrite-{fx.rewrite['idx']}")
    assert row.find_element(By.CLASS_NAME, "before").text == fx.rewrite["original_text"].strip()
    assert row.find_element(By.CLASS_NAME, "after").text == fx.rewrite["rewritten_text"].strip()
    candidates = lineage.find_element(By.CSS_SELECTOR, f"#round-{fx.first_round['round']} .candidates").text
    assert fx.first_round["candidates"][0]["product_id"] in candidates
    _no_alert(driver)
