"""The advice digest: everything a consultation shows, on a fixed set of generated situations, is unchanged.

An engine change (sessions, encoding, the firing path, caches) must not change one byte of advice: this test
hashes, per situation, `to_dict()`, every reason's text, `why_not` for every catalogued diagnosis and action
that was not concluded, `why` for every one that was, the firings (rule, stratum, conclusions, reads,
settings) and the explanation graph (nodes and edges with their attributes), and compares with
tests/data/advice_digest.json.

A change to the knowledge base (new rules, new wording) legitimately changes the advice. Then, and only then,
regenerate the expected digest and commit it with the rule change, saying why:

    python tests/test_digest.py --write

The situations come from benchmarks/situations.py (core and full, the same generators the benchmark times)
and from test_engine.situations; changing those generators also needs a regeneration.
"""
from __future__ import annotations

import hashlib
import json
import pickle
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EXPECTED = ROOT / "tests" / "data" / "advice_digest.json"
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))

import mlstrategy as mls  # noqa: E402
from mlstrategy.knowledge.catalog import ACTIONS, DIAGNOSES  # noqa: E402
from situations import (  # noqa: E402  (benchmarks/situations.py)
    candidates_situation, categories_situation, core_situations, f1_candidates_situation, full_situations,
)
from test_engine import situations as engine_situations  # noqa: E402

SEED = 20261201


def cases() -> list[dict[str, Any]]:
    """The fixed situations: 120 core, 80 full (every topic), 60 with distributions and flags, 4 larger lists."""
    return [*core_situations(120, SEED), *full_situations(80, SEED), *engine_situations(60, seed=SEED),
            candidates_situation(25), f1_candidates_situation(12), categories_situation(30),
            {"train_error": 0.3}]


def _plain(value: Any) -> Any:
    """A JSON-stable form of any value in a trace or graph (tuples as lists, sets sorted, mappings kept in order)."""
    if isinstance(value, dict):
        return [[str(key), _plain(item)] for key, item in value.items()]
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, (set, frozenset)):
        return sorted(repr(item) for item in value)
    if isinstance(value, float):
        return repr(value)
    if value is None or isinstance(value, (str, int, bool)):
        return value
    return repr(value)


def advice_record(advice: mls.Advice) -> dict[str, Any]:
    """Everything the digest covers for one consultation, as plain data."""
    concluded = {d.name for d in advice.diagnoses} | {a.name for a in advice.actions}
    graph = advice.graph
    return {
        "to_dict": advice.to_dict(),
        "reasons": [[r.rule, r.section, r.text] for item in (*advice.diagnoses, *advice.actions) for r in item.reasons],
        "why": {name: advice.why(name).to_dict() for name in sorted(concluded)},
        "why_not": {name: advice.why_not(name, kind).to_dict()
                    for kind, names in (("diagnosis", DIAGNOSES), ("action", ACTIONS))
                    for name in sorted(names) if name not in concluded},
        "firings": [[f.rule, f.stratum, [[c.kind, c.name, c.field, _plain(c.value), _plain(c.params), list(c.addresses)]
                                         for c in f.concluded], _plain(f.reads), _plain(f.settings)]
                    for f in advice.trace.firings],
        "graph": {"nodes": [[node, _plain(data)] for node, data in graph.nodes(data=True)],
                  "edges": [[a, b, _plain(data)] for a, b, data in graph.edges(data=True)]},
    }


def digests() -> list[str]:
    """One SHA-256 (first 16 hex digits) per case, in case order."""
    out = []
    for facts in cases():
        text = json.dumps(_plain(advice_record(mls.advise(facts))), ensure_ascii=False, separators=(",", ":"))
        out.append(hashlib.sha256(text.encode()).hexdigest()[:16])
    return out


def test_advice_is_identical_to_the_recorded_digest() -> None:
    expected = json.loads(EXPECTED.read_text())
    got = digests()
    assert len(got) == len(expected["cases"]), "the case list changed: regenerate (see this module's docstring)"
    changed = [index for index, (a, b) in enumerate(zip(got, expected["cases"])) if a != b]
    assert not changed, (
        f"advice changed on {len(changed)} of {len(got)} fixed situations (first: case {changed[0]}: "
        f"{cases()[changed[0]]!r}). An engine change must not change advice. If the knowledge base changed on "
        "purpose, regenerate with `python tests/test_digest.py --write` and commit the file with the rule change."
    )


def test_the_digest_covers_what_it_claims() -> None:
    """The record is not vacuous: the fixed cases conclude diagnoses, actions, why-nots and graph edges."""
    records = [advice_record(mls.advise(facts)) for facts in cases()[118:122]]  # two core, two full
    assert all(r["to_dict"]["diagnoses"] and r["why_not"] and r["graph"]["edges"] and r["firings"] for r in records)
    assert any(len(r["to_dict"]["actions"]) > 5 for r in records)


def test_a_compact_trace_expands_to_the_same_advice() -> None:
    """advise_many's process pools send traces as tuples (Engine.compact): nothing of the advice may be lost."""
    from mlstrategy.consult import default_engine

    engine = default_engine()
    for facts in cases()[::6]:
        advice = mls.advise(facts)
        trace = engine.expand(engine.compact(advice.trace), advice.trace.settings)
        assert trace.firings == advice.trace.firings and trace.facts == advice.trace.facts
        again = mls.Advice(advice.situation, advice.settings, trace, engine.knowledge)
        assert advice_record(again) == advice_record(advice), facts
        lazy = engine.expand(engine.compact(advice.trace), advice.trace.settings, lazy=True)
        later = mls.Advice(advice.situation, advice.settings, pickle.loads(pickle.dumps(lazy)), engine.knowledge)
        assert advice_record(later) == advice_record(advice), facts


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit(f"usage: python {Path(__file__).relative_to(ROOT)} --write   (records the current advice as expected)")
    found = digests()
    EXPECTED.write_text(json.dumps({
        "about": "expected advice digests for tests/test_digest.py; regenerate with: python tests/test_digest.py --write",
        "python": ".".join(map(str, sys.version_info[:3])), "cases": found}, indent=0) + "\n")
    print(f"wrote {len(found)} digests to {EXPECTED.relative_to(ROOT)}")
