from __future__ import annotations

import copy
import json

import jsonschema
import pytest

from newsweave.model import Comparison
from newsweave.render.json import schema, to_json, validate


def test_output_validates_against_schema(story: Comparison) -> None:
    obj = json.loads(to_json(story))
    validate(obj)
    assert [c["id"] for c in obj["claims"]] == [g.id for g in story.claims]
    assert [a["copy_of"] for a in obj["articles"]] == [None, None, "a2"]
    assert "text" not in obj["articles"][0]


def test_validate_accepts_json_text(story: Comparison) -> None:
    validate(to_json(story, with_text=True))


def test_empty_comparison_validates(empty: Comparison) -> None:
    obj = json.loads(to_json(empty))
    validate(obj)
    assert obj["claims"] == [] and obj["brief"] == []


def test_with_text_round_trips_offsets(story: Comparison) -> None:
    obj = json.loads(to_json(story, with_text=True))
    validate(obj)
    texts = {a["id"]: a["text"] for a in obj["articles"]}
    assert texts["a1"] == story.article("a1").text
    n = 0
    for claim in obj["claims"]:
        for m in claim["mentions"]:
            assert texts[m["article"]][m["start"] : m["end"]] == m["text"]
            n += 1
        for conflict in claim["conflicts"]:
            for m in conflict["mentions"]:
                assert texts[m["article"]][m["start"] : m["end"]] == m["text"]
    assert n == sum(len(g.mentions) for g in story.claims)
    for item in obj["brief"]:
        for c in item["citations"]:
            assert 0 <= c["start"] < c["end"] <= len(texts[c["article"]])


def test_json_keeps_non_ascii_and_indent(story: Comparison) -> None:
    pretty = to_json(story, with_text=True)
    assert "—" in pretty and "\\u2014" not in pretty
    assert pretty.startswith('{\n  "articles"')
    assert "\n" not in to_json(story, indent=None)


def test_schema_is_valid_draft_2020_12() -> None:
    s = schema()
    assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(s)


def _set(path: list, value: object):
    def change(obj: dict) -> None:
        target = obj
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


def _drop(path: list):
    def change(obj: dict) -> None:
        target = obj
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return change


@pytest.mark.parametrize(
    "change",
    [
        _set(["claims", 0, "status"], "agreed"),
        _set(["claims", 0, "independent_sources"], 0),
        _set(["claims", 0, "independent_sources"], "2"),
        # corroborated means two or more independent sources
        _set(["claims", 1, "independent_sources"], 1),
        _set(["claims", 5, "independent_sources"], 2),  # single_source with 2 sources
        _set(["claims", 2, "conflicts"], []),  # conflicting with no conflict
        _set(["claims", 2, "conflicts", 0, "type"], "size"),
        _drop(["claims", 2, "conflicts", 0, "detail"]),
        _set(["claims", 0, "mentions"], []),
        _drop(["claims", 0, "mentions", 0, "text"]),
        _set(["claims", 0, "mentions", 0, "start"], -1),
        _set(["claims", 0, "mentions", 0, "end"], 1.5),
        _drop(["articles", 0, "copy_of"]),
        _set(["articles", 0, "url"], 3),
        _set(["articles", 0, "text"], None),
        _drop(["brief", 0, "citations"]),
        _drop(["brief", 0, "citations", 0, "article"]),
        _drop(["brief"]),
    ],
)
def test_schema_rejects_broken_output(story: Comparison, change) -> None:
    obj = copy.deepcopy(story.to_dict(with_text=True))
    validate(obj)
    change(obj)
    with pytest.raises(jsonschema.ValidationError):
        validate(obj)


def test_schema_allows_extra_keys_and_conflict_mentions_without_text(story: Comparison) -> None:
    obj = story.to_dict()
    obj["failures"] = []
    obj["claims"][2]["conflicts"][0]["mentions"] = [{"article": "a1", "start": 0, "end": 0}]
    validate(obj)
