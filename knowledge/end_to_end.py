"""End-to-end deep learning vs a pipeline of simpler stages: exactly one is advised, by explicit resolution."""
from __future__ import annotations

from typing import Any, Mapping

from .dsl import Ask, Recommend, Rule, Value, absent, all_of, any_of, eq, ge, known, lt, ne, setting

__all__ = ["RULES"]


def _min_stage(facts: Mapping[str, Any]) -> int:
    return min(facts["stage_examples"].values())


def _ratio(facts: Mapping[str, Any]) -> float | None:
    if not facts["end_to_end_examples"]:
        return None
    return round(_min_stage(facts) / facts["end_to_end_examples"], 9)


_PIPELINE_WINS = any_of(
    lt("end_to_end_examples", setting("min_end_to_end_examples")),
    ge("stage_data_ratio", setting("pipeline_data_ratio")),
    eq("stages_simpler", True),
)
"""When a pipeline wins: too few (x, y) pairs, far more data per stage, or much simpler stages."""

RULES: tuple[Rule, ...] = (
    Rule(
        id="end_to_end.stage_data",
        section="Whether to use end-to-end deep learning",
        title="Data per pipeline stage",
        when=known("stage_examples"),
        then=(Value("min_stage_examples", _min_stage, ("stage_examples",)),),
        because="The pipeline's smallest stage has {min_stage_examples} examples.",
    ),
    Rule(
        id="end_to_end.stage_data_ratio",
        section="Whether to use end-to-end deep learning",
        title="Stage data against end-to-end pairs",
        when=all_of(known("stage_examples"), known("end_to_end_examples")),
        then=(Value("stage_data_ratio", _ratio, ("stage_examples", "end_to_end_examples")),),
        because="Every stage has at least {stage_data_ratio} times the {end_to_end_examples} end-to-end pairs.",
    ),
    Rule(
        id="end_to_end.choose_pipeline",
        section="Whether to use end-to-end deep learning",
        title="A pipeline wins",
        when=all_of(any_of(known("end_to_end_examples"), known("stage_examples")), _PIPELINE_WINS),
        then=(Recommend("pipeline"),),
        because=(
            "A pipeline wins: end-to-end learning needs enough (x, y) pairs for the whole mapping (have "
            "{end_to_end_examples}, need {setting:min_end_to_end_examples}), and each stage here has far more data "
            "(smallest {min_stage_examples}, {stage_data_ratio} times the pairs; a pipeline wins at "
            "{setting:pipeline_data_ratio}) or is a much simpler task (stages_simpler = {stages_simpler}). Hand-designed "
            "components and simpler sub-tasks let the data you have go further."
        ),
    ),
    Rule(
        id="end_to_end.choose_end_to_end",
        section="What is end-to-end deep learning?",
        title="End-to-end wins",
        when=all_of(
            ge("end_to_end_examples", setting("min_end_to_end_examples")),
            any_of(absent("stage_data_ratio"), lt("stage_data_ratio", setting("pipeline_data_ratio"))),
            any_of(absent("stages_simpler"), ne("stages_simpler", True)),
        ),
        then=(Recommend("end_to_end"),),
        because=(
            "There are {end_to_end_examples} (x, y) pairs for the whole mapping (at least "
            "{setting:min_end_to_end_examples}) and the stages have no decisive advantage: let the data speak and "
            "learn the mapping end to end, with fewer hand-designed components."
        ),
    ),
    Rule(
        id="end_to_end.ask_pairs",
        section="Whether to use end-to-end deep learning",
        title="Ask for the end-to-end data",
        when=all_of(known("stage_examples"), absent("end_to_end_examples")),
        then=(Ask("end_to_end_examples", "The number of (x, y) pairs for the whole mapping decides between "
                                         "end-to-end learning and a pipeline.", rank=30),),
        because="Stage data is known but not the end-to-end pairs.",
    ),
)
