"""Property tests for the parsers: model answers and catalog records."""

import json

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from muse_core.amazon2023 import RecordError, main_image, parse_record
from muse_core.llm import extract_json, parse_structured
from muse_core.records import ProductRecord

json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text()
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
                           max_leaves=20)
prose = st.text(alphabet=st.characters(blacklist_characters="{}`"), max_size=40)


@given(obj=st.dictionaries(st.text(), json_values, max_size=6), before=prose, after=prose, fenced=st.booleans())
def test_extract_json_recovers_the_object_from_prose_and_fences(obj, before, after, fenced) -> None:
    body = json.dumps(obj)
    text = f"```json\n{body}\n```" if fenced else f"{before}{body}{after}"
    assert json.loads(extract_json(text)) == obj


class Pair(BaseModel):
    name: str
    n: int


@given(name=st.text(), n=st.integers(), noise=prose)
def test_parse_structured_validates_or_explains(name, n, noise) -> None:
    good = parse_structured(noise + json.dumps({"name": name, "n": n}), Pair)
    assert good == Pair(name=name, n=n)
    try:
        parse_structured(json.dumps({"name": name}), Pair)
    except ValueError as exc:
        assert "n: Field required" in str(exc)
    else:
        raise AssertionError("a missing field must not validate")


record_fields = {
    "parent_asin": st.text(max_size=12) | json_scalars,
    "title": st.text(max_size=60) | json_scalars,
    "features": st.lists(st.text(max_size=20), max_size=3) | json_values,
    "description": st.lists(st.text(max_size=20), max_size=3) | json_values,
    "categories": st.lists(st.text(max_size=10), max_size=3) | json_values,
    "price": st.floats() | st.text(max_size=8) | json_scalars,
    "average_rating": st.floats(min_value=-1, max_value=7) | json_scalars,
    "rating_number": st.integers() | json_scalars,
    "details": st.dictionaries(st.text(max_size=8), json_values, max_size=3) | st.text(max_size=30) | json_values,
    "images": json_values | st.lists(st.fixed_dictionaries({"variant": st.sampled_from(["MAIN", "PT01"]),
                                                             "large": st.text(max_size=20) | st.none()})),
    "store": json_scalars,
}


@settings(max_examples=300)
@given(raw=st.fixed_dictionaries({}, optional=record_fields) | json_values)
def test_parse_record_returns_a_record_or_a_reason_never_crashes(raw) -> None:
    try:
        record = parse_record(raw)
    except RecordError as exc:
        assert str(exc)  # a reason a user can read
    else:
        assert isinstance(record, ProductRecord)
        assert record.title.strip() and record.product_id.strip()
        assert record.price is None or record.price >= 0


def test_raw_and_hugging_face_variants_agree() -> None:
    raw = {"parent_asin": "B1", "title": "Red Dress", "price": 19.5, "details": {"Color": "Red"},
           "images": [{"thumb": "t.jpg", "large": "l.jpg", "hi_res": None, "variant": "PT01"},
                      {"thumb": "t0.jpg", "large": "l0.jpg", "hi_res": "h0.jpg", "variant": "MAIN"}]}
    hf = {"parent_asin": "B1", "title": "Red Dress", "price": "19.5", "details": '{"Color": "Red"}',
          "images": {"thumb": ["t.jpg", "t0.jpg"], "large": ["l.jpg", "l0.jpg"], "hi_res": [None, "h0.jpg"],
                     "variant": ["PT01", "MAIN"]}}
    assert parse_record(raw) == parse_record(hf)
    assert parse_record(raw).image_ref == "h0.jpg"  # MAIN first, hi_res preferred


def test_unknown_price_and_missing_main_image() -> None:
    assert parse_record({"parent_asin": "B", "title": "T", "price": "None"}).price is None
    assert main_image([{"variant": "MAIN", "large": "None"}]) is None
