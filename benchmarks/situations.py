"""The generated situations every benchmark row and the advice digest test (tests/test_digest.py) use.

Deterministic for a seed. Changing a generator here changes the digest test's inputs: regenerate its expected
digest then (`python tests/test_digest.py --write`), and say so in the commit.
"""
from __future__ import annotations

import math
import random
from typing import Any

__all__ = ["core_situations", "full_situations", "candidates_situation", "f1_candidates_situation", "categories_situation"]


def core_situations(count: int, seed: int) -> list[dict[str, Any]]:
    """Error rates only: a human level (or several, or a Bayes error), train, sometimes train-dev and test, dev."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        bayes = round(rng.uniform(0.0, 0.05), 4)
        train = round(bayes + rng.uniform(-0.005, 0.10), 4)
        train_dev = round(train + rng.uniform(0.0, 0.05), 4)
        dev = round(train_dev + rng.uniform(0.0, 0.08), 4)
        test = round(dev + rng.uniform(-0.005, 0.05), 4)
        facts: dict[str, Any] = {}
        kind = rng.random()
        if kind < 0.5:
            facts["human_error"] = bayes
        elif kind < 0.8:
            facts["human_errors"] = {"typical person": round(bayes + 0.02, 4), "expert team": bayes}
        else:
            facts["bayes_error"] = bayes
        facts["train_error"] = max(train, 0.0)
        if rng.random() < 0.4:
            facts["train_dev_error"] = train_dev
        facts["dev_error"] = dev
        if rng.random() < 0.3:
            facts["test_error"] = test
        out.append(facts)
    return out


def full_situations(count: int, seed: int) -> list[dict[str, Any]]:
    """Every topic at once: error rates with set sizes and distributions, a confusion matrix, candidates with a
    satisficing bound, an error-analysis tally, transfer, multi-task and end-to-end facts, learning curves."""
    rng = random.Random(seed + 1)
    out = []
    for facts in core_situations(count, seed + 1):
        facts = dict(facts)
        facts["train_size"] = rng.choice((10_000, 100_000, 1_000_000))
        for name in ("train_dev", "dev", "test"):
            if f"{name}_error" in facts or name == "dev":
                facts[f"{name}_size"] = rng.choice((500, 2_000, 10_000))
        facts["total_examples"] = facts["train_size"] + 2 * facts["dev_size"]
        facts["train_distribution"] = "web"
        facts["dev_distribution"] = facts["test_distribution"] = rng.choice(("web", "mobile"))
        if rng.random() < 0.3:
            facts["test_distribution"] = "camera"
        facts["production_distribution"] = rng.choice(("mobile", "web"))
        facts["target_examples"] = rng.choice((2_000, 10_000))
        facts["other_distribution_examples"] = 200_000
        facts["structured_data"] = rng.random() < 0.3
        tp, fp, fn = rng.randint(50, 500), rng.randint(0, 100), rng.randint(0, 100)
        facts["confusion_matrix"] = {"tp": tp, "fp": fp, "fn": fn, "tn": rng.randint(500, 5_000)}
        weighted = rng.random() < 0.3
        candidates = []
        for index in range(rng.randint(3, 6)):
            candidate = {"name": f"model {chr(65 + index)}", "precision": round(rng.uniform(0.8, 0.99), 3),
                         "recall": round(rng.uniform(0.8, 0.99), 3), "running_time_ms": round(rng.uniform(20, 200), 1)}
            if weighted:
                candidate["errors_by_class"] = {"porn": round(rng.uniform(0, 0.02), 4), "other": round(rng.uniform(0, 0.05), 4)}
            candidates.append(candidate)
        facts["candidates"] = candidates
        facts["satisficing"] = {"running_time_ms": {"max": 100}}
        if weighted:
            facts["class_weights"] = {"porn": 10}
        else:
            facts["tracked_metrics"] = ["precision", "recall", "running_time_ms"]
        facts["minimize"] = ["running_time_ms"]
        if rng.random() < 0.2:
            facts["metric_matches_users"] = False
        if rng.random() < 0.2:
            facts["real_world_ok"] = False
        categories = {name: rng.randint(0, 60) for name in ("dogs", "great cats", "blurry", "instagram", "night")[: rng.randint(2, 5)]}
        facts["error_analysis"] = {"examined": 100, "categories": categories, "mislabeled": rng.randint(0, 30)}
        facts["train_label_errors"] = rng.choice(("random", "systematic"))
        facts["task_a_examples"] = rng.choice((1_000_000, 10_000))
        facts["task_b_examples"] = rng.choice((100, 5_000, 100_000))
        facts["same_input_type"] = rng.random() < 0.8
        facts["low_level_features_shared"] = rng.random() < 0.8
        facts["tasks"] = {"pedestrians": rng.randint(1_000, 100_000), "cars": rng.randint(1_000, 100_000),
                          "stop signs": rng.randint(100, 100_000)}
        facts["can_train_big_network"] = rng.random() < 0.7
        facts["labels_incomplete"] = rng.random() < 0.5
        facts["end_to_end_examples"] = rng.choice((3_000, 100_000, 10_000_000))
        facts["stage_examples"] = {"detect face": rng.choice((10_000, 1_000_000)), "identify": rng.choice((10_000, 1_000_000))}
        facts["stages_simpler"] = rng.random() < 0.5
        epochs = rng.randint(10, 30)
        start, floor = rng.uniform(0.5, 2.0), rng.uniform(0.01, 0.4)
        facts["train_curve"] = [round(floor + (start - floor) * math.exp(-i / rng.uniform(3, 15)), 5) for i in range(epochs)]
        best = rng.randint(epochs // 2, epochs - 1)
        facts["dev_curve"] = [round(v * 1.2 + (0.02 * (i - best) if i > best else 0.0), 5)
                              for i, v in enumerate(facts["train_curve"])]
        out.append(facts)
    return out


def candidates_situation(count: int, seed: int = 1) -> dict[str, Any]:
    """`count` candidates with accuracy and running time, optimizing accuracy subject to running time <= 100 ms."""
    rng = random.Random(seed)
    return {"human_error": 0.01, "train_error": 0.05, "dev_error": 0.08, "dev_size": 5_000,
            "candidates": [{"name": f"model {i:05d}", "accuracy": round(rng.uniform(0.8, 0.99), 4),
                            "running_time_ms": round(rng.uniform(20, 200), 1)} for i in range(count)],
            "satisficing": {"running_time_ms": {"max": 100}}}


def f1_candidates_situation(count: int, seed: int = 1) -> dict[str, Any]:
    """`count` candidates with precision and recall (so the engine derives an F1 per candidate)."""
    rng = random.Random(seed)
    return {"human_error": 0.01, "train_error": 0.05, "dev_error": 0.08,
            "candidates": [{"name": f"model {i:05d}", "precision": round(rng.uniform(0.8, 0.99), 4),
                            "recall": round(rng.uniform(0.8, 0.99), 4), "running_time_ms": round(rng.uniform(20, 200), 1)}
                           for i in range(count)],
            "satisficing": {"running_time_ms": {"max": 100}}}


def categories_situation(count: int, seed: int = 2) -> dict[str, Any]:
    """An error-analysis tally of `count` categories over 100,000 examined errors."""
    rng = random.Random(seed)
    return {"human_error": 0.01, "train_error": 0.05, "dev_error": 0.08,
            "error_analysis": {"examined": 100_000, "mislabeled": 500,
                               "categories": {f"category {i:05d}": rng.randint(0, 100_000 // count) for i in range(count)}}}
