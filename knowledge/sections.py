"""The headings of the course notes, in the course's order: every rule cites one of them."""
from __future__ import annotations

__all__ = ["SECTIONS", "section_order"]

SECTIONS: tuple[str, ...] = (
    "Why ML Strategy",
    "Single number evaluation metric",
    "Satisfying and Optimizing metric",
    "Train/dev/test distributions",
    "Size of the dev and test sets",
    "When to change dev/test sets and metrics",
    "Why human-level performance?",
    "Avoidable bias",
    "Understanding human-level performance",
    "Surpassing human-level performance",
    "Improving your model performance",
    "Carrying out error analysis",
    "Cleaning up incorrectly labeled data",
    "Build your first system quickly, then iterate",
    "Training and testing on different distributions",
    "Bias and Variance with mismatched data distributions",
    "Addressing data mismatch",
    "Transfer learning",
    "Multi-task learning",
    "What is end-to-end deep learning?",
    "Whether to use end-to-end deep learning",
)


def section_order(section: str) -> int:
    """The position of a section in the course (for listings in the course's order)."""
    return SECTIONS.index(section)
