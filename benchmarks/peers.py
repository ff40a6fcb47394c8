"""Two peers for the benchmark: the core rules of mlstrategy written directly on durable_rules and on CLIPS.

The core rules (knowledge/human.py, knowledge/gaps.py, knowledge/bias_variance.py, knowledge/mismatch.py):
- the Bayes proxy: a known Bayes error, else the best (lowest) human level;
- the four gaps: avoidable bias = train - proxy; variance = train-dev - train (or dev - train when there is no
  train-dev error); data mismatch = dev - train-dev; dev-set overfitting = test - dev (each rounded to 12
  decimals, as our rules do);
- avoidable bias is only bounded, in [0, train error], with no Bayes proxy or when the training error is at or
  below the best human level and no Bayes error is given (a human level bounds Bayes error from above only);
- the largest gap, counting a bounded avoidable bias as its upper end (the training error);
- a gap is worth acting on when gap >= min_gap (0.001) and gap >= 0.6 x the largest gap;
- the primary problem: the gap that leads, i.e. is at least min_gap and at least every other gap (a bounded
  avoidable bias at its upper end, and it never leads itself); a tie goes to the earlier gap in the chain; no
  gap leads: no primary problem (the engine says "undetermined");
- the action lists of the bias, variance, data-mismatch and dev-set-overfitting problems, with the declared
  exclusion: `reduce_regularization` is dropped when `regularization` is in the plan.

Both peers take a core situation (error rates only: `human_error` / `human_errors` / `bayes_error`,
`train_error`, `train_dev_error`, `dev_error`, `test_error`; no distributions, no set sizes, so the engine's
train-dev-missing and significance conditions cannot apply) and return `(primary problem, frozenset of gap
actions)`. Neither validates its input: they are the engine part only, written as a developer would.

- `DurablePeer`: the safe set-up of DURABLE_RULES_NOTES.md, with durable.lang and durable.engine directly: a
  private `Host` subclass whose `_run` does nothing (no timer threads), the ruleset removed from
  `durable.lang._rulesets` right after it is defined (the global host never sees it), a new session id per
  consultation with `delete_state` in a `finally` and a lock (one live session at a time), a unique `id` on
  every fact, one action per conclusion, and numbers checked so that none reaches the C parser as `1e-05`.
- `ClipsPeer`: the same rules as CLIPS defrules through clipspy, one environment reused, `(reset)` per
  consultation. clipspy 1.0.6 never releases a fact it wrapped (see `patch_clipspy_fact_release`); the peer
  applies the fix when it is created.

Needs `pip install clipspy` for the CLIPS peer (not a dependency of mlstrategy).
"""
from __future__ import annotations

import itertools
import threading
from typing import Any, Mapping

# On CPython 3.13 durable_rules' C core imports only through our lazy binding (inference/engine.py): importing
# it first puts the core in sys.modules, so durable.lang imports on every Python we support.
import mlstrategy.inference.engine  # noqa: F401

__all__ = [
    "GAPS", "BIAS_ACTIONS", "VARIANCE_ACTIONS", "MISMATCH_ACTIONS", "OVERFITTING_ACTIONS", "GAP_ACTIONS",
    "DurablePeer", "ClipsPeer", "patch_clipspy_fact_release", "levels_of",
]

MIN_GAP = 0.001  # Settings.min_gap
RATIO = 0.6  # Settings.secondary_gap_ratio
GAPS = ("avoidable_bias", "variance", "data_mismatch", "dev_set_overfitting")  # the order of the chain
BIAS_ACTIONS = ("bigger_model", "train_longer", "better_optimizer", "architecture_search", "reduce_regularization")
VARIANCE_ACTIONS = ("more_data", "regularization", "data_augmentation", "architecture_search")
MISMATCH_ACTIONS = ("error_analysis", "collect_target_like_data", "add_target_data_to_train", "artificial_data_synthesis")
OVERFITTING_ACTIONS = ("bigger_dev_set",)
GAP_ACTIONS = {"avoidable_bias": BIAS_ACTIONS, "variance": VARIANCE_ACTIONS, "data_mismatch": MISMATCH_ACTIONS,
               "dev_set_overfitting": OVERFITTING_ACTIONS}
LEVELS = ("train_error", "train_dev_error", "dev_error", "test_error")


def levels_of(situation: Mapping[str, Any]) -> dict[str, Any]:
    """A core situation as the peers' input: the four error levels, a Bayes error and the list of human levels."""
    out = {name: situation[name] for name in LEVELS if situation.get(name) is not None}
    if situation.get("bayes_error") is not None:
        out["bayes_error"] = situation["bayes_error"]
    humans = list((situation.get("human_errors") or {}).values())
    if situation.get("human_error") is not None:
        humans.append(situation["human_error"])
    if humans:
        out["human_levels"] = humans
    return out


def _primary(gaps: Mapping[str, float], problems: set[str], bound: float | None) -> str | None:
    """The gap that leads: at least every other gap and the bound of a bounded avoidable bias; chain order on a tie.
    A gap that leads is always worth acting on, so only those are looked at."""
    for name in sorted(problems, key=GAPS.index):
        value = gaps[name]
        if all(value >= other for other in gaps.values()) and (bound is None or value >= bound):
            return name
    return None


def _bias_bound(levels: Mapping[str, Any], proxy: float | None) -> float | None:
    """The training error when avoidable bias is only bounded (see the module docstring), else None."""
    train = levels.get("train_error")
    if train is None or not (proxy is None or ("bayes_error" not in levels and train <= proxy)):
        return None
    return train


def _plan(names: set[str]) -> set[str]:
    """The declared exclusion (knowledge/exclusions.py): with variance to cut, regularization stays."""
    return names - {"reduce_regularization"} if "regularization" in names else names


# ================================================================ durable_rules
def _check_number(value: Any) -> Any:
    """durable_rules' C parser rejects (or, through Host.assert_facts, crashes on) '1e-05'; refuse such a number."""
    if type(value) is float:
        text = repr(value)
        if "e" in text and "." not in text.split("e")[0] or text in ("inf", "-inf", "nan"):
            raise ValueError(f"{value!r} cannot be sent to durable_rules as JSON ({text})")
    return value


def _checked(fact: dict[str, Any]) -> dict[str, Any]:
    for value in fact.values():
        if isinstance(value, list):
            for item in value:
                _check_number(item)
        else:
            _check_number(value)
    return fact


class _Consultation:
    __slots__ = ("proxy", "bound", "gaps", "largest", "problems", "actions", "primary")

    def __init__(self) -> None:
        self.proxy: float | None = None
        self.bound: float | None = None
        self.gaps: dict[str, float] = {}
        self.largest: float | None = None
        self.problems: set[str] = set()
        self.actions: set[str] = set()
        self.primary: str | None = None


class DurablePeer:
    """The core rules on durable_rules, written directly with durable.lang (see the module docstring).

    Facts of one consultation: the input levels (asserted by `consult`), then, asserted by actions, the ladder
    (the levels with the Bayes proxy), the gaps (with the largest one, so each comparison is within one fact)
    and the problems worth acting on. Each rule has one action, which records one conclusion; a rule with
    priority 2 runs after the priority-1 rules of the same fact and asserts the next fact.
    """

    NAME = "mlstrategy_benchmark_core_peer"

    def __init__(self, min_gap: float = MIN_GAP, ratio: float = RATIO) -> None:
        from durable import engine as durable_engine
        from durable import lang

        class _PrivateHost(durable_engine.Host):
            def _run(self) -> None:  # no background timer threads: everything runs inline in assert_fact
                return None

        self._lock = threading.Lock()
        self._serial = itertools.count(1)
        self._now: _Consultation | None = None
        m, pri, when_all = lang.m, lang.pri, lang.when_all
        peer = self

        def ladder(c: Any, proxy: float | None) -> None:
            peer._now.proxy = proxy
            fact = {key: value for key, value in c.m._d.items() if key in LEVELS}
            peer._now.bound = _bias_bound(c.m._d, proxy)
            if proxy is not None:
                fact["proxy"] = proxy
            c.assert_fact(_checked({"id": "ladder", "t": "ladder", **fact}))

        def gap_rule(name: str, high: str, low: str) -> Any:
            def conclude(c: Any) -> None:
                peer._now.gaps[name] = round(c.m[high] - c.m[low], 12)

            conclude.__name__ = f"gap_{name}_{high}"
            return conclude

        def worth(name: str) -> Any:
            def conclude(c: Any) -> None:
                peer._now.problems.add(name)

            conclude.__name__ = f"worth_{name}"
            return conclude

        def plan(name: str) -> Any:
            def conclude(c: Any) -> None:
                peer._now.actions.update(GAP_ACTIONS[name])

            conclude.__name__ = f"actions_{name}"
            return conclude

        with lang.ruleset(self.NAME):
            # the Bayes proxy (one of the three rules matches every input fact)
            when_all(pri(1), (m.t == "input") & (+m.bayes_error))(lambda c: ladder(c, c.m.bayes_error))
            when_all(pri(1), (m.t == "input") & (-m.bayes_error) & (+m.human_levels))(
                lambda c: ladder(c, min(c.m.human_levels)))
            when_all(pri(1), (m.t == "input") & (-m.bayes_error) & (-m.human_levels))(lambda c: ladder(c, None))
            # the four gaps
            when_all(pri(1), (m.t == "ladder") & (+m.proxy) & (+m.train_error))(
                gap_rule("avoidable_bias", "train_error", "proxy"))
            when_all(pri(1), (m.t == "ladder") & (+m.train_dev_error) & (+m.train_error))(
                gap_rule("variance", "train_dev_error", "train_error"))
            when_all(pri(1), (m.t == "ladder") & (-m.train_dev_error) & (+m.dev_error) & (+m.train_error))(
                gap_rule("variance", "dev_error", "train_error"))
            when_all(pri(1), (m.t == "ladder") & (+m.dev_error) & (+m.train_dev_error))(
                gap_rule("data_mismatch", "dev_error", "train_dev_error"))
            when_all(pri(1), (m.t == "ladder") & (+m.test_error) & (+m.dev_error))(
                gap_rule("dev_set_overfitting", "test_error", "dev_error"))

            # the largest gap, after every gap rule of the ladder fact (priority 2); asserts the gaps fact
            @when_all(pri(2), m.t == "ladder")
            def largest_gap(c: Any) -> None:
                now = peer._now
                bounds = [now.bound] if now.bound is not None else []
                now.largest = max([*now.gaps.values(), *bounds]) if now.gaps else None
                fact = {"id": "gaps", "t": "gaps", **now.gaps}
                if now.largest is not None:
                    fact["largest"] = now.largest
                c.assert_fact(_checked(fact))

            # worth acting on: at least min_gap and at least ratio x the largest gap (comparisons within one fact)
            for name in GAPS:
                field = getattr(m, name)
                when_all(pri(1), (m.t == "gaps") & (+getattr(m, name)) & (field >= min_gap)
                         & (getattr(m, name) >= m.largest * ratio))(worth(name))

            @when_all(pri(2), m.t == "gaps")
            def problems(c: Any) -> None:
                c.assert_fact({"id": "problems", "t": "problems", "count": len(peer._now.problems),
                               **{name: True for name in peer._now.problems}})

            # the plan of each problem, and the primary problem (which also matches a fact with no problem)
            for name in GAPS:
                when_all(pri(1), (m.t == "problems") & (+getattr(m, name)))(plan(name))

            @when_all(pri(2), m.t == "problems")
            def primary(c: Any) -> None:
                peer._now.primary = _primary(peer._now.gaps, peer._now.problems, peer._now.bound)

        try:
            name, definition = lang._rulesets[self.NAME].define()
        finally:
            lang._rulesets.pop(self.NAME, None)  # the global host (and its threads) never sees this ruleset
        self._host = _PrivateHost({name: definition})

    def consult(self, situation: Mapping[str, Any]) -> tuple[str | None, frozenset[str]]:
        """The primary problem and the set of gap actions for one core situation."""
        fact = _checked({"id": "input", "t": "input", **levels_of(situation)})
        with self._lock:
            sid = str(next(self._serial))
            self._now = now = _Consultation()
            try:
                state = self._host.assert_fact(self.NAME, {"sid": sid, **fact})
                if isinstance(state, dict) and state.get("exception"):  # durable_rules swallows action errors
                    raise RuntimeError(f"a durable_rules action failed: {state['exception']}")
            finally:
                self._now = None
                self._host.delete_state(self.NAME, sid)
        return now.primary, frozenset(_plan(now.actions))


# ================================================================ CLIPS (clipspy)
_PATCHED = False


def patch_clipspy_fact_release() -> bool:
    """Fix clipspy 1.0.6's fact release; True when the patch was applied (now or before).

    `clips.facts.Fact.__init__` calls `lib.RetainFact(fact)`, and `Fact.__del__` calls
    `lib.ReleaseFact(env, fact)`. The C function is `void ReleaseFact(Fact *)`: with two arguments cffi raises
    TypeError, which `__del__` swallows (it expects errors only at interpreter shutdown). So every fact that
    Python ever wrapped (each `Template.assert_fact` result, each fact from `Environment.facts()`) stays retained
    after it is retracted: CLIPS can never free it, memory grows about 1.2 KiB per consultation, and the
    garbage CLIPS keeps makes every consultation slower than the last. The patch replaces `Fact.__del__`
    (inherited by ImpliedFact and TemplateFact) with one that passes the fact alone.
    """
    global _PATCHED
    if _PATCHED:
        return True
    import clips.facts
    from clips._clips import ffi, lib

    params = ffi.typeof(lib.ReleaseFact).args
    if len(params) != 1:  # a clipspy whose C API differs: leave it alone
        return False

    def __del__(self: Any) -> None:
        try:
            lib.ReleaseFact(self._fact)
        except (AttributeError, TypeError):
            pass  # interpreter shutdown

    clips.facts.Fact.__del__ = __del__
    _PATCHED = True
    return True


CLIPS_RULES = r"""
(deftemplate level (slot name) (slot value))
(deftemplate proxy (slot value))
(deftemplate gap (slot name) (slot order) (slot value))
(deftemplate bound (slot high))
(deftemplate largest (slot value))
(deftemplate problem (slot name) (slot order) (slot value))
(deftemplate primary (slot name))
(deftemplate action (slot name))

(defglobal ?*min-gap* = {min_gap} ?*ratio* = {ratio})

(deffunction gap-value (?high ?low) (/ (round (* (- ?high ?low) 1e12)) 1e12))

(defrule proxy-bayes (declare (salience 50))
  (level (name bayes) (value ?b))
  => (assert (proxy (value ?b))))
(defrule proxy-best-human (declare (salience 50))
  (not (level (name bayes)))
  (level (name human) (value ?h))
  (not (level (name human) (value ?o&:(< ?o ?h))))
  => (assert (proxy (value ?h))))

(defrule gap-avoidable-bias (declare (salience 40))
  (proxy (value ?p)) (level (name train) (value ?t))
  => (assert (gap (name avoidable_bias) (order 1) (value (gap-value ?t ?p)))))
(defrule gap-variance-train-dev (declare (salience 40))
  (level (name train_dev) (value ?td)) (level (name train) (value ?t))
  => (assert (gap (name variance) (order 2) (value (gap-value ?td ?t)))))
(defrule gap-variance-dev (declare (salience 40))
  (not (level (name train_dev))) (level (name dev) (value ?d)) (level (name train) (value ?t))
  => (assert (gap (name variance) (order 2) (value (gap-value ?d ?t)))))
(defrule gap-data-mismatch (declare (salience 40))
  (level (name dev) (value ?d)) (level (name train_dev) (value ?td))
  => (assert (gap (name data_mismatch) (order 3) (value (gap-value ?d ?td)))))
(defrule gap-dev-set-overfitting (declare (salience 40))
  (level (name test) (value ?s)) (level (name dev) (value ?d))
  => (assert (gap (name dev_set_overfitting) (order 4) (value (gap-value ?s ?d)))))

(defrule bias-bound-no-proxy (declare (salience 45))
  (not (proxy)) (level (name train) (value ?t))
  => (assert (bound (high ?t))))
(defrule bias-bound-past-human (declare (salience 45))
  (not (level (name bayes))) (proxy (value ?p)) (level (name train) (value ?t&:(<= ?t ?p)))
  => (assert (bound (high ?t))))

(defrule largest-gap (declare (salience 30))
  (gap (value ?v)) (not (gap (value ?w&:(> ?w ?v)))) (not (bound (high ?h&:(> ?h ?v))))
  => (assert (largest (value ?v))))
(defrule largest-bound (declare (salience 30))
  (bound (high ?h)) (exists (gap)) (not (gap (value ?w&:(> ?w ?h))))
  => (assert (largest (value ?h))))

(defrule worth-acting-on (declare (salience 20))
  (largest (value ?l))
  (gap (name ?n) (order ?o) (value ?v&:(>= ?v ?*min-gap*)&:(>= ?v (* ?l ?*ratio*))))
  => (assert (problem (name ?n) (order ?o) (value ?v))))

(defrule primary-problem (declare (salience 10))
  (problem (name ?n) (order ?o) (value ?v))
  (not (problem (value ?w&:(> ?w ?v))))
  (not (problem (order ?p&:(< ?p ?o)) (value ?w&:(= ?w ?v))))
  (not (gap (value ?g&:(> ?g ?v)))) (not (bound (high ?h&:(> ?h ?v))))
  => (assert (primary (name ?n))))

(defrule bias-actions (declare (salience 10)) (problem (name avoidable_bias))
  => (assert {bias}))
(defrule variance-actions (declare (salience 10)) (problem (name variance))
  => (assert {variance}))
(defrule data-mismatch-actions (declare (salience 10)) (problem (name data_mismatch))
  => (assert {mismatch}))
(defrule dev-set-overfitting-actions (declare (salience 10)) (problem (name dev_set_overfitting))
  => (assert {overfitting}))

(defrule exclusion-regularization (declare (salience 5))
  ?f <- (action (name reduce_regularization)) (action (name regularization))
  => (retract ?f))

(deffunction results ()
  (bind ?out (create$))
  (do-for-all-facts ((?f primary)) TRUE (bind ?out (create$ ?out primary ?f:name)))
  (do-for-all-facts ((?f action)) TRUE (bind ?out (create$ ?out action ?f:name)))
  ?out)
"""


def _clips_actions(names: tuple[str, ...]) -> str:
    return " ".join(f"(action (name {name}))" for name in names)


class ClipsPeer:
    """The core rules as CLIPS defrules (clipspy): one environment, `(reset)` per consultation.

    The input levels are asserted as `level` facts through `Template.assert_fact` (so Python wraps each fact, as
    any clipspy user's code does); the results come back as one multifield from the `results` deffunction.
    """

    def __init__(self, min_gap: float = MIN_GAP, ratio: float = RATIO, *, patch: bool = True) -> None:
        import clips

        self.patched = patch_clipspy_fact_release() if patch else False
        self._clips = clips
        self._lock = threading.Lock()
        self.env = clips.Environment()
        source = CLIPS_RULES.format(
            min_gap=repr(float(min_gap)), ratio=repr(float(ratio)), bias=_clips_actions(BIAS_ACTIONS),
            variance=_clips_actions(VARIANCE_ACTIONS), mismatch=_clips_actions(MISMATCH_ACTIONS),
            overfitting=_clips_actions(OVERFITTING_ACTIONS))
        # build each construct on its own (Environment.build takes one construct)
        for construct in _constructs(source):
            self.env.build(construct)
        self._level = self.env.find_template("level")
        self._names = {name: clips.Symbol(name.removesuffix("_error")) for name in LEVELS}
        self._bayes, self._human = clips.Symbol("bayes"), clips.Symbol("human")

    def consult(self, situation: Mapping[str, Any]) -> tuple[str | None, frozenset[str]]:
        """The primary problem and the set of gap actions for one core situation."""
        levels = levels_of(situation)
        with self._lock:
            env = self.env
            env.reset()
            assert_level = self._level.assert_fact
            for key, symbol in self._names.items():
                if key in levels:
                    assert_level(name=symbol, value=float(levels[key]))
            if "bayes_error" in levels:
                assert_level(name=self._bayes, value=float(levels["bayes_error"]))
            for value in set(levels.get("human_levels", ())):  # equal levels would be one duplicate fact
                assert_level(name=self._human, value=float(value))
            env.run()
            out = env.call("results")
        primary = None
        actions = set()
        for kind, name in zip(out[::2], out[1::2]):
            if kind == "primary":
                primary = str(name)
            else:
                actions.add(str(name))
        return primary, frozenset(actions)


def _constructs(source: str) -> list[str]:
    """Split CLIPS source into top-level constructs (balanced parentheses; no strings with parentheses here)."""
    out, depth, start = [], 0, None
    for index, char in enumerate(source):
        if char == ";" and depth == 0:
            continue
        if char == "(":
            if depth == 0:
                start = index
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                out.append(source[start:index + 1])
    return out
