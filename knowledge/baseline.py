"""Build your first system quickly, then iterate."""
from __future__ import annotations

from .dsl import Ask, Recommend, Rule, absent, all_of, any_of, known

__all__ = ["RULES"]

RULES: tuple[Rule, ...] = (
    Rule(
        id="baseline.build_first_system_quickly",
        section="Build your first system quickly, then iterate",
        title="A new project: build a quick baseline",
        when=all_of(absent("train_error"), absent("dev_error"), absent("test_error"),
                    any_of(known("total_examples"), known("train_size"), known("target_examples"))),
        then=(
            Recommend("build_quick_baseline"),
            Ask("dev_error", "Once a first system runs, its training and dev errors (and a human-level error) show "
                             "whether to work on bias or variance.", rank=2),
        ),
        because=(
            "There is data but no model yet: set up a dev/test set and a metric first, build an initial system "
            "quickly, then use bias/variance analysis and error analysis to decide what to do next."
        ),
    ),
)
