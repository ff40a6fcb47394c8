"""The forward-chaining engine: the knowledge base on a private durable_rules host, one session per consultation.

This is the only module that imports durable_rules. Every quirk measured in DURABLE_RULES_NOTES.md is
handled here, once:
- a private `Host` with its background timer threads disabled, built from our own JSON definitions
  (durable.lang's module-global registry is never used, so nothing can be "already registered");
- one session id per consultation, its state deleted in a `finally`, and a lock so that at most one
  session is live per host (no 32-bit sid collisions, no 1,024-session limit);
- facts encoded by us, never with an exponent lacking a decimal point (`1e-07` crashes the C parser),
  each with a unique `id`, each matching only rules of its own stratum (so never the state fact);
- a rule whose condition has an `any_of` fires once per satisfied branch; we keep the first firing only;
- every session's first fact is matched by a catch-all rule: deleting a session whose facts were all
  unmatched crashes the C core (found by our tests; not in the upstream notes);
- exceptions inside actions are caught by our wrapper and raised to the caller with the rule id
  (durable_rules would swallow them into the session state).
Provenance is recorded here for every firing: the rule id, the fields it read with their values, and
what it concluded.
"""
from __future__ import annotations

import copy
import dataclasses
import itertools
import json
import math
import threading
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable, Iterable, Mapping

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

from mlstrategy.knowledge.dsl import Ask, Diagnose, Recommend, Rule, Value, Values
from mlstrategy.knowledge.fields import family_prefix, is_family, member, setting_field

from .compile import CompiledKnowledge, compile_knowledge

__all__ = ["Engine", "Trace", "Firing", "Concluded", "EngineError", "RuleError", "encode_fact"]

_RULESET = "mlstrategy"
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


@dataclass(frozen=True)
class Concluded:
    """One conclusion of one firing: a value, a diagnosis (with its severity), an action or a question."""

    kind: str  # "value" | "diagnosis" | "action" | "missing"
    name: str
    field: str
    value: Any = None
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)  # `field` is shadowed by the attribute
    addresses: tuple[str, ...] = ()


@dataclass(frozen=True)
class Firing:
    """The record of one rule firing: what it read (with values) and what it concluded.

    `reads` and `settings` are looked up on first use in the consultation's facts: a fact never changes once
    set, so the values are those the rule saw, and advice that never explains itself never pays for them.
    """

    rule: str
    stratum: int
    concluded: tuple[Concluded, ...]
    read_names: tuple[str, ...] = ()
    setting_names: tuple[str, ...] = ()
    facts: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def reads(self) -> dict[str, Any]:
        """The fields the rule read, with their values (a family read `f1:*` stands for every member)."""
        return _read_values(self.read_names, self.facts)

    @property
    def settings(self) -> dict[str, Any]:
        """The settings the rule used, with their values."""
        return {name: self.facts.get(setting_field(name)) for name in self.setting_names}


@dataclass
class Trace:
    """Everything one consultation produced: the final facts, the firings and each stratum's snapshot."""

    inputs: dict[str, Any]
    settings: dict[str, Any]
    facts: dict[str, Any] = field(default_factory=dict)
    firings: list[Firing] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    """How many facts (in insertion order) each stratum's snapshot held: facts only ever grow."""

    @cached_property
    def snapshots(self) -> list[dict[str, Any]]:
        """The engine fact each stratum saw (scalar view), rebuilt on first use (after the consultation)."""
        items = list(self.facts.items())
        return [engine_fields(dict(items[:size])) for size in self.sizes]

    def concluded(self, kind: str) -> dict[str, list[tuple[Firing, Concluded]]]:
        """Conclusions of one kind by name, each with the firing that made it, in firing order."""
        found: dict[str, list[tuple[Firing, Concluded]]] = {}
        for firing in self.firings:
            for item in firing.concluded:
                if item.kind == kind:
                    found.setdefault(item.name, []).append((firing, item))
        return found


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
    return _key(key) + text


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


class _Session:
    def __init__(self, sid: str, facts: dict[str, Any], settings: dict[str, Any]) -> None:
        self.sid = sid
        self.trace = Trace(inputs=dict(facts), settings=dict(settings), facts={**facts, **settings})
        self.stratum = 0
        self.pending: dict[str, tuple[str, Any]] = {}
        self.error: RuleError | None = None
        self.fired: set[str] = set()


class Engine:
    """A compiled knowledge base on its own durable_rules host; `consult` is thread-safe.

    >>> from mlstrategy.knowledge import RULES
    >>> trace = Engine(RULES).consult({"human_error": 0.01, "train_error": 0.08, "dev_error": 0.1}, {})
    >>> trace.facts["avoidable_bias"]
    0.07
    """

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.knowledge: CompiledKnowledge = compile_knowledge(rules)
        self._lock = threading.Lock()
        self._serial = itertools.count(1)
        self._session: _Session | None = None
        definitions = copy.deepcopy(self.knowledge.definitions)
        self._actions: dict[str, Any] = {}
        for rule_id, definition in definitions.items():
            definition["run"] = self._actions[rule_id] = self._action(rule_id)
        # Every session's first fact must be handled by some rule: deleting a session whose facts were all
        # unhandled crashes durable_rules (free(): invalid size / segfault). This catch-all does nothing else.
        definitions[_SESSION_RULE] = {"all": [{"m": {"t": "s0"}}], "run": _open_session}
        self._actions[_SESSION_RULE] = _open_session
        self._host = _PrivateHost({_RULESET: definitions})
        self._ruleset = self._host.get_ruleset(_RULESET)
        self._self_reads = {
            rule.id: frozenset(rule.reads()) & frozenset(rule.concludes())
            for rule in self.knowledge.rules if frozenset(rule.reads()) & frozenset(rule.concludes())
        }
        self._by_stratum: dict[int, list[str]] = {}
        for rule_id, stratum in self.knowledge.strata.items():
            self._by_stratum.setdefault(stratum, []).append(rule_id)

    # ------------------------------------------------------------ consultation
    def consult(self, inputs: Mapping[str, Any], settings: Mapping[str, Any]) -> Trace:
        """Run the knowledge base to a fixpoint over the given facts (full values) and settings fields."""
        with self._lock:
            session = _Session(str(next(self._serial)), dict(inputs), dict(settings))
            self._session = session
            facts = session.trace.facts
            matched = self.knowledge.matched
            # each field is encoded once: a stratum's fact is the previous one plus what the stratum concluded,
            # and only the fields some condition compares go to the engine
            parts = [part for part in (encode_field(k, v) for k, v in facts.items() if k in matched) if part is not None]
            try:
                for stratum in range(self.knowledge.depth):
                    session.stratum = stratum
                    session.trace.sizes.append(len(facts))
                    self._assert(parts, session.sid, stratum)
                    if session.error is not None:
                        raise session.error
                    known = len(facts)
                    self._merge(session)
                    for key, value in list(facts.items())[known:]:
                        part = encode_field(key, value) if key in matched else None
                        if part is not None:
                            parts.append(part)
                # durable_rules' firing order within a stratum can follow the fact's field order; provenance is
                # kept in a canonical order so that advice never depends on the order facts were given in
                session.trace.firings.sort(key=lambda firing: (firing.stratum, firing.rule))
            finally:
                self._session = None
                self._delete(session.sid)  # always: even an unmatched fact leaves session state behind
        return session.trace

    def _assert(self, parts: list[str], sid: str, stratum: int) -> None:
        """Assert one stratum's snapshot (its encoded fields) and run the actions it triggers."""
        head = encode_fact({"sid": sid, "id": f"s{stratum}", "t": f"s{stratum}"})
        text = head[:-1] + ("," + ",".join(parts) if parts else "") + "}"
        handle = self._ruleset._handle
        try:
            code, state = durable_rules_engine.assert_fact(handle, text)
        except Exception as error:  # the C core reports its error codes as exceptions
            raise EngineError(f"the rule engine rejected the stratum-{stratum} fact: {error}") from error
        if code == 1:  # no rule of this stratum matched: nothing to do
            return
        if code == 2:
            raise EngineError(f"the rule engine saw the stratum-{stratum} fact twice (session {sid})")
        self._run_actions(handle, state if code != 3 else 0)

    def _run_actions(self, handle: Any, state_handle: Any) -> None:
        """Run the agenda to its end: our own loop over durable_rules' C calls.

        durable's Python loop builds a Closure, parses the whole matched fact and re-serializes the session
        state around every firing. Our actions read nothing from the closure and never change the session
        state, so all we need from each agenda entry is the rule's name, the first key of its JSON.
        """
        try:
            started = durable_rules_engine.start_action_for_state(handle, state_handle)
            message = started[1] if started else None
            while message:
                name = message[2:message.index('"', 2)]  # '{"bias.actions": {...}}' -> 'bias.actions'
                action = self._actions.get(name)
                if action is None:
                    raise EngineError(f"the rule engine scheduled an unknown action {name!r}")
                action(None)
                message = durable_rules_engine.complete_and_start_action(handle, state_handle)
        except EngineError:
            raise
        except Exception as error:  # an engine error code while running the agenda
            raise EngineError(f"the rule engine failed while running actions: {error}") from error

    def _delete(self, sid: str) -> None:
        try:
            self._ruleset.delete_state(sid)
        except Exception as error:
            if "309" in str(error):  # error 309: no state for this sid (nothing was ever stored)
                return
            raise EngineError(f"the rule engine could not delete session {sid}: {error}") from error

    # ------------------------------------------------------------ actions
    def _action(self, rule_id: str) -> Callable[[Any], None]:
        def run(closure: Any) -> None:
            self._fire(rule_id)

        run.__name__ = f"fire_{rule_id.replace('.', '_')}"
        return run

    def _fire(self, rule_id: str) -> None:
        session = self._session
        if session is None or rule_id in session.fired:
            # durable_rules fires a rule once per satisfied branch of an `$or`; a rule concludes once per consultation
            return
        session.fired.add(rule_id)
        try:
            rule = self.knowledge.rule(rule_id)
            facts = session.trace.facts
            concluded = tuple(self._conclude(rule, facts))
            for item in concluded:
                self._stage(session, rule_id, item)
            names = rule.reads()
            if rule_id in self._self_reads:  # a field it concludes itself was read only if it was there before
                names = tuple(n for n in names if n not in self._self_reads[rule_id] or facts.get(n) is not None)
            session.trace.firings.append(Firing(rule_id, session.stratum, concluded, names, rule.settings(), facts))
        except RuleError as error:
            session.error = session.error or error
        except Exception as error:  # raised to the caller after the stratum, with the rule id
            session.error = session.error or RuleError(rule_id, error)

    @staticmethod
    def _conclude(rule: Rule, facts: Mapping[str, Any]) -> Iterable[Concluded]:
        for conclusion in rule.then:
            if isinstance(conclusion, Value):
                value = conclusion.compute(facts)
                if _concludes(value):
                    yield Concluded("value", conclusion.name, conclusion.field, value)
            elif isinstance(conclusion, Values):
                for key, value in conclusion.compute(facts).items():
                    if _concludes(value):
                        name = member(conclusion.prefix, key)
                        yield Concluded("value", name, name, value)
            elif isinstance(conclusion, Diagnose):
                severity = facts.get(conclusion.severity) if conclusion.severity else None
                yield Concluded("diagnosis", conclusion.name, conclusion.field, severity)
            elif isinstance(conclusion, Recommend):
                params = dict(conclusion.params(facts)) if conclusion.params else {}
                yield Concluded("action", conclusion.action, conclusion.field, True, params, conclusion.addresses)
            elif isinstance(conclusion, Ask):
                yield Concluded("missing", conclusion.name, conclusion.field, (conclusion.why, conclusion.rank))

    @staticmethod
    def _stage(session: _Session, rule_id: str, item: Concluded) -> None:
        marker = item.value if item.kind == "value" else (item.value if item.kind == "diagnosis" and item.value is not None else True)
        if item.kind == "value":
            earlier = session.pending.get(item.field) or (
                ("input", session.trace.facts[item.field]) if item.field in session.trace.facts else None
            )
            if earlier is not None and earlier[1] != item.value:
                raise RuleError(rule_id, ValueError(
                    f"value {item.name} = {item.value!r} conflicts with {earlier[1]!r} from {earlier[0]}"))
        session.pending.setdefault(item.field, (rule_id, marker))

    @staticmethod
    def _merge(session: _Session) -> None:
        for name, (_, value) in session.pending.items():
            session.trace.facts.setdefault(name, value)
        session.pending.clear()
