"""Compile the knowledge base: check it, stratify it, and translate its conditions into durable_rules JSON.

Stratification is how we keep "no premature negation" without truth maintenance: a rule that reads a
derived field (positively or through `absent`/`not_diagnosed`) runs in a later stratum than every rule
that can conclude that field. The engine asserts one snapshot fact per stratum, so a rule only ever sees
a stage that is complete. A cycle in the rule dependency graph is rejected here, at compile time.

This module builds plain data; it never imports durable_rules.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from graphlib import CycleError, TopologicalSorter
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

from mlstrategy.plain import SETTINGS_DEFAULTS, SITUATION_FIELDS, suggest
from .evaluate import required_fields
from mlstrategy.knowledge.fields import family_of, is_family, is_setting, setting_field

from mlstrategy.knowledge.dsl import (
    AllOf, Absent, AnyOf, Compare, Const, Fact, Known, Plus, Rule, Setting, Times,
)

__all__ = [
    "CompiledKnowledge", "KnowledgeError", "compile_knowledge", "check_exclusions", "condition_json", "dependency_graph",
    "producers_of", "foldable_settings",
]

_OPS = {">": "$gt", ">=": "$gte", "<": "$lt", "<=": "$lte", "!=": "$neq"}


class KnowledgeError(ValueError):
    """The knowledge base is inconsistent (duplicate ids, a cycle, a field concluded as two kinds)."""


@dataclass(frozen=True)
class CompiledKnowledge:
    """The rules, their strata and their durable_rules definitions (without actions)."""

    rules: tuple[Rule, ...]
    strata: dict[str, int]
    producers: dict[str, tuple[str, ...]]
    matched: frozenset[str] = frozenset()
    """The only fields the engine's fact carries: those some condition compares (settings included).

    Everything else (per-candidate and per-category values, inputs no condition reads) stays on the Python
    side: durable_rules refuses a fact of more than about 255 fields (error 302), and every field costs time.
    """
    _by_id: dict[str, Rule] = dataclasses.field(init=False, repr=False, compare=False)
    _plain: dict[str, dict[str, Any]] | None = dataclasses.field(init=False, repr=False, compare=False,
                                                              default=None)

    @property
    def definitions(self) -> dict[str, dict[str, Any]]:
        """One durable_rules definition per rule, settings as fact fields (see `_definitions`), built on first use.

        An engine with the default settings folded in (`folded_definitions`) needs them only when a consultation
        under other settings comes, which the command line never does: building them there cost ~2 ms of its
        start-up. Built without a lock: two threads may both build them, and keep equal values (fork-safe, unlike
        a lock held across a fork)."""
        built = self._plain
        if built is None:
            built = _definitions(self.rules, self.strata)
            object.__setattr__(self, "_plain", built)
        return built

    @property
    def depth(self) -> int:
        return 1 + max(self.strata.values(), default=-1)

    def folded_definitions(self, fold: Mapping[str, Any]) -> tuple[dict[str, dict[str, Any]], frozenset[str]]:
        """The definitions with the given settings fields (`setting:x` -> value) written into the conditions as
        constants, and the settings fields that were folded (a setting whose value or use cannot be written as
        a constant stays a field of the fact: see `foldable_settings`).

        A fact then carries no folded setting: durable_rules parses fewer fields on every assert and serializes
        fewer into every action it schedules. The engine uses these only for consultations under exactly those
        settings."""
        folded = foldable_settings(self.rules, fold)
        values = {name: fold[name] for name in folded}
        return _definitions(self.rules, self.strata, values), frozenset(folded)

    def rule(self, rule_id: str) -> Rule:
        return self._by_id[rule_id]

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {rule.id: rule for rule in self.rules})


def _operand_json(operand: Any, fold: Mapping[str, Any] | None = None) -> Any:
    if isinstance(operand, Const):
        return operand.value
    if isinstance(operand, Setting) and fold and operand.field in fold:
        return fold[operand.field]
    if isinstance(operand, (Fact, Setting)):
        return {"$m": operand.field}
    if isinstance(operand, (Times, Plus)):
        folded = _constant_arithmetic(operand, fold)
        if folded is not None:
            return folded[0]
        key = "$mul" if isinstance(operand, Times) else "$add"
        return {key: {"$l": _operand_json(operand.left, fold), "$r": _operand_json(operand.right, fold)}}
    raise KnowledgeError(f"unknown operand {operand!r}")


def _constant_arithmetic(operand: Any, fold: Mapping[str, Any] | None) -> tuple[Any] | None:
    """`setting * c` or `setting + c` with the setting folded, as a one-item tuple of its value, where the result
    is exact whatever durable_rules' number parser does: times 1 or -1, plus 0 (any other is left to durable_rules,
    so the setting is not folded: see `foldable_settings`). None where the operand is not of that form."""
    if not (fold and isinstance(operand.left, Setting) and operand.left.field in fold and isinstance(operand.right, Const)):
        return None
    value, constant = fold[operand.left.field], operand.right.value
    if isinstance(operand, Times) and constant in (1, -1) and not isinstance(constant, bool):
        return (value * constant,)
    if isinstance(operand, Plus) and constant == 0 and not isinstance(constant, bool):
        return (value,)
    return None


def _json_constant(value: Any) -> bool:
    """A value durable_rules' parser takes as written by `json.dumps`: a string, a bool, an int, or a finite float
    without an exponent (`1e-05` is rejected, DURABLE_RULES_NOTES.md)."""
    if isinstance(value, (bool, str)):
        return True
    if isinstance(value, int):
        return abs(value) < 2 ** 53
    return isinstance(value, float) and math.isfinite(value) and "e" not in repr(value)


def foldable_settings(rules: Iterable[Rule], values: Mapping[str, Any]) -> set[str]:
    """The settings fields (of `values`) that can be written into every condition that uses them as a constant:
    a plain JSON constant, never on the left of arithmetic with anything but an exact constant (see
    `_constant_arithmetic`), never on the left of arithmetic with another field."""
    blocked: set[str] = set()

    def visit_operand(operand: Any) -> None:
        if isinstance(operand, (Times, Plus)):
            if isinstance(operand.left, Setting):
                if not isinstance(operand.right, Const) or _constant_arithmetic(operand, values) is None:
                    blocked.add(operand.left.field)
            visit_operand(operand.left)
            visit_operand(operand.right)

    def visit(condition: Any) -> None:
        if isinstance(condition, Compare):
            visit_operand(condition.right)
        elif isinstance(condition, (AllOf, AnyOf)):
            for part in condition.parts:
                visit(part)

    for rule in rules:
        visit(rule.when)
    return {name for name, value in values.items() if is_setting(name) and name not in blocked and _json_constant(value)}


def condition_json(condition: Any, exclusive: bool = True, fold: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The durable_rules JSON of one condition (evaluated by the engine, never by a Python callback); `exclusive`:
    the branches of each `any_of` made mutually exclusive (see `_exclusive_branches`); `fold`: settings fields
    written in as constants (see `CompiledKnowledge.folded_definitions`)."""
    if isinstance(condition, Compare):
        right = _operand_json(condition.right, fold)
        test = {condition.left.field: right} if condition.op == "==" else {_OPS[condition.op]: {condition.left.field: right}}
        # durable_rules evaluates arithmetic over an absent field as if it were present (e.g. a > b * 10 holds
        # when b is missing); our semantics, and the why_not evaluator's, is that any absent field fails
        others = [field for field in dict.fromkeys(condition.right.fields())]
        if not others:
            return test
        return {"$and": [*({"$ex": {field: 1}} for field in others), test]}
    if isinstance(condition, Known):
        return {"$ex": {condition.ref.field: 1}}
    if isinstance(condition, Absent):
        return {"$nex": {condition.ref.field: 1}}
    if isinstance(condition, AllOf):
        return {"$and": [condition_json(part, exclusive, fold) for part in condition.parts]}
    if isinstance(condition, AnyOf):
        if not exclusive:
            return {"$or": [condition_json(part, False, fold) for part in condition.parts]}
        return {"$or": _exclusive_branches(condition.parts, fold)}
    raise KnowledgeError(f"unknown condition {condition!r}")


MAX_EXPRESSIONS = 31
"""durable_rules keeps, per rule, one sequence of at most 31 expressions: two for each `$and` / `$or` group and one
for each comparison with a field or arithmetic on its right (MAX_SEQUENCE_EXPRESSIONS, error 113 beyond)."""


def expression_count(test: Any) -> int:
    """How many entries of durable_rules' expression sequence a condition's JSON takes (see MAX_EXPRESSIONS)."""
    ((key, value),) = test.items()
    if key in ("$and", "$or"):
        return 2 + sum(expression_count(part) for part in value)
    if key in ("$ex", "$nex"):
        return 0
    right = next(iter(value.values())) if key.startswith("$") else value  # {"$gt": {"a": right}} or {"a": right}
    return 1 if isinstance(right, dict) else 0


def _negation(condition: Any) -> list[dict[str, Any]] | None:
    """The negation of a condition as a conjunction of field tests, where it is one (None where it is not):
    not known(x) is absent(x), not absent(x) is known(x), and not any_of(...) is every part's negation."""
    if isinstance(condition, Known):
        return [{"$nex": {condition.ref.field: 1}}]
    if isinstance(condition, Absent):
        return [{"$ex": {condition.ref.field: 1}}]
    if isinstance(condition, AnyOf):
        found = [_negation(part) for part in condition.parts]
        return None if any(part is None for part in found) else [test for part in found for test in part or ()]
    return None  # a comparison fails when a field is absent too, and not all_of(...) is a disjunction


def _exclusive(first: Any, second: Any) -> bool:
    """The two conditions can never hold together: one says a field is absent that the other requires."""
    return ((isinstance(first, Absent) and first.ref.field in required_fields(second))
            or (isinstance(second, Absent) and second.ref.field in required_fields(first)))


def _exclusive_branches(parts: tuple[Any, ...], fold: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """The branches of an `any_of`, made mutually exclusive where the negations are simple field tests.

    durable_rules fires a rule once per satisfied branch of an `$or` (each firing costs a round trip through the
    C core and our action); branch k holds only where no earlier branch does (not p1 and ... and pk), so at most
    one fires. Their union is the same condition. A branch whose earlier parts have no simple negation is left
    as it is (the engine keeps the first firing of a rule anyway)."""
    branches: list[dict[str, Any]] = []
    for index, part in enumerate(parts):
        guards: list[dict[str, Any]] | None = []
        for earlier in parts[:index]:
            if _exclusive(earlier, part):
                continue
            negated = _negation(earlier)
            if negated is None:
                guards = None
                break
            guards = [*(guards or ()), *negated]
        branch = condition_json(part, fold=fold)
        branches.append({"$and": [*guards, branch]} if guards else branch)
    return branches


def producers_of(field: str, producers: dict[str, Any]) -> tuple[str, ...]:
    """The rules that can conclude a field; a family member (`split:dev`) is concluded by its family's rules."""
    exact = tuple(producers.get(field, ()))
    if family_of(field) is not None and not is_family(field):
        exact += tuple(producers.get(family_of(field) or "", ()))
    return exact


def _producers(rules: Iterable[Rule]) -> dict[str, list[str]]:
    producers: dict[str, list[str]] = {}
    for rule in rules:
        for field in rule.concludes():
            producers.setdefault(field, []).append(rule.id)
    return producers


def dependencies(rules: Iterable[Rule], producers: dict[str, list[str]] | None = None) -> dict[str, dict[str, str]]:
    """For each rule, the rules it depends on: producer id -> a field the rule reads and the producer concludes.

    A rule reading a field it concludes itself reads the given value (no self-dependency). `producers`: the rules'
    `_producers`, where the caller has them already.
    """
    rules = tuple(rules)
    producers = _producers(rules) if producers is None else producers
    out: dict[str, dict[str, str]] = {rule.id: {} for rule in rules}
    for rule in rules:
        for field in rule.reads():
            for producer in producers_of(field, producers):
                if producer != rule.id:
                    out[rule.id].setdefault(producer, field)
    return out


def dependency_graph(rules: Iterable[Rule]) -> "nx.DiGraph":
    """The rule dependency graph as a networkx DiGraph (producer -> reader, edges carry the field), for inspection."""
    import networkx as nx

    graph = nx.DiGraph()
    for rule_id, needs in dependencies(rules).items():
        graph.add_node(rule_id)
        graph.add_edges_from((producer, rule_id, {"field": field}) for producer, field in needs.items())
    return graph


def _readable(field: str, producers: dict[str, Any], inputs: frozenset[str]) -> bool:
    return field in inputs or is_setting(field) or bool(producers_of(field, producers)) or is_family(field)


def _check(rules: tuple[Rule, ...], producers: dict[str, list[str]]) -> None:
    """Reject duplicate ids, and any field read that no input, setting or rule provides (a typo, or a string
    constant written without Const(...), would otherwise make a condition silently never hold)."""
    inputs = frozenset(SITUATION_FIELDS)  # the models' fields, from their table (no pydantic needed)
    settings = {setting_field(name) for name in SETTINGS_DEFAULTS}
    for rule in rules:
        for field in rule.reads():
            if not _readable(field, producers, inputs):
                hint = suggest(field, sorted(inputs | set(producers)))
                raise KnowledgeError(
                    f"rule {rule.id} reads {field!r}, which is neither an input fact nor concluded by any rule"
                    + (f" (did you mean {hint!r}?)" if hint else "; wrap a string constant in Const(...)"))
        for name in rule.settings():
            if setting_field(name) not in settings:
                raise KnowledgeError(f"rule {rule.id} uses an unknown setting {name!r}")
        for value in _constants(rule.when):
            if not _json_constant(value):
                raise KnowledgeError(
                    f"rule {rule.id} compares with the constant {value!r}, which durable_rules cannot read (a number "
                    "written with an exponent, not finite, or an integer of 2**53 or more): compare a scaled value "
                    "instead (a rule concluding x * 1000, compared with 0.01, rather than x with 1e-05)")
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise KnowledgeError(f"rule id {rule.id!r} is defined twice")
        seen.add(rule.id)
        concluded = rule.concludes()
        if len(set(concluded)) != len(concluded):
            raise KnowledgeError(f"rule {rule.id} concludes the same field twice")


def _constants(condition: Any) -> Iterable[Any]:
    """The values of the constants a condition compares with (in arithmetic too)."""
    if isinstance(condition, (AllOf, AnyOf)):
        for part in condition.parts:
            yield from _constants(part)
    elif isinstance(condition, Compare):
        operands = [condition.right]
        while operands:
            operand = operands.pop()
            if isinstance(operand, Const):
                yield operand.value
            elif isinstance(operand, (Times, Plus)):
                operands += (operand.left, operand.right)


def _top_level(condition: Any) -> tuple[Any, ...]:
    return condition.parts if isinstance(condition, AllOf) else (condition,)


def check_exclusions(rules: Iterable[Rule], exclusions: Iterable[Any] | None = None) -> None:
    """Reject a knowledge base in which an excluded action could share a plan with its winner: every rule that
    concludes the loser must require (at its top level) that the winner was not recommended."""
    from mlstrategy.knowledge.dsl import action_field
    from mlstrategy.knowledge.exclusions import EXCLUSIONS

    concluded = [(rule, rule.concludes()) for rule in rules]  # once per rule, not once per rule and exclusion
    for exclusion in EXCLUSIONS if exclusions is None else exclusions:
        guard, loser = action_field(exclusion.winner), action_field(exclusion.loser)
        for rule, fields in concluded:
            if loser not in fields:
                continue
            if not any(isinstance(part, Absent) and part.ref.field == guard for part in _top_level(rule.when)):
                raise KnowledgeError(
                    f"rule {rule.id} recommends {exclusion.loser!r}, which {exclusion.winner!r} excludes "
                    f"({exclusion.why}), without testing not_recommended({exclusion.winner!r})")


def _rule_test(rule: Rule, fold: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A rule's condition as durable_rules JSON: with exclusive `any_of` branches, unless their guards would make a
    condition longer than durable_rules accepts (the `$and` with the stratum test counts too)."""
    test = condition_json(rule.when, fold=fold)
    return test if 2 + expression_count(test) <= MAX_EXPRESSIONS else condition_json(rule.when, False, fold)


def _definitions(rules: tuple[Rule, ...], strata: dict[str, int],
                 fold: Mapping[str, Any] | None = None) -> dict[str, dict[str, Any]]:
    """One durable_rules definition per rule: the stratum test and the rule's condition on one fact."""
    return {rule.id: {"all": [{"m": {"$and": [{"t": f"s{strata[rule.id]}"}, _rule_test(rule, fold)]}}]}
            for rule in rules}


def compile_knowledge(rules: Iterable[Rule]) -> CompiledKnowledge:
    """Check and stratify the rules; their durable_rules definitions, one per rule, are built on first use.

    The definition of rule R in stratum s matches the stratum-s snapshot fact (`t == "s<s>"`) and R's
    conditions on that same fact: one fact per pattern, so no joins at all (DURABLE_RULES_NOTES.md).
    """
    rules = tuple(sorted(rules, key=lambda rule: rule.id))  # definition order never matters
    producers = _producers(rules)
    _check(rules, producers)
    check_exclusions(rules)
    needs = dependencies(rules, producers)
    # the standard library's topological sort: the command line never has to import networkx to compile
    try:
        order = list(TopologicalSorter({rule_id: set(deps) for rule_id, deps in needs.items()}).static_order())
    except CycleError as error:
        cycle = error.args[1]  # each node is an immediate predecessor of the next; first == last
        path = " -> ".join(f"{a} ({needs[b][a]})" for a, b in zip(cycle, cycle[1:]))
        raise KnowledgeError(f"the rules depend on each other in a cycle: {path} -> {cycle[-1]}") from None
    strata: dict[str, int] = {}
    for rule_id in order:
        strata[rule_id] = 1 + max((strata[p] for p in needs[rule_id]), default=-1)
    matched = frozenset(
        field for rule in rules for field in (*rule.condition_fields(), *(setting_field(s) for s in rule.when.settings()))
    )
    return CompiledKnowledge(
        rules=rules,
        strata=strata,
        producers={field: tuple(ids) for field, ids in producers.items()},
        matched=matched,
    )
