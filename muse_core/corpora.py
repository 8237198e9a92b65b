"""Dialogue corpora in one shape, so statistics treat muse and the published datasets alike.

A `Corpus` is a list of dialogues, each a list of utterances (role + text) with the source's own
id for it, plus the counts Table 2 reports that cannot be derived from the text: users, items
and images (None when the source does not say). Readers:

- `read_redial`: ReDial's raw JSONL (`messages`, `movieMentions` with `@id` placeholders).
- `read_inspired`: INSPIRED's TSV release, one utterance per row.
- `read_store`: the conversations of a muse DuckDB file.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, Literal

from pydantic import BaseModel, StrictStr, ValidationError, model_validator

from muse_core.config import IngestConfig
from muse_core.ingest import bounded_lines
from muse_core.store import Store


class Utterance(BaseModel):
    role: Literal["user", "assistant"]
    text: str


class Corpus(BaseModel):
    name: str
    dialogues: list[list[Utterance]]
    # the source's id of each dialogue (ReDial conversationId, INSPIRED dialog_id, muse
    # conversation_id), in the order of `dialogues`; empty when the corpus was built by hand
    dialogue_ids: list[str] = []
    users: int | None = None
    items: int | None = None
    images: int | None = None

    @model_validator(mode="after")
    def _one_id_per_dialogue(self) -> Corpus:
        if self.dialogue_ids and len(self.dialogue_ids) != len(self.dialogues):
            raise ValueError(f"{len(self.dialogue_ids)} dialogue ids for {len(self.dialogues)} dialogues")
        if len(set(self.dialogue_ids)) != len(self.dialogue_ids):
            repeated = sorted(i for i, count in Counter(self.dialogue_ids).items() if count > 1)
            raise ValueError(f"corpus {self.name} repeats dialogue id(s) {', '.join(repeated[:5])}")
        return self

    @property
    def kind(self) -> str:
        """What the corpus is ('redial', 'inspired', 'muse'): its name up to the first colon."""
        return self.name.split(":", 1)[0]


def _bounded_lines(handle: BinaryIO, path: Path) -> Iterator[bytes]:
    """Each line of a corpus file, bounded like a catalog line (IngestConfig.max_line_bytes): a
    huge line is never held whole, it stops the read with the file and line."""
    limit = IngestConfig().max_line_bytes
    for number, (line, size) in enumerate(bounded_lines(handle, limit), start=1):
        if size > limit:
            raise ValueError(f"{path}:{number}: record too large ({size:,} bytes > {limit:,})")
        yield line


def _text_lines(handle: BinaryIO, path: Path) -> Iterator[str]:
    """Each bounded line decoded as UTF-8, for csv (which would otherwise read lines whole)."""
    for number, line in enumerate(_bounded_lines(handle, path), start=1):
        try:
            yield line.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValueError(f"{path}:{number}: not UTF-8 text (byte {exc.start + 1})") from None


# -- ReDial -----------------------------------------------------------------------------------

_MENTION = re.compile(r"@(\d+)")


class _RedialMessage(BaseModel):
    text: StrictStr
    senderWorkerId: int | str


class _RedialRecord(BaseModel):
    conversationId: int | str | None = None
    messages: list[_RedialMessage]
    initiatorWorkerId: int | str
    respondentWorkerId: int | str
    movieMentions: dict[str, str] | list[Any] | None = None  # the release writes [] when no movie


def _redial_dialogue(record: _RedialRecord, where: str, movie_ids: set[str]) -> list[Utterance]:
    """One ReDial record as utterances, `@id` replaced by titles. Collects mentioned ids."""
    mentions = record.movieMentions if isinstance(record.movieMentions, dict) else {}
    movie_ids.update(mentions)
    roles = {record.initiatorWorkerId: "user", record.respondentWorkerId: "assistant"}

    def title(match: re.Match[str]) -> str:
        movie_ids.add(match.group(1))
        return mentions.get(match.group(1), match.group(0))  # unknown id: keep "@123"

    dialogue = []
    for i, message in enumerate(record.messages):
        role = roles.get(message.senderWorkerId)
        if role is None:
            raise ValueError(f"{where}: message {i} was sent by worker {message.senderWorkerId!r},"
                             " who is neither the initiator nor the respondent")
        dialogue.append(Utterance(role=role, text=_MENTION.sub(title, message.text)))
    return dialogue


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    at = ".".join(str(part) for part in error["loc"])
    return f"{at}: {error['msg']}" if at else error["msg"]


def read_redial(path: str | Path) -> Corpus:
    """ReDial raw JSONL. The initiator is the seeker (user), the respondent the recommender
    (assistant); every message is one utterance, even when a worker sends several in a row,
    because that is how ReDial's published utterance counts are made. A dialogue's id is its
    `conversationId` (unique across the release's splits), or `line<N>` when a record has none."""
    path = Path(path)
    dialogues, ids, seekers, movie_ids = [], [], set(), set()
    with path.open("rb") as handle:
        for number, line in enumerate(_bounded_lines(handle, path), start=1):
            where = f"{path}:{number}"
            if not line.strip():
                continue
            try:
                record = _RedialRecord.model_validate_json(line)
            except ValidationError as exc:
                raise ValueError(f"{where}: not a ReDial dialogue: {_first_error(exc)}") from exc
            dialogues.append(_redial_dialogue(record, where, movie_ids))
            ids.append(f"line{number}" if record.conversationId is None else str(record.conversationId))
            seekers.add(str(record.initiatorWorkerId))
    return Corpus(name=f"redial:{path}", dialogues=dialogues, dialogue_ids=ids, users=len(seekers),
                  items=len(movie_ids), images=0)


# -- INSPIRED ---------------------------------------------------------------------------------

_INSPIRED_ROLES = {"SEEKER": "user", "RECOMMENDER": "assistant"}
_INSPIRED_COLUMNS = ("dialog_id", "speaker", "text")


def _rows(reader: csv.DictReader[str], path: Path) -> Iterator[dict[str, str]]:
    """The reader's rows; csv's own errors (a field past csv.field_size_limit, a NUL byte) as one
    line naming the file and line, like the reader's other errors."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            # the DictReader's line_num is only updated after a row succeeds; its reader's is not
            raise ValueError(f"{path}:{reader.reader.line_num}: {exc}") from exc
        yield row


def read_inspired(path: str | Path) -> Corpus:
    """INSPIRED TSV, one utterance per row, dialogues in order of first appearance.

    Each dialogue has its own seeker, so users = dialogues. Items are the distinct titles of
    the `movies` column (';'-separated); `movie_dict` is not used because some of its cells
    are not valid Python literals. The release escapes double quotes as QUOTATION_MARK; we
    restore them."""
    path = Path(path)
    dialogues: dict[str, list[Utterance]] = {}
    movies: set[str] = set()
    with path.open("rb") as handle:
        # QUOTE_NONE: quotes inside utterances are text, not TSV quoting.
        reader = csv.DictReader(_text_lines(handle, path), delimiter="\t", quoting=csv.QUOTE_NONE)
        try:
            fieldnames = reader.fieldnames or []
        except csv.Error as exc:
            raise ValueError(f"{path}:1: {exc}") from exc
        missing = [c for c in _INSPIRED_COLUMNS if c not in fieldnames]
        if missing:
            raise ValueError(f"{path}:1: header lacks column(s) {', '.join(missing)}; found {reader.fieldnames}")
        for row in _rows(reader, path):
            where = f"{path}:{reader.line_num}"
            if None in row or any(row[c] is None for c in _INSPIRED_COLUMNS):
                raise ValueError(f"{where}: expected {len(reader.fieldnames)} tab-separated fields")
            role = _INSPIRED_ROLES.get(row["speaker"])
            if role is None:
                raise ValueError(f"{where}: unknown speaker {row['speaker']!r} (expected SEEKER or RECOMMENDER)")
            text = row["text"].replace("QUOTATION_MARK", '"')
            dialogues.setdefault(row["dialog_id"], []).append(Utterance(role=role, text=text))
            movies.update(t.strip() for t in (row.get("movies") or "").split(";") if t.strip())
    has_movies = "movies" in (reader.fieldnames or [])
    return Corpus(name=f"inspired:{path}", dialogues=list(dialogues.values()), dialogue_ids=list(dialogues),
                  users=len(dialogues), items=len(movies) if has_movies else None, images=0)


# -- muse -------------------------------------------------------------------------------------

def read_store(store: Store, conversation_set: str | None = None, kept_only: bool = False) -> Corpus:
    """The conversations of a muse store (one set or all), optionally only those the reviewer
    kept. Users are the distinct personas behind the profiles; items the products turns
    mention plus the targets; images the products whose photo a turn shows."""
    where, params = ["TRUE"], []
    if conversation_set is not None:
        where.append("c.conversation_set = ?")
        params.append(conversation_set)
    if kept_only:
        where.append("coalesce(v.kept, FALSE)")
    chosen = (" FROM conversations c LEFT JOIN reviews v USING (conversation_id)"
              f" WHERE {' AND '.join(where)}")
    conversations = store.rows(f"SELECT c.conversation_id, c.target_product_id{chosen}"
                               " ORDER BY c.conversation_set, c.k", params)
    turns = store.rows(
        "SELECT t.conversation_id, t.role, t.text, t.product_ids, t.image_product_ids FROM turns t"
        f" WHERE t.conversation_id IN (SELECT c.conversation_id{chosen}) ORDER BY t.conversation_id, t.idx", params)
    users = store.scalar(
        f"SELECT count(DISTINCT p.user_id) FROM profiles p WHERE p.profile_id IN (SELECT c.profile_id{chosen})",
        params)
    by_conversation: dict[str, list[Utterance]] = {c["conversation_id"]: [] for c in conversations}
    items = {c["target_product_id"] for c in conversations}
    images: set[str] = set()
    for t in turns:
        by_conversation[t["conversation_id"]].append(Utterance(role=t["role"], text=t["text"]))
        items.update(t["product_ids"])
        images.update(t["image_product_ids"])
    name = f"muse:{conversation_set or 'all'}" + (":kept" if kept_only else "")
    return Corpus(name=name, dialogues=list(by_conversation.values()), dialogue_ids=list(by_conversation),
                  users=int(users), items=len(items), images=len(images))


# -- by name ----------------------------------------------------------------------------------

READERS = {"redial": read_redial, "inspired": read_inspired}


def read_corpus(spec: str) -> Corpus:
    """A corpus from "KIND:PATH", e.g. "redial:../shared/data/dialogues/redial/train_data.jsonl"."""
    kind, sep, path = spec.partition(":")
    if not sep or not path:
        raise ValueError(f"corpus spec {spec!r} must look like KIND:PATH with KIND one of {', '.join(READERS)}")
    if kind not in READERS:
        raise ValueError(f"unknown corpus kind {kind!r} in {spec!r}; known kinds: {', '.join(READERS)}")
    if not Path(path).is_file():
        raise ValueError(f"corpus file {path} does not exist")
    return READERS[kind](path)
