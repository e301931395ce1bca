"""Compatibility between two contracts: what changed, and which changes break consumers.

The compatibility gate diffs a MINOR or PATCH release against the last published version of
the same MAJOR and refuses it when a change would break a program written against the old
contract. The rules follow from who writes and who reads each side:

- Inputs are written by consumers, so the new input schema must accept everything the old
  one did: narrowing (a removed field, a new required field, a tighter type, enum, range,
  length or pattern) is breaking; widening is additive.
- Outputs are read by consumers, so the new output schema may only produce what the old one
  promised, plus new fields: widening (a removed or no longer guaranteed field, a wider type,
  enum or range) is breaking; narrowing is safe.

Decisions where JSON Schema leaves room, all on the conservative side:

- An output type that narrows (number to integer, dropping null) is safe: consumers still
  get values they handle. Any other output type change counts as changed, hence breaking.
- A pattern or format added to or changed on an input is breaking, since whether one regex
  accepts everything another did cannot be decided here; a removed one is additive. On an
  output, a removed or changed pattern or format is breaking and an added one is safe.
- A keyword the diff does not analyse (anyOf, oneOf, allOf, not, $ref, $defs, if/then/else,
  patternProperties, prefixItems, ...) is breaking whenever its value changes at all. A
  sub-schema that becomes `false` (no value allowed) is a narrowed type. Annotations
  (title, description, default, examples, deprecated, $comment and `x-` extensions) are
  ignored.
- A field newly declared in an object that already allowed undeclared fields is reported
  as an added field only; comparing it with the old catch-all schema would make every new
  optional field breaking.
- Undeclared fields allowed or refused on an output are not breaking: consumers must
  already tolerate new output fields, which is what "outputs may gain fields" means.
- Limits: a smaller max payload or a shorter timeout is breaking (requests that passed now
  get 413 or 504); larger ones are relaxations. A higher latency SLO weakens a promise that
  consumers size their own timeouts and budgets on, so it is breaking too; a lower one is
  not. Any change of mode is breaking: sync callers would get a 202 job instead of the
  output, async callers the output instead of a job.
- A renamed field shows as a removal plus an addition; the removal's message names the
  likely new name when exactly one added field has the same type.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from typing import Any, Literal

Side = Literal["input", "output"]
Direction = Literal["narrowed", "widened", "changed"]

# JSON Schema types as sets of disjoint value kinds, so that integer ⊂ number falls out of
# plain set comparison.
_TYPE_ATOMS: dict[str, frozenset[str]] = {
    "null": frozenset({"null"}),
    "boolean": frozenset({"boolean"}),
    "object": frozenset({"object"}),
    "array": frozenset({"array"}),
    "string": frozenset({"string"}),
    "integer": frozenset({"integer"}),
    "number": frozenset({"integer", "fraction"}),
}
_ANY = frozenset().union(*_TYPE_ATOMS.values())
_NUMBERS = _TYPE_ATOMS["number"]
_ATOM_NAMES = {
    "null": "null",
    "boolean": "booleans",
    "object": "objects",
    "array": "arrays",
    "string": "strings",
    "integer": "integers",
    "fraction": "non-integer numbers",
}

# Keywords compared by a dedicated rule below; annotations are skipped; every other keyword
# that differs is reported as a change the diff cannot prove compatible.
_ANALYSED = {
    "type", "enum", "const", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
    "multipleOf", "minLength", "maxLength", "pattern", "format", "minItems", "maxItems",
    "uniqueItems", "items", "properties", "required", "additionalProperties",
    "minProperties", "maxProperties",
}  # fmt: skip
_ANNOTATIONS = {
    "title", "description", "default", "examples", "deprecated", "readOnly", "writeOnly",
    "$comment", "$schema", "$id",
}  # fmt: skip

# (minimum keyword, maximum keyword, kind stem, unit, value kind the keywords apply to)
_COUNTS = (
    ("minLength", "maxLength", "length", "characters", "string"),
    ("minItems", "maxItems", "item_count", "items", "array"),
    ("minProperties", "maxProperties", "property_count", "fields", "object"),
)

_SEMVER = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)")


@dataclass(frozen=True)
class Change:
    """One difference between two contracts, and whether it breaks existing consumers.

    `kind` is a stable snake_case identifier (e.g. `input_field_removed`), `path` a dotted
    location (`input.address.city`, `input.tags[]` for array items, `output.scores.*` for
    the values of a map), `old` and `new` the compared values where a figure helps.
    """

    kind: str
    path: str
    breaking: bool
    message: str
    old: Any = None
    new: Any = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict, as stored with the gate result."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Change:
        """Rebuild a change stored with `to_dict`."""
        return cls(
            kind=data["kind"],
            path=data["path"],
            breaking=bool(data["breaking"]),
            message=data["message"],
            old=data.get("old"),
            new=data.get("new"),
        )


@dataclass
class Report:
    """The compatibility verdict of `new_version` against `old_version`."""

    old_version: str
    new_version: str
    changes: list[Change] = field(default_factory=list)

    @property
    def release(self) -> str:
        """MAJOR, MINOR or PATCH: which part of the version was bumped."""
        return release_kind(self.old_version, self.new_version)

    @property
    def major_bumped(self) -> bool:
        return self.release == "MAJOR"

    @property
    def breaking(self) -> list[Change]:
        return [c for c in self.changes if c.breaking]

    @property
    def additive(self) -> list[Change]:
        """Changes that keep old consumers working: additions, wider inputs, narrower outputs."""
        return [c for c in self.changes if not c.breaking]

    @property
    def passed(self) -> bool:
        """No breaking change, or the MAJOR version was bumped to announce them."""
        return not self.breaking or self.major_bumped

    @property
    def summary(self) -> str:
        """One line for the gate result and the contract page."""
        breaking, additive = len(self.breaking), len(self.additive)
        if breaking and not self.major_bumped:
            suggested = f"{_parse_semver(self.old_version)[0] + 1}.0.0"
            return (
                f"{_count(breaking, 'breaking change')} in a {self.release} release: "
                f"bump the MAJOR version ({suggested})"
            )
        if breaking:
            extra = f"; {_count(additive, 'additive change')}" if additive else ""
            return (
                f"{_count(breaking, 'breaking change')} since {self.old_version}, "
                f"allowed by the MAJOR release {self.new_version}{extra}"
            )
        if additive:
            return f"Compatible with {self.old_version}: {_count(additive, 'additive change')}"
        return f"Compatible with {self.old_version}: no contract changes"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict with the verdict and every change, as stored with the gate."""
        return {
            "old_version": self.old_version,
            "new_version": self.new_version,
            "release": self.release,
            "major_bumped": self.major_bumped,
            "passed": self.passed,
            "summary": self.summary,
            "breaking_count": len(self.breaking),
            "additive_count": len(self.additive),
            "changes": [c.to_dict() for c in self.changes],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        """Rebuild a report stored with `to_dict`; the verdict is recomputed from the changes."""
        return cls(
            old_version=data["old_version"],
            new_version=data["new_version"],
            changes=[Change.from_dict(c) for c in data["changes"]],
        )


def release_kind(old_semver: str, new_semver: str) -> str:
    """MAJOR, MINOR or PATCH; a ValueError when `new_semver` is not newer than `old_semver`."""
    old, new = _parse_semver(old_semver), _parse_semver(new_semver)
    if new <= old:
        raise ValueError(f"Version {new_semver} is not newer than {old_semver}.")
    if new[0] != old[0]:
        return "MAJOR"
    return "MINOR" if new[1] != old[1] else "PATCH"


def compatibility_report(
    old_semver: str, new_semver: str, old_contract: dict, new_contract: dict
) -> Report:
    """Diff two contracts (dicts shaped like `contract_as_dict`) and judge the new version."""
    release_kind(old_semver, new_semver)  # refuse a version that is not newer, before diffing
    return Report(old_semver, new_semver, diff_contracts(old_contract, new_contract))


def contract_as_dict(contract: Any) -> dict[str, Any]:
    """The parts of a `Contract` row that compatibility depends on, as `diff_contracts` takes."""
    return {
        "input_schema": contract.input_schema,
        "output_schema": contract.output_schema,
        "max_payload_bytes": contract.max_payload_bytes,
        "timeout_ms": contract.timeout_ms,
        "latency_slo_p95_ms": contract.latency_slo_p95_ms,
        "mode": contract.mode,
    }


def diff_contracts(old: dict, new: dict) -> list[Change]:
    """Every change from contract `old` to contract `new`, in a stable order.

    Each dict holds `input_schema`, `output_schema`, `max_payload_bytes`, `timeout_ms`,
    `latency_slo_p95_ms` and `mode`; a limit missing from either side is not compared.
    """
    changes: list[Change] = []
    for side in ("input", "output"):
        key = f"{side}_schema"
        _SchemaDiff(side, changes).compare(old.get(key) or {}, new.get(key) or {}, side)
    changes += _diff_limits(old, new)
    return changes


class _SchemaDiff:
    """Walks two schemas of one side of a contract side by side, collecting changes."""

    def __init__(self, side: Side, changes: list[Change]) -> None:
        self.side = side
        self.changes = changes

    def add(
        self, kind: str, path: str, breaking: bool, message: str, old: Any = None, new: Any = None
    ) -> None:
        self.changes.append(Change(f"{self.side}_{kind}", path, breaking, message, old, new))

    def facet(
        self, stem: str, path: str, direction: Direction, what: str, old: Any, new: Any
    ) -> None:
        """Report a constraint that narrowed, widened or changed; the side decides if it breaks."""
        if direction == "changed":
            breaking = True
        else:
            breaking = (direction == "narrowed") == (self.side == "input")
        if not breaking:
            consequence = ""
        elif self.side == "input":
            consequence = ": values consumers send today may now be refused"
        else:
            consequence = ": consumers may now receive values they were never promised"
        self.add(
            f"{stem}_{direction}", path, breaking, f"{_label(path)} {what}{consequence}.", old, new
        )

    def compare(self, old: Any, new: Any, path: str) -> None:
        if _value_key(_normalise(old)) == _value_key(_normalise(new)):
            return  # also ends the walk: an absent `items` or catch-all is `{}` on both sides
        if old is False or new is False:
            self.nothing_allowed(path, now=new is False)
            return
        old, new = _normalise(old), _normalise(new)
        old_atoms, new_atoms = _declared_atoms(old), _declared_atoms(new)
        if old_atoms != new_atoms:
            self.type_change(old, new, path)
        self.values(old, new, path)
        both = old_atoms & new_atoms
        if both & _NUMBERS:
            self.bounds(old, new, path)
            self.multiple_of(old, new, path)
        if "string" in both:
            self.text_rule("pattern", old, new, path)
            self.text_rule("format", old, new, path)
        for min_key, max_key, stem, unit, applies_to in _COUNTS:
            if applies_to in both:
                self.counts(old, new, path, min_key, max_key, stem, unit)
        if "array" in both:
            self.unique_items(old, new, path)
            self.compare(old.get("items", {}), new.get("items", {}), f"{path}[]")
        if "object" in both:
            self.properties(old, new, path)
        self.unanalysed(old, new, path)

    def nothing_allowed(self, path: str, now: bool) -> None:
        """A schema that is, or was, `false`: no value satisfies it."""
        if now:
            what = "is now the schema `false`, which no value satisfies"
            self.facet("type", path, "narrowed", what, None, False)
        elif self.side == "input":
            what = "was the schema `false`, which no value satisfies, and now allows values"
            self.facet("type", path, "widened", what, False, None)
        else:
            msg = (
                f"{_label(path)} was the schema `false`, which no value satisfies, and now "
                "allows values that consumers do not expect."
            )
            self.add("type_changed", path, True, msg, False, None)

    def type_change(self, old: dict, new: dict, path: str) -> None:
        old_atoms, new_atoms = _effective_atoms(old), _effective_atoms(new)
        if old_atoms == new_atoms:
            return  # the declared type moved, but an enum keeps the accepted values the same
        what = f"changed type from {_type_label(old)} to {_type_label(new)}"
        lost, gained = old_atoms - new_atoms, new_atoms - old_atoms
        direction = _direction(new_covers_old=not lost, old_covers_new=not gained)
        if self.side == "output" and direction != "narrowed":
            # The issue names any wider or different output type a changed output type.
            msg = (
                f"{_label(path)} {what}: consumers may now receive {_describe_atoms(gained)}, "
                "which they do not expect."
            )
            self.add("type_changed", path, True, msg, _type_label(old), _type_label(new))
            return
        if self.side == "input" and lost:
            what += f" and no longer accepts {_describe_atoms(lost)}"
        elif self.side == "input":
            what += f" and now also accepts {_describe_atoms(gained)}"
        self.facet("type", path, direction, what, _type_label(old), _type_label(new))

    def values(self, old: dict, new: dict, path: str) -> None:
        old_values, new_values = _allowed_values(old), _allowed_values(new)
        if old_values is None and new_values is None:
            return
        if old_values is None:
            what = f"is now limited to {_show(new_values)}"
            self.facet("enum", path, "narrowed", what, None, new_values)
        elif new_values is None:
            what = f"is no longer limited to {_show(old_values)}"
            self.facet("enum", path, "widened", what, old_values, None)
        else:
            new_keys = {_value_key(v) for v in new_values}
            old_keys = {_value_key(v) for v in old_values}
            removed = [v for v in old_values if _value_key(v) not in new_keys]
            added = [v for v in new_values if _value_key(v) not in old_keys]
            verbs = ("no longer accepts", "now also accepts")
            if self.side == "output":
                verbs = ("can no longer be", "can now also be")
            if removed:
                what = f"{verbs[0]} {_show(removed)}"
                self.facet("enum", path, "narrowed", what, removed, None)
            if added:
                what = f"{verbs[1]} {_show(added)}"
                self.facet("enum", path, "widened", what, None, added)

    def bounds(self, old: dict, new: dict, path: str) -> None:
        for end in ("lower", "upper"):
            old_bound, new_bound = _bound(old, end), _bound(new, end)
            if old_bound == new_bound:
                continue
            direction: Direction = "narrowed" if _tighter(new_bound, old_bound, end) else "widened"
            old_label, new_label = _bound_label(old_bound, end), _bound_label(new_bound, end)
            what = f"{end} bound went from {old_label} to {new_label}"
            self.facet("range", path, direction, what, old_label, new_label)

    def multiple_of(self, old: dict, new: dict, path: str) -> None:
        old_step, new_step = old.get("multipleOf"), new.get("multipleOf")
        if old_step == new_step:
            return
        direction = _direction(
            new_covers_old=new_step is None
            or (old_step is not None and _divides(new_step, old_step)),
            old_covers_new=old_step is None
            or (new_step is not None and _divides(old_step, new_step)),
        )
        if direction is None:
            return  # the same step written two ways, e.g. 1 and 1.0
        old_label = f"a multiple of {old_step}" if old_step is not None else "any number"
        new_label = f"a multiple of {new_step}" if new_step is not None else "any number"
        what = f"went from {old_label} to {new_label}"
        self.facet("multiple_of", path, direction, what, old_step, new_step)

    def counts(
        self, old: dict, new: dict, path: str, min_key: str, max_key: str, stem: str, unit: str
    ) -> None:
        old_min, new_min = old.get(min_key, 0), new.get(min_key, 0)
        if old_min != new_min:
            direction: Direction = "narrowed" if new_min > old_min else "widened"
            what = f"now needs at least {new_min} {unit} (was at least {old_min})"
            self.facet(stem, path, direction, what, old_min, new_min)
        old_max, new_max = old.get(max_key), new.get(max_key)
        if old_max != new_max:
            if old_max is None:
                direction = "narrowed"
            elif new_max is None:
                direction = "widened"
            else:
                direction = "narrowed" if new_max < old_max else "widened"
            old_label = f"at most {old_max}" if old_max is not None else "no maximum"
            new_label = (
                f"at most {new_max} {unit}" if new_max is not None else f"any number of {unit}"
            )
            what = f"now allows {new_label} (was {old_label})"
            self.facet(stem, path, direction, what, old_max, new_max)

    def unique_items(self, old: dict, new: dict, path: str) -> None:
        old_unique, new_unique = bool(old.get("uniqueItems")), bool(new.get("uniqueItems"))
        if old_unique == new_unique:
            return
        if new_unique:
            self.facet("unique_items", path, "narrowed", "now requires unique items", False, True)
        else:
            what = "no longer requires unique items"
            self.facet("unique_items", path, "widened", what, True, False)

    def text_rule(self, keyword: str, old: dict, new: dict, path: str) -> None:
        """pattern and format: added, removed or changed, judged without deciding regexes."""
        old_rule, new_rule = old.get(keyword), new.get(keyword)
        if old_rule == new_rule:
            return
        label = _label(path)
        rule = "match the pattern" if keyword == "pattern" else "be of format"
        if old_rule is None:
            event, narrowing = "added", True
            what = f"now has to {rule} `{new_rule}`"
        elif new_rule is None:
            event, narrowing = "removed", False
            what = f"no longer has to {rule} `{old_rule}`"
        else:
            event, narrowing = "changed", None
            what = f"{keyword} changed from `{old_rule}` to `{new_rule}`"
        if narrowing is None:
            breaking = True
            reason = (
                "; the diff cannot prove the new one accepts every value the old one did"
                if self.side == "input"
                else "; consumers relying on the old one may break"
            )
        elif self.side == "input":
            breaking = narrowing
            reason = ": values consumers send today may now be refused" if breaking else ""
        else:
            breaking = not narrowing
            reason = ": consumers may rely on it" if breaking else ""
        self.add(
            f"{keyword}_{event}", path, breaking, f"{label} {what}{reason}.", old_rule, new_rule
        )

    def properties(self, old: dict, new: dict, path: str) -> None:
        old_props, new_props = old.get("properties") or {}, new.get("properties") or {}
        old_required, new_required = set(old.get("required") or []), set(new.get("required") or [])
        old_names = [*old_props, *sorted(old_required - set(old_props))]
        new_names = [*new_props, *sorted(new_required - set(new_props))]
        removed = [n for n in old_names if n not in new_names]
        added = [n for n in new_names if n not in old_names]
        renames = _guess_renames(old, new, removed, added)
        for name in [*old_names, *added]:
            sub = f"{path}.{name}"
            if name in removed:
                self.field_removed(sub, renames.get(name), _additional(new) is None)
            elif name in added:
                self.field_added(sub, name in new_required)
            else:
                self.required_change(sub, name in old_required, name in new_required)
                self.compare(_property(old, name), _property(new, name), sub)
        self.additional_properties(old, new, path)

    def field_removed(self, path: str, renamed_to: str | None, now_refused: bool) -> None:
        label = _label(path)
        if self.side == "input":
            why = "consumers may still send it" + (" and would be refused" if now_refused else "")
        else:
            why = "consumers may read it"
        message = f"{label} was removed ({why})."
        if renamed_to:
            message += (
                f" If it was renamed to `{renamed_to}`, that is still a breaking change: "
                "existing consumers use the old name."
            )
        self.add("field_removed", path, True, message)

    def field_added(self, path: str, required: bool) -> None:
        label = _label(path)
        if self.side == "output":
            self.add("field_added", path, False, f"{label} was added.")
        elif required:
            msg = f"{label} was added as required (existing consumers do not send it)."
            self.add("field_added_required", path, True, msg)
        else:
            self.add("field_added_optional", path, False, f"{label} was added as optional.")

    def required_change(self, path: str, was_required: bool, is_required: bool) -> None:
        if was_required == is_required:
            return
        label = _label(path)
        if self.side == "input" and is_required:
            msg = f"{label} is now required (existing consumers may leave it out)."
            self.add("became_required", path, True, msg)
        elif self.side == "input":
            self.add("became_optional", path, False, f"{label} is now optional.")
        elif is_required:
            self.add("field_now_required", path, False, f"{label} is now always present.")
        else:
            msg = f"{label} is no longer always present (consumers may rely on it)."
            self.add("field_no_longer_required", path, True, msg)

    def additional_properties(self, old: dict, new: dict, path: str) -> None:
        old_extra, new_extra = _additional(old), _additional(new)
        if old_extra is not None and new_extra is not None:
            self.compare(old_extra, new_extra, f"{path}.*")
            return
        if old_extra is None and new_extra is None:
            return
        label = _label(path)
        if old_extra is None and self.side == "input":
            msg = f"{label} now accepts fields it does not declare."
            self.add("additional_properties_allowed", path, False, msg)
        elif old_extra is None:
            msg = f"{label} may now include fields it does not declare."
            self.add("additional_properties_allowed", path, False, msg)
        elif self.side == "input":
            msg = (
                f"{label} now refuses fields it does not declare "
                "(existing consumers may send some)."
            )
            self.add("additional_properties_refused", path, True, msg)
        else:
            msg = f"{label} no longer includes fields it does not declare."
            self.add("additional_properties_refused", path, False, msg)

    def unanalysed(self, old: dict, new: dict, path: str) -> None:
        for keyword in sorted((old.keys() | new.keys()) - _ANALYSED - _ANNOTATIONS):
            if keyword.startswith("x-") or _value_key(old.get(keyword)) == _value_key(
                new.get(keyword)
            ):
                continue
            msg = (
                f"{_label(path)}: `{keyword}` changed; the diff cannot prove this compatible, "
                "so it counts as breaking."
            )
            self.add("constraint_changed", path, True, msg, keyword, keyword)


def _diff_limits(old: dict, new: dict) -> list[Change]:
    """Limits and promises outside the schemas; see the module docstring for the rules."""
    changes: list[Change] = []
    for key, name, unit, refusal in (
        ("max_payload_bytes", "Max payload", "bytes", "larger requests now get 413"),
        ("timeout_ms", "Timeout", "ms", "slower calls now get 504"),
    ):
        before, after = old.get(key), new.get(key)
        if before is None or after is None or before == after:
            continue
        what = f"{name} went {_up_down(before, after)} from {before:,} to {after:,} {unit}"
        if after < before:
            msg = f"{what}: {refusal}."
            changes.append(Change("limit_stricter", key, True, msg, before, after))
        else:
            changes.append(Change("limit_relaxed", key, False, f"{what}.", before, after))

    key = "latency_slo_p95_ms"
    before, after = old.get(key), new.get(key)
    if before is not None and after is not None and before != after:
        what = f"Latency SLO (p95) went {_up_down(before, after)} from {before:,} to {after:,} ms"
        if after > before:
            msg = f"{what}: a weaker promise than consumers sized their timeouts on."
            changes.append(Change("latency_slo_loosened", key, True, msg, before, after))
        else:
            changes.append(Change("latency_slo_tightened", key, False, f"{what}.", before, after))

    before, after = old.get("mode"), new.get("mode")
    if before and after and before != after:
        consequence = (
            "callers now get a 202 job to poll instead of the output"
            if after == "async"
            else "callers now get the output instead of a job to poll"
        )
        msg = f"Mode changed from {before} to {after}: {consequence}."
        changes.append(Change("mode_changed", "mode", True, msg, before, after))
    return changes


def _direction(*, new_covers_old: bool, old_covers_new: bool) -> Direction | None:
    """How the set of accepted values moved, given which set contains the other."""
    if new_covers_old and old_covers_new:
        return None
    if new_covers_old:
        return "widened"
    return "narrowed" if old_covers_new else "changed"


def _up_down(before: float, after: float) -> str:
    return "up" if after > before else "down"


def _normalise(schema: Any) -> dict:
    """A schema as a dict: `true` (and an absent schema) accept anything, like `{}`."""
    if schema is False:
        return {"not": {}}  # only reached for comparisons; `compare` handles `false` itself
    return schema if isinstance(schema, dict) else {}


def _declared_atoms(schema: dict) -> frozenset[str]:
    declared = schema.get("type")
    if declared is None:
        return _ANY
    names = [declared] if isinstance(declared, str) else list(declared)
    return frozenset().union(*(_TYPE_ATOMS.get(n, frozenset()) for n in names))


def _effective_atoms(schema: dict) -> frozenset[str]:
    """The value kinds a schema accepts, narrowed by its enum or const when it has one."""
    atoms = _declared_atoms(schema)
    values = _allowed_values(schema)
    if values is not None:
        atoms &= {_atom_of(v) for v in values}
    return atoms


def _atom_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if value.is_integer() else "fraction"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _describe_atoms(atoms: frozenset[str]) -> str:
    parts = set(atoms)
    if parts >= _NUMBERS:
        parts -= _NUMBERS
        parts.add("numbers")
    names = sorted(_ATOM_NAMES.get(p, p) for p in parts)
    return " or ".join(names)


def _type_label(schema: dict) -> str:
    declared = schema.get("type")
    if declared is None:
        return "any type"
    return declared if isinstance(declared, str) else " or ".join(declared)


def _allowed_values(schema: dict) -> list | None:
    """The enum, the const, or both intersected; None when the schema lists no values."""
    values = schema.get("enum")
    if "const" in schema:
        const = schema["const"]
        if values is None:
            return [const]
        return [v for v in values if _value_key(v) == _value_key(const)]
    return list(values) if values is not None else None


def _value_key(value: Any) -> str:
    """A comparable key for a JSON value; 1 and 1.0 are the same number in JSON Schema."""
    return json.dumps(_canonical(value), sort_keys=True)


def _canonical(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    return value


def _show(values: list) -> str:
    return ", ".join(json.dumps(v) for v in values)


def _bound(schema: dict, end: str) -> tuple[Fraction, bool] | None:
    """The tightest lower or upper bound as (value, exclusive), or None when unbounded."""
    inclusive_key, exclusive_key = (
        ("minimum", "exclusiveMinimum") if end == "lower" else ("maximum", "exclusiveMaximum")
    )
    candidates: list[tuple[Fraction, bool]] = []
    inclusive, exclusive = schema.get(inclusive_key), schema.get(exclusive_key)
    if isinstance(inclusive, int | float) and not isinstance(inclusive, bool):
        # Draft 4 wrote exclusivity as a boolean beside minimum/maximum.
        candidates.append((Fraction(str(inclusive)), exclusive is True))
    if isinstance(exclusive, int | float) and not isinstance(exclusive, bool):
        candidates.append((Fraction(str(exclusive)), True))
    if not candidates:
        return None
    tightest = candidates[0]
    for candidate in candidates[1:]:
        if _tighter(candidate, tightest, end):
            tightest = candidate
    return tightest


def _tighter(a: tuple[Fraction, bool] | None, b: tuple[Fraction, bool] | None, end: str) -> bool:
    """Whether bound `a` excludes values that bound `b` allows."""
    if a is None:
        return False
    if b is None:
        return True
    if a[0] != b[0]:
        return a[0] > b[0] if end == "lower" else a[0] < b[0]
    return a[1] and not b[1]


def _bound_label(bound: tuple[Fraction, bool] | None, end: str) -> str:
    if bound is None:
        return "no minimum" if end == "lower" else "no maximum"
    value, exclusive = bound
    number = str(value.numerator) if value.denominator == 1 else str(float(value))
    symbol = {("lower", False): "≥", ("lower", True): ">", ("upper", False): "≤"}.get(
        (end, exclusive), "<"
    )
    return f"{symbol} {number}"


def _divides(step: float, value: float) -> bool:
    """Whether every multiple of `value` is a multiple of `step`."""
    ratio = Fraction(str(value)) / Fraction(str(step))
    return ratio.denominator == 1


def _property(schema: dict, name: str) -> Any:
    # A name only listed in `required` is governed by the catch-all schema, if any.
    props = schema.get("properties") or {}
    if name in props:
        return props[name]
    extra = _additional(schema)
    return extra if extra is not None else {}


def _additional(schema: dict) -> dict | None:
    """The schema undeclared fields must satisfy, or None when they are refused."""
    extra = schema.get("additionalProperties", True)
    if extra is False:
        return None
    return _normalise(extra)


def _guess_renames(old: dict, new: dict, removed: list[str], added: list[str]) -> dict[str, str]:
    """Pair a removed field with the one added field of the same type, when there is one."""
    guesses: dict[str, str] = {}
    for name in removed:
        old_type = _type_label(_normalise(_property(old, name)))
        same_type = [a for a in added if _type_label(_normalise(_property(new, a))) == old_type]
        if len(same_type) == 1:
            guesses[name] = same_type[0]
    return guesses


def _label(path: str) -> str:
    """How a message names a place: `The input`, `Input field \\`address.city\\``."""
    side, _, rest = path.partition(".")
    if not rest:
        return f"The {side}"
    if rest == "*":
        return f"Undeclared {side} fields"
    return f"{side.capitalize()} field `{rest}`"


def _parse_semver(semver: str) -> tuple[int, int, int]:
    match = _SEMVER.fullmatch(semver.strip())
    if not match:
        raise ValueError(f"{semver!r} is not a MAJOR.MINOR.PATCH version.")
    return int(match[1]), int(match[2]), int(match[3])


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
