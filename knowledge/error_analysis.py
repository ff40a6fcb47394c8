"""Error analysis: ceilings per category, which categories are worth the work, and mislabeled examples."""
from __future__ import annotations

from typing import Any, Mapping

from .dsl import Ask, Const, Diagnose, Recommend, Rule, Value, Values, absent, all_of, eq, ge, gt, known, setting

__all__ = ["RULES", "ceiling", "ceilings", "ranked_categories"]


def _tally(facts: Mapping[str, Any]) -> Mapping[str, Any]:
    return facts["error_analysis"]


def _shares(facts: Mapping[str, Any]) -> dict[str, float]:
    tally = _tally(facts)
    return {name: count / tally["examined"] for name, count in (tally.get("categories") or {}).items()}


def ceiling(dev_error: float, share: float) -> float:
    """The dev error left if a category with this share of the errors were fixed completely."""
    return min(dev_error, max(0.0, round(dev_error * (1 - share), 12)))


def ceilings(facts: Mapping[str, Any]) -> dict[str, float]:
    """The ceiling of every category: dev error x (1 - its share of the errors)."""
    return {name: ceiling(facts["dev_error"], share) for name, share in _shares(facts).items()}


def ranked_categories(facts: Mapping[str, Any]) -> list[tuple[str, float]]:
    """Categories by the share of errors they could remove, largest first; ties by name (order-independent)."""
    return sorted(_shares(facts).items(), key=lambda item: (-item[1], item[0]))


def _top_share(facts: Mapping[str, Any]) -> float:
    """The largest category's share of the examined errors (0 when no category was tallied)."""
    ranked = ranked_categories(facts)
    return round(ranked[0][1], 12) if ranked else 0.0


def _focus(facts: Mapping[str, Any]) -> dict[str, Any]:
    threshold = facts["setting:min_category_share"]
    dev = facts.get("dev_error")
    worth = [
        {"category": name, "share": round(share, 12), **({"ceiling": ceiling(dev, share)} if dev is not None else {})}
        for name, share in ranked_categories(facts) if share >= threshold
    ]
    return {**worth[0], "categories": worth}


def _focus_detail(facts: Mapping[str, Any]) -> str:
    threshold = facts["setting:min_category_share"]
    dev = facts.get("dev_error")
    parts = []
    for name, share in ranked_categories(facts):
        verdict = "worth working on" if share >= threshold else "not worth weeks of work"
        left = f", ceiling {ceiling(dev, share) * 100:.4g}%" if dev is not None else ""
        parts.append(f"{name} {share * 100:.4g}% of errors{left}: {verdict}")
    return "By category: " + "; ".join(parts) + "."


RULES: tuple[Rule, ...] = (
    Rule(
        id="error_analysis.ceilings",
        section="Carrying out error analysis",
        title="The ceiling of each error category",
        when=all_of(known("error_analysis"), known("dev_error")),
        then=(Values("ceiling", ceilings, ("error_analysis", "dev_error")),),
        because=(
            "Fixing a category completely removes at most its share of the dev error: the ceiling is dev error "
            "{dev_error} x (1 - share). 5 dogs in 100 examined errors at 10% dev error leave 9.5% at best."
        ),
    ),
    Rule(
        id="error_analysis.top_category",
        section="Carrying out error analysis",
        title="The largest error category",
        when=known("error_analysis"),
        then=(Value("top_category_share", _top_share, ("error_analysis",)),),
        because="The largest category is {top_category_share} of the examined errors.",
    ),
    Rule(
        id="error_analysis.focus",
        section="Carrying out error analysis",
        title="Work on the categories that can remove most error",
        when=all_of(gt("top_category_share", 0), ge("top_category_share", setting("min_category_share"))),
        then=(Recommend("focus_error_category", params=_focus, reads=("error_analysis", "dev_error")),),
        because=(
            "Work on the categories that are at least {setting:min_category_share} of the errors, largest first: "
            "a category worth 5% of errors is rarely worth weeks of work, one worth 50% usually is."
        ),
        detail=_focus_detail,
    ),
    Rule(
        id="error_analysis.ask_dev_error",
        section="Carrying out error analysis",
        title="Ask for the dev error behind a tally",
        when=all_of(known("error_analysis"), absent("dev_error")),
        then=(Ask("dev_error", "With the dev error, each category's share becomes a ceiling: the dev error left if it "
                               "were fixed completely.", rank=3),),
        because="An error-analysis tally without the dev error gives shares but no ceilings.",
    ),
    Rule(
        id="labels.mislabeled_share",
        section="Cleaning up incorrectly labeled data",
        title="The share of dev errors due to wrong labels",
        when=known("error_analysis"),
        then=(
            Value("mislabeled_share", lambda f: round(_tally(f).get("mislabeled", 0) / _tally(f)["examined"], 12), ("error_analysis",)),
            Value("mislabeled_error", lambda f: (round(f["dev_error"] * _tally(f).get("mislabeled", 0) / _tally(f)["examined"], 12)
                                                 if f.get("dev_error") is not None else None), ("error_analysis", "dev_error")),
        ),
        because="{mislabeled_share} of the examined errors are mislabeled examples ({mislabeled_error} of dev error).",
    ),
    Rule(
        id="labels.fix_dev_test",
        section="Cleaning up incorrectly labeled data",
        title="Fix dev/test labels when they are a large share of errors",
        when=ge("mislabeled_share", setting("min_category_share")),
        then=(
            Diagnose("label_noise_significant", severity="mislabeled_error"),
            Recommend("fix_mislabeled_dev_test", addresses=("label_noise_significant",),
                      params=lambda f: {"sets": ["dev", "test"]}),
        ),
        because=(
            "Mislabeled examples are {mislabeled_share} of the examined errors ({mislabeled_error} of dev error), "
            "at least {setting:min_category_share}: a large share next to the other causes. Fix the labels, applying the same process to dev and test so "
            "they stay one distribution, and look at examples the model got right as well as wrong. The training "
            "set need not be fixed with them: training may come from a slightly different distribution."
        ),
    ),
    Rule(
        id="labels.systematic_training_errors",
        section="Cleaning up incorrectly labeled data",
        title="Systematic training-label errors need fixing",
        when=eq("train_label_errors", Const("systematic")),
        then=(Diagnose("systematic_label_errors"),
              Recommend("fix_train_labels", addresses=("systematic_label_errors",))),
        because=("Training-label errors are {train_label_errors}: deep learning is robust to random label errors but "
                 "not to systematic ones (e.g. white dogs always labelled cats), which it learns. Fix them."),
    ),
    Rule(
        id="labels.random_training_errors",
        section="Cleaning up incorrectly labeled data",
        title="Random training-label errors can stay",
        when=eq("train_label_errors", Const("random")),
        then=(Diagnose("random_label_noise"),),
        because=("Training-label errors are {train_label_errors}: deep learning is quite robust to random errors in a "
                 "large training set, so fixing them is optional, not a priority."),
    ),
)
