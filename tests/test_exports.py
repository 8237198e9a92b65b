"""The exports (JSONL, Parquet, Hugging Face datasets, fine-tuning files, data card) on a real
small offline database: six conversations of the bundled sample, built once for this module."""

import io
import json
import shutil
from pathlib import Path

import datasets
import duckdb
import pyarrow.parquet as pq
import pytest
from PIL import Image

from muse_core.exports import (CARD_MARKER, ExportError, data_card_facts, export_finetune, export_hf, export_jsonl,
                               export_parquet, write_data_card)
from muse_core.plugins import registry
from muse_core.store import Store
from tests.helpers import build_profiles_db, run_conversation_stages

N = 6


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    """The sample with 6 offline profiles and their conversations, rewritten and reviewed."""
    path = build_profiles_db(tmp_path_factory.mktemp("exports") / "exports.duckdb", N)
    run_conversation_stages(path, N)
    with Store(path) as store:  # these tests are about exports: they start from every conversation kept
        store.con.execute("UPDATE reviews SET kept = TRUE")
    return path


@pytest.fixture(scope="module")
def one_dropped(db: Path, tmp_path_factory) -> Path:
    """The same database with the reviewer's verdict on the first conversation turned to 'drop'."""
    path = tmp_path_factory.mktemp("dropped") / "dropped.duckdb"
    shutil.copy(db, path)
    con = duckdb.connect(str(path))
    con.execute("UPDATE reviews SET kept = FALSE WHERE conversation_id ="
                " (SELECT conversation_id FROM conversations ORDER BY conversation_set, k LIMIT 1)")
    con.close()
    return path


def kept_ids(store: Store) -> list[str]:
    return [r["conversation_id"] for r in store.rows(
        "SELECT conversation_id FROM conversations JOIN reviews USING (conversation_id) WHERE kept"
        " ORDER BY conversation_set, k")]


def read_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_jsonl_has_one_line_per_kept_conversation_with_resolvable_lineage(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "conversations.jsonl"
    with Store(db, read_only=True) as store:
        n = export_jsonl(store, out)
        records = read_lines(out)
        assert n == len(records) == N
        assert [r["conversation_id"] for r in records] == kept_ids(store)
        for r in records:
            profile = store.rows("SELECT * FROM profiles WHERE profile_id = ?", [r["profile_id"]])[0]
            assert (profile["user_id"], profile["scenario_id"], profile["target_product_id"]) == (
                r["user"]["id"], r["scenario"]["id"], r["target"]["product_id"])
            assert profile["backstory"] == r["backstory"] and profile["requirements"] == r["requirements"]
            assert store.scalar("SELECT name FROM users WHERE user_id = ?", [r["user"]["id"]]) == r["user"]["name"]
            assert store.scalar("SELECT text FROM scenarios WHERE scenario_id = ?", [r["scenario"]["id"]]) == \
                r["scenario"]["text"]
            assert store.scalar("SELECT title FROM products WHERE product_id = ?", [r["target"]["product_id"]]) == \
                r["target"]["title"]
            assert r["review"]["kept"] is True and r["kept"] is True
            turns = r["turns"]
            assert [t["idx"] for t in turns] == list(range(len(turns)))
            assert [t["role"] for t in turns] == ["assistant", "user"] * (len(turns) // 2)
            assert turns[-1]["action"] == "accept" and turns[-1]["product_ids"] == [r["target"]["product_id"]]
            for t in turns:  # every utterance names the model call that wrote it, and its rewrite check
                assert store.scalar("SELECT count(*) FROM llm_calls WHERE cache_key = ?", [t["cache_key"]]) >= 1
                assert isinstance(t["check_passed"], bool) and t["check_reason"]
            gold = store.rows("SELECT round, query, chosen_product_id FROM querier_rounds WHERE conversation_id = ?"
                              " ORDER BY round", [r["conversation_id"]])
            assert [(q["round"], q["query"], q["chosen_product_id"]) for q in r["querier_rounds"]] == \
                [(g["round"], g["query"], g["chosen_product_id"]) for g in gold]
            assert len(r["querier_rounds"]) == r["rounds"]


def test_dropped_conversations_are_left_out_unless_asked(one_dropped: Path, tmp_path: Path) -> None:
    with Store(one_dropped, read_only=True) as store:
        assert export_jsonl(store, tmp_path / "kept.jsonl") == N - 1
        assert export_jsonl(store, tmp_path / "all.jsonl", include_dropped=True) == N
        assert [r["conversation_id"] for r in read_lines(tmp_path / "kept.jsonl")] == kept_ids(store)
        assert [r["kept"] for r in read_lines(tmp_path / "all.jsonl")] == [False] + [True] * (N - 1)
        assert export_parquet(store, tmp_path / "parquet")["conversations"] == N - 1
        assert export_hf(store, tmp_path / "hf") == N - 1
        queries = export_finetune(store, tmp_path / "ft")["recommendation_query"]
        assert queries == store.scalar("SELECT count(*) FROM querier_rounds JOIN reviews USING (conversation_id)"
                                       " WHERE kept")


def test_an_export_with_nothing_kept_is_empty_but_loadable(db: Path, tmp_path: Path) -> None:
    path = shutil.copy(db, tmp_path / "none.duckdb")
    con = duckdb.connect(str(path))
    con.execute("UPDATE reviews SET kept = FALSE")
    con.close()
    with Store(path, read_only=True) as store:
        assert export_jsonl(store, tmp_path / "c.jsonl") == 0 and (tmp_path / "c.jsonl").read_bytes() == b""
        assert set(export_parquet(store, tmp_path / "parquet").values()) == {0}
        assert export_hf(store, tmp_path / "hf") == 0
        assert export_finetune(store, tmp_path / "ft") == {"recommendation_query": 0, "response": 0, "images": 0}
    assert datasets.load_from_disk(str(tmp_path / "hf")).num_rows == 0
    assert pq.read_table(tmp_path / "parquet" / "turns.parquet").num_rows == 0


def test_parquet_tables_read_back_with_pyarrow_and_duckdb(db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "parquet"
    with Store(db, read_only=True) as store:
        counts = export_parquet(store, folder)
        expected_turns = store.scalar("SELECT count(*) FROM turns")
        mentioned = {r["p"] for r in store.rows(
            "SELECT unnest(product_ids || image_product_ids) AS p FROM turns"
            " UNION SELECT target_product_id FROM conversations")}
        gold = store.rows("SELECT conversation_id, round, query FROM querier_rounds ORDER BY ALL")
    assert counts == {"conversations": N, "turns": expected_turns, "querier_rounds": len(gold),
                      "products": len(mentioned)}
    for name, rows in counts.items():
        assert pq.read_table(folder / f"{name}.parquet").num_rows == rows
        assert duckdb.sql(f"SELECT count(*) FROM '{folder / name}.parquet'").fetchone()[0] == rows
    products = pq.read_table(folder / "products.parquet")
    assert set(products.column("product_id").to_pylist()) == mentioned
    assert "image" not in products.column_names and all(products.column("summary").to_pylist())
    turns = duckdb.sql(f"SELECT conversation_id, idx, role FROM '{folder}/turns.parquet'").fetchall()
    assert turns == sorted(turns, key=lambda t: (t[0].rsplit("-", 1)[0], int(t[0].rsplit("-", 1)[1]), t[1]))
    queries = duckdb.sql(f"SELECT conversation_id, round, query FROM '{folder}/querier_rounds.parquet'"
                         " ORDER BY ALL").fetchall()
    assert queries == [(g["conversation_id"], g["round"], g["query"]) for g in gold]
    assert CARD_MARKER in (folder / "README.md").read_text()


def test_hf_folder_loads_with_decodable_images_aligned_with_their_product_ids(db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "hf"
    with Store(db, read_only=True) as store:
        assert export_hf(store, folder) == N
        blobs = {r["product_id"]: r["image"] for r in store.rows(
            "SELECT product_id, image FROM product_images WHERE variant = 'MAIN'")}
        ids = kept_ids(store)
    ds = datasets.load_from_disk(str(folder))
    assert ds.num_rows == N and ds["conversation_id"] == ids
    raw = ds.cast_column("images", datasets.List(datasets.Image(decode=False)))
    shown_any = 0
    for row, raw_row in zip(ds, raw):
        shown = list(dict.fromkeys(pid for t in row["turns"] for pid in t["image_product_ids"]))
        assert row["image_product_ids"] == shown and len(row["images"]) == len(shown)
        for pid, image, stored in zip(shown, row["images"], raw_row["images"]):
            assert isinstance(image, Image.Image) and image.size[0] > 0
            assert stored["bytes"] == blobs[pid]  # the photo at position i is that of image_product_ids[i]
            with Image.open(io.BytesIO(blobs[pid])) as original:
                assert image.size == original.size
            shown_any += 1
        assert [t["role"] for t in row["turns"]] == ["assistant", "user"] * (len(row["turns"]) // 2)
        assert row["persona"].startswith("Name: ") and row["backstory"] and row["target_title"]
    assert shown_any > 0


def test_finetune_files_are_chat_jsonl_with_existing_images_and_gold_targets(db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "ft"
    with Store(db, read_only=True) as store:
        counts = export_finetune(store, folder, images="files")
        gold_queries = [r["query"] for r in store.rows(
            "SELECT q.query FROM querier_rounds q JOIN conversations c USING (conversation_id)"
            " ORDER BY c.conversation_set, c.k, q.round")]
        assistant_texts = [r["text"] for r in store.rows(
            "SELECT t.text FROM turns t JOIN conversations c USING (conversation_id) WHERE t.role = 'assistant'"
            " ORDER BY c.conversation_set, c.k, t.idx")]
        blobs = {r["product_id"]: r["image"] for r in store.rows("SELECT product_id, image FROM product_images")}
        chosen_ids = [r["chosen_product_id"] for r in store.rows(
            "SELECT q.chosen_product_id FROM querier_rounds q JOIN conversations c USING (conversation_id)"
            " ORDER BY c.conversation_set, c.k, q.round")]
        recommendations = store.rows(
            "SELECT t.conversation_id, t.idx, p.product_id, p.title, s.summary FROM turns t"
            " JOIN products p ON p.product_id = t.product_ids[1] JOIN product_summaries s USING (product_id)"
            " WHERE t.action = 'recommend'")
    queries = read_lines(folder / "recommendation_query.jsonl")
    responses = read_lines(folder / "response.jsonl")
    assert (counts["recommendation_query"], counts["response"]) == (len(queries), len(responses))
    assert [q["messages"][-1]["content"] for q in queries] == gold_queries
    assert [r["messages"][-1]["content"] for r in responses] == assistant_texts
    referenced = set()
    for example in queries + responses:
        assert [m["role"] for m in example["messages"]] == ["system", "user", "assistant"]
        for part in example["messages"][1]["content"]:
            assert part["type"] in ("text", "image_url")
            if part["type"] == "image_url":
                url = part["image_url"]["url"]
                assert url.startswith("images/") and (folder / url).is_file()
                referenced.add(url)
    assert referenced and len(referenced) == counts["images"] == len(list((folder / "images").iterdir()))
    for url in referenced:
        assert (folder / url).read_bytes() == blobs[Path(url).stem]
    ids = (folder / "response.ids.txt").read_text().splitlines()
    by_id = {i: r["messages"][1]["content"] for i, r in zip(ids, responses)}
    assert recommendations and len(by_id) == len(responses)
    for rec in recommendations:
        # a recommendation's example ends with the product to recommend: title, summary, then its photo
        parts = by_id[f"{rec['conversation_id']}/turn-{rec['idx']}"]
        assert f"Product to recommend: {rec['title']}\nSummary: {rec['summary']}" in parts[-2]["text"]
        assert parts[-1] == {"type": "image_url", "image_url": {"url": f"images/{rec['product_id']}.png"}}
    for q, chosen in zip(queries, chosen_ids):
        # the query's context stops before the recommendation, so the chosen item's photo is not in it
        urls = [p["image_url"]["url"] for p in q["messages"][1]["content"] if p["type"] == "image_url"]
        assert f"images/{chosen}.png" not in urls


def test_data_card_says_offline_engine_and_gives_counts(db: Path, tmp_path: Path) -> None:
    with Store(db, read_only=True) as store:
        facts = data_card_facts(store)
        export_jsonl(store, tmp_path / "conversations.jsonl")
        utterances = store.scalar("SELECT count(*) FROM turns")
    assert facts["engine"] == "offline" and facts["counts"]["conversations"] == N
    assert facts["counts"]["utterances"] == utterances and facts["honesty"]["grounding_failures"] == 0
    assert facts["cost_usd"] == 0 and {m["model"] for m in facts["models"]} == {"muse-offline-rules-v1"}
    card = (tmp_path / "conversations.jsonl.README.md").read_text()
    assert "offline engine" in card and "not LLM output" in card
    assert f"| conversations | {N} |" in card and f"| utterances (all conversations) | {utterances} |" in card
    assert "conversations.jsonl" in card and "## Honesty" in card
    with_stats = write_data_card(tmp_path / "card", facts, {"distinct_3": 0.41234, "words_per_utterance": 17.0},
                                 fmt="hf").read_text()
    assert "| distinct_3 | 0.4123 |" in with_stats and "| words_per_utterance | 17 |" in with_stats


def test_a_card_never_overwrites_a_readme_muse_did_not_write(db: Path, tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# my project\n")
    with Store(db, read_only=True) as store:
        with pytest.raises(ExportError, match="not written by muse"):
            export_parquet(store, tmp_path)
        export_parquet(store, tmp_path / "fresh")
        export_parquet(store, tmp_path / "fresh")  # its own card is replaced
    assert (tmp_path / "README.md").read_text() == "# my project\n"


def test_exports_are_byte_identical_when_run_twice(db: Path, tmp_path: Path) -> None:
    with Store(db, read_only=True) as store:
        for run in ("a", "b"):
            export_jsonl(store, tmp_path / run / "conversations.jsonl")
            export_finetune(store, tmp_path / run / "ft")
            export_hf(store, tmp_path / run / "hf")
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert Path("conversations.jsonl") in files and Path("ft/response.jsonl") in files
    for name in files:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


# -- the OpenAI chat fine-tuning format ------------------------------------------------------
# Written from OpenAI's fine-tuning guides (chat format, vision fine-tuning): a line is an object
# whose `messages` alternate system / user / assistant; content is a string or a list of parts,
# text parts {"type": "text", "text"} and image parts {"type": "image_url", "image_url": {"url"}}
# with an http(s) URL or a base64 data URL of a JPEG, PNG or WEBP; images only in user messages.
TEXT_PART = {"type": "object", "required": ["type", "text"], "additionalProperties": False,
             "properties": {"type": {"const": "text"}, "text": {"type": "string", "minLength": 1}}}
IMAGE_PART = {"type": "object", "required": ["type", "image_url"], "additionalProperties": False,
              "properties": {"type": {"const": "image_url"}, "image_url": {
                  "type": "object", "required": ["url"], "additionalProperties": False,
                  "properties": {"url": {"type": "string",
                                         "pattern": r"^(https?://|data:image/(jpeg|png|webp);base64,[A-Za-z0-9+/]+=*$)"},
                                 "detail": {"enum": ["auto", "low", "high"]}}}}}
OPENAI_CHAT_LINE = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object", "required": ["messages"], "additionalProperties": False,
    "properties": {"messages": {"type": "array", "minItems": 2, "items": {"oneOf": [
        {"type": "object", "required": ["role", "content"], "additionalProperties": False,
         "properties": {"role": {"const": "system"}, "name": {"type": "string"},
                        "content": {"oneOf": [{"type": "string", "minLength": 1},
                                              {"type": "array", "minItems": 1, "items": TEXT_PART}]}}},
        {"type": "object", "required": ["role", "content"], "additionalProperties": False,
         "properties": {"role": {"const": "user"}, "name": {"type": "string"},
                        "content": {"oneOf": [{"type": "string", "minLength": 1},
                                              {"type": "array", "minItems": 1,
                                               "items": {"oneOf": [TEXT_PART, IMAGE_PART]}}]}}},
        {"type": "object", "required": ["role", "content"], "additionalProperties": False,
         "properties": {"role": {"const": "assistant"}, "name": {"type": "string"}, "weight": {"enum": [0, 1]},
                        "content": {"oneOf": [{"type": "string", "minLength": 1},
                                              {"type": "array", "minItems": 1, "items": TEXT_PART}]}}},
    ]}}},
}
MAX_IMAGES_PER_EXAMPLE = 64
MAX_IMAGE_BYTES = 10 * 1024 * 1024


def cookbook_errors(example: object) -> list[str]:
    """The format checks of OpenAI's chat fine-tuning data-prep cookbook, by error type (plus the
    vision guide's image rules: user messages only, at most 64 per example, 10 MB each)."""
    if not isinstance(example, dict):
        return ["data_type"]
    messages = example.get("messages")
    if not isinstance(messages, list) or not messages:
        return ["missing_messages_list"]
    errors = []
    images = 0
    for message in messages:
        if not isinstance(message, dict) or "role" not in message or "content" not in message:
            errors.append("message_missing_key")
            continue
        if set(message) - {"role", "content", "name", "function_call", "weight"}:
            errors.append("message_unrecognized_key")
        if message["role"] not in ("system", "user", "assistant", "function"):
            errors.append("unrecognized_role")
        content = message["content"]
        if isinstance(content, list):  # a vision message: its parts must say something
            if not content or not all(p.get("text") or p.get("image_url", {}).get("url") for p in content):
                errors.append("missing_content")
            parts_with_images = [p for p in content if p.get("type") == "image_url"]
            if parts_with_images and message["role"] != "user":
                errors.append("image_outside_user_message")
            images += len(parts_with_images)
        elif not isinstance(content, str) or not content:
            errors.append("missing_content")
    if not any(m.get("role") == "assistant" for m in messages if isinstance(m, dict)):
        errors.append("example_missing_assistant_message")
    if images > MAX_IMAGES_PER_EXAMPLE:
        errors.append("too_many_images")
    return errors


def test_finetune_lines_pass_openais_chat_format_and_cookbook_checks(db: Path, tmp_path: Path) -> None:
    import base64

    import jsonschema

    folder = tmp_path / "ft"
    with Store(db, read_only=True) as store:
        counts = export_finetune(store, folder)  # the default: photos inline as data URLs
        blobs = {r["image_sha256"]: r["image"] for r in store.rows("SELECT image_sha256, image FROM product_history"
                                                                   " WHERE image IS NOT NULL")}
    validator = jsonschema.Draft202012Validator(OPENAI_CHAT_LINE)
    images = 0
    for task in ("recommendation_query", "response"):
        lines = (folder / f"{task}.jsonl").read_text(encoding="utf-8").splitlines()
        ids = (folder / f"{task}.ids.txt").read_text(encoding="utf-8").splitlines()
        assert len(lines) == len(ids) == counts[task] > 0 and len(set(ids)) == len(ids)
        for line in lines:
            example = json.loads(line)
            assert list(example) == ["messages"]  # no id or any other key beside the messages
            errors = sorted(validator.iter_errors(example), key=str)
            assert not errors, errors[0].message
            assert cookbook_errors(example) == []
            for part in (p for m in example["messages"] if isinstance(m["content"], list) for p in m["content"]):
                if part["type"] == "image_url":
                    header, data = part["image_url"]["url"].split(",", 1)
                    raw = base64.b64decode(data, validate=True)
                    assert len(raw) <= MAX_IMAGE_BYTES
                    with Image.open(io.BytesIO(raw)) as image:
                        assert f"image/{image.format.lower()}" == header[5:].split(";")[0]
                        assert image.mode in ("RGB", "RGBA")
                    if raw in blobs.values():  # stored PNGs in RGB(A) are shipped as they are
                        images += 1
    assert images > 0 and not (folder / "images").exists()
    assert cookbook_errors({"messages": [{"role": "user", "content": "hi", "id": 1}]}) == [
        "message_unrecognized_key", "example_missing_assistant_message"]  # the checker itself catches mistakes


def test_a_palette_photo_becomes_an_rgb_png_data_url() -> None:
    import base64

    from muse_core.exports import _data_url

    out = io.BytesIO()
    Image.new("P", (4, 4)).save(out, format="GIF")
    url = _data_url(out.getvalue())
    assert url.startswith("data:image/png;base64,")
    with Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))) as image:
        assert image.format == "PNG" and image.mode in ("RGB", "RGBA")


def test_finetune_rejects_an_unknown_images_choice(db: Path, tmp_path: Path) -> None:
    from muse_core.exports import ExportOptionError

    with Store(db, read_only=True) as store, pytest.raises(ExportOptionError, match="data-url, files"):
        export_finetune(store, tmp_path / "ft", images="inline")


# -- data cards: Hugging Face front matter, one card per export --------------------------------

def front_matter(card: Path) -> dict:
    import yaml

    text = card.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    return yaml.safe_load(text.split("---\n", 2)[1])


def test_parquet_card_front_matter_gives_one_load_dataset_config_per_table(db: Path, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "pq"
    with Store(db, read_only=True) as store:
        counts = export_parquet(store, folder, card={"license": "cc-by-4.0"})
    meta = front_matter(folder / "README.md")
    assert meta["license"] == "cc-by-4.0" and meta["language"] == ["en"] and "text-generation" in meta["task_categories"]
    assert "rule-based-offline-engine" in meta["tags"] and meta["pretty_name"]
    assert {c["config_name"]: c["data_files"] for c in meta["configs"]} == {
        name: f"{name}.parquet" for name in counts}
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    cache = str(tmp_path / "hf-cache")  # a fresh cache: HF_HOME is read once, when datasets is imported
    for name, rows in counts.items():
        loaded = datasets.load_dataset(str(folder), name, split="train", cache_dir=cache)
        assert loaded.num_rows == rows, name
    assert "backstory" in datasets.load_dataset(str(folder), split="train", cache_dir=cache).column_names  # the default: conversations
    assert datasets.load_dataset("parquet", data_files=str(folder / "turns.parquet"), split="train",
                                 cache_dir=cache).num_rows == \
        counts["turns"]


def test_finetune_card_configs_load_the_chat_files(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "ft"
    with Store(db, read_only=True) as store:
        counts = export_finetune(store, folder)
    meta = front_matter(folder / "README.md")
    assert [c["config_name"] for c in meta["configs"]] == ["response", "recommendation_query"]
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    assert datasets.load_dataset(str(folder), "recommendation_query", split="train",
                                 cache_dir=str(tmp_path / "hf-cache")).num_rows == \
        counts["recommendation_query"]


def test_two_exports_with_one_stem_keep_a_card_each(db: Path, tmp_path: Path) -> None:
    from muse_core.muse_json import export_muse_json

    with Store(db, read_only=True) as store:
        export_muse_json(store, tmp_path / "data.json")
        export_jsonl(store, tmp_path / "data.jsonl")
        export_parquet(store, tmp_path / "both")
        with pytest.raises(ExportError, match="already holds a parquet export"):
            export_finetune(store, tmp_path / "both")  # a folder is one export: one card, one format
    assert "## Files (muse-json)" in (tmp_path / "data.json.README.md").read_text()
    assert "## Files (jsonl)" in (tmp_path / "data.jsonl.README.md").read_text()
    for card in ("data.json.README.md", "data.jsonl.README.md"):
        assert front_matter(tmp_path / card)["license"] == "other"


def test_every_builtin_format_is_a_plugin_the_registry_lists(db: Path, tmp_path: Path) -> None:
    from muse_core.exports import ExportFormat, ExportOptions

    reg = registry()
    assert set(reg.names("export_format")) >= {"muse-json", "jsonl", "parquet", "hf", "finetune"}
    with Store(db, read_only=True) as store:
        for name in ("muse-json", "jsonl", "parquet", "finetune"):
            fmt = reg.get("export_format", name)
            assert isinstance(fmt, ExportFormat) and reg.entries["export_format"][name].origin == "builtin"
            out = tmp_path / f"{name}{fmt.suffix}"
            written = fmt.write(store, out, ExportOptions(settings={"pretty_name": "x"}))
            assert written and all(isinstance(n, int) for n in written.values())
            assert out.exists()
