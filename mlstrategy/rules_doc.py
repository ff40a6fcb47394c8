"""The rule catalogue, generated from knowledge/: every rule with its section, conditions, conclusions, rationale.

`docs/rules.md` is this module's output (`python -m mlstrategy.rules_doc > docs/rules.md`), and so is the
fact vocabulary `docs/vocabulary.md` (`python -m mlstrategy.rules_doc vocabulary > docs/vocabulary.md`);
tests fail when a committed file is stale. Rules and facts are data, so their documentation is never
written by hand.
"""
from __future__ import annotations

from .advisor import rules
from .inference.evaluate import describe
from .knowledge.catalog import ACTIONS, DIAGNOSES
from .knowledge.dsl import Ask, Diagnose, Recommend, Rule, Value, Values
from .knowledge.sections import SECTIONS

__all__ = ["markdown", "vocabulary", "conclusion_text"]


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


def _cell(text: object) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def vocabulary() -> str:
    """The fact vocabulary as Markdown: every input fact by group with its meaning, every diagnosis, action
    and derived value, from the models and catalogues themselves (what `advise()` accepts and produces)."""
    from .facts import FACT_GROUPS, Situation
    from .inference.plan import STEPS
    from .knowledge.catalog import VALUE_TITLES

    out = [
        "# mlstrategy fact vocabulary",
        "",
        "Generated from `mlstrategy/facts.py` and `knowledge/` by "
        "`python -m mlstrategy.rules_doc vocabulary`; do not edit by hand.",
        "Names are a contract: new ones are added, none is renamed. Error levels are fractions in [0, 1] "
        "and also accept percentages such as \"8%\".",
        "",
        "## Input facts (`advise(**facts)`, situation files, command-line flags)",
    ]
    grouped = {name for names in FACT_GROUPS.values() for name in names}
    groups = dict(FACT_GROUPS)
    rest = tuple(name for name in Situation.model_fields if name not in grouped)
    if rest:
        groups["other"] = rest
    for group, names in groups.items():
        out += ["", f"### {group[:1].upper()}{group[1:]}", "", "| name | flag | meaning |", "| --- | --- | --- |"]
        for name in names:
            field = Situation.model_fields[name]
            out.append(f"| `{name}` | `--{name.replace('_', '-')}` | {_cell(field.description or '')} |")
    out += ["", "## Diagnoses (`Diagnosis.name`, `Advice.primary_problem`)", "",
            "Kinds: `target` and `problem` can be the primary problem; `caveat`, `undetermined` and `status` "
            "qualify the advice.", "", "| name | kind | stage | title | meaning |", "| --- | --- | --- | --- | --- |"]
    for info in DIAGNOSES.values():
        out.append(f"| `{info.name}` | {info.kind} | {info.stage} | {_cell(info.title)} | {_cell(info.description)} |")
    out += ["", "## Actions (`Action.name`)", "",
            f"Each action has a step of the plan: {', '.join(f'`{step}`' for step in STEPS)}.", "",
            "| name | title | meaning |", "| --- | --- | --- |"]
    for action in ACTIONS.values():
        out.append(f"| `{action.name}` | {_cell(action.title)} | {_cell(action.description)} |")
    produced: dict[str, None] = {}
    for rule in rules():
        for conclusion in rule.then:
            if isinstance(conclusion, Value):
                produced[conclusion.name] = None
            elif isinstance(conclusion, Values):
                produced[f"{conclusion.prefix}:<name>"] = None
    out += ["", "## Derived values (`Advice.values`)", "",
            "`ci_low:<name>`/`ci_high:<name>` bound a value's confidence interval and `range_low:<name>`/"
            "`range_high:<name>` its plausible range; reports show them beside the value.", "",
            "| name | title |", "| --- | --- |"]
    for name in sorted(produced):
        base, family = name.split(":", 1)[0], ":" in name
        title = VALUE_TITLES.get(base, base.replace("_", " ")) + (" of each <name>" if family else "")
        out.append(f"| `{name}` | {_cell(title)} |")
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":  # pragma: no cover
    import sys

    print(vocabulary() if sys.argv[1:] == ["vocabulary"] else markdown(), end="")
