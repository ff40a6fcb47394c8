"""An interactive consultation: the system asks for the facts that would most change its advice.

The expert-system way: start from what the user said, compute the advice, ask for the first fact in
`Advice.missing` not asked yet, fold the answer in, and repeat until nothing is left to ask or the user
stops. Each fact is asked at most once, so the loop is bounded by the number of fact names.

    >>> answers = iter(["1%", "skip", "done"])
    >>> advice = consult({"train_error": "8%", "dev_error": "10%"}, ask=lambda prompt: next(answers),
    ...                  out=lambda *args: None)
    >>> advice.primary_problem
    'avoidable_bias'
"""
from __future__ import annotations

import sys
import typing
from typing import Any, Callable, Mapping

from pydantic import BaseModel, ValidationError

from .advice import Advice, MissingFact
from .facts import describe_errors, parse_text_value as parse_answer
from .advisor import advise, rules
from .facts import Situation, parse_fraction, suggest, unwrap_annotation
from .settings import Settings

__all__ = ["consult", "answer_hint"]

COMMANDS = "why / skip / back / set NAME VALUE / done"
MAX_REPLIES = 10
"""Replies ('why', invalid values) accepted for one question before it is skipped."""
EXPLAINED_ACTIONS = 3
"""At most this many actions get a 'how' explanation at the end: the first action for each diagnosis addressed."""
MAX_TURNS = 200
"""Questions asked in one consultation at most ('back' can revisit one, so the count of facts is no bound)."""


def consult(
    situation: Situation | Mapping[str, Any] | None = None,
    settings: Settings | Mapping[str, Any] | None = None,
    *,
    ask: Callable[[str], str] = input,
    out: Callable[..., None] = print,
) -> Advice:
    """Ask for missing facts one at a time, most decisive first, then print the advice and how it was reached.

    `ask(prompt)` returns the user's answer: a value ('8%', '0.08', 'yes', '{expert: 1%}'), 'why' (which
    rules need the fact and what it would decide), 'skip' (never ask it again), 'back' (undo the last answer
    and ask that question again), 'set NAME VALUE' (give any fact, e.g. one it did not ask for) or 'done'
    (stop asking); EOFError (end of a piped script) or Ctrl-C also stops. A value that fails validation is
    explained and asked again. Returns the final `Advice`.
    """
    current = Situation.from_any(situation)
    settings = Settings.from_any(settings)
    asked: set[str] = set()
    history: list[tuple[Situation, str]] = []  # (the situation before an answer, the question it answered)
    advice = advise(current, settings=settings)
    if advice.missing:
        out(f"Answer each question with a value, or {COMMANDS}.")
    primary = advice.primary_problem
    for _ in range(MAX_TURNS):
        question = next((item for item in advice.missing if item.name not in asked), None)
        if question is None:
            break
        asked.add(question.name)
        answered, command = _ask_one(question, current, ask, out)
        if command == "back":
            asked.discard(question.name)
            if not history:
                out("  (nothing to go back to)")
                continue
            current, previous = history.pop()
            asked.discard(previous)
            out(f"  <- back to {previous}")
        elif answered is not None:
            history.append((current, question.name))
            current = answered
            if command == "set":  # the question in hand was not answered: ask it again if still open
                asked.discard(question.name)
        if answered is not None or command == "back":
            advice = advise(current, settings=settings)
            if advice.primary_problem != primary:
                primary = advice.primary_problem
                out(f"  -> primary problem now: {primary or 'none'}")
        if command == "stop":
            break
    out("")
    out(str(advice))
    for name in _actions_to_explain(advice):
        out(f"\nHow was {name} concluded?\n{advice.why(name, kind='action')}")
    return advice


def _ask_one(question: MissingFact, current: Situation, ask: Callable[[str], str],
             out: Callable[..., None]) -> tuple[Situation | None, str]:
    """One question until a valid value, a skip, a set, a back or a stop: (the updated situation or None, what
    happened: "answer", "set", "skip", "back" or "stop")."""
    out(f"\n{question.name}: {answer_hint(question.name)}")
    for _ in range(MAX_REPLIES):
        try:
            reply = ask(f"{question.name}? ").strip()
        except (EOFError, KeyboardInterrupt):
            out("")
            return None, "stop"
        if ask is input and not sys.stdin.isatty():
            out(reply)  # a piped script: show the answer after its prompt, as a terminal would
        command = reply.lower()
        if command in ("done", "quit", "exit", "q"):
            return None, "stop"
        if command in ("skip", ""):
            return None, "skip"
        if command == "back":
            return None, "back"
        if command in ("why", "?"):
            out(explain_question(question))
            continue
        if command.startswith("set ") or command == "set":
            updated = _set_fact(reply[3:].strip(), current, out)
            if updated is not None:
                return updated, "set"
            continue
        try:
            return Situation.from_any(current, **{question.name: parse_answer(reply)}), "answer"
        except ValidationError as error:
            out(describe_errors(error))
    out(f"  (no valid answer after {MAX_REPLIES} replies: skipping {question.name})")
    return None, "skip"


def _set_fact(text: str, current: Situation, out: Callable[..., None]) -> Situation | None:
    """'NAME VALUE' or 'NAME=VALUE': the situation with that fact set, or None (the problem said) when the
    name is unknown or the value invalid."""
    name, _, raw = text.replace("=", " ", 1).partition(" ")
    name, raw = name.strip().replace("-", "_"), raw.strip()
    if not name or not raw:
        out("  set takes a fact name and a value, e.g. set dev_size 5000")
        return None
    if name not in Situation.model_fields:
        hint = suggest(name, list(Situation.model_fields))
        out(f"  no fact is called {name!r}" + (f" (did you mean {hint!r}?)" if hint else ""))
        return None
    try:
        updated = Situation.from_any(current, **{name: parse_answer(raw)})
    except ValidationError as error:
        out(describe_errors(error))
        return None
    out(f"  {name} set")
    return updated


def explain_question(question: MissingFact) -> str:
    """Why a fact is asked for: what its answer would decide, and the rules that asked for it."""
    by_id = {rule.id: rule for rule in rules()}
    lines = [f"  {question.why}"]
    for rule_id in question.rules:
        rule = by_id.get(rule_id)
        lines.append(f"  asked by [{rule_id}] {rule.title} ({rule.section})" if rule else f"  asked by [{rule_id}]")
    return "\n".join(lines)


def _actions_to_explain(advice: Advice) -> list[str]:
    """The first action for each diagnosis the plan addresses (their chains differ), at most EXPLAINED_ACTIONS."""
    chosen: list[str] = []
    covered: set[str] = set()
    for action in advice.actions:
        if not chosen or not covered.issuperset(action.addresses):
            chosen.append(action.name)
            covered.update(action.addresses)
        if len(chosen) == EXPLAINED_ACTIONS:
            break
    return chosen


def answer_hint(name: str) -> str:
    """One line on a fact: its meaning and the form of an answer (e.g. 'a fraction or a percentage such as 8%')."""
    field = Situation.model_fields[name]
    return f"{field.description} ({_form(field.annotation)}; or {COMMANDS})"


def _form(annotation: Any) -> str:
    """The form of an answer to a field of this annotation, for the hint."""
    annotation, metadata = unwrap_annotation(annotation)
    origin = typing.get_origin(annotation)
    if any(getattr(item, "func", None) is parse_fraction for item in metadata):
        return "a fraction or a percentage, e.g. 8% or 0.08"
    if annotation is bool:
        return "yes or no"
    if annotation is int:
        return "a whole number"
    if annotation is str:
        return "a label, e.g. web"
    if origin is typing.Literal:
        return "one of " + ", ".join(str(choice) for choice in typing.get_args(annotation))
    if origin is dict:
        return "a mapping, e.g. {name: value}"
    if origin is list:
        return "a list, e.g. [a, b]"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "a mapping of " + ", ".join(annotation.model_fields)
    return "a value"
