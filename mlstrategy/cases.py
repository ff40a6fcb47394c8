"""Situations generated from the rules' own conditions: facts under which a chosen rule fires, or just fails to.

Rules are data (`mlstrategy.knowledge.dsl`), so the generator needs no knowledge of any particular rule:
1. the rule's *input closure*: every input fact its conditions depend on, following derived fields back
   through the rules that produce them;
2. a seeded random draft of those facts, drawn from plausible values for each input (an error ladder
   Bayes <= train <= train-dev <= dev <= test, set sizes, a project's own labels; `FIELD_SAMPLERS`), with
   an unknown input drawn by its type, so a new field or rule needs no new code here; a group of inputs that
   state the same thing (the human levels) is stated or left out as one;
3. constraint repair: the engine runs, the evaluator (`inference.evaluate`) names the conditions that fail
   on the snapshot the rule saw, and one of them is repaired: a comparison of an input against a constant,
   a setting or another field is solved for that input; a known/absent input is added or removed; a
   condition on a derived field redraws (or leaves out) one input it depends on, and one that asks a gap to
   be negative draws the error ladder out of order (contradictory facts, for the consistency caveats); a
   collection compared by its size misses by keeping fewer items;
4. verification: a situation is returned only when `advise()` on it agrees (the rule fired, or did not).

>>> found = generate("bias.worth_acting_on", seed=1)
>>> "avoidable_bias" in [d.name for d in found.advice.diagnoses]
True
"""
from __future__ import annotations

import math
import typing
from contextvars import ContextVar
from dataclasses import dataclass
from random import Random
from typing import Any, Callable, Iterable, Mapping

from pydantic import ValidationError

from .advice import Advice
from .advisor import advise, default_engine
from .facts import FACT_GROUPS, Situation, parse_fraction, unwrap_annotation
from .inference.compile import producers_of
from .inference.engine import Engine
from .inference.evaluate import holds, operand_value
from .knowledge.dsl import Absent, AllOf, AnyOf, Compare, Known, Rule
from .knowledge.stories import PROJECTS, Project
from .settings import Settings

__all__ = ["Generated", "generate", "input_closure", "fired", "hard_features", "FIELD_SAMPLERS", "DIFFICULTIES",
           "NotFound", "neighbours"]

DIFFICULTIES = ("easy", "medium", "hard")
"""easy: no hard feature; medium: one; hard: two or more (see `hard_features`)."""

RESTARTS = 40
"""Fresh drafts tried for one rule before giving up."""
REPAIRS = 12
"""Repair steps on one draft (each runs the engine once)."""


class NotFound(LookupError):
    """No situation was found within the search budget (the message names the rule and what was searched)."""


@dataclass(frozen=True)
class Generated:
    """A verified situation: `rule` fired in it (or did not, when `fires` is False), per `advise()`."""

    rule: str
    fires: bool
    facts: dict[str, Any]
    advice: Advice
    project: Project
    attempts: int


# ---------------------------------------------------------------- what a rule depends on
_ENGINE: ContextVar[Engine | None] = ContextVar("mlstrategy_cases_engine", default=None)
"""The engine a generation runs on (the default knowledge base unless `generate(engine=...)` says otherwise)."""


def _engine() -> Engine:
    return _ENGINE.get() or default_engine()


def _knowledge() -> Any:
    return _engine().knowledge


def input_closure(rule: Rule) -> tuple[str, ...]:
    """The input facts a rule's conditions depend on: directly, or through the rules producing derived fields."""
    knowledge = _knowledge()
    inputs = set(Situation.model_fields)
    found: dict[str, None] = {}
    seen: set[str] = set()
    pending = list(rule.condition_fields())
    while pending:
        name = pending.pop(0)
        if name in seen:
            continue
        seen.add(name)
        if name in inputs:
            found[name] = None
        for producer in producers_of(name, knowledge.producers):
            if producer != rule.id:
                pending.extend(knowledge.rule(producer).reads())
    return tuple(found)


def _field_closure(name: str, derived: bool = False) -> tuple[str, ...]:
    """The inputs one snapshot field depends on (itself, for an input; with `derived`, what the rules that also
    derive an input field, e.g. the optimizing metric, compute it from)."""
    if name in Situation.model_fields and not derived:
        return (name,)
    knowledge = _knowledge()
    found: dict[str, None] = {}
    for producer in producers_of(name, knowledge.producers):
        found.update(dict.fromkeys(input_closure(knowledge.rule(producer))))
    return tuple(found)


def fired(advice: Advice, rule_id: str) -> bool:
    """Whether the rule fired and concluded something in this consultation."""
    return any(firing.rule == rule_id and firing.concluded for firing in advice.trace.firings)


def neighbours(rule: Rule) -> tuple[str, ...]:
    """Rules of the same course section that neither feed the rule nor are fed by it: its competitors."""
    knowledge = _knowledge()
    own = set(rule.concludes())
    reads = set(rule.reads())
    out = []
    for other in knowledge.rules:
        if other.id == rule.id or other.section != rule.section:
            continue
        if own & set(other.reads()) or reads & set(other.concludes()):
            continue
        out.append(other.id)
    return tuple(out)


# ---------------------------------------------------------------- drawing facts
def _pick(rng: Random, *weighted: tuple[Any, float]) -> Any:
    values, weights = zip(*weighted)
    return rng.choices(values, weights)[0]


def _fraction(value: float) -> float:
    return min(1.0, max(0.0, round(value, 4)))


_GAPS = ((0.0, 1), (0.001, 1), (0.002, 1), (0.005, 2), (0.01, 3), (0.02, 3), (0.03, 2), (0.05, 2), (0.07, 2), (0.1, 1))


LADDER_KEYS = ("bayes", "train_error", "train_dev_error", "dev_error", "test_error")
"""The steps of the error ladder, lowest first (`bayes` stands for every human level and the Bayes error)."""


def _ladder(rng: Random, hard: bool, below: tuple[str, str] | None = None) -> dict[str, float]:
    """Bayes <= train <= train-dev <= dev <= test, with gaps the course's examples use; hard ladders tie or pass humans.

    `below` = (earlier, later) breaks the ladder once: the later step is drawn below the earlier one (a
    contradictory measurement, for rules that ask for a negative gap); the other steps keep their order."""
    ladder = _ordered_ladder(rng, hard)
    if below is not None:
        earlier, later = below
        drop = rng.choice((0.005, 0.01, 0.02, 0.05))
        if ladder[earlier] <= drop:
            drop = ladder[earlier] * rng.choice((0.6, 0.9))
        ladder[later] = _fraction(ladder[earlier] - drop)
    return ladder


def _ordered_ladder(rng: Random, hard: bool) -> dict[str, float]:
    bayes = _pick(rng, (0.002, 1), (0.005, 2), (0.01, 3), (0.02, 1), (0.05, 1), (0.075, 1))  # people err a little
    gaps = [_pick(rng, *_GAPS) for _ in range(4)]
    if hard and rng.random() < 0.5:  # a near-tie between the two largest gaps
        order = sorted(range(4), key=lambda i: -gaps[i])
        gaps[order[1]] = round(gaps[order[0]] * rng.choice((0.5, 0.6, 0.7, 0.8)), 4)
    train = bayes + gaps[0]
    if rng.random() < (0.3 if hard else 0.1):  # past human level (rarely in easier drafts: some rules need it)
        train = bayes * rng.choice((0.5, 0.8, 1.0))
    ladder = {"bayes": bayes, "train_error": train, "train_dev_error": train + gaps[1]}
    ladder["dev_error"] = ladder["train_dev_error"] + gaps[2]
    ladder["test_error"] = ladder["dev_error"] + gaps[3]
    return {key: _fraction(value) for key, value in ladder.items()}


def _size(rng: Random, hard: bool) -> int:
    if hard:
        return rng.choice((50, 100, 200, 500, 1000, 2000))
    return rng.choice((100, 500, 1_000, 2_000, 5_000, 10_000, 50_000, 100_000, 200_000))


def _curve(rng: Random, shape: str, length: int) -> list[float]:
    start = rng.choice((0.9, 1.2, 2.0))
    if shape == "falling":
        rate = rng.choice((0.8, 0.85, 0.9))
        return [round(start * rate ** i, 4) for i in range(length)]
    if shape == "flat_high":
        return [round(start * max(0.7, 1 - 0.1 * i), 4) for i in range(length)]
    if shape == "noisy":  # a slow fall under ups and downs larger than it
        return [round(start * (1 - 0.02 * i) * (1.15 if i % 2 else 0.9), 4) for i in range(length)]
    if shape == "memorized":  # about zero within two epochs (with a dev curve near it too: too good to be true)
        return [round(start if i == 0 else start * 0.002 / i, 5) for i in range(length)]
    plateau = rng.choice((0.05, 0.1, 0.2))  # fell, then flattened low
    return [round(max(start * plateau, start * 0.6 ** i), 4) for i in range(length)]


def _dev_curve(rng: Random, draft: Mapping[str, Any]) -> list[float]:
    train = draft.get("train_curve") or _curve(rng, "falling", 8)
    offset = rng.choice((0.0, 0.05) if min(train) <= 0.01 else (0.05, 0.1, 0.2))
    curve = [round(value + offset, 4) for value in train]
    if rng.random() < 0.5:  # overfitting: the dev curve turns up after its best epoch
        best = len(curve) // 2
        curve = curve[:best] + [round(curve[best - 1] * (1 + 0.1 * (i + 1)), 4) for i in range(len(curve) - best)]
    return curve


def _candidates(rng: Random, draft: Mapping[str, Any], project: Project) -> list[dict[str, Any]]:
    scheme = rng.choice(("accuracy_time", "precision_recall", "accuracy"))
    names = ("Model A", "Model B", "Model C")[: rng.choice((2, 3))]
    base = rng.choice((0.85, 0.9, 0.95))
    spread = 0.003 if draft.get("_hard") else rng.choice((0.005, 0.02, 0.05))
    out = []
    for index, name in enumerate(names):
        candidate: dict[str, Any] = {"name": name}
        if scheme == "precision_recall":
            candidate["precision"] = _fraction(base + rng.uniform(-2, 2) * spread)
            candidate["recall"] = _fraction(base - 0.05 + rng.uniform(-2, 2) * spread)
        else:
            candidate["accuracy"] = _fraction(base + (index - 1) * spread * rng.choice((1, -1)))
            if scheme == "accuracy_time":
                candidate["running_time_ms"] = rng.choice((20, 50, 80, 120, 300, 1500))
        if draft.get("class_weights"):
            weighted = next(iter(draft["class_weights"]))
            candidate["errors_by_class"] = {weighted: _fraction(rng.choice((0.001, 0.005, 0.01))),
                                            project.categories[1]: _fraction(rng.choice((0.02, 0.03, 0.05)))}
        out.append(candidate)
    return out


def _satisficing(rng: Random, draft: Mapping[str, Any]) -> dict[str, Any]:
    metrics = {key for candidate in draft.get("candidates") or () for key in candidate} - {"name", "errors_by_class"}
    if "running_time_ms" in metrics:
        return {"running_time_ms": {"max": rng.choice((10, 100, 200, 1000))}}
    if "recall" in metrics:
        return {"recall": {"min": rng.choice((0.8, 0.9, 0.97))}}
    return {"accuracy": {"min": rng.choice((0.8, 0.9, 0.99))}}


def _error_analysis(rng: Random, draft: Mapping[str, Any], project: Project) -> dict[str, Any]:
    examined = rng.choice((50, 100, 200))
    chosen = rng.sample(project.categories, rng.choice((2, 3)))
    categories = {name: int(examined * rng.choice((0.02, 0.05, 0.08, 0.12, 0.2, 0.3, 0.45))) for name in chosen}
    mislabeled = int(examined * rng.choice((0.0, 0.02, 0.06, 0.1, 0.2, 0.3)))
    return {"examined": examined, "categories": categories, "mislabeled": mislabeled}


def _tasks(rng: Random, project: Project) -> dict[str, int]:
    chosen = project.tasks[: rng.choice((2, 3, 4))]
    base = rng.choice((1_000, 10_000, 100_000))
    return {name: int(base * rng.choice((1, 1, 0.5, 2, 0.05))) for name in chosen}


def _human_errors(rng: Random, draft: Mapping[str, Any], project: Project) -> dict[str, float]:
    best = draft["_ladder"]["bayes"]
    levels, level = {}, best
    for who in reversed(project.experts):  # the team of experts is best, a typical person worst
        levels[who] = _fraction(level)
        level += rng.choice((0.005, 0.01, 0.02))
    return dict(reversed(list(levels.items())))


Sampler = Callable[[Random, dict, Project], Any]

FIELD_SAMPLERS: dict[str, Sampler] = {
    "human_error": lambda rng, d, p: d["_ladder"]["bayes"],
    "human_errors": _human_errors,
    "bayes_error": lambda rng, d, p: _fraction(d["_ladder"]["bayes"] * rng.choice((1.0, 0.5))),
    **{name: (lambda key: lambda rng, d, p: d["_ladder"][key])(name)
       for name in ("train_error", "train_dev_error", "dev_error", "test_error")},
    # the error the product needs: near the dev error (met, met within noise, or not yet)
    "target_error": lambda rng, d, p: _fraction(d["_ladder"]["dev_error"] * rng.choice((0.5, 0.8, 1.0, 1.2, 2.0))),
    "train_size": lambda rng, d, p: rng.choice((1_000, 10_000, 100_000, 1_000_000, 5_000_000)),
    "train_dev_size": lambda rng, d, p: _size(rng, d["_hard"]),
    "dev_size": lambda rng, d, p: _size(rng, d["_hard"]),
    "test_size": lambda rng, d, p: _size(rng, d["_hard"]),
    "total_examples": lambda rng, d, p: rng.choice((1_000, 10_000, 100_000, 1_000_000, 10_000_000)),
    "train_distribution": lambda rng, d, p: p.source,
    "dev_distribution": lambda rng, d, p: p.target if d["_hard"] or rng.random() < 0.5 else p.source,
    "test_distribution": lambda rng, d, p: d.get("dev_distribution", p.target) if rng.random() < 0.7 else p.other,
    "production_distribution": lambda rng, d, p: d.get("dev_distribution", p.target) if rng.random() < 0.6 else p.other,
    "target_examples": lambda rng, d, p: rng.choice((1_000, 5_000, 10_000, 50_000, 200_000)),
    "other_distribution_examples": lambda rng, d, p: rng.choice((20_000, 200_000, 1_000_000)),
    "precision": lambda rng, d, p: _fraction(rng.uniform(0.6, 0.99)),
    "recall": lambda rng, d, p: _fraction(rng.uniform(0.6, 0.99)),
    "confusion_matrix": lambda rng, d, p: {key: rng.choice((0, 10, 50, 200, 900)) for key in ("tp", "fp", "fn", "tn")},
    "class_weights": lambda rng, d, p: {p.categories[0]: rng.choice((5, 10, 20))},
    "candidates": _candidates,
    "tracked_metrics": lambda rng, d, p: rng.sample(("accuracy", "precision", "recall", "running_time_ms"),
                                                    rng.choice((1, 2, 3))),
    "maximize": lambda rng, d, p: ["accuracy"],
    "minimize": lambda rng, d, p: ["running_time_ms"],
    "optimizing_metric": lambda rng, d, p: next(
        (key for key in ("accuracy", "f1", "recall") for c in d.get("candidates") or () if key in c), "accuracy"),
    "satisficing": lambda rng, d, p: _satisficing(rng, d),
    "error_analysis": _error_analysis,
    "train_label_errors": lambda rng, d, p: rng.choice(("random", "systematic")),
    "task_a_examples": lambda rng, d, p: rng.choice((1_000, 100_000, 1_000_000, 10_000_000)),
    "task_b_examples": lambda rng, d, p: rng.choice((100, 500, 5_000, 100_000)),
    "tasks": lambda rng, d, p: _tasks(rng, p),
    "end_to_end_examples": lambda rng, d, p: rng.choice((1_000, 10_000, 100_000, 1_000_000, 3_000_000)),
    "stage_examples": lambda rng, d, p: {stage: rng.choice((10_000, 100_000, 1_000_000, 10_000_000))
                                         for stage in p.stages},
    "train_curve": lambda rng, d, p: _curve(rng, rng.choice(("falling", "flat_high", "flat_low", "noisy", "memorized")),
                                            rng.choice((2, 6, 8, 10))),
    "dev_curve": lambda rng, d, p: _dev_curve(rng, d),
}
"""How to draw each input fact (error levels from one ladder; labels from the project). Inputs not listed are
drawn by their type (`_by_type`)."""

_ORDER = tuple(name for names in FACT_GROUPS.values() for name in names)


def _annotation_kind(name: str) -> str:
    """'fraction', 'count', 'bool', 'label', 'choice', 'dict', 'list' or 'other': how an input is drawn and repaired."""
    return _kind_of(Situation.model_fields[name].annotation)


def _kind_of(annotation: Any) -> str:
    annotation, metadata = unwrap_annotation(annotation)
    if typing.get_origin(annotation) is dict:
        return "dict"
    if typing.get_origin(annotation) is list:
        return "list"
    if any(getattr(item, "func", None) is parse_fraction for item in metadata):
        return "fraction"
    if annotation is bool:
        return "bool"
    if annotation is int:
        return "count"
    if annotation is float:
        return "number"
    if annotation is str:
        return "label"
    if typing.get_origin(annotation) is typing.Literal:
        return "choice"
    return "other"


def _by_type(name: str, rng: Random, project: Project, annotation: Any = None) -> Any:
    """A value for an input no sampler knows, from its type (a new field still gets cases): mappings and lists
    of two project words and values of their item type."""
    annotation = Situation.model_fields[name].annotation if annotation is None else annotation
    kind = _kind_of(annotation)
    if kind in ("dict", "list"):
        inner = typing.get_args(unwrap_annotation(annotation)[0])[-1]
        if _kind_of(inner) in ("dict", "list", "other"):
            return None
        words = rng.sample(project.categories, 2)
        items = [_by_type(name, rng, project, inner) for _ in words]
        return dict(zip(words, items)) if kind == "dict" else items
    if kind == "fraction":
        return _fraction(rng.choice((0.01, 0.02, 0.05, 0.1, 0.2)))
    if kind == "bool":
        return rng.random() < 0.5
    if kind in ("count", "number"):
        return rng.choice((100, 1_000, 10_000, 100_000, 1_000_000))
    if kind == "label":
        return rng.choice((project.source, project.target, project.other))
    if kind == "choice":
        choices = _literals(annotation)
        return rng.choice(choices) if choices else None
    return None


def draw(name: str, rng: Random, draft: dict[str, Any], project: Project) -> Any:
    """One input's value, consistent with the draft so far (its ladder, its candidates, its project)."""
    if "_ladder" not in draft:
        draft["_ladder"] = _ladder(rng, draft.get("_hard", False))
    sampler = FIELD_SAMPLERS.get(name)
    return sampler(rng, draft, project) if sampler else _by_type(name, rng, project)


def _context(rng: Random, hard: bool) -> tuple[str, ...]:
    """Extra facts a harder case carries (small sets, mismatched data) whatever the rule."""
    if not hard:
        return ()
    extra = ["train_error", "dev_error", "human_error"]
    if rng.random() < 0.5:
        extra += ["dev_size", "train_size"]
    if rng.random() < 0.5:
        extra += ["train_distribution", "dev_distribution"]
    return tuple(extra)


ALTERNATIVES: tuple[tuple[str, ...], ...] = (("human_error", "human_errors", "bayes_error"),)
"""Inputs that state the same thing in different ways: a fresh draft states one of each group (repair may add more)."""

LADDER_FIELDS = ("human_error", "human_errors", "bayes_error", "train_error", "train_dev_error", "dev_error", "test_error",
                 "target_error")
"""Inputs drawn from the error ladder: redrawn together so that they stay one story."""
_LADDER_STEP = {"human_error": "bayes", "human_errors": "bayes", "bayes_error": "bayes", "train_error": "train_error",
                "train_dev_error": "train_dev_error", "dev_error": "dev_error", "test_error": "test_error"}
"""The ladder step each error input is drawn from."""


def _chosen(closure: Iterable[str], rng: Random) -> list[str]:
    """The inputs a fresh draft states: each with probability 3/4, a group of `ALTERNATIVES` as one (so that a draft
    without any human level, which some rules need, is as likely as one without the training error)."""
    decided: dict[tuple[str, ...], bool] = {}
    out = []
    for name in closure:
        group = next((g for g in ALTERNATIVES if name in g), None)
        keep = rng.random() < 0.75 if group is None else decided.setdefault(group, rng.random() < 0.75)
        if keep:
            out.append(name)
    return out


def _draft(fields: Iterable[str], rng: Random, project: Project, hard: bool) -> dict[str, Any]:
    draft: dict[str, Any] = {"_hard": hard}
    draft["_ladder"] = _ladder(rng, hard)
    chosen = set(fields)
    for group in ALTERNATIVES:
        present = sorted(chosen & set(group))
        if len(present) > 1:
            chosen -= set(present) - {rng.choice(present)}
    for name in _ORDER + tuple(sorted(chosen - set(_ORDER))):
        if name in chosen:
            value = draw(name, rng, draft, project)
            if value is not None:
                draft[name] = value
    return draft


def _facts(draft: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in draft.items() if not key.startswith("_")}


# ---------------------------------------------------------------- repair
def _failing_atoms(condition: Any, snapshot: Mapping[str, Any], rng: Random) -> list[Any]:
    """The atoms to repair so that the condition holds: all failing parts of an all_of, one branch of an any_of."""
    if holds(condition, snapshot):
        return []
    if isinstance(condition, AllOf):
        return [atom for part in condition.parts for atom in _failing_atoms(part, snapshot, rng)]
    if isinstance(condition, AnyOf):
        return _failing_atoms(rng.choice(condition.parts), snapshot, rng)
    return [condition]


def _holding_atoms(condition: Any, snapshot: Mapping[str, Any]) -> list[Any]:
    """The atoms that make a condition hold (breaking one of an all_of, or every holding branch of an any_of)."""
    if not holds(condition, snapshot):
        return []
    if isinstance(condition, AllOf):
        return [atom for part in condition.parts for atom in _holding_atoms(part, snapshot)]
    if isinstance(condition, AnyOf):
        return [atom for part in condition.parts for atom in _holding_atoms(part, snapshot)]
    return [condition]


_STEPS = {"fraction": (0.001, 0.005, 0.01, 0.02), "count": (1, 10, 1_000), "number": (1, 10, 1_000)}


def _choices(name: str) -> tuple[str, ...]:
    """The allowed values of a literal input (e.g. train_label_errors: random, systematic); () for others."""
    return _literals(Situation.model_fields[name].annotation)


def _literals(annotation: Any) -> tuple[str, ...]:
    annotation = unwrap_annotation(annotation)[0]
    if typing.get_origin(annotation) is not typing.Literal:
        return ()
    return tuple(arg for arg in typing.get_args(annotation) if isinstance(arg, str))


def _solve(op: str, target: Any, kind: str, rng: Random, project: Project, choices: tuple[str, ...]) -> Any:
    """A value for an input that makes `input op target` hold."""
    if op == "==":
        return target
    if op == "!=":
        if isinstance(target, bool):
            return not target
        if isinstance(target, str):
            labels = choices or (project.source, project.target, project.other)
            others = [label for label in labels if label != target]
            return rng.choice(others) if others else None
    if not isinstance(target, (int, float)) or isinstance(target, bool):
        return None
    target_low: float  # a whole number for counts, where floor and ceiling bracket a fractional target
    target_high: float
    if kind == "count" and isinstance(target, float) and not target.is_integer():
        target_low, target_high = math.floor(target), math.ceil(target)
    else:
        target_low = target_high = target
    step = rng.choice(_STEPS.get(kind, (1,)))
    if kind == "count" and rng.random() < 0.5:
        step = max(1, int(abs(target) * rng.choice((0.5, 1, 9))))
    value = {">": target_high + step, ">=": target_high + rng.choice((0, step)), "<": target_low - step,
             "<=": target_low - rng.choice((0, step)), "!=": target_high + step}[op]
    if kind == "fraction":
        return _fraction(value)
    if kind == "count":
        return max(0, int(value))
    return value


def _redraw(fields: Iterable[str], draft: dict[str, Any], rng: Random, project: Project, add: bool,
            drop: float | None = None) -> None:
    """Redraw one input a derived field depends on (adding it when absent and `add`; leaving a stated one out with
    probability `drop`, by default only when not adding: a derived value may rest on an input's absence)."""
    stated = {name for group in ALTERNATIVES if set(group) & set(draft) for name in group}
    names = [name for name in fields if name in draft or (add and name not in stated)]
    if not names:
        return
    name = rng.choice(names)
    if name in draft and rng.random() < (drop if drop is not None else 0.0 if add else 0.2):
        del draft[name]
        return
    if name in LADDER_FIELDS:
        _redraw_ladder(draft, rng, project)
    value = draw(name, rng, draft, project)
    if value is not None:
        draft[name] = value


def _redraw_ladder(draft: dict[str, Any], rng: Random, project: Project, below: tuple[str, str] | None = None) -> None:
    """A new error ladder (broken once when `below` says so), and every error level the draft states redrawn from it."""
    draft["_ladder"] = _ladder(rng, draft.get("_hard", False), below)
    for error in LADDER_FIELDS:
        if error in draft:
            draft[error] = draw(error, rng, draft, project)


def _contradiction(field: str, draft: Mapping[str, Any], rng: Random) -> tuple[str, str] | None:
    """Two neighbouring ladder steps a derived field depends on (and the draft states), to draw out of order: how
    a gap asked to be negative (a contradictory measurement) is reached. None when the field rests on no two."""
    steps = {_LADDER_STEP[name] for name in _field_closure(field) if name in draft and name in _LADDER_STEP}
    ordered = [key for key in LADDER_KEYS if key in steps]
    if len(ordered) < 2:
        return None
    index = rng.randrange(len(ordered) - 1)
    return ordered[index], ordered[index + 1]


def _wants_negative(op: str, right: Any) -> bool:
    """Whether `value op right` can hold only for a negative value (which no ordered error ladder gives a gap)."""
    if not isinstance(right, (int, float)) or isinstance(right, bool):
        return False
    return (op == "<" and right <= 0) or (op == "<=" and right < 0)


def _repair(atom: Any, snapshot: Mapping[str, Any], draft: dict[str, Any], rng: Random, project: Project,
            make_true: bool) -> None:
    """Change the draft so that one atom holds (make_true) or fails."""
    inputs = Situation.model_fields
    if isinstance(atom, (Known, Absent)):
        name = atom.ref.field
        want_present = isinstance(atom, Known) == make_true
        derived_only = name not in draft and not want_present  # absent as an input, present as derived
        if name in inputs and not derived_only:
            if want_present:
                value = draw(name, rng, draft, project)
                if value is not None:
                    draft[name] = value
            else:
                draft.pop(name, None)
        else:
            # a derived value is absent mostly because what it is derived from is: leave inputs out half the time
            _redraw(_field_closure(name, derived=derived_only), draft, rng, project, add=want_present,
                    drop=None if want_present else 0.5)
        return
    assert isinstance(atom, Compare)
    left = atom.left.field
    right = operand_value(atom.right, snapshot)
    if right is None:  # make the other side known first
        _redraw(tuple(f for field in atom.right.fields() for f in _field_closure(field)), draft, rng, project, add=True)
        return
    op = atom.op if make_true else _NEGATED[atom.op]
    if left not in inputs and _wants_negative(op, right):
        below = _contradiction(left, draft, rng)
        if below is not None:
            _redraw_ladder(draft, rng, project, below)
            return
    collection = left in inputs and _annotation_kind(left) in _COLLECTIONS
    if collection and not make_true and left in draft and _shrink(left, op, right, draft, rng):
        return  # a near miss keeps the collection, with too few items
    if left in inputs and not make_true and (collection or rng.random() < 0.2):
        draft.pop(left, None)  # an absent field fails every comparison
        return
    if left in inputs and not collection:
        value = _solve(op, right, _annotation_kind(left), rng, project, _choices(left))
        if value is not None:
            draft[left] = value
            return
    _redraw(_field_closure(left), draft, rng, project, add=True, drop=0.2)


def _shrink(name: str, op: str, right: Any, draft: dict[str, Any], rng: Random) -> bool:
    """Keep some items of a collection compared by its size so that `size op right` holds (at least one item
    stays: an empty collection is no fact); False when no such size exists."""
    value = draft[name]
    if not isinstance(value, (dict, list)) or not isinstance(right, (int, float)) or isinstance(right, bool):
        return False
    sizes = [size for size in range(1, len(value)) if _holds_size(op, size, right)]
    if not sizes:
        return False
    size = rng.choice(sizes)
    draft[name] = dict(list(value.items())[:size]) if isinstance(value, dict) else list(value[:size])
    return True


def _holds_size(op: str, size: int, right: float) -> bool:
    return {">": size > right, ">=": size >= right, "<": size < right, "<=": size <= right,
            "==": size == right, "!=": size != right}[op]


_COLLECTIONS = ("dict", "list", "other")
"""Inputs the engine compares by their size: repaired by drawing them again, broken by leaving them out."""
_NEGATED = {">": "<=", ">=": "<", "<": ">=", "<=": ">", "==": "!=", "!=": "=="}


# ---------------------------------------------------------------- search
def _consult(draft: Mapping[str, Any], settings: Settings) -> Advice | None:
    try:
        return advise(_facts(draft), settings=settings, engine=_engine())
    except ValidationError:
        return None


def _snapshot(advice: Advice, rule_id: str) -> Mapping[str, Any]:
    stratum = advice._knowledge.strata[rule_id]
    snapshots = advice.trace.snapshots
    return snapshots[stratum] if stratum < len(snapshots) else advice.trace.facts


def hard_features(advice: Advice) -> tuple[str, ...]:
    """What makes a case hard: a near-tie, past human level, small sets, mismatched distributions."""
    facts, values = advice.inputs, advice.values
    found = []
    gaps = sorted((v for k, v in values.items() if k in ("avoidable_bias", "variance", "data_mismatch",
                                                          "dev_set_overfitting") and v and v > 0), reverse=True)
    margin = values.get("candidate_margin_ci_low")
    if (len(gaps) >= 2 and gaps[1] >= 0.5 * gaps[0]) or (margin is not None and margin <= 0):
        found.append("near-tie")
    proxy = values.get("bayes_proxy")
    if proxy is not None and facts.get("train_error") is not None and facts["train_error"] <= proxy:
        found.append("past human level")
    if any(facts.get(size) is not None and facts[size] <= 2_000 for size in ("train_dev_size", "dev_size", "test_size")):
        found.append("small sets")
    if facts.get("train_distribution") and facts.get("dev_distribution") and \
            facts["train_distribution"] != facts["dev_distribution"]:
        found.append("mismatched distributions")
    return tuple(found)


def difficulty_of(advice: Advice) -> str:
    """easy, medium or hard by the number of hard features."""
    return DIFFICULTIES[min(2, len(hard_features(advice)))]


def generate(rule_id: str, seed: int = 0, *, fires: bool = True, difficulty: str | None = None,
             settings: Settings | Mapping[str, Any] | None = None, project: Project | None = None,
             engine: Engine | None = None) -> Generated:
    """A situation, verified by `advise()`, in which the rule fires (or, with fires=False, does not, near a firing).

    Deterministic for a seed. `difficulty` ('easy', 'medium', 'hard') is a preference: drafts lean that way
    and the first draft of that level is kept, else the first that fired. Raises `NotFound` when the budget
    (`RESTARTS` x `REPAIRS` consultations) runs out. `engine` runs another knowledge base (e.g. with a new rule).
    """
    token = _ENGINE.set(engine)
    try:
        return _generate(rule_id, seed, fires, difficulty, settings, project)
    finally:
        _ENGINE.reset(token)


def _generate(rule_id: str, seed: int, fires: bool, difficulty: str | None,
              settings: Settings | Mapping[str, Any] | None, project: Project | None) -> Generated:
    knowledge = _knowledge()
    rule = knowledge.rule(rule_id)
    chosen_settings = Settings.from_any(settings)
    rng = Random(f"{rule_id}/{seed}/{fires}/{difficulty}")
    closure = input_closure(rule)
    attempts = 0
    fallback: Generated | None = None
    for _ in range(RESTARTS):
        case_project = project or rng.choice(PROJECTS)
        hard = difficulty == "hard" or (difficulty == "medium" and rng.random() < 0.5)
        fields = _chosen(closure, rng) + list(_context(rng, hard))
        draft = _draft(fields, rng, case_project, hard)
        found = _search(rule, draft, rng, case_project, chosen_settings, True)
        attempts += found[1]
        if found[0] is None:
            continue
        advice, draft = found[0], found[2]
        if not fires:
            broken = _nearest_break(rule, closure, draft, rng, case_project, chosen_settings)
            attempts += broken[1]
            if broken[0] is None:
                continue
            advice, draft = broken[0], broken[2]
        result = Generated(rule_id, fires, _facts(advice.situation.given()), advice, case_project, attempts)
        if difficulty is None or difficulty_of(advice) == difficulty:
            return result
        fallback = fallback or result
    if fallback is not None:
        return fallback
    raise NotFound(f"no situation in which {rule_id} {'fires' if fires else 'does not fire'} was found in "
                   f"{attempts} consultations (seed {seed}; inputs searched: {', '.join(closure) or 'none'})")


def _search(rule: Rule, draft: dict[str, Any], rng: Random, project: Project, settings: Settings,
            make_true: bool) -> tuple[Advice | None, int, dict[str, Any]]:
    """Repair the draft until the rule fires; (advice, consultations, draft)."""
    for step in range(REPAIRS):
        advice = _consult(draft, settings)
        if advice is None:  # an invalid draft (e.g. a tally above the examined count): redraw a little
            _redraw(tuple(k for k in draft if not k.startswith("_")), draft, rng, project, add=False)
            continue
        if fired(advice, rule.id):
            return advice, step + 1, draft
        snapshot = _snapshot(advice, rule.id)
        atoms = _failing_atoms(rule.when, snapshot, rng)
        if not atoms:  # conditions hold but nothing concluded (a function found no value): change an input
            _redraw(input_closure(rule), draft, rng, project, add=True)
            continue
        _repair(rng.choice(atoms), snapshot, draft, rng, project, make_true=True)
    return None, REPAIRS, draft


BREAKS = 3
"""Near misses tried from one firing draft; the one keeping most of the rule's inputs is kept."""


def _nearest_break(rule: Rule, closure: tuple[str, ...], draft: dict[str, Any], rng: Random, project: Project,
                   settings: Settings) -> tuple[Advice | None, int, dict[str, Any]]:
    best: tuple[Advice | None, int, dict[str, Any]] = (None, 0, draft)
    kept = -1
    spent = 0
    for _ in range(BREAKS):
        found = _break(rule, dict(draft), rng, project, settings)
        spent += found[1]
        if found[0] is None:
            continue
        score = len(set(closure) & set(_facts(found[2])))
        if score > kept:
            best, kept = found, score
        if kept >= len(set(closure) & set(_facts(draft))):
            break
    return best[0], spent, best[2]


def _break(rule: Rule, draft: dict[str, Any], rng: Random, project: Project,
           settings: Settings) -> tuple[Advice | None, int, dict[str, Any]]:
    """From a draft where the rule fires, change as little as possible until it does not."""
    start = dict(draft)
    for step in range(REPAIRS):
        advice = _consult(draft, settings)
        if advice is not None and not fired(advice, rule.id):
            return advice, step + 1, draft
        if advice is None:
            draft = dict(start)
            continue
        atoms = _holding_atoms(rule.when, _snapshot(advice, rule.id))
        if not atoms:
            return None, step + 1, draft
        # a near miss changes a value rather than drop a fact the rule needs, when it can
        weights = [1 if isinstance(atom, Known) and atom.ref.field in Situation.model_fields else 4 for atom in atoms]
        atom = rng.choices(atoms, weights)[0]
        _repair(atom, _snapshot(advice, rule.id), draft, rng, project, make_true=False)
    return None, REPAIRS, draft
