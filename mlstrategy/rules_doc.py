"""The rules document (docs/rules.md), generated from knowledge/: every rule with its section, conditions,
conclusions, rationale. (The catalogue metadata itself, diagnoses and actions, is knowledge/catalog.py.)

`docs/rules.md` is this module's output (`python -m mlstrategy.rules_doc > docs/rules.md`); a test fails
when the committed file is stale. Rules are data, so their documentation is never written by hand.
"""
from __future__ import annotations

from .advisor import rules
from .inference.evaluate import describe
from .knowledge.catalog import ACTIONS, DIAGNOSES
from .knowledge.dsl import Ask, Diagnose, Recommend, Rule, Value, Values
from .knowledge.sections import SECTIONS

__all__ = ["markdown", "conclusion_text"]


def conclusion_text(conclusion: object) -> str:
    """One conclusion in words."""
    if isinstance(conclusion, Value):
        return f"value `{conclusion.name}`"
    if isinstance(conclusion, Values):
        return f"values `{conclusion.prefix}:<name>`"
    if isinstance(conclusion, Diagnose):
        kind = DIAGNOSES[conclusion.name].kind if conclusion.name in DIAGNOSES else "problem"
        return f"diagnosis `{conclusion.name}` ({kind})"
    if isinstance(conclusion, Recommend):
        target = f" for {', '.join(f'`{a}`' for a in conclusion.addresses)}" if conclusion.addresses else ""
        return f"action `{conclusion.action}`{target}"
    if isinstance(conclusion, Ask):
        return f"asks for `{conclusion.name}`"
    raise TypeError(conclusion)


def _rule(rule: Rule) -> list[str]:
    return [
        f"### `{rule.id}`: {rule.title}",
        "",
        f"- **when** {describe(rule.when)}",
        f"- **then** {', '.join(conclusion_text(c) for c in rule.then)}",
        f"- **because** {rule.because}",
        "",
    ]


def markdown() -> str:
    """The whole catalogue as Markdown, grouped by course section in the course's order."""
    listed = rules()
    out = [
        "# mlstrategy rule catalogue",
        "",
        "Generated from `knowledge/` by `python -m mlstrategy.rules_doc`; do not edit by hand.",
        f"{len(listed)} rules, {len(DIAGNOSES)} diagnoses, {len(ACTIONS)} actions.",
        "Values in braces are filled in from the facts of each consultation; `setting x` is a threshold of `Settings`.",
        "",
    ]
    for section in SECTIONS:
        members = [rule for rule in listed if rule.section == section]
        if members:
            out += [f"## {section}", ""]
            for rule in members:
                out += _rule(rule)
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":  # pragma: no cover
    print(markdown(), end="")
