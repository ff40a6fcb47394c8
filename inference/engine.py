"""The forward-chaining engine: the knowledge base on a private durable_rules host, one session per consultation.

This is the only module that imports durable_rules. Every quirk measured in DURABLE_RULES_NOTES.md is
handled here, once:
- a private `Host` with its background timer threads disabled, built from our own JSON definitions
  (durable.lang's module-global registry is never used, so nothing can be "already registered");
- one durable_rules session per engine, for its whole life: each consultation asserts facts with ids unique in
  the engine and retracts them in one call at the end; on any engine error the session is deleted and a new one
  opened. One live session per host: no 32-bit sid collisions, no 1,024-session limit; a lock serializes
  consultations, and a forked child gets a new lock and a new session (`os.register_at_fork`);
- the default settings written into the conditions as constants (`Engine(rules, fold=...)`): each fact carries
  only the fields some condition compares, no settings; other settings run on a second host built on first need;
- facts encoded by us, never with an exponent lacking a decimal point (`1e-07` crashes the C parser),
  each with a unique `id`, each matching only rules of its own stratum (so never the state fact); the host sees
  each field under a short alias (`A`, `B`, ..., in the conditions as in the facts); aliases never leave here;
- a rule whose condition has an `any_of` fires once per satisfied branch: the compiler makes the branches mutually
  exclusive where it can (compile.py), and we keep the first firing only where it cannot;
- every session's first fact (its opening fact) is matched by a catch-all rule: deleting a session whose facts
  were all unmatched crashes the C core (found by our tests; not in the upstream notes);
- exceptions inside actions are caught by our wrapper and raised to the caller with the rule id
  (durable_rules would swallow them into the session state).
Provenance is recorded here for every firing: the rule id, the fields it read with their values, and
what it concluded.
"""
from __future__ import annotations

import itertools
import json
import math
import operator
from math import isfinite
import threading
import weakref
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, NamedTuple

import os
import sys
import time


def _import_durable_core() -> Any:
    """Import durable_rules' C core, on every Python we support.

    CPython 3.13 removed `PyEval_CallObject`; durable_rules 2.0.28 (its last release) still references it,
    so with Python's default eager symbol binding (RTLD_NOW) the import fails with "undefined symbol:
    PyEval_CallObject". The C core calls that function only inside its store/delete/queue/idle-state
    callbacks, which we never register (and must never register: its implicit `int` return also truncates
    pointers there). So on 3.13+ we import it with lazy binding: the unused symbol is never resolved.
    This needs no compiler step of our own, unlike a shim library. It fails only under LD_BIND_NOW=1.
    Delete this when durable_rules releases upstream PR #403 (the fix) to PyPI.
    """
    if sys.version_info < (3, 13):
        import durable_rules_engine

        return durable_rules_engine
    flags = sys.getdlopenflags()
    sys.setdlopenflags(os.RTLD_LAZY | (flags & ~os.RTLD_NOW))
    try:
        import durable_rules_engine
    finally:
        sys.setdlopenflags(flags)
    return durable_rules_engine


durable_rules_engine = _import_durable_core()

from durable import engine as _durable  # noqa: E402  (after the core, which it imports)

# durable_rules stamps every action with datetime.utcfromtimestamp(), deprecated since Python 3.12 (a
# DeprecationWarning per rule firing). Its value only times action leases, so plain time.time() serves.
_durable._unix_now = time.time

from mlstrategy.knowledge.dsl import Ask, Diagnose, Recommend, Rule, Value, Values, setting_field
from mlstrategy.knowledge.fields import family_prefix, is_family

from .compile import CompiledKnowledge, compile_knowledge
from .evaluate import required_fields

__all__ = ["Engine", "Trace", "Firing", "Concluded", "EngineError", "RuleError", "encode_fact", "frozen"]

_RULESET = "mlstrategy"
_MAX_NEEDS = 4  # a stratum is skipped when no rule can match only if at most this many requirement sets are checked
_SESSION_RULE = "inference_session_open"


def _open_session(closure: Any) -> None:
    """The catch-all action on each session's first fact (see Engine.__init__)."""


class EngineError(RuntimeError):
    """The rule engine failed in a way that is not the user's input (a bug or an engine fault)."""


class RuleError(EngineError):
    """A rule's conclusion raised: names the rule so the knowledge base can be fixed."""

    def __init__(self, rule_id: str, error: BaseException) -> None:
        super().__init__(f"rule {rule_id} failed: {type(error).__name__}: {error}")
        self.rule_id = rule_id
        self.error = error


_tuple = tuple.__new__  # a named tuple built from its values in one call, as Concluded(*values) would be


class _ConcludedFields(NamedTuple):
    kind: str  # "value" | "diagnosis" | "action" | "missing"
    name: str
    field: str
    value: Any
    params: Mapping[str, Any]
    addresses: tuple[str, ...]


class Concluded(_ConcludedFields):
    """One conclusion of one firing: a value, a diagnosis (with its severity), an action or a question.

    A named tuple: immutable, and built in one C call on the firing path (a frozen dataclass set each field
    through a Python-level guard); a kept result holds one object per conclusion for the cyclic GC."""

    __slots__ = ()

    def __new__(cls, kind: str, name: str, field: str, value: Any = None, params: Mapping[str, Any] | None = None,
                addresses: tuple[str, ...] = ()) -> "Concluded":
        return _tuple(cls, (kind, name, field, value, {} if params is None else params, addresses))


class _FiringFields(NamedTuple):
    rule: str
    stratum: int
    concluded: tuple[Concluded, ...]
    read_names: tuple[str, ...]
    setting_names: tuple[str, ...]
    facts: Mapping[str, Any]


class Firing(_FiringFields):
    """The record of one rule firing: what it read (with values) and what it concluded.

    `reads` and `settings` are looked up on first use in the consultation's facts: a fact never changes once
    set, so the values are those the rule saw, and advice that never explains itself never pays for them.
    Two firings are equal when rule, stratum, conclusions and the names read are (the facts are not compared).
    """

    __slots__ = ()

    def __new__(cls, rule: str, stratum: int, concluded: tuple[Concluded, ...], read_names: tuple[str, ...] = (),
                setting_names: tuple[str, ...] = (), facts: Mapping[str, Any] | None = None) -> "Firing":
        return _tuple(cls, (rule, stratum, concluded, read_names, setting_names, {} if facts is None else facts))

    @property
    def reads(self) -> dict[str, Any]:
        """The fields the rule read, with their values (a family read `f1:*` stands for every member)."""
        return _read_values(self.read_names, self.facts)

    @property
    def settings(self) -> dict[str, Any]:
        """The settings the rule used, with their values."""
        return {name: self.facts.get(f"setting:{name}") for name in self.setting_names}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Firing) and self[:5] == other[:5]

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash(self[:5])

    def __repr__(self) -> str:
        return (f"Firing(rule={self.rule!r}, stratum={self.stratum!r}, concluded={self.concluded!r}, "
                f"read_names={self.read_names!r}, setting_names={self.setting_names!r})")


@dataclass
class Trace:
    """Everything one consultation produced: the final facts, the firings and each stratum's snapshot."""

    inputs: dict[str, Any]
    settings: dict[str, Any]
    facts: dict[str, Any] = field(default_factory=dict)
    firings: list[Firing] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    """How many facts (in insertion order) each stratum's snapshot held: facts only ever grow."""

    _snapshots: list[dict[str, Any]] | None = field(default=None, init=False, repr=False, compare=False)
    _diagnosing: list[Firing] | None = field(default=None, init=False, repr=False, compare=False)
    """The firings that concluded a diagnosis, in firing order, when the engine produced it (ranking reads these)."""
    _origin: object | None = field(default=None, init=False, repr=False, compare=False)
    """The token of the engine that produced it (None for a trace built any other way): the plan reuses the
    structure it computed for another trace of the same engine with the same firings (see `plan.plan_items`)."""

    @property
    def snapshots(self) -> list[dict[str, Any]]:
        """The engine fact each stratum saw (scalar view), rebuilt on first use (after the consultation).

        Cached by hand, not with functools.cached_property: on Python 3.10-3.11 that holds one lock per class,
        which a process forked while another thread is inside it inherits held (a deadlock)."""
        if self._snapshots is None:
            items = list(self.facts.items())
            self._snapshots = [engine_fields(dict(items[:size])) for size in self.sizes]
        return self._snapshots

    def concluded(self, kind: str) -> dict[str, list[tuple[Firing, Concluded]]]:
        """Conclusions of one kind by name, each with the firing that made it, in firing order."""
        found: dict[str, list[tuple[Firing, Concluded]]] = {}
        for firing in self.firings:
            for item in firing.concluded:
                if item.kind == kind:
                    found.setdefault(item.name, []).append((firing, item))
        return found


class _LazyTrace(Trace):
    """A trace from `Engine.compact`, rebuilt by `Engine.expand` on the first read of any attribute."""

    def __init__(self, engine: "Engine", data: tuple, settings: dict[str, Any]) -> None:  # noqa: D107
        self.__dict__["_compact"] = (engine, data, settings)

    def __getattr__(self, name: str) -> Any:  # only called for attributes not set yet: before the rebuild
        compact = self.__dict__.get("_compact")
        if compact is None:
            raise AttributeError(name)
        full = compact[0].expand(compact[1], compact[2])
        self.__dict__.update(full.__dict__)  # idempotent: two threads racing here build the same trace
        self.__dict__.pop("_compact", None)
        return getattr(self, name)

    def __reduce__(self) -> Any:  # pickles as the plain trace it stands for (the engine is not picklable)
        self.facts  # noqa: B018 - rebuilds
        return (_trace_from_state, (dict(self.__dict__),))


def _trace_from_state(state: dict[str, Any]) -> Trace:
    trace = object.__new__(Trace)
    trace.__dict__.update(state)
    return trace


# ---------------------------------------------------------------- fact encoding
def _number(value: float) -> str:
    text = repr(value)
    if "e" in text and "." not in text.split("e")[0]:  # '1e-07' -> '1.0e-07' (the C parser rejects the former)
        mantissa, exponent = text.split("e")
        text = f"{mantissa}.0e{exponent}"
    return text


_KEYS: dict[str, str] = {}
_encode_string = json.encoder.encode_basestring  # the C-accelerated string encoder json.dumps uses


def _key(name: str) -> str:
    text = _KEYS.get(name)
    if text is None:
        text = _KEYS[name] = _encode_string(name) + ":"
    return text


def encode_field(key: str, value: Any) -> str | None:
    """`"key":value` for one engine-fact field (None for an absent value); collections become their size."""
    text = encode_value(key, value)
    return None if text is None else _key(key) + text


def encode_value(key: str, value: Any) -> str | None:
    """The JSON of one engine-fact field's value (None for an absent value); collections become their size."""
    if value is None:
        return None
    kind = type(value)
    if kind is float:
        if not math.isfinite(value):
            raise EngineError(f"field {key!r} is not finite ({value}); validation should have stopped it")
        text = _number(value)
    elif kind is str:
        text = _encode_string(value)
    elif kind is bool:
        text = "true" if value else "false"
    elif kind is int:
        text = str(value)
    elif kind in (dict, list, tuple):
        text = str(len(value))  # the presence marker the engine matches on (see engine_fields)
    else:
        raise EngineError(f"field {key!r} is not a scalar: {kind.__name__}")
    return text


def encode_fact(fields: Mapping[str, Any]) -> str:
    """JSON for a flat engine fact: scalars only, numbers always with a decimal point in the mantissa."""
    parts = (encode_field(key, value) for key, value in fields.items())
    return "{" + ",".join(part for part in parts if part is not None) + "}"


def engine_fields(facts: Mapping[str, Any]) -> dict[str, Any]:
    """The scalar view of the facts the engine matches on: collections become their size (a presence marker)."""
    out: dict[str, Any] = {}
    for key, value in facts.items():
        if value is None:
            continue
        if isinstance(value, (dict, list, tuple)):
            out[key] = len(value)
        else:
            out[key] = value
    return out


def _concludes(value: Any) -> bool:
    """None concludes nothing, and neither does a number that overflowed (inf) or is undefined (NaN)."""
    return value is not None and not (isinstance(value, float) and not math.isfinite(value))


def _read_values(names: tuple[str, ...], facts: Mapping[str, Any]) -> dict[str, Any]:
    """The fields a rule read, with their values; a family read (`f1:*`) stands for every member present."""
    out: dict[str, Any] = {}
    for name in names:
        if is_family(name):
            prefix = family_prefix(name)
            out.update((key, value) for key, value in facts.items() if key.startswith(prefix) and value is not None)
        elif facts.get(name) is not None:
            out[name] = facts[name]
    return out


# ---------------------------------------------------------------- the host
class _PrivateHost(_durable.Host):
    """A durable_rules host with no background dispatch threads (they crashed under threads; we run inline)."""

    def _run(self) -> None:  # noqa: D401 - replaces the timer-thread loop
        return None


_new = object.__new__
_set_dict = object.__setattr__


def frozen(cls: type, **fields: Any) -> Any:
    """An instance of a frozen dataclass or record built without its `__init__` (which sets each field through
    `object.__setattr__`): for the records built once per planned action or advice item. Every field
    must be given; the instance equals the one `cls(**fields)` gives."""
    item: Any = _new(cls)
    _set_dict(item, "__dict__", fields)  # the keyword dict is new: it becomes the instance's own
    return item


_Step = Callable[[Mapping[str, Any], dict, list, str], None]


def _conflict(rule_id: str, name: str, value: Any, earlier: tuple[str, Any]) -> RuleError:
    return RuleError(rule_id, ValueError(f"value {name} = {value!r} conflicts with {earlier[1]!r} from {earlier[0]}"))


def _conclude_value(facts: Mapping[str, Any], pending: dict, out: list, rule_id: str, name: str, field_name: str,
                    value: Any) -> None:
    """Record one concluded value: a value may be concluded again only as the same value (else a RuleError)."""
    if field_name in pending or field_name in facts:
        _check_repeat(facts, pending, rule_id, name, field_name, value)
    else:
        pending[field_name] = (rule_id, value)
    out.append(_tuple(Concluded, ("value", name, field_name, value, {}, ())))


def _check_repeat(facts: Mapping[str, Any], pending: dict, rule_id: str, name: str, field_name: str,
                  value: Any) -> None:
    """A value concluded again (or given as input): it must be the same value; the first setter is kept."""
    earlier = pending.get(field_name)
    if earlier is None:
        if facts[field_name] != value:
            raise _conflict(rule_id, name, value, ("input", facts[field_name]))
        pending[field_name] = (rule_id, value)
    elif earlier[1] != value:
        raise _conflict(rule_id, name, value, earlier)


def _step(conclusion: Any) -> _Step:
    """One conclusion of a rule as a small function (compiled once per engine): it appends what it concludes to
    `out` and records the field it sets in `pending` (the marker the next strata see), first setter kept."""
    if isinstance(conclusion, Value):
        compute, name, field_name = conclusion.compute, conclusion.name, conclusion.field

        def value(facts: Mapping[str, Any], pending: dict, out: list, rule_id: str) -> None:
            # the firing path's most frequent step: _concludes and _conclude_value written out
            result = compute(facts)
            if result is None or (isinstance(result, float) and not isfinite(result)):
                return
            if field_name in pending or field_name in facts:
                _check_repeat(facts, pending, rule_id, name, field_name, result)
            else:
                pending[field_name] = (rule_id, result)
            out.append(_tuple(Concluded, ("value", name, field_name, result, {}, ())))
        return value
    if isinstance(conclusion, Values):
        compute, prefix = conclusion.compute, conclusion.prefix

        def values(facts: Mapping[str, Any], pending: dict, out: list, rule_id: str) -> None:
            for key, result in compute(facts).items():
                if _concludes(result):
                    member = f"{prefix}:{key}"
                    _conclude_value(facts, pending, out, rule_id, member, member, result)
        return values
    if isinstance(conclusion, Diagnose):
        severity, name, field_name = conclusion.severity, conclusion.name, conclusion.field

        def diagnose(facts: Mapping[str, Any], pending: dict, out: list, rule_id: str) -> None:
            level = facts.get(severity) if severity else None
            if field_name not in pending:
                pending[field_name] = (rule_id, True if level is None else level)
            out.append(_tuple(Concluded, ("diagnosis", name, field_name, level, {}, ())))
        return diagnose
    if isinstance(conclusion, Recommend):
        params, action, field_name, addresses = conclusion.params, conclusion.action, conclusion.field, conclusion.addresses

        def recommend(facts: Mapping[str, Any], pending: dict, out: list, rule_id: str) -> None:
            if field_name not in pending:
                pending[field_name] = (rule_id, True)
            found = dict(params(facts)) if params else {}
            out.append(_tuple(Concluded, ("action", action, field_name, True, found, addresses)))
        return recommend
    if isinstance(conclusion, Ask):
        answer = (conclusion.why, conclusion.rank)
        name, field_name = conclusion.name, conclusion.field

        def ask(facts: Mapping[str, Any], pending: dict, out: list, rule_id: str) -> None:
            if field_name not in pending:
                pending[field_name] = (rule_id, True)
            out.append(_tuple(Concluded, ("missing", name, field_name, answer, {}, ())))
        return ask
    raise EngineError(f"unknown conclusion {conclusion!r}")


def _new_trace(inputs: dict[str, Any], settings: dict[str, Any], facts: dict[str, Any]) -> Trace:
    """A consultation's empty Trace without the dataclass's `__init__` (four default factories per call); the
    instance equals `Trace(inputs=inputs, settings=settings, facts=facts)`."""
    trace = _new(Trace)
    trace.__dict__ = {"inputs": inputs, "settings": settings, "facts": facts, "firings": [], "sizes": []}
    return trace


class _Session:
    """One consultation's Python-side state (the durable_rules session outlives it: see `Engine`)."""

    __slots__ = ("trace", "facts", "firings", "diagnosing", "stratum", "pending", "error", "fired")

    def __init__(self, facts: Mapping[str, Any], settings: Mapping[str, Any]) -> None:
        self.trace = _new_trace(dict(facts), dict(settings), {**facts, **settings})
        self.facts = self.trace.facts
        self.firings = self.trace.firings
        self.diagnosing: list[Firing] = []  # the firings of rules that diagnose
        self.stratum = 0
        self.pending: dict[str, tuple[str, Any]] = {}
        self.error: RuleError | None = None
        self.fired: set[str] = set()


class _Rete:
    """One private durable_rules host over the knowledge base, its live session and what its facts carry."""

    __slots__ = ("host", "ruleset", "handle", "wanted", "alias", "parts", "targets", "sid", "stale", "settings_key",
                 "settings_encoded")

    def __init__(self, host: Any, wanted: dict[str, tuple[int, ...]], depth: int, alias: Mapping[str, str]) -> None:
        self.host = host
        self.ruleset = host.get_ruleset(_RULESET)
        self.handle = self.ruleset._handle
        self.wanted = wanted  # field -> the strata whose facts carry it
        self.alias = alias  # field -> its name in durable_rules' facts and conditions
        # the encoded fields of each stratum's fact, refilled by every consultation (under the engine's lock)
        self.parts: list[list[str]] = [[] for _ in range(depth)]
        self.targets = _targets(wanted, self.parts, alias)
        self.sid: str | None = None  # the live durable_rules session, if any
        self.stale: str | None = None  # a session abandoned by a fork, deleted when the next one opens
        self.settings_key: tuple | None = None
        self.settings_encoded: list[list[str]] = []


_Target = tuple[str, tuple[Callable[[str], None], ...]]


def _targets(wanted: dict[str, tuple[int, ...]], parts: list[list[str]], alias: Mapping[str, str]) -> dict[str, _Target]:
    """Each wanted field's `"alias":` prefix and the `append` of each part list (stratum) it goes into."""
    return {name: (_key(alias[name]), tuple(parts[stratum].append for stratum in strata))
            for name, strata in wanted.items()}


def _aliases(names: Iterable[str]) -> dict[str, str]:
    """A short name for each field in durable_rules: A, B, ..., Z, AA, AB, ... (bijective base 26). Upper case,
    so no alias is one of durable's own keys (`sid`, `id`, our stratum tag `t`, the `$` operators).

    durable_rules reads each name of a fact char by char (hashing it) on every assert, keeps a copy of the fact
    and writes it again into each firing's agenda entry; names such as `range_high:dev_set_overfitting` were most
    of a stratum fact's bytes."""
    out: dict[str, str] = {}
    for number, name in enumerate(names, start=1):
        text = ""
        while number:
            number, digit = divmod(number - 1, 26)
            text = chr(65 + digit) + text
        out[name] = text
    return out


def _aliased_condition(condition: list[dict[str, Any]], alias: Mapping[str, str]) -> list[dict[str, Any]]:
    """A rule's compiled condition, `[{"m": {"$and": [{"t": "s<stratum>"}, test]}}]` (`compile`), with the test's
    fields renamed to their aliases; the stratum tag `t` keeps its name (a fact field named `t` gets an alias)."""
    ((binding, both),) = condition[0].items()
    tag, test = both["$and"]
    if len(condition) != 1 or list(tag) != ["t"]:
        raise EngineError(f"unexpected compiled condition {condition!r}")
    return [{binding: {"$and": [tag, _alias_test(test, alias)]}}]


def _alias_test(test: Mapping[str, Any], alias: Mapping[str, str]) -> dict[str, Any]:
    """A condition's durable_rules JSON (`compile.condition_json`) with its fields renamed to their aliases: every
    test is one key, `$and`/`$or` over tests, `$ex`/`$nex`/a comparison over {field: operand}, or an equality
    {field: operand}; an operand is a constant, {"$m": field}, or arithmetic {"$mul"/"$add": {"$l": operand,
    "$r": operand}}."""
    ((key, value),) = test.items()
    if key in ("$and", "$or"):
        return {key: [_alias_test(part, alias) for part in value]}
    if key.startswith("$"):
        return {key: {alias[field]: _alias_operand(operand, alias) for field, operand in value.items()}}
    return {alias[key]: _alias_operand(value, alias)}


def _alias_operand(operand: Any, alias: Mapping[str, str]) -> Any:
    if not isinstance(operand, dict):
        return operand
    if "$m" in operand:
        return {"$m": alias[operand["$m"]]}
    return {key: {side: _alias_operand(part, alias) for side, part in sides.items()} for key, sides in operand.items()}


def _settings_key(settings: Mapping[str, Any]) -> tuple:
    """Settings fields as a key that tells 1, 1.0 and True apart (they are different JSON constants)."""
    return tuple((name, type(value), value) for name, value in settings.items())


_ENGINES: "weakref.WeakSet[Engine]" = weakref.WeakSet()


def _after_fork_in_child() -> None:
    """A forked child inherits every engine with its lock as it was: held, if another thread of the parent was
    consulting (that thread does not exist here, so the lock would never be released: issue 11's deadlock).
    Each engine gets a new lock and forgets its session, whose facts may be half asserted; the next
    consultation opens a new one (and deletes the stale one)."""
    for engine in list(_ENGINES):
        engine._reset_after_fork()


if hasattr(os, "register_at_fork"):  # POSIX
    os.register_at_fork(after_in_child=_after_fork_in_child)


class Engine:
    """A compiled knowledge base on its own durable_rules host; `consult` is thread-safe and fork-safe.

    One durable_rules session lives as long as the engine: each consultation asserts its stratum facts (each with
    an id unique in the engine) and retracts them all in one call at the end. Creating a session costs more than
    a whole consultation's asserts (durable_rules clears kilobytes of indexes per rule), and one live session per
    host means no 32-bit sid collision and no 1,024-session limit. On any engine error the session is deleted
    and the next consultation opens a new one.

    >>> from mlstrategy.knowledge import RULES
    >>> trace = Engine(RULES).consult({"human_error": 0.01, "train_error": 0.08, "dev_error": 0.1}, {})
    >>> trace.facts["avoidable_bias"]
    0.07
    """

    def __init__(self, rules: Iterable[Rule], fold: Mapping[str, Any] | None = None) -> None:
        """`fold`: the settings fields (`setting:x` -> value) nearly every consultation uses (the defaults). Its host
        has them written into the conditions as constants; a consultation under other settings runs on a second host
        with settings as fact fields, built on first need. Advice is the same either way (tests/test_engine.py)."""
        self.knowledge: CompiledKnowledge = compile_knowledge(rules)
        self._lock = threading.Lock()
        self._token = object()  # names this engine's traces (Trace._origin): same rules, same plan structure
        self._serial = itertools.count(1)  # fact ids, unique over the engine's life
        self._sids = itertools.count(1)  # session ids, unique over the engine's life (over all its hosts)
        self._session: _Session | None = None
        self._depth = self.knowledge.depth
        wanted: dict[str, list[int]] = {}  # field -> the strata whose conditions compare it, in order
        for rule in self.knowledge.rules:
            stratum = self.knowledge.strata[rule.id]
            for name in (*rule.condition_fields(), *(setting_field(s) for s in rule.when.settings())):
                if stratum not in wanted.setdefault(name, []):
                    wanted[name].append(stratum)
        self._all_wanted = {name: tuple(sorted(strata)) for name, strata in wanted.items()}
        self._alias = _aliases(self._all_wanted)  # one naming for both hosts
        # A stratum none of whose rules can match is not asserted: each rule's condition fails while a field it
        # requires is absent (evaluate.required_fields, the engine's semantics). None: some rule may always match.
        needs: list[list[frozenset[str]]] = [[] for _ in range(self.knowledge.depth)]
        for rule in self.knowledge.rules:
            needs[self.knowledge.strata[rule.id]].append(required_fields(rule.when))
        # Checked only where few rules' needs are to be checked: a stratum of many rules nearly always matches
        # something, and checking costs more than the assert it could save (instruction counts).
        self._needs: list[tuple[frozenset[str], ...] | None] = [
            tuple(dict.fromkeys(found)) if found and all(found) and len(set(found)) <= _MAX_NEEDS else None
            for found in needs]
        self._actions: dict[str, Callable[[], None]] = {rule.id: self._action(rule) for rule in self.knowledge.rules}
        self._actions[_SESSION_RULE] = _nothing
        self._reads = {rule.id: rule.reads() for rule in self.knowledge.rules}
        self._settings = {rule.id: rule.settings() for rule in self.knowledge.rules}
        self._generic: _Rete | None = None  # settings as fact fields: any settings
        self._folded: _Rete | None = None  # settings written in: only for `fold`
        self._fold: dict[str, Any] | None = None
        self._fold_types: list[type] = []
        if fold:
            definitions, folded = self.knowledge.folded_definitions(fold)
            self._fold, self._fold_types = dict(fold), list(map(type, fold.values()))
            self._folded = self._build(definitions, {name: strata for name, strata in self._all_wanted.items()
                                                     if name not in folded})
            # settings it could not fold (none in our knowledge base) stay fact fields, of constant value
            self._settings_parts(self._folded, self._fold)
        else:
            self._generic = self._build(self.knowledge.definitions, self._all_wanted)
        _ENGINES.add(self)

    def _build(self, compiled: Mapping[str, dict[str, Any]], wanted: dict[str, tuple[int, ...]]) -> "_Rete":
        """A private durable_rules host over the given definitions."""
        # durable's Ruleset deletes each rule's "run" key and otherwise only serializes the definitions, so a copy of
        # each rule's top-level dict keeps the compiled knowledge intact (a deep copy cost ~20 ms of CLI start-up)
        # Fields appear under short aliases (`_aliases`), in the conditions as in the facts: durable_rules hashes and
        # copies every name of a fact on each assert, and copies the whole fact into each firing's agenda entry.
        alias = self._alias
        definitions = {name: {**definition, "all": _aliased_condition(definition["all"], alias),
                              "run": _open_session}  # durable's dispatch is never used: _run_actions
                       for name, definition in compiled.items()}
        # A session whose facts were all unhandled crashes durable_rules when deleted (free(): invalid size /
        # segfault), so each session starts with one fact that this catch-all rule handles, and nothing else.
        definitions[_SESSION_RULE] = {"all": [{"m": {"t": "open"}}], "run": _open_session}
        return _Rete(_PrivateHost({_RULESET: definitions}), wanted, self._depth, alias)

    def _rete(self, settings: Mapping[str, Any]) -> "_Rete":
        """The host for a consultation under these settings fields."""
        # equal values of the same types (1, 1.0 and True are equal in Python, not in JSON); dict equality, in C
        if self._folded is not None and settings == self._fold and list(map(type, settings.values())) == self._fold_types:
            return self._folded
        if self._generic is None:
            self._generic = self._build(self.knowledge.definitions, self._all_wanted)
        return self._generic

    @property
    def _primary(self) -> "_Rete":
        return self._folded if self._folded is not None else self._rete({})

    @property
    def _ruleset(self) -> Any:
        """The durable_rules ruleset of the engine's first host (the folded one, if any): for inspection."""
        return self._primary.ruleset

    @property
    def _wanted(self) -> dict[str, tuple[int, ...]]:
        return self._primary.wanted

    def _reset_after_fork(self) -> None:
        self._lock = threading.Lock()
        self._session = None
        for rete in (self._folded, self._generic):
            if rete is not None and rete.sid is not None:
                rete.stale, rete.sid = rete.sid, None

    # ------------------------------------------------------------ consultation
    def consult(self, inputs: Mapping[str, Any], settings: Mapping[str, Any]) -> Trace:
        """Run the knowledge base to a fixpoint over the given facts (full values) and settings fields."""
        with self._lock:
            rete = self._rete(settings)
            sid = rete.sid or self._open(rete)
            session = _Session(inputs, settings)  # it copies both
            self._session = session
            facts = session.facts
            sizes = session.trace.sizes
            asserted: list[str] = []
            done = False
            # Each stratum's fact carries only the fields that the conditions of that stratum's rules compare
            # (durable_rules parses every field of a fact, on assert and again on retract). Each field is encoded
            # once, into the part lists of the strata that compare it; values concluded in a stratum can only be
            # compared in later ones (that is what the strata are).
            parts, targets = rete.parts, rete.targets
            for part in parts:
                part.clear()
            self._encode_into(session.trace.inputs.items(), targets)
            encoded_settings = rete.settings_encoded if rete is self._folded else self._settings_parts(rete, settings)
            for stratum, encoded in enumerate(encoded_settings):
                if encoded:
                    parts[stratum] += encoded
            try:
                needs = self._needs
                given = facts.keys()  # a live view
                for stratum in range(self._depth):
                    session.stratum = stratum
                    sizes.append(len(facts))
                    required = needs[stratum]
                    if required is not None:  # a loop, not any(<generator>): this runs for every stratum
                        for needed in required:
                            if given >= needed:
                                break
                        else:
                            continue  # no rule of this stratum can match: nothing to assert, nothing concluded
                    fields = parts[stratum]
                    head = f'{{"sid":"{sid}","id":"{next(self._serial)}"'
                    text = head + f',"t":"s{stratum}"' + ("," + ",".join(fields) + "}" if fields else "}")
                    # durable_rules finds a fact to retract by its id alone (getMessage hashes the id), so the
                    # retraction sends only sid and id: re-sending every field cost a parse of each
                    asserted.append(head + "}")  # before asserting: a failed assert may still have stored it
                    self._assert(rete, text, stratum)
                    if session.error is not None:
                        raise session.error
                    pending = session.pending
                    if pending:  # the stratum's new values join the facts (first setter kept) and are encoded
                        self._encode_into(pending.items(), targets, facts)
                        pending.clear()
                # durable_rules' firing order within a stratum can follow the fact's field order; provenance is
                # kept in a canonical order so that advice never depends on the order facts were given in
                session.trace.firings.sort(key=_firing_order)
                session.diagnosing.sort(key=_firing_order)
                session.trace._diagnosing = session.diagnosing
                session.trace._origin = self._token
                done = True
            finally:
                self._session = None
                if not done or not self._retract(rete, asserted):
                    self._drop(rete)
        return session.trace

    @staticmethod
    def _encode_into(items: Iterable[tuple[str, Any]], targets: dict[str, _Target],
                     facts: dict[str, Any] | None = None) -> None:
        """Encode each field once into the part lists of the strata whose conditions compare it (`_targets`).

        With `facts`, the items are a stratum's pending values (field -> (rule, value)): each joins the facts
        unless the facts hold it already (the first setter is kept), and only the ones that join are encoded."""
        for key, value in items:
            if facts is not None:
                if key in facts:
                    continue
                value = facts[key] = value[1]
            target = targets.get(key)
            if target is None:
                continue
            kind = type(value)  # encode_field's scalar cases written out (nearly every field is one)
            if kind is float and isfinite(value):
                text = repr(value)
                part = target[0] + (text if "e" not in text else _number(value))
            elif kind is int:
                part = target[0] + str(value)
            elif kind is bool:
                part = target[0] + ("true" if value else "false")
            elif kind is str:
                part = target[0] + _encode_string(value)
            else:
                other = encode_value(key, value)
                if other is None:
                    continue
                part = target[0] + other
            for append in target[1]:
                append(part)

    def _settings_parts(self, rete: "_Rete", settings: Mapping[str, Any]) -> list[list[str]]:
        """The encoded settings fields of each stratum, kept for the last settings seen (nearly every call has
        the same)."""
        key = _settings_key(settings)
        if key != rete.settings_key:
            encoded: list[list[str]] = [[] for _ in range(self._depth)]
            self._encode_into(settings.items(), _targets(rete.wanted, encoded, rete.alias))
            rete.settings_encoded, rete.settings_key = encoded, key
        return rete.settings_encoded

    def _open(self, rete: "_Rete") -> str:
        """Open a new durable_rules session on a host (deleting one a fork abandoned) and return its id."""
        if rete.stale is not None:
            self._delete(rete, rete.stale)
            rete.stale = None
        sid = str(next(self._sids))
        try:
            code, state = durable_rules_engine.assert_fact(rete.handle, f'{{"sid":"{sid}","id":"open","t":"open"}}')
            if code == 0:
                self._run_actions(rete, state)
        except Exception as error:
            self._delete(rete, sid)
            raise EngineError(f"the rule engine could not open a session: {error}") from error
        rete.sid = sid
        return sid

    def _drop(self, rete: "_Rete") -> None:
        """Forget a host's session after an engine error (its state is deleted if the engine still can)."""
        sid, rete.sid = rete.sid, None
        if sid is not None:
            self._delete(rete, sid)

    def _retract(self, rete: "_Rete", asserted: list[str]) -> bool:
        """Retract one consultation's facts in one call; False if the engine failed (the session is dropped)."""
        if not asserted:
            return True
        try:
            code, _ = durable_rules_engine.retract_facts(rete.handle, "[" + ",".join(asserted) + "]")
        except Exception:  # an engine error code: the advice is complete, only the session is lost
            return False
        return code in (0, 1)

    def _assert(self, rete: "_Rete", text: str, stratum: int) -> None:
        """Assert one stratum's snapshot fact and run the actions it triggers."""
        try:
            code, state = durable_rules_engine.assert_fact(rete.handle, text)
        except Exception as error:  # the C core reports its error codes as exceptions
            raise EngineError(f"the rule engine rejected the stratum-{stratum} fact: {error}") from error
        if code == 1:  # no rule of this stratum matched: nothing to do
            return
        if code == 2:
            raise EngineError(f"the rule engine saw the stratum-{stratum} fact twice (session {rete.sid})")
        self._run_actions(rete, state if code != 3 else 0)

    def _run_actions(self, rete: "_Rete", state_handle: Any) -> None:
        """Run the agenda to its end: our own loop over durable_rules' C calls.

        durable's Python loop builds a Closure, parses the whole matched fact and re-serializes the session
        state around every firing. Our actions read nothing from the closure and never change the session
        state, so all we need from each agenda entry is the rule's name, the first key of its JSON.
        """
        handle, actions = rete.handle, self._actions
        try:
            started = durable_rules_engine.start_action_for_state(handle, state_handle)
            message = started[1] if started else None
            while message:
                name = message[2:message.index('"', 2)]  # '{"bias.actions": {...}}' -> 'bias.actions'
                action = actions.get(name)
                if action is None:
                    raise EngineError(f"the rule engine scheduled an unknown action {name!r}")
                action()
                message = durable_rules_engine.complete_and_start_action(handle, state_handle)
        except EngineError:
            raise
        except Exception as error:  # an engine error code while running the agenda
            raise EngineError(f"the rule engine failed while running actions: {error}") from error

    @staticmethod
    def _delete(rete: "_Rete", sid: str) -> None:
        try:
            rete.ruleset.delete_state(sid)
        except Exception:  # error 309 (no state), or the engine is past helping: the sid is never used again
            pass

    # ------------------------------------------------------------ compact traces (process pools)
    def compact(self, trace: Trace) -> tuple:
        """A trace as plain tuples, for sending between processes: pickling the objects (a class reference and
        a state dict per firing and per conclusion) cost more than the consultation. `expand` rebuilds it
        exactly, given the same settings fields and an engine over the same rules."""
        start = trace.sizes[0] if trace.sizes else len(trace.facts)
        firings = tuple(
            (f.rule, tuple((c.kind, c.name, c.field, c.value, c.params or None, c.addresses) for c in f.concluded),
             None if f.read_names == self._reads[f.rule] else f.read_names)
            for f in trace.firings
        )
        return trace.inputs, tuple(itertools.islice(trace.facts.items(), start, None)), tuple(trace.sizes), firings

    def expand(self, data: tuple, settings: Mapping[str, Any], lazy: bool = False) -> Trace:
        """The trace `compact` made (see there); `lazy`: rebuilt on first use of any of its attributes, so that a
        process collecting thousands of results from a pool does not build (and garbage-collect) every object."""
        if lazy:
            return _LazyTrace(self, data, dict(settings))
        inputs, derived, sizes, firings = data
        facts = {**inputs, **settings}
        facts.update(derived)
        strata, reads, setting_names = self.knowledge.strata, self._reads, self._settings
        trace = Trace(inputs=dict(inputs), settings=dict(settings), facts=facts, sizes=list(sizes))
        trace.firings = [
            _tuple(Firing, (rule, strata[rule], tuple(_tuple(Concluded, _with_params(item)) for item in concluded),
                            reads[rule] if read is None else read, setting_names[rule], facts))
            for rule, concluded, read in firings
        ]
        return trace

    # ------------------------------------------------------------ actions
    def _action(self, rule: Rule) -> Callable[[], None]:
        """The firing of one rule, compiled once: its conclusions as small functions, its reads and settings."""
        rule_id = rule.id
        stratum = self.knowledge.strata[rule_id]
        steps = tuple(_step(conclusion) for conclusion in rule.then)
        names, setting_names = rule.reads(), rule.settings()
        own = frozenset(names) & frozenset(rule.concludes())

        only = steps[0] if len(steps) == 1 else None  # most rules conclude one thing
        diagnoses = any(isinstance(conclusion, Diagnose) for conclusion in rule.then)

        def fire() -> None:
            session = self._session
            if session is None:
                return
            fired = session.fired
            if rule_id in fired:
                # durable_rules fires a rule once per satisfied branch of an `$or`; a rule concludes once per consultation
                return
            fired.add(rule_id)
            facts = session.facts
            try:
                out: list[Concluded] = []
                if only is not None:
                    only(facts, session.pending, out, rule_id)
                else:
                    pending = session.pending
                    for step in steps:
                        step(facts, pending, out, rule_id)
                # a field it concludes itself was read only if it was there before
                read = tuple(n for n in names if n not in own or facts.get(n) is not None) if own else names
                firing = _tuple(Firing, (rule_id, stratum, tuple(out), read, setting_names, facts))
                session.firings.append(firing)
                if diagnoses:
                    session.diagnosing.append(firing)
            except RuleError as error:
                session.error = session.error or error
            except Exception as error:  # raised to the caller after the stratum, with the rule id
                session.error = session.error or RuleError(rule_id, error)

        fire.__name__ = f"fire_{rule_id.replace('.', '_')}"
        return fire


def _with_params(item: tuple) -> tuple:
    """A compact conclusion's values (see `Engine.compact`), with its params None made the empty mapping."""
    return item if item[4] is not None else (*item[:4], {}, item[5])


def _nothing() -> None:
    """The action of the session-opening catch-all rule."""


_firing_order = operator.itemgetter(1, 0)  # (stratum, rule) of a Firing, in C
