"""Human-level performance: the Bayes proxy, what being below human level allows, and what changes near it."""
from __future__ import annotations

from typing import Any, Mapping

from .dsl import Ask, Diagnose, Recommend, Rule, Value, absent, all_of, any_of, eq, ge, gt, known, le, not_diagnosed, setting

__all__ = ["RULES", "best_human_level"]


def best_human_level(facts: Mapping[str, Any]) -> float:
    """The lowest human-level error given: a team of experts beats a typical person (the Bayes proxy)."""
    levels = list((facts.get("human_errors") or {}).values())
    if facts.get("human_error") is not None:
        levels.append(facts["human_error"])
    return min(levels)


RULES: tuple[Rule, ...] = (
    Rule(
        id="human.bayes_proxy_known",
        section="Avoidable bias",
        title="A known Bayes error is the proxy",
        when=known("bayes_error"),
        then=(Value("bayes_proxy", lambda f: f["bayes_error"], ("bayes_error",)),),
        because="A known Bayes error {bayes_error} is the lowest error any model can reach: it is used instead of human levels.",
    ),
    Rule(
        id="human.bayes_proxy_best_human",
        section="Understanding human-level performance",
        title="The best human level is the proxy for Bayes error",
        when=all_of(absent("bayes_error"), any_of(known("human_error"), known("human_errors"))),
        then=(Value("bayes_proxy", best_human_level, ("human_error", "human_errors")),),
        because=(
            "The best human-level error given, {bayes_proxy}, is the proxy for Bayes error: Bayes error is at most "
            "that low, and usually not far below it."
        ),
    ),
    Rule(
        id="human.best_human_level",
        section="Understanding human-level performance",
        title="The best human level",
        when=any_of(known("human_error"), known("human_errors")),
        then=(Value("best_human_error", best_human_level, ("human_error", "human_errors")),),
        because="The best human-level error given is {best_human_error}.",
    ),
    Rule(
        id="human.ask_human_error",
        section="Why human-level performance?",
        title="Ask for a human-level error",
        when=all_of(absent("bayes_error"), absent("human_error"), absent("human_errors"), known("train_error")),
        then=(Ask("human_error",
                  "A human-level error (the proxy for Bayes error) turns the training error into an avoidable-bias "
                  "estimate, which decides between working on bias and working on variance.", rank=5),),
        because="Without a Bayes proxy, the avoidable bias in training error {train_error} cannot be estimated.",
    ),
    Rule(
        id="human.near_human_level",
        section="Surpassing human-level performance",
        title="At or past human level",
        when=le("train_error", "bayes_proxy"),
        then=(Diagnose("near_human_level"), Recommend("error_analysis", addresses=("near_human_level",))),
        because=(
            "Training error {train_error} is at or below the Bayes proxy {bayes_proxy}: the avoidable-bias estimate is "
            "unreliable here, progress usually slows, and the usual tools give less guidance; manual error analysis "
            "shows what is left."
        ),
    ),
    Rule(
        id="human.below_human_level",
        section="Why human-level performance?",
        title="What being below human level allows",
        # people must beat the model: compared with the best human level, not with a Bayes error people cannot reach
        when=all_of(gt("dev_error", "best_human_error"), gt("train_error", "best_human_error"),
                    ge("largest_gap", setting("min_gap")), not_diagnosed("meets_target")),
        then=(Recommend("get_human_labels"), Recommend("error_analysis")),
        because=(
            "Training error {train_error} and dev error {dev_error} are still above the best human level "
            "{best_human_error}, with a gap worth acting on (the largest is {largest_gap}): while people do better "
            "than the model, they can label more data, and manual error analysis can ask why a person got an "
            "example right."
        ),
    ),
    Rule(
        id="human.beyond_human_structured",
        section="Surpassing human-level performance",
        title="Past human level on structured data",
        when=all_of(le("train_error", "bayes_proxy"), eq("structured_data", True)),
        then=(Diagnose("near_human_level"),),
        because=(
            "On structured data (ads, recommendations, loan approval) models surpassing humans is common: with "
            "far more data than a person can see, keep going, guided by error analysis and the dev set rather "
            "than by the human level."
        ),
    ),
    Rule(
        id="human.beyond_human_perception",
        section="Surpassing human-level performance",
        title="Past human level on a perception task",
        when=all_of(le("train_error", "bayes_proxy"), eq("structured_data", False)),
        then=(Diagnose("near_human_level"),),
        because=(
            "On natural perception tasks (vision, speech, language) humans are very good and surpassing them is "
            "hard: expect slow progress, and check that the human level used is the best one (e.g. a team of experts)."
        ),
    ),
)
