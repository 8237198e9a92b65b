"""Dataset exports besides the authors' JSON (muse_json.py): JSONL with full lineage, Parquet
tables, a Hugging Face `datasets` folder with the photos, chat-format fine-tuning files for the
paper's recommendation and response tasks, and the data card that goes with each of them.

Every export reads one open Store, takes the conversations the reviewer kept (all finished
ones with `include_dropped=True`), orders them by (conversation_set, k, idx) and writes the
same bytes for the same database: no timestamps, no random ids, fixed key order.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from muse_core.config import OFFLINE_MODEL
from muse_core.personas import Persona
from muse_core.store import Store

CARD = "README.md"
# Right after the YAML front matter of every card we write: lets a re-export replace its own card
# but never a README that someone else wrote in the same folder.
CARD_MARKER = "<!-- muse data card: written by muse_core.exports, safe to regenerate -->"
# The line after it names the format, so a folder export never replaces another format's card.
CARD_FORMAT = re.compile(r"^<!-- muse export format: (\S+) -->$", re.M)
# Settings every built-in format accepts (`--option key=value`): they go into the card's front matter.
CARD_OPTIONS = {"license": "the dataset's license id in the card (default: other)",
                "pretty_name": "the dataset's display name in the card"}
EXT_BY_MIME = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/gif": "gif"}
# Product ids become file names in images/; refuse anything that could leave the folder.
SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")

QUERY_SYSTEM = ("You are the search component of a shopping assistant. Read the conversation and "
                "write a catalog search query for what the user needs.")
RESPONSE_SYSTEM = ("You are a friendly shopping assistant in a conversation with a customer. Write the "
                   "assistant's next reply. When a product to recommend is given, recommend it by its title "
                   "and describe it truthfully from its details and photo.")


class ExportError(RuntimeError):
    """The database cannot be exported as asked; the message says why."""


class ExportOptionError(ValueError):
    """A format setting has a value the format does not accept (a user's mistake)."""


# -- export formats as plugins ---------------------------------------------------------------

@dataclass(frozen=True)
class ExportOptions:
    """What `muse export` passes to a format's `write`: which conversations, the statistics for
    the data card, and the format's own settings (`--option key=value`, checked against its
    `options` before `write` is called)."""
    include_dropped: bool = False
    stats: dict[str, Any] | None = None
    settings: Mapping[str, str] = field(default_factory=dict)


@runtime_checkable
class ExportFormat(Protocol):
    """An export format, registered by the `muse_export_formats` hook. `suffix` is the default
    file suffix of `--out` (".json", ".jsonl"), or "" when the format writes a folder. `options`
    maps each setting the format reads from `ExportOptions.settings` to its help (may be empty).
    `write` returns what it wrote as {what: count}, e.g. {"conversations": 6}."""
    name: str
    description: str
    suffix: str
    options: Mapping[str, str]

    def write(self, store: Store, path: Path, options: ExportOptions) -> dict[str, int]: ...


# -- what is exported ------------------------------------------------------------------------

def _where(include_dropped: bool) -> str:
    # Unreviewed conversations count as not kept: the reviewer has not vouched for them.
    return "TRUE" if include_dropped else "coalesce(v.kept, FALSE)"


def selected_sql(include_dropped: bool = False) -> str:
    """One row per exported conversation with its lineage, flat (also the Parquet table).
    LEFT JOINs so a conversation with dangling lineage is exported with NULLs, not dropped. The
    target is the listing the conversation was made from (view conversation_products), which a
    later re-ingest does not change; `target_content_hash` names that version."""
    return (
        "SELECT c.conversation_id, c.conversation_set, c.k, c.profile_id,"
        " p.user_id, u.name, u.gender, u.age, u.profession,"
        " p.scenario_id, s.text AS scenario_text, p.backstory, p.requirements,"
        " c.target_product_id, tp.title AS target_title, tp.content_hash AS target_content_hash,"
        " c.open_type, c.outfit_product_id, c.policy, c.round_limit, c.rounds, c.target_injected, c.accepted_round,"
        " v.content_quality, v.logical_fluency, v.user_consistency, v.total AS review_total,"
        " v.threshold AS review_threshold, v.kept, v.reason AS review_reason"
        " FROM conversations c"
        " LEFT JOIN profiles p USING (profile_id)"
        " LEFT JOIN users u ON u.user_id = p.user_id"
        " LEFT JOIN scenarios s ON s.scenario_id = p.scenario_id"
        " LEFT JOIN conversation_products tp"
        " ON tp.conversation_id = c.conversation_id AND tp.product_id = c.target_product_id"
        " LEFT JOIN reviews v ON v.conversation_id = c.conversation_id"
        f" WHERE {_where(include_dropped)}"
    )


def _conversations(store: Store, include_dropped: bool) -> list[dict[str, Any]]:
    return store.rows(f"SELECT * FROM ({selected_sql(include_dropped)}) ORDER BY conversation_set, k")


def _turns_sql(include_dropped: bool) -> str:
    return (
        "SELECT t.conversation_id, c.conversation_set, c.k, t.idx, t.round, t.role, t.action, t.text,"
        " t.original_text, t.product_ids, t.image_product_ids, t.cache_key,"
        " r.colloquial, r.check_passed, r.check_reason"
        f" FROM ({selected_sql(include_dropped)}) c JOIN turns t USING (conversation_id)"
        " LEFT JOIN rewrites r USING (conversation_id, idx)"
    )


def _by_conversation(rows: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(row["conversation_id"], []).append(row)
    return grouped


def _turns(store: Store, include_dropped: bool) -> dict[str, list[dict[str, Any]]]:
    return _by_conversation(store.rows(
        f"SELECT * FROM ({_turns_sql(include_dropped)}) ORDER BY conversation_set, k, idx"))


def _querier_rounds(store: Store, include_dropped: bool) -> dict[str, list[dict[str, Any]]]:
    return _by_conversation(store.rows(
        "SELECT q.conversation_id, q.round, q.needs, q.query, q.attributes, q.retriever, q.candidates,"
        " q.reranked_product_id, q.chosen_product_id, q.target_in_candidates, q.injected"
        f" FROM ({selected_sql(include_dropped)}) c JOIN querier_rounds q USING (conversation_id)"
        " ORDER BY c.conversation_set, c.k, q.round"))


def _write_lines(path: Path, records: Iterable[dict[str, Any]]) -> int:
    """JSON Lines, UTF-8, '\\n' on every platform, keys in the order the record was built."""
    n = 0
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            n += 1
    return n


def _scope(include_dropped: bool) -> str:
    return "all finished conversations, dropped ones included" if include_dropped else "conversations the reviewer kept"


# -- 1. JSONL with lineage -------------------------------------------------------------------

def jsonl_records(store: Store, include_dropped: bool = False) -> list[dict[str, Any]]:
    """One dict per exported conversation: profile, target, outcome, review, turns and querier rounds."""
    turns = _turns(store, include_dropped)
    rounds = _querier_rounds(store, include_dropped)
    records = []
    for c in _conversations(store, include_dropped):
        cid = c["conversation_id"]
        review = None if c["review_total"] is None else {
            "content_quality": c["content_quality"], "logical_fluency": c["logical_fluency"],
            "user_consistency": c["user_consistency"], "total": c["review_total"],
            "threshold": c["review_threshold"], "kept": c["kept"], "reason": c["review_reason"]}
        records.append({
            "conversation_id": cid,
            "conversation_set": c["conversation_set"],
            "k": c["k"],
            "profile_id": c["profile_id"],
            "user": {"id": c["user_id"], "name": c["name"], "gender": c["gender"], "age": c["age"],
                     "profession": c["profession"]},
            "scenario": {"id": c["scenario_id"], "text": c["scenario_text"]},
            "backstory": c["backstory"],
            "requirements": list(c["requirements"] or []),
            "target": {"product_id": c["target_product_id"], "title": c["target_title"],
                       "content_hash": c["target_content_hash"]},
            "open_type": c["open_type"],
            "outfit_product_id": c["outfit_product_id"],
            "policy": c["policy"],
            "round_limit": c["round_limit"],
            "rounds": c["rounds"],
            "target_injected": c["target_injected"],
            "accepted_round": c["accepted_round"],
            "review": review,
            "kept": bool(c["kept"]),
            "turns": [{
                "idx": t["idx"], "round": t["round"], "role": t["role"], "action": t["action"],
                "text": t["text"], "original_text": t["original_text"],
                "product_ids": list(t["product_ids"]), "image_product_ids": list(t["image_product_ids"]),
                "cache_key": t["cache_key"],
                # NULL when the utterance was never rewritten
                "colloquial": t["colloquial"], "check_passed": t["check_passed"], "check_reason": t["check_reason"],
            } for t in turns.get(cid, [])],
            "querier_rounds": [{
                "round": q["round"], "needs": q["needs"], "query": q["query"], "attributes": list(q["attributes"]),
                "retriever": q["retriever"],
                "candidates": [{"product_id": x["product_id"], "score": x["score"], "rank": x["rank"]}
                               for x in q["candidates"]],
                "reranked_product_id": q["reranked_product_id"],
                "chosen_product_id": q["chosen_product_id"],
                "target_in_candidates": q["target_in_candidates"], "injected": q["injected"],
            } for q in rounds.get(cid, [])],
        })
    return records


def export_jsonl(store: Store, path: Path, include_dropped: bool = False,
                 stats: dict[str, Any] | None = None, card: dict[str, str] | None = None) -> int:
    """Write one conversation per line to `path`, and its data card next to it as
    `<file name>.README.md`: a file export must not take over the folder's README.md, and two
    exports to `x.json` and `x.jsonl` keep a card each."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    n = _write_lines(path, jsonl_records(store, include_dropped))
    write_data_card(path.parent, data_card_facts(store), stats, fmt="jsonl", name=f"{path.name}.README.md",
                    files={path.name: f"{n} conversations ({_scope(include_dropped)}), one JSON object per line"},
                    card=card)
    return n


# -- 2. Parquet ------------------------------------------------------------------------------

def _copy(store: Store, sql: str, path: Path) -> int:
    store.write_parquet(sql, path)  # a read-only connection may not COPY to a file itself
    return int(store.scalar(f"SELECT count(*) FROM ({sql})"))


def export_parquet(store: Store, folder: Path, include_dropped: bool = False,
                   stats: dict[str, Any] | None = None, card: dict[str, str] | None = None) -> dict[str, int]:
    """conversations / turns / querier_rounds / products .parquet in `folder`; returns row counts."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    selected = selected_sql(include_dropped)
    tables = {
        "conversations": f"SELECT * FROM ({selected}) ORDER BY conversation_set, k",
        "turns": f"SELECT * FROM ({_turns_sql(include_dropped)}) ORDER BY conversation_set, k, idx",
        # the querier's gold queries and candidates: the recommendation task needs them
        "querier_rounds": (
            "SELECT c.conversation_set, c.k, q.*"
            f" FROM ({selected}) c JOIN querier_rounds q USING (conversation_id)"
            " ORDER BY c.conversation_set, c.k, q.round"),
        # every listing an exported conversation was made from: one row per (product_id, content_hash)
        "products": (
            "SELECT p.product_id, p.content_hash, p.current, p.domain, p.title, p.main_category,"
            " p.categories, p.features, p.description, p.store, p.price, p.average_rating, p.rating_number,"
            " p.details, p.image_status, p.summary, p.summary_attributes, p.image_mime, p.image_width,"
            " p.image_height, p.image_sha256"
            f" FROM ({selected}) c JOIN conversation_products p USING (conversation_id)"
            # the same listing seen by several conversations (or ingested twice, A -> B -> A) once
            " QUALIFY row_number() OVER (PARTITION BY p.product_id, p.content_hash"
            " ORDER BY p.valid_from DESC, c.conversation_id) = 1"
            " ORDER BY p.product_id, p.current, p.content_hash"),
    }
    counts = {name: _copy(store, sql, folder / f"{name}.parquet") for name, sql in tables.items()}
    about = {
        "conversations": f"{counts['conversations']} conversations ({_scope(include_dropped)}) with profile, "
                         "target, outcome and review scores",
        "turns": f"{counts['turns']} utterances: text, simulator text, mentioned and shown products, rewrite check",
        "querier_rounds": f"{counts['querier_rounds']} recommendation rounds: needs, gold query, candidates, choice",
        "products": f"{counts['products']} products the conversations target, mention or show, as each "
                    "conversation saw them (one row per version: product_id, content_hash; current = still "
                    "the catalog's listing), with summaries (photos are not included: see image_sha256, or "
                    "the hf/finetune exports)",
    }
    # one config per table: load_dataset(folder, "turns") loads that table alone
    write_data_card(folder, data_card_facts(store), stats, fmt="parquet",
                    files={f"{name}.parquet": text for name, text in about.items()},
                    card=card, configs={name: f"{name}.parquet" for name in tables})
    return counts


# -- images ----------------------------------------------------------------------------------

def image_file_name(product_id: str, mime: str, replaced_sha256: str | None = None) -> str:
    """`<product_id>.<ext>`: the name a product photo gets in an export's images/ folder. A photo
    a re-ingest has since replaced (`replaced_sha256`) is `<product_id>.<12 hex of its sha256>.<ext>`,
    so a conversation made before the change and one made after can ship side by side."""
    if not SAFE_ID.fullmatch(product_id):
        raise ExportError(f"product id {product_id!r} cannot be used as a file name in images/")
    if mime not in EXT_BY_MIME:
        raise ExportError(f"product {product_id} has an image of unknown type {mime!r}; "
                          f"known: {', '.join(EXT_BY_MIME)}")
    stem = product_id if replaced_sha256 is None else f"{product_id}.{replaced_sha256[:12]}"
    return f"{stem}.{EXT_BY_MIME[mime]}"


@dataclass(frozen=True)
class _Photo:
    """A product's MAIN photo as a conversation saw it, and its file name in an export."""
    product_id: str
    sha256: str
    file_name: str


def _photos(store: Store, include_dropped: bool) -> dict[str, dict[str, _Photo]]:
    """Per exported conversation, the photo of each of its products as it was when the conversation
    was made (view conversation_products), by product id; products without a photo are absent."""
    rows = store.rows(
        "SELECT cp.conversation_id, cp.product_id, cp.image_sha256, cp.image_mime,"
        " coalesce(cp.image_sha256 = i.sha256, FALSE) AS still_stored"
        f" FROM ({selected_sql(include_dropped)}) c JOIN conversation_products cp USING (conversation_id)"
        " LEFT JOIN product_images i ON i.product_id = cp.product_id AND i.variant = 'MAIN'"
        " WHERE cp.image_sha256 IS NOT NULL ORDER BY cp.conversation_id, cp.product_id")
    found: dict[str, dict[str, _Photo]] = {}
    for r in rows:
        name = image_file_name(r["product_id"], r["image_mime"], None if r["still_stored"] else r["image_sha256"])
        found.setdefault(r["conversation_id"], {})[r["product_id"]] = _Photo(r["product_id"], r["image_sha256"], name)
    return found


def _photo_bytes(store: Store, photos: Iterable[_Photo]) -> dict[str, bytes]:
    """The bytes of each photo by file name, each read once (current or archived, product_history)."""
    wanted = {p.file_name: p for p in photos}
    if not wanted:
        return {}
    keys = sorted({f"{p.product_id}/{p.sha256}" for p in wanted.values()})
    blobs = {(r["product_id"], r["image_sha256"]): bytes(r["image"]) for r in store.rows(
        "SELECT DISTINCT ON (product_id, image_sha256) product_id, image_sha256, image FROM product_history"
        " WHERE image IS NOT NULL AND list_contains(?, product_id || '/' || image_sha256)", [keys])}
    return {name: blobs[(p.product_id, p.sha256)] for name, p in sorted(wanted.items())}


def _shown(turns: list[dict[str, Any]]) -> list[str]:
    """Product ids whose photo a conversation shows, each once, in order of first appearance."""
    return list(dict.fromkeys(pid for t in turns for pid in t["image_product_ids"]))


# -- 3. Hugging Face datasets ----------------------------------------------------------------

def _hf_features() -> Any:
    import datasets

    string = datasets.Value("string")
    return datasets.Features({
        "conversation_id": string, "conversation_set": string, "k": datasets.Value("int32"),
        "profile_id": string, "user_id": string, "scenario_id": string,
        "persona": string, "scenario": string, "backstory": string,
        "requirements": datasets.List(string),
        "target_product_id": string, "target_title": string,
        "open_type": string, "target_injected": datasets.Value("bool"), "kept": datasets.Value("bool"),
        "turns": datasets.List({"role": string, "action": string, "text": string,
                                "product_ids": datasets.List(string), "image_product_ids": datasets.List(string)}),
        "images": datasets.List(datasets.Image()),
        "image_product_ids": datasets.List(string),
    })


def export_hf(store: Store, folder: Path, include_dropped: bool = False,
              stats: dict[str, Any] | None = None, card: dict[str, str] | None = None) -> int:
    """A `datasets.Dataset.save_to_disk` folder, one row per conversation, photos embedded:
    `images[i]` is the photo of `image_product_ids[i]`, each shown photo once, in order of first
    appearance; a turn's `image_product_ids` says where it was shown."""
    import datasets

    folder = Path(folder)
    turns = _turns(store, include_dropped)
    conversations = _conversations(store, include_dropped)
    photos = _photos(store, include_dropped)
    data = _photo_bytes(store, (photos[cid][pid] for cid, said in turns.items() for pid in _shown(said)
                                if pid in photos.get(cid, {})))
    rows = []
    for c in conversations:
        said = turns.get(c["conversation_id"], [])
        shown = _shown(said)
        seen = photos.get(c["conversation_id"], {})
        missing = [pid for pid in shown if pid not in seen]
        if missing:  # grounding_failures would list these; a row with holes would misalign images
            raise ExportError(f"conversation {c['conversation_id']} shows photos that are not stored: {missing}")
        rows.append({
            "conversation_id": c["conversation_id"], "conversation_set": c["conversation_set"], "k": c["k"],
            "profile_id": c["profile_id"], "user_id": c["user_id"], "scenario_id": c["scenario_id"],
            "persona": Persona.of_user(c).describe(), "scenario": c["scenario_text"], "backstory": c["backstory"],
            "requirements": list(c["requirements"] or []),
            "target_product_id": c["target_product_id"], "target_title": c["target_title"],
            "open_type": c["open_type"], "target_injected": c["target_injected"], "kept": bool(c["kept"]),
            "turns": [{"role": t["role"], "action": t["action"], "text": t["text"],
                       "product_ids": list(t["product_ids"]), "image_product_ids": list(t["image_product_ids"])}
                      for t in said],
            "images": [{"bytes": data[seen[pid].file_name], "path": seen[pid].file_name} for pid in shown],
            "image_product_ids": shown,
        })
    features = _hf_features()
    # by column, not from_list: an empty list of rows would lose the columns
    built = datasets.Dataset.from_dict({name: [r[name] for r in rows] for name in features}, features=features)
    # from_dict draws a random fingerprint; derive it from the store and the exported ids so state.json is stable
    digest = hashlib.sha256(json.dumps([r["conversation_id"] for r in rows]).encode())
    digest.update(store.store_id.encode())
    dataset = datasets.Dataset(built.data, info=built.info, fingerprint=digest.hexdigest()[:16])
    quiet = not datasets.utils.are_progress_bars_disabled()
    if quiet:  # the caller reports the counts; keep the library's progress bar off its output
        datasets.disable_progress_bars()
    try:
        # datasets divides by the row count when sizing shards; an empty export gets one shard
        dataset.save_to_disk(str(folder), num_shards=None if rows else 1)
    finally:
        if quiet:
            datasets.enable_progress_bars()
    write_data_card(folder, data_card_facts(store), stats, fmt="hf", files={
        "data-*.arrow, dataset_info.json, state.json":
            f"the `datasets` folder: {len(rows)} conversations ({_scope(include_dropped)}), "
            f"{sum(len(r['images']) for r in rows)} embedded photos"}, card=card)
    return len(rows)


# -- 4. Fine-tuning files --------------------------------------------------------------------

def _add_text(parts: list[dict[str, Any]], text: str, joiner: str = "\n") -> None:
    """Append text, merging with a text part right before it, so parts alternate text / images."""
    if parts and parts[-1]["type"] == "text":
        parts[-1]["text"] += joiner + text
    else:
        parts.append({"type": "text", "text": text})


def _image_part(file_name: str) -> dict[str, Any]:
    return {"type": "image_url", "image_url": {"url": f"images/{file_name}"}}


def _context(turns: list[dict[str, Any]], files: dict[str, str]) -> list[dict[str, Any]]:
    """The conversation so far as chat content parts: each utterance as 'Role: text', followed by
    the photos it showed."""
    parts: list[dict[str, Any]] = []
    _add_text(parts, "Conversation so far:" if turns else "The conversation has not started yet.")
    for t in turns:
        _add_text(parts, f"{t['role'].capitalize()}: {t['text']}")
        for pid in t["image_product_ids"]:
            parts.append(_image_part(files[pid]))
    return parts


def _example(system: str, user: list[dict[str, Any]], assistant: str, example_id: str) -> dict[str, Any]:
    return {"id": example_id, "messages": [
        {"role": "system", "content": system},
        {"role": "user", "content": user},
        {"role": "assistant", "content": assistant},
    ]}


def finetune_records(store: Store, include_dropped: bool = False) -> tuple[list[dict], list[dict], dict[str, bytes]]:
    """(recommendation_query examples, response examples, the bytes of the photos they reference by
    file name in images/). Products are the listings each conversation was made from."""
    turns = _turns(store, include_dropped)
    rounds = _querier_rounds(store, include_dropped)
    photos = _photos(store, include_dropped)
    listings = {(r["conversation_id"], r["product_id"]): r for r in store.rows(
        "SELECT cp.conversation_id, cp.product_id, cp.title, cp.price, cp.summary"
        f" FROM ({selected_sql(include_dropped)}) c JOIN conversation_products cp USING (conversation_id)")}
    used: dict[str, _Photo] = {}
    queries: list[dict] = []
    responses: list[dict] = []
    for c in _conversations(store, include_dropped):
        cid = c["conversation_id"]
        said = turns.get(cid, [])
        seen = photos.get(cid, {})
        files = {pid: photo.file_name for pid, photo in seen.items()}
        missing = [pid for pid in _shown(said) if pid not in files]
        if missing:
            raise ExportError(f"conversation {cid} shows photos that are not stored: {missing}")
        recommend_at = {t["round"]: i for i, t in enumerate(said) if t["action"] == "recommend"}
        for q in rounds.get(cid, []):
            if q["round"] not in recommend_at:
                raise ExportError(f"conversation {cid} has a querier round {q['round']} without a recommendation turn")
            before = said[:recommend_at[q["round"]]]
            used.update((files[pid], seen[pid]) for t in before for pid in t["image_product_ids"])
            queries.append(_example(QUERY_SYSTEM, _context(before, files), q["query"], f"{cid}/round-{q['round']}"))
        for i, t in enumerate(said):
            if t["role"] != "assistant":
                continue
            before = said[:i]
            used.update((files[pid], seen[pid]) for u in before for pid in u["image_product_ids"])
            parts = _context(before, files)
            if t["action"] == "recommend":
                for pid in t["product_ids"]:
                    item = listings.get((cid, pid))
                    if item is None:
                        raise ExportError(f"conversation {cid} turn {t['idx']} recommends unknown product {pid}")
                    # the chatter may state the listing price, so the example gives it too
                    price = "" if item["price"] is None else f"\nPrice: ${item['price']:.2f}"
                    _add_text(parts, f"Product to recommend: {item['title']}\nSummary: {item['summary'] or ''}{price}",
                              joiner="\n\n")
                    if pid in files:
                        parts.append(_image_part(files[pid]))
                        used[files[pid]] = seen[pid]
            responses.append(_example(RESPONSE_SYSTEM, parts, t["text"], f"{cid}/turn-{t['idx']}"))
    return queries, responses, _photo_bytes(store, used.values())


FINETUNE_IMAGES = ("data-url", "files")
# What OpenAI's vision fine-tuning accepts; any other photo is re-encoded as PNG for a data URL.
OPENAI_IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


def _data_url(data: bytes) -> str:
    """The photo as a `data:` URL OpenAI accepts: JPEG, PNG or WEBP in RGB(A); others become PNG."""
    import base64
    import io

    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        if image.format not in OPENAI_IMAGE_FORMATS or image.mode not in ("RGB", "RGBA"):
            out = io.BytesIO()
            image.convert("RGBA" if "A" in image.getbands() or "transparency" in image.info else "RGB").save(
                out, format="PNG")
            data, mime = out.getvalue(), "image/png"
        else:
            mime = OPENAI_IMAGE_FORMATS[image.format]
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _inline_images(example: dict[str, Any], urls: dict[str, str]) -> dict[str, Any]:
    """The example with each `images/<file>` reference replaced by its data URL."""
    messages = []
    for message in example["messages"]:
        content = message["content"]
        if isinstance(content, list):
            content = [{"type": "image_url", "image_url": {"url": urls[p["image_url"]["url"]]}}
                       if p["type"] == "image_url" else p for p in content]
        messages.append({**message, "content": content})
    return {**example, "messages": messages}


def export_finetune(store: Store, folder: Path, include_dropped: bool = False,
                    stats: dict[str, Any] | None = None, card: dict[str, str] | None = None,
                    images: str = "data-url") -> dict[str, int]:
    """recommendation_query.jsonl and response.jsonl in `folder`, in OpenAI's chat fine-tuning
    format: each line is {"messages": [...]} and nothing else. Each example's id
    (`<conversation_id>/round-<n>` or `/turn-<idx>`) is on the same line of `<file stem>.ids.txt`.
    Photos are data URLs inside the lines (`images="data-url"`, what OpenAI's upload takes), or
    files in images/ referenced by relative path (`images="files"`, for trainers that read files)."""
    if images not in FINETUNE_IMAGES:
        raise ExportOptionError(f"images={images} is not a choice; choose one of: {', '.join(FINETUNE_IMAGES)}")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    queries, responses, photos = finetune_records(store, include_dropped)
    urls = {f"images/{name}": _data_url(data) for name, data in photos.items()} if images == "data-url" else {}
    counts = {}
    for task, examples in (("recommendation_query", queries), ("response", responses)):
        lines = [{"messages": (_inline_images(e, urls) if urls else e)["messages"]} for e in examples]
        counts[task] = _write_lines(folder / f"{task}.jsonl", lines)
        (folder / f"{task}.ids.txt").write_text("".join(e["id"] + "\n" for e in examples), encoding="utf-8",
                                                newline="\n")
    files = {
        "recommendation_query.jsonl": f"{counts['recommendation_query']} examples, one per recommendation round: "
                                      "conversation so far -> the querier's gold search query",
        "response.jsonl": f"{counts['response']} examples, one per assistant turn: conversation so far (and, for "
                          "recommendations, the product's title, summary and photo) -> the assistant's text",
        "recommendation_query.ids.txt, response.ids.txt": "each example's id, on the same line number as the "
                                                          "example: <conversation_id>/round-<n> or /turn-<idx>",
    }
    if images == "files":
        (folder / "images").mkdir(exist_ok=True)
        for name, data in photos.items():
            (folder / "images" / name).write_bytes(data)
        counts["images"] = len(photos)
        files["images/"] = f"{len(photos)} product photos referenced as images/<product_id>.<ext>"
    else:
        counts["images"] = len(photos)
    write_data_card(folder, data_card_facts(store), stats, fmt="finetune", files=files, card=card,
                    configs={"response": "response.jsonl", "recommendation_query": "recommendation_query.jsonl"})
    return counts


# -- 5. Data card ----------------------------------------------------------------------------

def _rate(part: float, whole: float) -> float | None:
    return round(part / whole, 4) if whole else None


def data_card_facts(store: Store) -> dict[str, Any]:
    """What a data card states about the whole database: models, cost, counts, honesty rates."""
    models = store.rows("SELECT role, provider, model, host, engine, answered_as, prompt_tokens, completion_tokens,"
                        " cost_usd, pricing FROM models_by_role WHERE answers > 0 ORDER BY ALL")
    offline = [m for m in models if m["engine"] == "rule-based offline engine"]
    engine = "none" if not models else "offline" if len(offline) == len(models) else "llm" if not offline else "mixed"
    # every attempt is billed, including answers the gateway refused and re-asked
    cost = store.rows("SELECT skill, count(*) AS calls, round(sum(cost_usd), 6) AS cost_usd FROM llm_calls"
                      " GROUP BY skill ORDER BY skill")
    outcomes = store.rows(
        "SELECT coalesce(sum(conversations), 0) AS conversations, coalesce(sum(organic), 0) AS organic,"
        " coalesce(sum(injected), 0) AS injected, coalesce(sum(leaked), 0) AS leaked,"
        " coalesce(sum(ungrounded), 0) AS ungrounded FROM target_outcomes")[0]
    review = store.rows("SELECT count(*) AS reviewed, count(*) FILTER (WHERE kept) AS kept,"
                        " round(avg(content_quality), 3) AS content_quality,"
                        " round(avg(logical_fluency), 3) AS logical_fluency,"
                        " round(avg(user_consistency), 3) AS user_consistency FROM reviews")[0]
    rewrites = int(store.scalar("SELECT count(*) FROM rewrites"))
    refused = int(store.scalar("SELECT count(*) FROM rewrite_check_failures"))
    return {
        "engine": engine,
        "models": models,
        "offline_roles": sorted({m["role"] for m in offline}),
        "code_versions": [r["code_version"] for r in store.rows(
            "SELECT DISTINCT code_version FROM runs ORDER BY code_version")],
        "domains": [r["domain"] for r in store.rows("SELECT DISTINCT domain FROM products ORDER BY domain")],
        "cost_by_skill": cost,
        "cost_usd": round(sum(r["cost_usd"] for r in cost), 6),
        "counts": {
            "products": int(store.scalar("SELECT count(*) FROM products")),
            "profiles": int(store.scalar("SELECT count(*) FROM profiles")),
            "conversation_sets": int(store.scalar("SELECT count(DISTINCT conversation_set) FROM conversations")),
            "conversations": int(store.scalar("SELECT count(*) FROM conversations")),
            "reviewed": int(review["reviewed"]),
            "kept": int(review["kept"]),
            "utterances": int(store.scalar("SELECT count(*) FROM turns")),
            "kept_utterances": int(store.scalar(
                "SELECT count(*) FROM turns JOIN reviews USING (conversation_id) WHERE kept")),
        },
        "honesty": {
            "organic": int(outcomes["organic"]),
            "injected": int(outcomes["injected"]),
            "organic_rate": _rate(outcomes["organic"], outcomes["conversations"]),
            "leaked": int(outcomes["leaked"]),
            "leak_rate": _rate(outcomes["leaked"], outcomes["conversations"]),
            "ungrounded_conversations": int(outcomes["ungrounded"]),
            "grounding_failures": int(store.scalar("SELECT count(*) FROM grounding_failures")),
            "rewrites": rewrites,
            "rewrite_check_failures": refused,
            "rewrite_refusal_rate": _rate(refused, rewrites),
            "review_pass_rate": _rate(review["kept"], review["reviewed"]),
            "review_means": {"content_quality": review["content_quality"], "logical_fluency": review["logical_fluency"],
                             "user_consistency": review["user_consistency"]},
        },
    }


def _fmt(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{int(value):,}" if value.is_integer() and abs(value) >= 1 else f"{value:,.4f}".rstrip("0").rstrip(".")
    return str(value)


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def _table(header: tuple[str, ...], rows: Iterable[Iterable[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
    lines += ["| " + " | ".join(_fmt(v).replace("|", "\\|") for v in row) + " |" for row in rows]
    return lines


LOADING = {
    "jsonl": ["```python", "import json",
              "conversations = [json.loads(line) for line in open('FILE', encoding='utf-8')]",
              "```"],
    "parquet": ["```python", "import duckdb",
                "duckdb.sql(\"SELECT role, action, text FROM 'turns.parquet' ORDER BY conversation_set, k, idx\")",
                "# or: pyarrow.parquet.read_table('conversations.parquet')", "```"],
    "hf": ["```python", "import datasets", "ds = datasets.load_from_disk('THIS_FOLDER')",
           "row = ds[0]; row['images'][0]  # a PIL image of product row['image_product_ids'][0]", "```"],
    "muse-json": ["```python", "import json", "conversations = json.load(open('FILE', encoding='utf-8'))",
                  "# the MUSE authors' fields: Persona, Scenario, Target_item, Mentioned_items, Conversations", "```"],
    "finetune": ["```python", "import json",
                 "examples = [json.loads(line) for line in open('response.jsonl', encoding='utf-8')]",
                 "# image parts are data: URLs, or with --option images=files paths images/<product_id>.<ext>",
                 "# example i's id is line i of response.ids.txt", "```"],
}


def _size_category(n: int) -> str:
    for limit, label in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M")):
        if n < limit:
            return label
    return "1M<n<10M"


def front_matter(facts: dict[str, Any], card: dict[str, str] | None = None,
                 configs: dict[str, str] | None = None) -> list[str]:
    """The card's YAML front matter, the Hugging Face Hub's dataset-card metadata: license,
    language, task categories, tags, name, and one config per data file (`configs`: config name
    -> file glob relative to the card), so `load_dataset(folder, name)` loads each separately.
    Strings are written JSON-quoted, which YAML reads as double-quoted scalars."""
    card = dict(card or {})
    domains = ", ".join(facts["domains"]) or "unknown"
    tags = ["conversational-recommendation", "multimodal", "synthetic", "muse"]
    if facts["engine"] in ("offline", "mixed"):
        tags.append("rule-based-offline-engine")  # not LLM output: say so where the Hub shows it
    q = json.dumps
    lines = ["---", f"pretty_name: {q(card.get('pretty_name') or f'muse conversations ({domains})')}",
             f"license: {q(card.get('license') or 'other')}", "language:", "- en",
             "task_categories:", "- text-generation", "- image-text-to-text",
             "tags:", *(f"- {q(t)}" for t in tags),
             "size_categories:", f"- {q(_size_category(facts['counts']['kept']))}"]
    if configs:
        lines.append("configs:")
        for i, (config, data_files) in enumerate(configs.items()):
            lines += [f"- config_name: {q(config)}", f"  data_files: {q(data_files)}"]
            if i == 0:
                lines.append("  default: true")  # load_dataset(folder) without a name loads this one
    return lines + ["---"]


def _is_muse_card(text: str) -> bool:
    return CARD_MARKER in text.split("\n# ", 1)[0]  # before the card's first heading


def write_data_card(folder: Path, facts: dict[str, Any], stats: dict[str, Any] | None = None, fmt: str = "jsonl",
                    files: dict[str, str] | None = None, name: str = CARD, card: dict[str, str] | None = None,
                    configs: dict[str, str] | None = None) -> Path:
    """Write the data card (`README.md` by default) in `folder`: YAML front matter (see
    `front_matter`), what the data is, how it was made (and by which engine), counts, statistics,
    models and cost, honesty rates, files. `files` maps each file of the export to what it holds;
    without it the folder is listed. Refuses to overwrite a file of that name that muse did not
    write, or a muse card of another format (two exports in one folder would mix their files)."""
    if fmt not in LOADING:
        raise ValueError(f"unknown export format '{fmt}'; known: {', '.join(LOADING)}")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if path.exists():
        existing = path.read_text(encoding="utf-8", errors="replace")
        if not _is_muse_card(existing):
            raise ExportError(f"{path} exists and was not written by muse; export to an empty folder or remove it")
        other = CARD_FORMAT.search(existing)
        if other and other.group(1) != fmt:
            raise ExportError(f"{folder} already holds a {other.group(1)} export ({path}); "
                              f"export {fmt} to another folder")
    if files is None:
        files = {p.name + ("/" if p.is_dir() else ""): "" for p in sorted(folder.iterdir()) if p.name != name}
    counts, honesty = facts["counts"], facts["honesty"]
    domains = ", ".join(facts["domains"]) or "unknown"
    lines = [*front_matter(facts, card, configs), CARD_MARKER, f"<!-- muse export format: {fmt} -->", "",
             f"# muse conversational-recommendation dataset ({domains})", ""]
    lines += [("Simulated multimodal conversational-recommendation (MCR) conversations between a shopper and a "
              "shopping assistant. Each conversation starts from a scenario-grounded user profile (persona, "
              "shopping scenario, purchase backstory, two requirements, target product); the assistant asks, "
              "recommends catalog products with their photos, the user rejects with reasons or accepts, until "
              "the target is accepted."), ""]
    lines += ["## How it was made", "",
              ("Generated with muse, a re-implementation of MUSE (*A Multimodal Conversational Recommendation Dataset "
              "with Scenario-Grounded User Profiles*): catalog ingest and product summaries, basic scenarios, "
              "screened user profiles, simulated conversations (manager, user simulator, querier with retrieval "
              "and rerank, chatter), an utterance rewriter with a fact check, and a reviewer that keeps or drops "
              "each conversation."), ""]
    if facts["engine"] == "offline":
        lines += [(f"**Engine: the muse offline engine (`{OFFLINE_MODEL}`), a rule-based, seeded simulator. "
                  "Every text here was produced by hand-written rules, not LLM output.** It exists to test the "
                  "pipeline; do not treat it as model-written data or report model results on it."), ""]
    elif facts["engine"] == "mixed":
        lines += ["**Engine: mixed.** These roles were played by the rule-based offline engine (not LLM output): "
                  + ", ".join(facts["offline_roles"]) + "; the others by the models listed below.", ""]
    elif facts["engine"] == "llm":
        lines += ["Every text was written by the language models listed below.", ""]
    else:
        lines += ["No model call is recorded in this database.", ""]
    if facts["code_versions"]:
        lines += ["Code version(s): " + ", ".join(f"`{v}`" for v in facts["code_versions"]) + ".", ""]
    lines += ["## Counts", ""]
    lines += _table(("what", "count"), [
        ("products in the catalog", counts["products"]), ("user profiles", counts["profiles"]),
        ("conversation sets", counts["conversation_sets"]), ("conversations", counts["conversations"]),
        ("reviewed", counts["reviewed"]), ("kept by the reviewer", counts["kept"]),
        ("utterances (all conversations)", counts["utterances"]),
        ("utterances (kept conversations)", counts["kept_utterances"])]) + [""]
    if stats:
        lines += ["## Statistics", ""] + _table(("metric", "value"), stats.items()) + [""]
    lines += ["## Models and cost", ""]
    lines += _table(("role", "provider", "model", "host", "written by", "tokens in / out", "cost (USD)", "pricing"),
                    [(m["role"], m["provider"], m["model"], m["host"], m["engine"],
                      f"{_fmt(m['prompt_tokens'])} / {_fmt(m['completion_tokens'])}", f"{m['cost_usd'] or 0:.6f}",
                      m["pricing"]) for m in facts["models"]])
    lines += [""] + _table(("skill", "calls", "cost (USD)"),
                           [(c["skill"], c["calls"], f"{c['cost_usd']:.6f}") for c in facts["cost_by_skill"]]
                           + [("total", sum(c["calls"] for c in facts["cost_by_skill"]),
                               f"{facts['cost_usd']:.6f}")]) + [""]
    lines += ["## Honesty", ""]
    lines += _table(("question", "value"), [
        ("targets found organically", honesty["organic"]),
        ("targets handed over at the round limit (injected)", honesty["injected"]),
        ("organic rate", _pct(honesty["organic_rate"])),
        ("conversations where the user named the target before it was recommended (leak rate)",
         _pct(honesty["leak_rate"])),
        ("grounding failures (unknown products or photos, recommendation != querier's choice)",
         honesty["grounding_failures"]),
        ("rewrites refused by the fact check", f"{honesty['rewrite_check_failures']:,} of {honesty['rewrites']:,}"),
        ("review pass rate", _pct(honesty["review_pass_rate"])),
        ("mean content quality / logical fluency / user consistency (0-2)",
         " / ".join(_fmt(v) for v in honesty["review_means"].values()))]) + [""]
    lines += [f"## Files ({fmt})", ""] + _table(("file", "holds"), sorted(files.items())) + [""]
    lines += ["## Loading", ""] + [line.replace("FILE", next(iter(files), "FILE")) for line in LOADING[fmt]] + [""]
    path.write_text("\n".join(lines), encoding="utf-8", newline="\n")
    return path
