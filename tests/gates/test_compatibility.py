"""The compatibility diff: each kind of change, in both directions, on inputs and outputs.

Most cases are one table row: an old and a new schema, and the change kinds expected going
forward (old → new) and backward (new → old), once as an input and once as an output. The
same pair of schemas flips meaning between the sides: consumers write inputs and read
outputs. Whether each kind breaks consumers is spelled out once, in BREAKING.
"""

import copy
import json

import pytest

from catalog.compatibility import (
    Change,
    Report,
    compatibility_report,
    contract_as_dict,
    diff_contracts,
    release_kind,
)
from tests.factories import IRIS_EXAMPLE, IRIS_INPUT, IRIS_OUTPUT, make_version

pytestmark = pytest.mark.gates

# The specification: every kind that must fail the gate without a MAJOR bump.
BREAKING = {
    "input_field_removed",
    "input_field_added_required",
    "input_became_required",
    "input_type_narrowed",
    "input_type_changed",
    "input_enum_narrowed",
    "input_range_narrowed",
    "input_multiple_of_narrowed",
    "input_multiple_of_changed",
    "input_length_narrowed",
    "input_item_count_narrowed",
    "input_property_count_narrowed",
    "input_unique_items_narrowed",
    "input_pattern_added",
    "input_pattern_changed",
    "input_format_added",
    "input_format_changed",
    "input_additional_properties_refused",
    "input_constraint_changed",
    "output_field_removed",
    "output_field_no_longer_required",
    "output_type_changed",
    "output_enum_widened",
    "output_range_widened",
    "output_multiple_of_widened",
    "output_multiple_of_changed",
    "output_length_widened",
    "output_item_count_widened",
    "output_property_count_widened",
    "output_unique_items_widened",
    "output_pattern_removed",
    "output_pattern_changed",
    "output_format_removed",
    "output_format_changed",
    "output_constraint_changed",
    "limit_stricter",
    "latency_slo_loosened",
    "mode_changed",
}


def wrap(field: dict, required: bool = True) -> dict:
    """An object schema with the single field `x`."""
    return {"type": "object", "required": ["x"] if required else [], "properties": {"x": field}}


def contract(input_schema: dict | None = None, output_schema: dict | None = None, **limits):
    base = {
        "input_schema": input_schema or wrap({"type": "number"}),
        "output_schema": output_schema or wrap({"type": "number"}),
        "max_payload_bytes": 1_000_000,
        "timeout_ms": 10_000,
        "latency_slo_p95_ms": 200,
        "mode": "sync",
    }
    return base | limits


def diff_side(side: str, old_schema: dict, new_schema: dict) -> list[Change]:
    return diff_contracts(
        contract(**{f"{side}_schema": old_schema}), contract(**{f"{side}_schema": new_schema})
    )


def kinds(changes: list[Change]) -> list[str]:
    return [c.kind for c in changes]


def as_list(expected: str | tuple[str, ...]) -> list[str]:
    return [expected] if isinstance(expected, str) else list(expected)


def assert_classified(changes: list[Change], expected: str | tuple[str, ...]) -> None:
    assert kinds(changes) == as_list(expected)
    for change in changes:
        assert change.breaking == (change.kind in BREAKING), change


NUM = {"type": "number"}
STR = {"type": "string"}

# One field `x`: old schema, new schema, input (forward, backward), output (forward, backward).
FIELD_CASES = [
    pytest.param(
        {"type": "integer"},
        NUM,
        ("input_type_widened", "input_type_narrowed"),
        ("output_type_changed", "output_type_narrowed"),
        id="integer-to-number",
    ),
    pytest.param(
        STR,
        {"type": ["string", "null"]},
        ("input_type_widened", "input_type_narrowed"),
        ("output_type_changed", "output_type_narrowed"),
        id="type-list-gains-null",
    ),
    pytest.param(
        STR,
        NUM,
        ("input_type_changed", "input_type_changed"),
        ("output_type_changed", "output_type_changed"),
        id="string-to-number",
    ),
    pytest.param(
        {"type": "string", "enum": ["a", "b"]},
        {"type": "string", "enum": ["a", "b", "c"]},
        ("input_enum_widened", "input_enum_narrowed"),
        ("output_enum_widened", "output_enum_narrowed"),
        id="enum-gains-value",
    ),
    pytest.param(
        {"type": "string", "enum": ["a", "b"]},
        STR,
        ("input_enum_widened", "input_enum_narrowed"),
        ("output_enum_widened", "output_enum_narrowed"),
        id="enum-dropped",
    ),
    pytest.param(
        {"type": "string", "enum": ["a", "b"]},
        {"type": "string", "enum": ["a", "c"]},
        (("input_enum_narrowed", "input_enum_widened"),) * 2,
        (("output_enum_narrowed", "output_enum_widened"),) * 2,
        id="enum-swaps-value",
    ),
    pytest.param(
        {"const": "a"},
        {"enum": ["a", "b"]},
        ("input_enum_widened", "input_enum_narrowed"),
        ("output_enum_widened", "output_enum_narrowed"),
        id="const-to-enum",
    ),
    pytest.param(
        {"type": "number", "minimum": 0, "maximum": 10},
        {"type": "number", "minimum": 0, "maximum": 20},
        ("input_range_widened", "input_range_narrowed"),
        ("output_range_widened", "output_range_narrowed"),
        id="maximum",
    ),
    pytest.param(
        {"type": "number", "minimum": 0},
        {"type": "number", "minimum": -5},
        ("input_range_widened", "input_range_narrowed"),
        ("output_range_widened", "output_range_narrowed"),
        id="minimum",
    ),
    pytest.param(
        {"type": "number", "exclusiveMinimum": 0},
        {"type": "number", "minimum": 0},
        ("input_range_widened", "input_range_narrowed"),
        ("output_range_widened", "output_range_narrowed"),
        id="exclusive-minimum-to-inclusive",
    ),
    pytest.param(
        {"type": "number", "exclusiveMaximum": 1},
        NUM,
        ("input_range_widened", "input_range_narrowed"),
        ("output_range_widened", "output_range_narrowed"),
        id="exclusive-maximum-dropped",
    ),
    pytest.param(
        {"type": "number", "minimum": 0, "maximum": 10},
        {"type": "number", "minimum": 5, "maximum": 20},
        (
            ("input_range_narrowed", "input_range_widened"),
            ("input_range_widened", "input_range_narrowed"),
        ),
        (
            ("output_range_narrowed", "output_range_widened"),
            ("output_range_widened", "output_range_narrowed"),
        ),
        id="range-shifts",
    ),
    pytest.param(
        {"type": "number", "multipleOf": 1},
        {"type": "number", "multipleOf": 0.5},
        ("input_multiple_of_widened", "input_multiple_of_narrowed"),
        ("output_multiple_of_widened", "output_multiple_of_narrowed"),
        id="multiple-of",
    ),
    pytest.param(
        {"type": "number", "multipleOf": 2},
        {"type": "number", "multipleOf": 3},
        ("input_multiple_of_changed", "input_multiple_of_changed"),
        ("output_multiple_of_changed", "output_multiple_of_changed"),
        id="multiple-of-unrelated",
    ),
    pytest.param(
        {"type": "string", "maxLength": 10},
        {"type": "string", "maxLength": 20},
        ("input_length_widened", "input_length_narrowed"),
        ("output_length_widened", "output_length_narrowed"),
        id="max-length",
    ),
    pytest.param(
        {"type": "string", "minLength": 3},
        STR,
        ("input_length_widened", "input_length_narrowed"),
        ("output_length_widened", "output_length_narrowed"),
        id="min-length-dropped",
    ),
    pytest.param(
        {"type": "array", "items": NUM, "maxItems": 4},
        {"type": "array", "items": NUM},
        ("input_item_count_widened", "input_item_count_narrowed"),
        ("output_item_count_widened", "output_item_count_narrowed"),
        id="max-items-dropped",
    ),
    pytest.param(
        {"type": "array", "items": NUM, "minItems": 2},
        {"type": "array", "items": NUM, "minItems": 1},
        ("input_item_count_widened", "input_item_count_narrowed"),
        ("output_item_count_widened", "output_item_count_narrowed"),
        id="min-items",
    ),
    pytest.param(
        {"type": "array", "items": STR, "uniqueItems": True},
        {"type": "array", "items": STR},
        ("input_unique_items_widened", "input_unique_items_narrowed"),
        ("output_unique_items_widened", "output_unique_items_narrowed"),
        id="unique-items",
    ),
    pytest.param(
        {"type": "object", "maxProperties": 3},
        {"type": "object", "maxProperties": 5},
        ("input_property_count_widened", "input_property_count_narrowed"),
        ("output_property_count_widened", "output_property_count_narrowed"),
        id="max-properties",
    ),
    pytest.param(
        STR,
        {"type": "string", "pattern": "^[A-Z]{2}$"},
        ("input_pattern_added", "input_pattern_removed"),
        ("output_pattern_added", "output_pattern_removed"),
        id="pattern",
    ),
    pytest.param(
        {"type": "string", "pattern": "^[A-Z]{2}$"},
        {"type": "string", "pattern": "^[A-Z]{2,3}$"},
        ("input_pattern_changed", "input_pattern_changed"),
        ("output_pattern_changed", "output_pattern_changed"),
        id="pattern-changed",
    ),
    pytest.param(
        STR,
        {"type": "string", "format": "email"},
        ("input_format_added", "input_format_removed"),
        ("output_format_added", "output_format_removed"),
        id="format",
    ),
    pytest.param(
        {"type": "string", "format": "date"},
        {"type": "string", "format": "date-time"},
        ("input_format_changed", "input_format_changed"),
        ("output_format_changed", "output_format_changed"),
        id="format-changed",
    ),
    pytest.param(
        {"anyOf": [STR, NUM]},
        {"anyOf": [STR, NUM, {"type": "null"}]},
        ("input_constraint_changed", "input_constraint_changed"),
        ("output_constraint_changed", "output_constraint_changed"),
        id="unanalysed-keyword",
    ),
    pytest.param(
        NUM,
        False,
        ("input_type_narrowed", "input_type_widened"),
        ("output_type_narrowed", "output_type_changed"),
        id="false-schema",
    ),
    pytest.param(
        {"type": ["string", "null"], "enum": ["a", None]},
        {"type": ["string", "null"], "enum": ["a"]},
        ("input_enum_narrowed", "input_enum_widened"),
        ("output_enum_narrowed", "output_enum_widened"),
        id="enum-drops-null",
    ),
    pytest.param(
        {"type": "array", "items": {"type": "number", "maximum": 1}},
        {"type": "array", "items": {"type": "number", "maximum": 2}},
        ("input_range_widened", "input_range_narrowed"),
        ("output_range_widened", "output_range_narrowed"),
        id="array-items",
    ),
]


@pytest.mark.parametrize(("old", "new", "on_input", "on_output"), FIELD_CASES)
def test_it_classifies_each_field_change_on_inputs_both_ways(old, new, on_input, on_output):
    forward, backward = on_input
    assert_classified(diff_side("input", wrap(old), wrap(new)), forward)
    assert_classified(diff_side("input", wrap(new), wrap(old)), backward)


@pytest.mark.parametrize(("old", "new", "on_input", "on_output"), FIELD_CASES)
def test_it_classifies_each_field_change_on_outputs_both_ways(old, new, on_input, on_output):
    forward, backward = on_output
    assert_classified(diff_side("output", wrap(old), wrap(new)), forward)
    assert_classified(diff_side("output", wrap(new), wrap(old)), backward)


@pytest.mark.parametrize("side", ["input", "output"])
@pytest.mark.parametrize(("old", "new", "on_input", "on_output"), FIELD_CASES)
def test_it_names_the_field_in_every_message(side, old, new, on_input, on_output):
    for changes in (diff_side(side, wrap(old), wrap(new)), diff_side(side, wrap(new), wrap(old))):
        for change in changes:
            assert change.path.startswith(f"{side}.x")
            assert f"{side.capitalize()} field `x" in change.message


TWO = {"a": NUM, "b": STR}

# Whole object schemas: old, new, input (forward, backward), output (forward, backward).
OBJECT_CASES = [
    pytest.param(
        {"type": "object", "required": ["a"], "properties": {"a": NUM}},
        {"type": "object", "required": ["a"], "properties": TWO},
        ("input_field_added_optional", "input_field_removed"),
        ("output_field_added", "output_field_removed"),
        id="optional-field",
    ),
    pytest.param(
        {"type": "object", "required": ["a"], "properties": {"a": NUM}},
        {"type": "object", "required": ["a", "b"], "properties": TWO},
        ("input_field_added_required", "input_field_removed"),
        ("output_field_added", "output_field_removed"),
        id="required-field",
    ),
    pytest.param(
        {"type": "object", "required": ["a"], "properties": TWO},
        {"type": "object", "required": ["a", "b"], "properties": TWO},
        ("input_became_required", "input_became_optional"),
        ("output_field_now_required", "output_field_no_longer_required"),
        id="requiredness",
    ),
    pytest.param(
        {"type": "object", "properties": TWO, "additionalProperties": False},
        {"type": "object", "properties": TWO},
        ("input_additional_properties_allowed", "input_additional_properties_refused"),
        ("output_additional_properties_allowed", "output_additional_properties_refused"),
        id="additional-properties",
    ),
    pytest.param(
        {"type": "object", "additionalProperties": {"type": "number", "maximum": 1}},
        {"type": "object", "additionalProperties": {"type": "number", "maximum": 100}},
        ("input_range_widened", "input_range_narrowed"),
        ("output_range_widened", "output_range_narrowed"),
        id="map-values",
    ),
]


@pytest.mark.parametrize(("old", "new", "on_input", "on_output"), OBJECT_CASES)
@pytest.mark.parametrize("side", ["input", "output"])
def test_it_classifies_each_object_change_both_ways(side, old, new, on_input, on_output):
    forward, backward = on_input if side == "input" else on_output
    assert_classified(diff_side(side, old, new), forward)
    assert_classified(diff_side(side, new, old), backward)


def test_it_finds_no_change_between_identical_contracts():
    iris = contract(input_schema=IRIS_INPUT, output_schema=IRIS_OUTPUT)
    assert diff_contracts(iris, copy.deepcopy(iris)) == []


EQUIVALENT = [
    pytest.param(
        {"type": ["string", "integer"], "enum": ["a", 1.0], "minimum": 1},
        {
            "type": ["integer", "string", "null"],  # null adds nothing: the enum lacks it
            "enum": ["a", 1],
            "minimum": 1.0,
            "description": "Now documented",
            "title": "X",
            "examples": ["a"],
            "x-unit": "cm",
        },
        id="order-numbers-annotations",
    ),
    pytest.param(
        {"type": "number", "minimum": 0, "exclusiveMinimum": 0},
        {"type": "number", "exclusiveMinimum": 0},
        id="redundant-bound",
    ),
    pytest.param(
        {"type": "number", "multipleOf": 1}, {"type": "number", "multipleOf": 1.0}, id="step"
    ),
    pytest.param({"enum": ["a", "b"]}, {"type": "string", "enum": ["a", "b"]}, id="typed-enum"),
    pytest.param(
        {"type": "object", "required": ["a"]},
        {"type": "object", "required": ["a"], "properties": {"a": True}},
        id="required-only-name",
    ),
]


@pytest.mark.parametrize("side", ["input", "output"])
@pytest.mark.parametrize(("old", "new"), EQUIVALENT)
def test_it_ignores_annotations_and_equivalent_spellings(side, old, new):
    assert diff_side(side, wrap(old), wrap(new)) == []
    assert diff_side(side, wrap(new), wrap(old)) == []


def test_it_walks_nested_objects_and_array_items():
    point = {"type": "object", "required": ["x"], "properties": {"x": NUM}}
    old = {
        "type": "object",
        "properties": {
            "address": {"type": "object", "properties": {"city": STR}},
            "points": {"type": "array", "items": point},
        },
    }
    new = copy.deepcopy(old)
    new["properties"]["address"]["properties"]["zip"] = STR
    new["properties"]["address"]["required"] = ["zip"]
    del new["properties"]["points"]["items"]["properties"]["x"]
    new["properties"]["points"]["items"]["required"] = []

    changes = diff_side("input", old, new)

    assert [(c.kind, c.path) for c in changes] == [
        ("input_field_added_required", "input.address.zip"),
        ("input_field_removed", "input.points[].x"),
    ]
    assert changes[0].message == (
        "Input field `address.zip` was added as required (existing consumers do not send it)."
    )
    assert "Input field `points[].x` was removed" in changes[1].message


def test_it_reports_a_rename_as_a_removal_and_an_addition_with_a_hint():
    old = wrap({"type": "number", "minimum": 0})
    old["properties"] = {"petal_width": old["properties"].pop("x")}
    old["required"] = ["petal_width"]
    new = copy.deepcopy(old)
    new["properties"] = {"petal_w": new["properties"].pop("petal_width")}
    new["required"] = ["petal_w"]

    removed, added = diff_side("input", old, new)

    assert (removed.kind, removed.path, removed.breaking) == (
        "input_field_removed",
        "input.petal_width",
        True,
    )
    assert removed.message.startswith(
        "Input field `petal_width` was removed (consumers may still send it)."
    )
    assert "renamed to `petal_w`" in removed.message
    assert (added.kind, added.path, added.breaking) == (
        "input_field_added_required",
        "input.petal_w",
        True,
    )


def test_it_gives_no_rename_hint_when_the_types_differ():
    old = {"type": "object", "properties": {"a": NUM}}
    new = {"type": "object", "properties": {"b": STR}}
    removed, _ = diff_side("output", old, new)
    assert removed.message == "Output field `a` was removed (consumers may read it)."


def test_it_explains_a_breaking_output_type_change():
    (change,) = diff_side("output", wrap({"type": "integer"}), wrap(NUM))
    assert change.message == (
        "Output field `x` changed type from integer to number: consumers may now receive "
        "non-integer numbers, which they do not expect."
    )
    assert (change.old, change.new) == ("integer", "number")


def test_it_explains_a_narrowed_input_range_with_both_bounds():
    old, new = wrap({"type": "number", "maximum": 10}), wrap({"type": "number", "maximum": 5})
    (change,) = diff_side("input", old, new)
    assert change.message == (
        "Input field `x` upper bound went from ≤ 10 to ≤ 5: "
        "values consumers send today may now be refused."
    )


def test_it_says_which_output_values_are_new():
    old = wrap({"type": "string", "enum": ["cat", "dog"]})
    new = wrap({"type": "string", "enum": ["cat", "dog", "fox"]})
    (change,) = diff_side("output", old, new)
    assert change.message.startswith('Output field `x` can now also be "fox"')
    assert change.new == ["fox"]


# Limits: field, old value, new value, forward kind, backward kind.
LIMIT_CASES = [
    pytest.param("max_payload_bytes", 1_000_000, 500_000, "limit_stricter", "limit_relaxed"),
    pytest.param("timeout_ms", 10_000, 5_000, "limit_stricter", "limit_relaxed"),
    pytest.param("latency_slo_p95_ms", 200, 400, "latency_slo_loosened", "latency_slo_tightened"),
    pytest.param("mode", "sync", "async", "mode_changed", "mode_changed"),
]


@pytest.mark.parametrize(("key", "old", "new", "forward", "backward"), LIMIT_CASES)
def test_it_classifies_limit_changes_both_ways(key, old, new, forward, backward):
    assert_classified(diff_contracts(contract(**{key: old}), contract(**{key: new})), forward)
    assert_classified(diff_contracts(contract(**{key: new}), contract(**{key: old})), backward)
    (change,) = diff_contracts(contract(**{key: old}), contract(**{key: new}))
    assert (change.path, change.old, change.new) == (key, old, new)


def test_it_gives_figures_in_a_limit_message():
    (change,) = diff_contracts(contract(), contract(max_payload_bytes=2_048))
    assert change.message == (
        "Max payload went down from 1,000,000 to 2,048 bytes: larger requests now get 413."
    )


def breaking_contracts() -> tuple[dict, dict]:
    old = contract(input_schema=wrap({"type": "number", "maximum": 10}))
    new = contract(
        input_schema=wrap({"type": "number", "maximum": 5}),
        output_schema={
            "type": "object",
            "required": ["x"],
            "properties": {"x": NUM, "y": STR},
        },
    )
    return old, new


@pytest.mark.parametrize("new_version", ["1.3.0", "1.2.1"])
def test_it_fails_a_breaking_change_without_a_major_bump(new_version):
    old, new = breaking_contracts()
    report = compatibility_report("1.2.0", new_version, old, new)

    assert not report.passed
    assert not report.major_bumped
    assert kinds(report.breaking) == ["input_range_narrowed"]
    assert kinds(report.additive) == ["output_field_added"]
    release = "MINOR" if new_version == "1.3.0" else "PATCH"
    assert report.summary == (
        f"1 breaking change in a {release} release: bump the MAJOR version (2.0.0)"
    )


def test_it_passes_a_breaking_change_with_a_major_bump():
    old, new = breaking_contracts()
    report = compatibility_report("1.2.0", "2.0.0", old, new)

    assert report.passed
    assert report.major_bumped
    assert report.summary == (
        "1 breaking change since 1.2.0, allowed by the MAJOR release 2.0.0; 1 additive change"
    )


def test_it_passes_additive_changes_in_a_minor_release():
    old = contract(input_schema=wrap({"type": "number", "maximum": 5}))
    new = contract(input_schema=wrap({"type": "number", "maximum": 10}), timeout_ms=20_000)
    report = compatibility_report("1.2.0", "1.3.0", old, new)

    assert report.passed
    assert report.breaking == []
    assert kinds(report.additive) == ["input_range_widened", "limit_relaxed"]
    assert report.summary == "Compatible with 1.2.0: 2 additive changes"


def test_it_passes_an_unchanged_contract():
    report = compatibility_report("1.2.0", "1.2.1", contract(), contract())
    assert report.passed
    assert report.summary == "Compatible with 1.2.0: no contract changes"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("1.2.0", "1.2.0", "not newer than 1.2.0"),
        ("1.2.0", "1.1.9", "not newer than 1.2.0"),
        ("2.0.0", "1.9.0", "not newer than 2.0.0"),
        ("1.2", "1.3.0", "not a MAJOR.MINOR.PATCH version"),
    ],
)
def test_it_refuses_versions_out_of_order(old, new, message):
    with pytest.raises(ValueError, match=message):
        compatibility_report(old, new, contract(), contract())


def test_it_names_the_release_kind():
    assert release_kind("1.2.3", "2.0.0") == "MAJOR"
    assert release_kind("1.2.3", "1.10.0") == "MINOR"
    assert release_kind("1.2.3", "1.2.4") == "PATCH"


def test_it_stores_the_report_as_json_and_reads_it_back():
    old, new = breaking_contracts()
    report = compatibility_report("1.2.0", "1.3.0", old, new)

    stored = json.loads(json.dumps(report.to_dict()))

    assert stored["passed"] is False
    assert stored["release"] == "MINOR"
    assert (stored["breaking_count"], stored["additive_count"]) == (1, 1)
    assert stored["summary"] == report.summary
    assert stored["changes"][0] == {
        "kind": "input_range_narrowed",
        "path": "input.x",
        "breaking": True,
        "message": report.changes[0].message,
        "old": "≤ 10",
        "new": "≤ 5",
    }
    assert Report.from_dict(stored) == report


@pytest.mark.django_db
def test_it_reads_a_contract_row_with_a_published_major():
    old_row = make_version(semver="1.0.0").contract
    new_row = make_version(
        semver="1.1.0",
        contract={
            "input_schema": IRIS_INPUT,
            "output_schema": IRIS_OUTPUT,
            "examples": [IRIS_EXAMPLE],
            "mode": "async",
        },
    ).contract

    report = compatibility_report(
        "1.0.0", "1.1.0", contract_as_dict(old_row), contract_as_dict(new_row)
    )

    assert contract_as_dict(old_row)["latency_slo_p95_ms"] == old_row.latency_slo_p95_ms
    assert [(c.kind, c.old, c.new) for c in report.changes] == [("mode_changed", "sync", "async")]
    assert not report.passed
