"""The course's flight simulator: practice ML-strategy decisions on generated cases, graded with the advice's
own explanations.

Each case is a short project story whose facts come from `mlstrategy.cases.generate` (facts under which
one rule fires, found from the rules' conditions), followed by one to three multiple-choice questions:
the primary problem (or, when the facts cannot tell yet, what would settle it; or what to measure first), the first action, the candidate to ship, or the call a
rule makes (end-to-end or a pipeline, transfer, multi-task). Every accepted answer is what `advise()`
concludes for the story's facts; every distractor is a conclusion of rules that do not fire there, so a
wrong answer is explained by `why_not` and the right one by `why`.

    >>> session = cases(seed=3, count=2)
    >>> [len(case.questions) >= 1 for case in session]
    [True, True]
    >>> question = session[0].questions[0]
    >>> question.check(sorted(question.accepted)[0]).correct
    True

In a notebook: `for case in cases(section="Carrying out error analysis"): print(case.story)`, or
`play(cases(seed=1))` to answer at the prompt. On the command line: `mlstrategy practice`.
"""
from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from random import Random
from typing import Any, Callable, Iterable, Mapping, Sequence

from .advice import Advice
from .cases import (
    DIFFICULTIES, Generated, NotFound, difficulty_of, fired, generate, hard_features, input_closure, neighbours,
)
from .advisor import default_engine
from .facts import FACT_GROUPS
from .inference.evaluate import failures
from .inference.explain import Explanation
from .inference.formatting import field_title, format_value, percent
from .knowledge.catalog import ACTIONS, DIAGNOSES
from .knowledge.dsl import Ask, Diagnose, Recommend, Rule
from .knowledge.fields import member, split_field
from .knowledge.sections import SECTIONS, section_order
from .knowledge.stories import FACT_SENTENCES, FALLBACK_SENTENCE, NOTHING_YET, TOPIC_LEADS, Project

__all__ = ["Choice", "Question", "Case", "Feedback", "Transcript", "cases", "make_case", "play", "story",
           "fact_text", "COMMANDS"]

COMMANDS = "a letter, skip or quit"
MAX_QUESTIONS = 3
DISTRACTORS = 3
VARIANTS = 3
"""Situations generated per case; the one where the rule decides an answer, with fewest competitors firing, is kept."""
MAX_REPLIES = 10


# ---------------------------------------------------------------- the story
def _leaf(name: str, value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return format_value(name, value)


def fact_text(name: str, value: Any) -> str:
    """A fact's value as the story shows it: every number in it, formatted as explanations format it."""
    if name == "candidates":
        parts = []
        for candidate in value:
            metrics = []
            for key, item in candidate.items():
                if key == "name":
                    continue
                if key == "errors_by_class":
                    metrics.append("errors by class " + ", ".join(f"{c} {percent(e)}" for c, e in item.items()))
                else:
                    metrics.append(f"{key} {_leaf(key, item)}")
            parts.append(f"{candidate['name']} ({', '.join(metrics)})")
        return "; ".join(parts)
    if name == "error_analysis":
        counts = ", ".join(f"{count} {category}" for category, count in (value.get("categories") or {}).items())
        mislabeled = value.get("mislabeled", 0)
        return f"of {value['examined']} misclassified examples, {counts}" + (f", {mislabeled} mislabeled" if mislabeled else
                                                                           ", none mislabeled")
    if name == "satisficing":
        return "; ".join(" and ".join(f"{metric} {'at most' if side == 'max' else 'at least'} {_leaf(metric, bound)}"
                                      for side, bound in limits.items() if bound is not None)
                         for metric, limits in value.items())
    return _leaf(name, value)  # a learning curve reads as its values, as explanations show them


def story(facts: Mapping[str, Any], project: Project) -> str:
    """The case as a person reads it: the project, then one sentence per fact, grouped by topic."""
    paragraphs = [project.opening] + ([NOTHING_YET] if not facts else [])
    done: set[str] = set()
    groups = list(FACT_GROUPS.items()) + [("other facts", tuple(name for name in facts if
                                                               all(name not in g for g in FACT_GROUPS.values())))]
    for topic, names in groups:
        sentences = []
        for name in names:
            if name not in facts or name in done:
                continue
            done.add(name)
            template = FACT_SENTENCES.get(name, FALLBACK_SENTENCE)
            sentences.append(template.format(value=fact_text(name, facts[name]), title=field_title(name).capitalize(),
                                             task_a=project.task_a))
        if sentences:
            lead = TOPIC_LEADS.get(topic)
            paragraphs.append(" ".join(([lead] if lead else []) + sentences))
    return "\n".join(paragraphs)


# ---------------------------------------------------------------- questions
@dataclass(frozen=True)
class Choice:
    """One answer on offer: a diagnosis, an action, a candidate, or a fact to measure."""

    key: str
    name: str
    kind: str
    text: str


@dataclass(frozen=True)
class Feedback:
    """The grade of one reply, with the explanation the learner should read."""

    reply: str | None
    correct: bool
    text: str


@dataclass(frozen=True)
class Question:
    """A multiple-choice question: the accepted names are what `advise()` concluded; the others did not hold."""

    kind: str
    prompt: str
    choices: tuple[Choice, ...]
    accepted: frozenset[str]
    section: str
    explanations: Mapping[str, str] = field(repr=False)

    def choice(self, reply: str) -> Choice | None:
        """The choice a reply names: its letter, its number, its name or its text (case-insensitive)."""
        exact = next((choice for choice in self.choices if reply.strip() == choice.name), None)
        if exact is not None:  # a name given by a program wins over a letter
            return exact
        text = reply.strip().lower().rstrip(")")
        for index, choice in enumerate(self.choices):
            if text in (choice.key, str(index + 1)):
                return choice
        return next((c for c in self.choices if text in (c.name.lower(), c.text.lower())), None)

    def check(self, reply: str | None) -> Feedback:
        """Grade a reply (None: skipped). A name not on offer raises ValueError."""
        right = [c for c in self.choices if c.name in self.accepted]
        answer = "; ".join(f"{c.key}) {c.text}" for c in right)
        if reply is None:
            return Feedback(None, False, f"Skipped. The answer: {answer}.\n{self._why_right()}")
        choice = self.choice(reply)
        if choice is None:
            raise ValueError(f"{reply!r} is not one of the choices ({', '.join(c.key for c in self.choices)})")
        if choice.name in self.accepted:
            return Feedback(choice.name, True, f"Right: {choice.text}.\n{self.explanations[choice.name]}")
        return Feedback(choice.name, False,
                        f"Not {choice.text}: {self.explanations[choice.name]}\nThe answer: {answer}.\n{self._why_right()}")

    def _why_right(self) -> str:
        return "\n".join(self.explanations[c.name] for c in self.choices if c.name in self.accepted)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "prompt": self.prompt, "section": self.section,
                "choices": [{"key": c.key, "name": c.name, "kind": c.kind, "text": c.text} for c in self.choices],
                "accepted": sorted(self.accepted)}


@dataclass(frozen=True)
class Case:
    """A generated project story, the facts behind it, and its questions."""

    number: int
    rule: str
    section: str
    seed: int
    difficulty: str
    hard_features: tuple[str, ...]
    project: str
    story: str
    facts: Mapping[str, Any]
    questions: tuple[Question, ...]
    advice: Advice = field(repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {"number": self.number, "rule": self.rule, "section": self.section, "seed": self.seed,
                "difficulty": self.difficulty, "hard_features": list(self.hard_features), "project": self.project,
                "story": self.story, "facts": dict(self.facts), "questions": [q.to_dict() for q in self.questions]}


def _title(kind: str, name: str) -> str:
    if kind == "diagnosis":
        return DIAGNOSES[name].title if name in DIAGNOSES else name.replace("_", " ").capitalize()
    if kind == "action":
        return ACTIONS[name].title if name in ACTIONS else name.replace("_", " ").capitalize()
    if kind == "measure":
        return f"Measure the {field_title(name).replace('_', ' ')}"
    if kind == "measure_more":  # a fact already given, that more examples would make precise
        return f"Measure on more examples (a larger {field_title(name).replace('_', ' ')})"
    return name


def _concluded(advice: Advice, kind: str, name: str) -> bool:
    return advice.trace.facts.get(member(kind, name)) is not None


def _producible(kind: str) -> list[str]:
    """Every name of a kind some rule can conclude (the catalogue's and any new rule's), in a stable order."""
    names = {split_field(field)[1] for field in default_engine().knowledge.producers if split_field(field)[0] == kind}
    return sorted(names)


def _chain_rules(explanation: Explanation) -> set[str]:
    found = set()
    for step in explanation.rules:
        found.add(step.rule)
        for premise in step.premises:
            found |= _chain_rules(premise)
    return found


BRIEF_STEPS = 4
"""An explanation in a session shows at most this many rules of the `why` chain (the nearest first)."""


def _why(advice: Advice, name: str, kind: str) -> str:
    """The `why` chain, brief: the rules that concluded the answer, nearest first, each with its numbers."""
    steps: list[str] = []
    seen: set[str] = set()
    level = [advice.why(name, kind=kind)]
    while level and len(steps) < BRIEF_STEPS:
        following: list[Explanation] = []
        for node in level:
            for step in node.rules:
                if step.rule not in seen and len(steps) < BRIEF_STEPS:
                    seen.add(step.rule)
                    steps.append(f"  [{step.rule}] {step.because}")
                following.extend(step.premises)
        level = following
    return "Why: " + "\n".join(steps).lstrip()


def _why_not(advice: Advice, name: str, kind: str) -> str:
    """`why_not`, brief: the nearest rule's failed conditions, and what the first derived one itself lacked."""
    answer = advice.why_not(name, kind=kind)
    if answer.nearest is None:
        return f"Why not: {answer}"
    lines = []
    for index, check in enumerate(answer.checks[:BRIEF_STEPS]):
        lines.append(("" if index == 0 else "  ") + f"[{check.rule}] ({check.section}) does not hold: "
                     + "; ".join(map(str, check.failures)))
        nested = next((n for n in check.because_missing if n.nearest is not None), None)
        if nested is not None and nested.nearest is not None and index == 0:
            lines.append(f"    ({nested.name}: [{nested.nearest.rule}] " + "; ".join(map(str, nested.nearest.failures)) + ")")
    return "Why not: " + "\n".join(lines)


def _distractors(advice: Advice, kind: str, names: Iterable[str], rng: Random) -> list[str]:
    """Names no rule concluded here, nearest misses first, ties broken by the seed.

    A near miss fails on facts the story gives (a comparison that came out the other way), not on facts it
    never mentions: those are the tempting wrong answers."""
    facts = advice.trace.facts
    scored = []
    for name in names:
        if _concluded(advice, kind, name):
            continue
        why_not = advice.why_not(name, kind=kind)
        if why_not.concluded or why_not.nearest is None or not why_not.nearest.failures:
            continue
        nearest = min((sum(not f.fields or any(facts.get(x) is None for x in f.fields) for f in check.failures),
                       len(check.failures)) for check in why_not.checks)
        scored.append((*nearest, rng.random(), name))
    return [name for *_, name in sorted(scored)[:DISTRACTORS]]


def _question(kind: str, prompt: str, right: Sequence[tuple[str, str]], wrong: Sequence[tuple[str, str]],
              explanations: dict[str, str], section: str, rng: Random) -> Question | None:
    """A question from (kind, name) pairs; choices shuffled by the seed; None without a right and a wrong one."""
    if not right or not wrong:
        return None
    pairs = list(right) + list(wrong)
    rng.shuffle(pairs)
    choices = tuple(Choice("abcdefgh"[index], name, choice_kind, _title(choice_kind, name))
                    for index, (choice_kind, name) in enumerate(pairs))
    return Question(kind, prompt, choices, frozenset(name for _, name in right), section, explanations)


def _section_of(explanation: Explanation, fallback: str) -> str:
    return explanation.rules[0].section if explanation.rules else fallback


def _one_of(advice: Advice, question: str, prompt: str, kind: str, name: str, pool: Iterable[str], rng: Random,
            section: str | None = None) -> Question | None:
    """A question whose answer is one concluded diagnosis or action, against distractors from `pool` that were not;
    graded in the section of the rule that concluded it (or `section`)."""
    wrong = _distractors(advice, kind, pool, rng)
    explanations = {name: _why(advice, name, kind)}
    explanations.update({n: _why_not(advice, n, kind) for n in wrong})
    graded = section or _section_of(advice.why(name, kind=kind), "")
    return _question(question, prompt, [(kind, name)], [(kind, n) for n in wrong], explanations, graded, rng)


def _primary(advice: Advice, rng: Random) -> Question | None:
    name = advice.primary_problem
    if name is None:
        return None
    caveats = {n for n, info in DIAGNOSES.items() if info.kind == "caveat"}
    pool = [n for n in _producible("diagnosis") if n not in caveats]
    return _one_of(advice, "primary", "What is the primary problem?", "diagnosis", name, pool, rng)


def _first_action(advice: Advice, rng: Random) -> Question | None:
    if not advice.actions:
        return None
    return _one_of(advice, "first_action", "Which of these should the team do first?", "action",
                   advice.actions[0].name, _producible("action"), rng)


def _shows(advice: Advice, rule: Rule, rng: Random) -> Question | None:
    """For a rule whose diagnosis is not the primary problem (a caveat, a second problem): is it there?"""
    own = [c.name for c in rule.then if isinstance(c, Diagnose) and _concluded(advice, "diagnosis", c.name)
           and c.name != advice.primary_problem]
    if not own:
        return None
    return _one_of(advice, "shows", "Which of these does the situation show?", "diagnosis", own[0],
                   _producible("diagnosis"), rng, rule.section)


def _recommend(advice: Advice, rule: Rule, rng: Random) -> Question | None:
    """For a rule whose action is in the plan but not first (a pipeline, transfer, multi-task...): would you do it?"""
    planned = [a.name for a in advice.actions]
    own = [c.action for c in rule.then if isinstance(c, Recommend) and c.action in planned[1:]]
    if not own:
        return None
    return _one_of(advice, "recommend", "Which of these belongs in the plan?", "action", own[0],
                   _producible("action"), rng, rule.section)


def _undetermined(advice: Advice) -> str | None:
    """The undetermined diagnosis concluded (the facts cannot yet tell which problem it is), if any."""
    return next((d.name for d in advice.diagnoses if d.name in DIAGNOSES and DIAGNOSES[d.name].kind == "undetermined"),
                None)


def _settle(advice: Advice, rng: Random) -> Question | None:
    """When the facts cannot tell which problem it is: which measurements would settle it (`settled_by`)?

    Every measurement the advice names is accepted; the distractors are facts some rule asks for elsewhere but
    that the verdict does not read at all (outside the input closure of the rule deciding it), so they cannot
    settle it."""
    name = _undetermined(advice)
    settled = tuple(advice.values.get("settled_by") or ())
    if name is None or not settled:
        return None
    knowledge = default_engine().knowledge
    why = advice.why(name, kind="diagnosis")
    deciding = why.rules[0].rule if why.rules else None
    reads = set(input_closure(knowledge.rule(deciding))) if deciding else set()
    asked = {item.name for item in advice.missing}
    pool = sorted({c.name for r in knowledge.rules for c in r.then if isinstance(c, Ask)}
                  - set(settled) - reads - asked - set(advice.inputs))
    rng.shuffle(pool)
    wrong = pool[:DISTRACTORS]
    verdict = _title("diagnosis", name)
    explanations = {field: _why(advice, name, "diagnosis") for field in settled}
    explanations.update({field: f"Why not: [{deciding}] decides '{verdict}' without reading {field_title(field)}, "
                                f"so measuring it cannot settle the question" for field in wrong})
    return _question("settle", f"The facts cannot tell yet ({verdict}). What would you measure to settle it?",
                     [("measure_more" if field in advice.inputs else "measure", field) for field in settled],
                     [("measure", field) for field in wrong], explanations,
                     _section_of(why, ""), rng)


def _asked_by(name: str) -> list[Rule]:
    return [rule for rule in default_engine().knowledge.rules
            if any(isinstance(c, Ask) and c.name == name for c in rule.then)]


def _measure(advice: Advice, rule: Rule, rng: Random) -> Question | None:
    """For a rule that asks for a fact: what should the team measure first?"""
    if not advice.missing or not any(isinstance(c, Ask) for c in rule.then):
        return None
    first = advice.missing[0]
    asked = {item.name for item in advice.missing}
    knowledge = default_engine().knowledge
    explanations = {first.name: f"Why: {first.why} (asked by {', '.join(first.rules)})"}
    wrong = []
    pool = sorted({c.name for r in knowledge.rules for c in r.then if isinstance(c, Ask)} - asked - set(advice.inputs))
    rng.shuffle(pool)
    for name in pool:
        lines = []
        for asker in _asked_by(name):
            stratum = knowledge.strata[asker.id]
            snapshot = advice.trace.snapshots[stratum] if stratum < len(advice.trace.snapshots) else advice.trace.facts
            failed = failures(asker.when, snapshot)
            if not failed:
                break
            lines.append(f"[{asker.id}] ({asker.section}) did not ask for it: " + "; ".join(map(str, failed)))
        else:
            wrong.append(name)
            explanations[name] = "Why not: " + " ".join(lines)
        if len(wrong) == DISTRACTORS:
            break
    section = next((r.section for r in knowledge.rules if r.id in first.rules), rule.section)
    return _question("measure", "Before deciding anything, what should the team measure first?",
                     [("measure", first.name)], [("measure", n) for n in wrong], explanations, section, rng)


def _candidate(advice: Advice, rng: Random, section: str) -> Question | None:
    candidates = [c["name"] for c in advice.inputs.get("candidates") or ()]
    if len(candidates) < 2:
        return None
    chosen = advice.values.get("selected_candidate")
    none = "none of them"
    if chosen is None and not _concluded(advice, "diagnosis", "no_feasible_candidate"):
        return None
    why = (_why(advice, "selected_candidate", "value") if chosen is not None
           else _why(advice, "no_feasible_candidate", "diagnosis"))
    right = chosen if chosen is not None else none
    explanations = {name: "the selection below says why it is not the one to ship." for name in candidates + [none]}
    explanations[right] = why
    wrong = [name for name in candidates + [none] if name != right]
    by_why = advice.why("selected_candidate" if chosen is not None else "no_feasible_candidate")
    return _question("candidate", "Which candidate should the team ship?", [("candidate", right)],
                     [("candidate", n) for n in wrong], explanations, _section_of(by_why, section), rng)


def questions_for(advice: Advice, rule: Rule, rng: Random) -> tuple[Question, ...]:
    """Up to MAX_QUESTIONS questions about the advice, the case's own rule first, no answer asked twice."""
    found: list[Question] = []
    seen: set[frozenset[str]] = set()
    makers: list[Callable[[], Question | None]] = [
        lambda: _settle(advice, rng), lambda: _measure(advice, rule, rng), lambda: _shows(advice, rule, rng), lambda: _recommend(advice, rule, rng),
        lambda: _candidate(advice, rng, rule.section), lambda: _primary(advice, rng),
        lambda: _first_action(advice, rng),
    ]
    for make in makers:
        question = make()
        if question is not None and question.accepted not in seen:
            seen.add(question.accepted)
            found.append(question)
        if len(found) == MAX_QUESTIONS:
            break
    return tuple(found)


def _decides(advice: Advice, rule: Rule, found: Sequence[Question]) -> int:
    """How much the rule decides the answers: 0 when it concludes the answer to a main question (the primary
    problem, the first action, what to measure, the candidate), 1 when it is behind some accepted answer, else 2."""
    best = 2
    for question in found:
        for choice in question.choices:
            if choice.name not in question.accepted:
                continue
            if question.kind == "settle":  # the rules that found the facts undetermined decide it
                undetermined = _undetermined(advice)
                if undetermined is not None:
                    explanation = advice.why(undetermined, kind="diagnosis")
                    if rule.id in {step.rule for step in explanation.rules}:
                        return 0
                    if rule.id in _chain_rules(explanation):
                        best = 1
                continue
            if choice.kind == "measure":
                if rule.id in next((m.rules for m in advice.missing if m.name == choice.name), ()):
                    return 0
                continue
            kind = None if choice.kind == "candidate" else choice.kind
            name = choice.name if kind else ("selected_candidate" if "selected_candidate" in advice.values
                                             else "no_feasible_candidate")
            explanation = advice.why(name, kind=kind)
            if rule.id in {step.rule for step in explanation.rules} and question.kind in MAIN_QUESTIONS:
                return 0
            if rule.id in _chain_rules(explanation):
                best = 1
    return best


MAIN_QUESTIONS = ("primary", "settle", "first_action", "measure", "candidate")


def make_case(rule_id: str, seed: int = 0, *, number: int = 1, difficulty: str | None = None,
              settings: Any = None) -> Case | None:
    """One case about a rule: of VARIANTS generated situations, the one where the rule decides an answer, whose
    explanations show no unknown value, and where fewest of its competitors fire. None when no situation gives
    a question."""
    knowledge = default_engine().knowledge
    rule = knowledge.rule(rule_id)
    rivals = neighbours(rule)
    best: tuple[tuple[int, int, int], Generated, tuple[Question, ...]] | None = None
    for variant in range(VARIANTS):
        try:
            found = generate(rule_id, seed * VARIANTS + variant, difficulty=difficulty, settings=settings)
        except NotFound:
            continue
        asked = questions_for(found.advice, rule, Random(f"questions/{rule_id}/{seed}/{variant}"))
        if not asked:
            continue
        unknowns = sum(q.explanations[name].count("unknown") for q in asked for name in q.accepted)
        score = (_decides(found.advice, rule, asked), unknowns, sum(fired(found.advice, other) for other in rivals))
        if best is None or score < best[0]:
            best = (score, found, asked)
        if score == (0, 0, 0):
            break
    if best is None:
        return None
    _, found, asked = best
    return Case(number, rule_id, rule.section, seed, difficulty_of(found.advice), hard_features(found.advice),
                found.project.name, story(found.facts, found.project), found.facts, asked, found.advice)


def _rules_for(section: str | None) -> list[Rule]:
    rules = sorted(default_engine().knowledge.rules, key=lambda r: (section_order(r.section), r.id))
    if section is None:
        return rules
    wanted = section.strip().lower()
    chosen = [r for r in rules if r.section.lower() == wanted] or [r for r in rules if wanted in r.section.lower()]
    if not chosen:
        from .facts import suggest

        hint = suggest(section, SECTIONS)
        raise ValueError(f"no rule cites a course section {section!r}" + (f"; did you mean {hint!r}?" if hint else "")
                         + f" Sections: {'; '.join(s for s in SECTIONS if any(r.section == s for r in rules))}")
    return chosen


def cases(section: str | None = None, seed: int = 0, count: int = 10, difficulty: str | None = None,
          settings: Any = None) -> list[Case]:
    """A session of `count` cases, deterministic for the seed: across the course's sections in turn, or from one
    section (matched by its heading or part of it). Raises ValueError for a section no rule cites."""
    if difficulty is not None and difficulty not in DIFFICULTIES:
        raise ValueError(f"difficulty must be one of {', '.join(DIFFICULTIES)}; got {difficulty!r}")
    if count < 1:
        raise ValueError(f"count must be at least 1; got {count}")
    rng = Random(f"session/{section}/{seed}")
    by_section: dict[str, list[Rule]] = {}
    for rule in _rules_for(section):
        by_section.setdefault(rule.section, []).append(rule)
    for rules in by_section.values():
        rng.shuffle(rules)
    order = list(by_section)
    rng.shuffle(order)
    out: list[Case] = []
    for round_ in range(count * 4):  # sections in turn, each section's rules in turn
        if len(out) == count:
            break
        current = order[round_ % len(order)]
        rules = by_section[current]
        rule = rules[(round_ // len(order)) % len(rules)]
        case = make_case(rule.id, seed * 1000 + round_, number=len(out) + 1, difficulty=difficulty, settings=settings)
        if case is not None:
            out.append(case)
    return out


# ---------------------------------------------------------------- a session
@dataclass
class Transcript:
    """What happened in a session: each case, each reply and its grade; the score by course section."""

    seed: int | None = None
    entries: list[tuple[Case, Question, Feedback]] = field(default_factory=list)
    stopped: bool = False
    cases: Sequence[Case] = ()

    @property
    def right(self) -> int:
        return sum(feedback.correct for _, _, feedback in self.entries)

    def by_section(self) -> dict[str, tuple[int, int]]:
        """(right, asked) per course section, in the course's order."""
        right: Counter[str] = Counter()
        asked: Counter[str] = Counter()
        for _, question, feedback in self.entries:
            asked[question.section] += 1
            right[question.section] += feedback.correct
        return {s: (right[s], asked[s]) for s in sorted(asked, key=_order)}

    def review(self) -> list[str]:
        """Sections with a wrong or skipped answer, weakest first."""
        weak = [(r / a, _order(s), s) for s, (r, a) in self.by_section().items() if r < a]
        return [s for *_, s in sorted(weak)]

    def score_text(self) -> str:
        lines = [f"Score: {self.right} of {len(self.entries)}" + (" (stopped early)" if self.stopped else "")]
        for section, (right, asked) in self.by_section().items():
            lines.append(f"  {right}/{asked}  {section}")
        review = self.review()
        lines.append("Sections to review: " + ("; ".join(review) if review else "none, well done"))
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """Every case of the session with its questions; answered ones carry the answer, grade and explanation."""
        graded = {(case.number, id(question)): feedback for case, question, feedback in self.entries}
        cases_out = []
        seen = {case.number: case for case, _, _ in self.entries}
        for case in self.cases or list(seen.values()):
            item = case.to_dict()
            item["questions"] = []
            for question in case.questions:
                entry = question.to_dict()
                feedback = graded.get((case.number, id(question)))
                entry.update({"answered": feedback is not None, "answer": feedback.reply if feedback else None,
                              "correct": bool(feedback and feedback.correct),
                              "explanation": feedback.text if feedback else None})
                item["questions"].append(entry)
            cases_out.append(item)
        return {"seed": self.seed, "cases": cases_out, "stopped": self.stopped,
                "score": {"right": self.right, "asked": len(self.entries),
                          "by_section": {s: {"right": r, "asked": a} for s, (r, a) in self.by_section().items()},
                          "review": self.review()}}


def _order(section: str) -> int:
    return section_order(section) if section in SECTIONS else len(SECTIONS)


def play(session: Sequence[Case], *, ask: Callable[[str], str] = input, out: Callable[..., None] = print,
         seed: int | None = None) -> Transcript:
    """Ask each case's questions, grade each reply with its explanation, then print the score by section.

    `ask(prompt)` returns a reply: a letter (or the choice's number or name), 'skip' (graded wrong, explained),
    or 'quit'; EOFError (the end of a piped script) or Ctrl-C stops too. Returns the `Transcript`.
    """
    transcript = Transcript(seed, cases=tuple(session))
    out(f"Practice: {len(session)} case{'s' if len(session) != 1 else ''}. Answer with {COMMANDS}.")
    for case in session:
        features = f" ({', '.join(case.hard_features)})" if case.hard_features else ""
        out(f"\n=== Case {case.number} of {len(session)}: {case.project} · {case.section} · {case.difficulty}{features}")
        out(case.story)
        for index, question in enumerate(case.questions, 1):
            out(f"\nQ{case.number}.{index} {question.prompt}")
            for choice in question.choices:
                out(f"  {choice.key}) {choice.text}")
            feedback = _ask(question, ask, out)
            if feedback is None:
                transcript.stopped = True
                out("\n" + transcript.score_text())
                return transcript
            transcript.entries.append((case, question, feedback))
            out(_indent(feedback.text))
    out("\n" + transcript.score_text())
    return transcript


def _indent(text: str) -> str:
    return "\n".join(f"  {line}" for line in text.splitlines())


def _ask(question: Question, ask: Callable[[str], str], out: Callable[..., None]) -> Feedback | None:
    for _ in range(MAX_REPLIES):
        try:
            reply = ask("answer? ").strip()
        except (EOFError, KeyboardInterrupt):
            out("")
            return None
        if ask is input and not sys.stdin.isatty():
            out(reply)  # a piped script: show the answer after its prompt, as a terminal would
        if reply.lower() in ("quit", "q", "exit", "done"):
            return None
        if reply.lower() in ("skip", ""):
            return question.check(None)
        try:
            return question.check(reply)
        except ValueError as error:
            out(f"  {error}; or skip / quit")
    return question.check(None)


def _read_line(prompt: str) -> str:
    line = sys.stdin.readline()
    if not line:
        raise EOFError
    return line


def run(section: str | None, seed: int, count: int, difficulty: str | None, fmt: str,
        ask: Callable[[str], str] = input, out: Callable[..., None] = print, settings: Any = None) -> Transcript:
    """The `mlstrategy practice` command: text as it goes, or (fmt='json') only the JSON transcript at the end."""
    session = cases(section, seed, count, difficulty, settings)
    if fmt == "json":
        if ask is input:  # no prompts on standard output: it carries the JSON
            ask = _read_line
        transcript = play(session, ask=ask, out=lambda *args: None, seed=seed)
        out(json.dumps(transcript.to_dict(), indent=2, default=str))
        return transcript
    return play(session, ask=ask, out=out, seed=seed)
