"""Story templates for practice cases: the projects a case can be about, and one sentence per fact.

Practice cases (`mlstrategy.practice`) are generated from the rules' conditions; these templates only say
how the generated facts read to a person. A template names its fact as `{value}`, and the renderer fills
in the value as explanations show it (error levels as percentages, counts with separators), so every fact
a question depends on appears in the story. A fact with no template here still reads, by its plain name:
a new input field gets practice cases without new text.

>>> FACT_SENTENCES["train_error"]
'The training-set error is {value}.'
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Project", "PROJECTS", "FACT_SENTENCES", "TOPIC_LEADS", "FALLBACK_SENTENCE", "NOTHING_YET"]


@dataclass(frozen=True)
class Project:
    """A project a case can be about: its story's opening, and the vocabulary its facts are drawn from."""

    name: str
    opening: str
    source: str
    """Where the plentiful training data comes from."""
    target: str
    """The distribution the team cares about (dev/test should come from it)."""
    other: str
    """A third distribution (a test set or a future data source that differs)."""
    categories: tuple[str, ...]
    """Causes of errors a team might tally in an error analysis."""
    tasks: tuple[str, ...]
    """Things one network might learn to recognise together (multi-task learning)."""
    stages: tuple[str, ...]
    """The stages of a pipeline for this project (versus learning it end to end)."""
    task_a: str
    """A related task with plenty of data (transfer learning from it)."""
    experts: tuple[str, ...] = ("a typical person", "an expert", "a team of experts")


PROJECTS: tuple[Project, ...] = (
    Project(
        "cat-photo app",
        "A start-up's app tells users whether a photo they take shows a cat.",
        "web images", "mobile photos", "blurry web images",
        ("dogs", "great cats", "blurry photos", "instagram filters"),
        ("cats", "dogs", "rabbits", "hamsters"),
        ("find the animal", "classify the crop"),
        "general image recognition (ImageNet)",
    ),
    Project(
        "Peacetopia bird detector",
        "The city of Peacetopia wants a camera system that raises an alarm when a bird flies over the city walls.",
        "security-camera footage", "footage from the city walls", "footage from a new camera model",
        ("small birds far away", "planes", "night-time footage", "rain on the lens"),
        ("birds", "planes", "drones", "balloons"),
        ("detect moving objects", "classify the object"),
        "general image recognition (ImageNet)",
    ),
    Project(
        "in-car speech recognizer",
        "A car maker builds a speech recognizer for voice commands inside the car.",
        "clean audio recordings", "audio recorded in cars", "audio from a new car model",
        ("car noise", "people talking over each other", "far-field speech", "strong accents"),
        ("wake word", "navigation command", "music command", "phone command"),
        ("audio to phonemes", "phonemes to words"),
        "general speech recognition",
    ),
    Project(
        "autonomous-driving perception team",
        "An autonomous-driving team builds the perception for a car's front camera.",
        "simulated road scenes", "front-camera road footage", "footage from another city",
        ("foggy scenes", "rear lights of other cars", "road signs partly hidden", "glare"),
        ("pedestrians", "cars", "stop signs", "traffic lights"),
        ("detect cars and pedestrians", "plan a route", "choose the steering"),
        "general image recognition (ImageNet)",
    ),
    Project(
        "radiology assistant",
        "A hospital group builds a model that flags chest X-rays showing a nodule.",
        "X-rays from a public archive", "X-rays from the group's own scanners", "X-rays from a partner hospital",
        ("tiny nodules", "scanner artefacts", "overlapping ribs", "poor contrast"),
        ("nodules", "fractures", "pneumonia", "enlarged heart"),
        ("find the bones", "find the nodule"),
        "general image recognition (ImageNet)",
    ),
)
"""The projects cases are about (the course's flight simulators, and a few more)."""


TOPIC_LEADS: dict[str, str] = {
    "error levels": "Where the errors stand:",
    "data": "The data:",
    "metrics and goals": "Metrics and goals:",
    "error analysis": "Error analysis:",
    "transfer, multi-task, end-to-end": "Other data and tasks:",
    "learning curves": "Training runs:",
}
"""The lead-in of each topic's paragraph (topics are `mlstrategy.facts.FACT_GROUPS`)."""


FACT_SENTENCES: dict[str, str] = {
    # error levels
    "human_error": "Humans get {value} of these examples wrong.",
    "human_errors": "Measured human-level errors: {value}.",
    "bayes_error": "The best error any system can reach (Bayes error) is known to be {value}.",
    "train_error": "The training-set error is {value}.",
    "train_dev_error": "On a train-dev set (a held-out slice of the training data) the error is {value}.",
    "dev_error": "The dev-set error is {value}.",
    "test_error": "The test-set error is {value}.",
    "target_error": "The product needs an error of at most {value}.",
    # data
    "train_size": "The training set has {value} examples.",
    "train_dev_size": "The train-dev set has {value} examples.",
    "dev_size": "The dev set has {value} examples.",
    "test_size": "The test set has {value} examples.",
    "total_examples": "In all there are {value} labelled examples.",
    "train_distribution": "The training data is {value}.",
    "dev_distribution": "The dev data is {value}.",
    "test_distribution": "The test data is {value}.",
    "target_examples": "There are {value} examples from the data the team cares about.",
    "other_distribution_examples": "There are {value} examples from other sources.",
    "production_distribution": "Once launched, the system will see {value}.",
    "structured_data": "The input is structured data (tables, logs): {value}.",
    # metrics and goals
    "precision": "The classifier's precision is {value}.",
    "recall": "Its recall is {value}.",
    "confusion_matrix": "Its dev-set confusion matrix: {value}.",
    "class_weights": "Some mistakes cost more; class weights: {value}.",
    "candidates": "The candidate models: {value}.",
    "tracked_metrics": "The team watches these metrics: {value}.",
    "maximize": "Higher is better for: {value}.",
    "minimize": "Lower is better for: {value}.",
    "optimizing_metric": "The metric to optimize is {value}.",
    "satisficing": "Each model must meet these bounds: {value}.",
    "metric_matches_users": "The metric ranks models the way users do: {value}.",
    "real_world_ok": "The system works as well in the real world as on dev/test: {value}.",
    # error analysis
    "error_analysis": "The team looked at misclassified dev examples by hand: {value}.",
    "train_label_errors": "Some training labels are wrong, and the errors look {value}.",
    # transfer, multi-task, end-to-end
    "task_a_examples": "A related task, {task_a}, has {value} examples.",
    "task_b_examples": "This task has {value} labelled examples of its own.",
    "same_input_type": "Both tasks take the same kind of input: {value}.",
    "low_level_features_shared": "Low-level features learned for one task help the others: {value}.",
    "tasks": "The network could learn several things at once; examples per task: {value}.",
    "can_train_big_network": "A network big enough for all of them can be trained: {value}.",
    "labels_incomplete": "Some examples lack labels for some of the tasks: {value}.",
    "end_to_end_examples": "There are {value} (input, output) pairs for the whole mapping.",
    "stage_examples": "A pipeline would have these stages, with examples for each: {value}.",
    "stages_simpler": "Each stage is a much simpler task than the whole: {value}.",
    # learning curves
    "train_curve": "The training loss per epoch: {value}.",
    "dev_curve": "The dev loss per epoch: {value}.",
}
"""One sentence per input fact; `{value}` is the fact as explanations show it, `{task_a}` etc. the project's words."""

FALLBACK_SENTENCE = "{title}: {value}."
NOTHING_YET = "The team has the idea and some data, but has measured nothing yet."
"""How a fact with no sentence above reads (`title` is its plain name)."""
