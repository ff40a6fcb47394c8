"""End-to-end deep learning vs a pipeline of simpler stages: exactly one is advised, by explicit resolution."""
from __future__ import annotations

from typing import Any, Mapping

from .dsl import Ask, Recommend, Rule, Value, absent, all_of, any_of, eq, ge, known, lt, ne, not_recommended, setting

__all__ = ["RULES"]


def _min_stage(facts: Mapping[str, Any]) -> int:
    return min(facts["stage_examples"].values())


def _ratio(facts: Mapping[str, Any]) -> float | None:
    if not facts["end_to_end_examples"]:
        return None
    return _min_stage(facts) / facts["end_to_end_examples"]


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
        id="end_to_end.pipeline_too_few_pairs",
        section="Whether to use end-to-end deep learning",
        title="Too few (x, y) pairs for end-to-end learning",
        when=lt("end_to_end_examples", setting("min_end_to_end_examples")),
        then=(Recommend("pipeline"),),
        because=(
            "There are only {end_to_end_examples} (x, y) pairs for the whole mapping; end-to-end learning needs "
            "lots of data (here at least {setting:min_end_to_end_examples}). A pipeline of hand-designed components "
            "and simpler learned stages gets more from the data you have."
        ),
    ),
    Rule(
        id="end_to_end.pipeline_stage_data",
        section="Whether to use end-to-end deep learning",
        title="Each stage has far more data",
        when=ge("stage_data_ratio", setting("pipeline_data_ratio")),
        then=(Recommend("pipeline"),),
        because=(
            "Every pipeline stage has at least {stage_data_ratio} times the {end_to_end_examples} end-to-end pairs "
            "(smallest stage {min_stage_examples}; a pipeline wins from {setting:pipeline_data_ratio} times): "
            "like face recognition, where detecting faces and comparing identities each have far more data than "
            "(image, identity) pairs."
        ),
    ),
    Rule(
        id="end_to_end.pipeline_simpler_stages",
        section="Whether to use end-to-end deep learning",
        title="The stages are much simpler tasks",
        when=eq("stages_simpler", True),
        then=(Recommend("pipeline"),),
        because=(
            "Each stage is a much simpler task than the whole mapping (stages_simpler = {stages_simpler}): simpler "
            "sub-tasks need less data each, so a pipeline learns them better."
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
            not_recommended("pipeline"),
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
