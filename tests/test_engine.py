"""The engine wrapper (mlstrategy.inference.engine): isolation, threads, rule errors, number encoding,
compile-time checks, `any_of` firing once, and durable_rules kept inside one module.

Nothing here is timed: memory is a growth check, and threads are checked for identical answers.
"""
from __future__ import annotations

import gc
import json
import os
import random
import re
import resource
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from typing import Any

import pytest

import mlstrategy as mls
from mlstrategy.inference.compile import compile_knowledge
from mlstrategy.inference.engine import Engine
from mlstrategy.knowledge import RULES
from mlstrategy.knowledge.dsl import Rule, Value, any_of, ge, gt

ROOT = Path(__file__).resolve().parent.parent
COURSE = {"human_error": 0.01, "train_error": 0.08, "dev_error": 0.10}  # the course's bias example


# ---------------------------------------------------------------- helpers
def situations(count: int, seed: int = 7) -> list[dict[str, Any]]:
    """Varied, valid situations; every one gives a training error, so some rule matches each stratum-0 fact."""
    rng = random.Random(seed)
    out: list[dict[str, Any]] = []
    for _ in range(count):
        bayes = round(rng.uniform(0.0, 0.05), 4)
        train = round(bayes + rng.uniform(0.0, 0.10), 4)
        train_dev = round(train + rng.uniform(0.0, 0.05), 4)
        dev = round(train_dev + rng.uniform(0.0, 0.08), 4)
        test = round(dev + rng.uniform(0.0, 0.05), 4)
        facts: dict[str, Any] = {"train_error": train}
        proxy = rng.choice(["human", "humans", "bayes", "none"])
        if proxy == "human":
            facts["human_error"] = bayes
        elif proxy == "humans":
            facts["human_errors"] = {"typical person": round(bayes + 0.02, 4), "expert team": bayes}
        elif proxy == "bayes":
            facts["bayes_error"] = bayes
        if rng.random() < 0.85:
            facts["dev_error"] = dev
        if rng.random() < 0.4:
            facts["train_dev_error"] = train_dev
        if rng.random() < 0.3:
            facts["test_error"] = test
        if rng.random() < 0.3:
            facts["train_distribution"] = "web"
            facts["dev_distribution"] = rng.choice(["web", "mobile"])
        if rng.random() < 0.15:
            facts["metric_matches_users"] = rng.random() < 0.5
        if rng.random() < 0.15:
            facts["real_world_ok"] = rng.random() < 0.5
        out.append(facts)
    return out


def rss_bytes() -> int:
    """Resident memory now (Linux /proc/self/statm), or the peak as a fallback elsewhere."""
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:  # pragma: no cover - not Linux
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024


def live_sids(engine: Engine, sids: range) -> list[str]:
    """The session ids whose durable_rules state still exists (get_state fails with error 309 once deleted)."""
    alive = []
    for sid in map(str, sids):
        try:
            engine._ruleset.get_state(sid)
        except Exception as error:
            assert "309" in str(error), f"unexpected engine error for sid {sid}: {error!r}"
        else:
            alive.append(sid)
    return alive


def boom(facts: Any) -> float:
    raise ZeroDivisionError("the test rule divides by zero on purpose")


BOOM = Rule(
    id="test.boom",
    section="Avoidable bias",
    title="A rule whose conclusion raises",
    when=ge("dev_error", 0.9),
    then=(Value("boom_value", boom, ("dev_error",)),),
    because="Dev error {dev_error} makes this test rule raise.",
)


# ---------------------------------------------------------------- isolation
def test_get_state_fails_for_an_unknown_sid() -> None:
    """The probe the isolation tests rely on: durable_rules reports a session without state as error 309."""
    engine = Engine(RULES)
    assert live_sids(engine, range(1, 4)) == []
    with pytest.raises(Exception, match="309"):
        engine._ruleset.get_state("1")


def test_ten_thousand_consultations_keep_memory_flat_and_leave_no_session() -> None:
    engine = Engine(RULES)  # a fresh engine: its one long-lived session is sid 1
    cases = situations(200)
    for index in range(1_000):  # warm-up: caches, interned strings, allocator arenas
        mls.advise(cases[index % len(cases)], engine=engine)
    gc.collect()
    before = rss_bytes()
    for index in range(10_000):
        mls.advise(cases[index % len(cases)], engine=engine)
    gc.collect()
    grown = rss_bytes() - before
    assert grown < 4 * 2**20, f"resident memory grew by {grown / 2**20:.1f} MB over 10,000 consultations"
    # 11,000 consultations, far past durable_rules' 1,024-session limit, in one session holding no fact of theirs
    assert live_sids(engine, range(1, 11_001 + 5)) == ["1"]
    assert engine._ruleset.get_facts("1") == [{"sid": "1", "id": "open", "t": "open"}]


def run_python(script: str, *args: str) -> Any:
    """Run `script` in a child interpreter and return the JSON it prints; a crash (segfault) fails the test."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script), *args],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )
    assert done.returncode == 0, (
        f"child exited with {done.returncode} (negative = killed by that signal; -11 is a segfault)\n{done.stderr[-3000:]}"
    )
    return json.loads(done.stdout)


# In a child process: deleting the state of a session whose facts no rule matched crashed the
# process (segfault) when tried by hand, so a change to the session handling could bring the test run down.
SESSIONS_LEFT = """
    import json, sys
    import mlstrategy as mls
    from mlstrategy.inference.engine import Engine
    from mlstrategy.knowledge import RULES

    facts, count = json.loads(sys.argv[1]), int(sys.argv[2])
    engine = Engine(RULES)  # a fresh engine: its sessions have ids 1, 2, ...
    problems = set()
    for _ in range(count):
        problems.add(mls.advise(facts, engine=engine).primary_problem)
    alive = []
    for sid in map(str, range(1, count + 2)):
        try:
            engine._ruleset.get_state(sid)
        except Exception as error:
            assert "309" in str(error), repr(error)
        else:
            alive.append(sid)
    kept = [fact for sid in alive for fact in engine._ruleset.get_facts(sid)]
    print(json.dumps({"alive": alive, "kept": kept, "problems": sorted(map(str, problems))}))
"""


@pytest.mark.parametrize(
    "facts",
    [
        pytest.param({}, id="nothing-given"),
        pytest.param({"structured_data": True}, id="a-fact-no-rule-reads"),
        pytest.param({"precision": 0.9, "recall": 0.8}, id="metrics-only"),
        pytest.param(COURSE, id="course-bias-example"),
        pytest.param({"train_error": 0.08}, id="train-error-only"),
    ],
)
def test_every_consultation_retracts_its_facts_from_the_one_session(facts: dict[str, Any]) -> None:
    """Whether or not any rule matched, one durable_rules session is alive afterwards, holding only its opening
    fact: no sid can collide with another live one, and no session count can reach durable_rules' limit."""
    found = run_python(SESSIONS_LEFT, json.dumps(facts), "3")
    assert found["alive"] == ["1"], f"sessions alive after advise({facts}) x 3: {found['alive']}"
    assert found["kept"] == [{"sid": "1", "id": "open", "t": "open"}]


def test_an_engine_error_drops_the_session_and_the_next_consultation_opens_a_new_one() -> None:
    engine = Engine(RULES + (BOOM,))
    assert mls.advise(COURSE, engine=engine).primary_problem == "avoidable_bias"
    with pytest.raises(mls.RuleError):
        mls.advise(train_error=0.5, dev_error=0.95, engine=engine)
    assert live_sids(engine, range(1, 5)) == []  # the failed consultation's session is deleted, not reused
    assert mls.advise(COURSE, engine=engine).primary_problem == "avoidable_bias"
    assert live_sids(engine, range(1, 5)) == ["2"]
    assert engine._ruleset.get_facts("2") == [{"sid": "2", "id": "open", "t": "open"}]


def test_many_consultations_where_no_rule_matches_keep_working() -> None:
    """durable_rules fails at 1,024 live sessions: leaked sessions would break the engine for good."""
    script = """
        import json
        import mlstrategy as mls
        from mlstrategy.inference.engine import Engine
        from mlstrategy.knowledge import RULES

        engine = Engine(RULES)
        done = 0
        try:
            for _ in range(1_100):
                assert mls.advise(engine=engine).primary_problem is None
                done += 1
            after = mls.advise(human_error=0.01, train_error=0.08, dev_error=0.10, engine=engine).primary_problem
            print(json.dumps({"done": done, "after": after, "error": None}))
        except mls.EngineError as error:
            print(json.dumps({"done": done, "after": None, "error": f"{error!r} caused by {error.__cause__!r}"}))
    """
    found = run_python(script)
    assert found == {"done": 1_100, "after": "avoidable_bias", "error": None}


# ---------------------------------------------------------------- threads
def test_threads_give_exactly_the_sequential_answers() -> None:
    cases = situations(60, seed=11)
    expected = [mls.advise(facts).to_dict() for facts in cases]
    results: dict[int, list[tuple[int, dict[str, Any]]]] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def work(worker: int) -> None:
        try:
            rng = random.Random(worker)
            mine = []
            start.wait()
            for _ in range(200):
                index = rng.randrange(len(cases))
                mine.append((index, mls.advise(cases[index]).to_dict()))
            results[worker] = mine
        except BaseException as error:  # reported below, never lost in the thread
            errors.append(error)

    threads = [threading.Thread(target=work, args=(worker,)) for worker in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert sorted(results) == list(range(8))
    for worker, answers in results.items():
        assert len(answers) == 200
        for index, answer in answers:
            assert answer == expected[index], f"thread {worker}, situation {cases[index]}"


# ---------------------------------------------------------------- rule errors
def test_a_failing_conclusion_is_a_rule_error_and_the_engine_recovers() -> None:
    engine = Engine(RULES + (BOOM,))
    with pytest.raises(mls.RuleError) as caught:
        mls.advise(human_error=0.01, train_error=0.08, dev_error=0.95, engine=engine)
    assert caught.value.rule_id == "test.boom"
    assert "test.boom" in str(caught.value)
    assert isinstance(caught.value.error, ZeroDivisionError)
    assert isinstance(caught.value, mls.EngineError)
    assert live_sids(engine, range(1, 2)) == []  # the failed consultation's session is deleted

    after = mls.advise(COURSE, engine=engine)
    assert after.to_dict() == mls.advise(COURSE).to_dict()
    assert after.primary_problem == "avoidable_bias"
    assert "test.boom" not in [firing.rule for firing in after.trace.firings]


def test_a_rule_error_is_raised_every_time_not_only_once() -> None:
    engine = Engine(RULES + (BOOM,))
    for _ in range(3):
        with pytest.raises(mls.RuleError, match="test.boom"):
            mls.advise(train_error=0.5, dev_error=0.95, engine=engine)
        assert mls.advise(COURSE, engine=engine).primary_problem == "avoidable_bias"


# ---------------------------------------------------------------- number encoding
GAP_NAMES = ("avoidable_bias", "variance", "data_mismatch", "dev_set_overfitting")
TINY_CASES = [
    # (facts, settings): every number below has a JSON form like 1e-07 (an exponent, no decimal point)
    ({"human_error": 1e-07, "train_error": 2e-05, "dev_error": 3e-05}, {"min_gap": 1e-06}),
    ({"human_error": 1e-07, "train_error": 2e-05, "dev_error": 0.5}, {}),
    ({"human_error": 1e-07, "train_error": 2e-05, "dev_error": 3e-05}, {}),
    ({"bayes_error": 1e-07, "train_error": 1e-06, "train_dev_error": 1e-05, "dev_error": 2e-05,
      "test_error": 3e-05}, {"min_gap": 1e-07}),
    ({"human_errors": {"expert": 1e-08, "typical": 2e-05}, "train_error": 5e-05, "dev_error": 6e-05},
     {"min_gap": 1e-06, "secondary_gap_ratio": 0.5}),
    ({"human_error": 5e-324, "train_error": 1e-300, "dev_error": 0.1}, {}),
    ({"human_error": 0.0, "train_error": 1.5e-07, "dev_error": 1.0}, {}),
]


def expected_advice(facts: dict[str, Any], settings: dict[str, Any]) -> dict[str, Any]:
    """The course formulas written plainly: the values and which gaps are worth acting on."""
    min_gap = settings.get("min_gap", 0.001)
    ratio = settings.get("secondary_gap_ratio", 0.6)
    values: dict[str, float] = {}
    if "bayes_error" in facts:
        values["bayes_proxy"] = facts["bayes_error"]
    else:
        levels = list(facts.get("human_errors", {}).values())
        if "human_error" in facts:
            levels.append(facts["human_error"])
        values["bayes_proxy"] = min(levels)
    values["avoidable_bias"] = round(facts["train_error"] - values["bayes_proxy"], 12)
    if "train_dev_error" in facts:
        values["variance"] = round(facts["train_dev_error"] - facts["train_error"], 12)
        values["data_mismatch"] = round(facts["dev_error"] - facts["train_dev_error"], 12)
    else:
        values["variance"] = round(facts["dev_error"] - facts["train_error"], 12)
    if "test_error" in facts:
        values["dev_set_overfitting"] = round(facts["test_error"] - facts["dev_error"], 12)
    gaps = GAP_NAMES
    values["largest_gap"] = max(values[name] for name in gaps if name in values)
    problems = sorted(
        name for name in gaps
        if name in values and values[name] >= min_gap and values[name] >= values["largest_gap"] * ratio
    )
    return {"values": values, "problems": problems}


def test_tiny_numbers_give_correct_advice_in_a_subprocess() -> None:
    """Run in a child process: durable_rules' C parser crashed (segfault) on `1e-07`; a crash must fail this test."""
    script = """
        import json, sys
        import mlstrategy as mls
        out = []
        for facts, settings in json.loads(sys.argv[1]):
            advice = mls.advise(facts, settings=settings)
            gaps = ("avoidable_bias", "variance", "data_mismatch", "dev_set_overfitting")
            out.append({
                "values": {k: v for k, v in advice.values.items()},
                "problems": sorted(d.name for d in advice.diagnoses if d.name in gaps),
            })
        print(json.dumps(out))
    """
    got = run_python(script, json.dumps(TINY_CASES))
    for (facts, settings), answer in zip(TINY_CASES, got, strict=True):
        want = expected_advice(facts, settings)
        compared = set(want["values"]) | set(GAP_NAMES)  # other derived values may be added to the base
        assert {k: v for k, v in answer["values"].items() if k in compared} == want["values"], (facts, settings)
        assert answer["problems"] == want["problems"], (facts, settings)


def test_tiny_cases_are_not_trivial() -> None:
    """Guard for the test above: some tiny cases diagnose a problem, some do not."""
    problems = [expected_advice(facts, settings)["problems"] for facts, settings in TINY_CASES]
    assert any(problems) and not all(problems)
    assert any("variance" in p for p in problems) and any("avoidable_bias" in p for p in problems)


# ---------------------------------------------------------------- any_of fires once
def _count_raw_firings(engine: Engine) -> list[str]:
    """Wrap the engine's per-rule actions to see how often durable_rules itself fired each rule."""
    raw: list[str] = []

    def counting(rule_id: str, action: Any) -> Any:
        def run() -> None:
            raw.append(rule_id)
            action()
        return run

    engine._actions = {rule_id: counting(rule_id, action) for rule_id, action in engine._actions.items()}
    return raw


def test_an_any_of_rule_with_several_true_branches_fires_once() -> None:
    extra = Rule(
        id="test.any",
        section="Avoidable bias",
        title="Three branches that all hold",
        # comparisons: their negation is no simple field test, so the compiler cannot make the branches exclusive
        when=any_of(gt("train_error", 0.05), gt("dev_error", 0.05), gt("test_error", 0.05)),
        then=(Value("any_hits", lambda facts: 1, ()),),
        because="test rule",
    )
    engine = Engine(RULES + (extra,))
    raw = _count_raw_firings(engine)
    facts = {"human_error": 0.01, "train_error": 0.08, "train_dev_error": 0.09, "dev_error": 0.10, "test_error": 0.2}
    advice = mls.advise(facts, engine=engine)
    assert raw.count("test.any") >= 2, "durable_rules fired it once anyway: this test no longer exercises the dedupe"
    # any_of(known(gap) for each gap): compiled to exclusive branches (known(a); absent(a) and known(b); ...)
    assert raw.count("gaps.largest") == 1
    fired = [firing.rule for firing in advice.trace.firings]
    assert fired.count("test.any") == 1
    assert fired.count("gaps.largest") == 1  # the knowledge base's own any_of: four gaps known
    assert advice.values["any_hits"] == 1
    assert advice.values["largest_gap"] == 0.1
    rule_nodes = [node for node, data in advice.graph.nodes(data=True) if data.get("rule") == "test.any"]
    assert len(rule_nodes) == 1


def test_each_rule_fires_at_most_once_per_consultation() -> None:
    for facts in situations(100, seed=3):
        fired = [firing.rule for firing in mls.advise(facts).trace.firings]
        assert len(fired) == len(set(fired)), facts


# ---------------------------------------------------------------- durable_rules stays in one module
def test_durable_rules_is_imported_only_in_the_engine_module() -> None:
    pattern = re.compile(r"^\s*(import\s+durable|from\s+durable)", re.MULTILINE)
    importers = sorted(
        path.relative_to(ROOT).as_posix()
        for folder in ("mlstrategy", "knowledge", "inference")
        for path in (ROOT / folder).rglob("*.py")
        if pattern.search(path.read_text(encoding="utf-8"))
    )
    assert importers == ["inference/engine.py"]


def test_an_engine_leaves_the_compiled_definitions_as_they_were() -> None:
    """The engine hands durable_rules a shallow copy of each rule's definition (durable deletes the 'run' key it is
    given and, we rely on it, mutates nothing nested): its compiled knowledge, read again by why_not and the rules
    documentation, must stay what the compiler made."""
    from mlstrategy.knowledge import RULES

    engine = Engine(RULES)
    assert json.dumps(engine.knowledge.definitions, sort_keys=True) == json.dumps(
        compile_knowledge(RULES).definitions, sort_keys=True)
    assert all("run" not in definition for definition in engine.knowledge.definitions.values())


# ---------------------------------------------------------------- settings written into the rules
def _trace_record(trace: Any) -> tuple:
    return (trace.facts, trace.sizes, [(f.rule, f.stratum, f.concluded, f.read_names, f.settings, f.reads)
                                       for f in trace.firings])


def _bench_situations() -> list[dict[str, Any]]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from situations import core_situations, full_situations

    return [*core_situations(150, 3), *full_situations(60, 3), *situations(60, seed=3)]


def test_an_engine_with_default_settings_folded_in_concludes_exactly_what_a_plain_one_does() -> None:
    """The default engine writes the default settings into the rules as constants (fewer fields per fact); every
    trace (values, firings, what each read, stratum sizes) is the plain engine's, and other settings are run on a
    second host with settings as fact fields, built only when first needed."""
    defaults = mls.Settings().as_fields()
    folded, plain = Engine(RULES, fold=defaults), Engine(RULES)
    assert folded._generic is None and folded.knowledge._plain is None
    for facts in _bench_situations():
        inputs = mls.Situation.from_any(facts).given()
        assert _trace_record(folded.consult(inputs, defaults)) == _trace_record(plain.consult(inputs, defaults))
    assert folded._generic is None  # the defaults never needed the second host
    assert folded.knowledge._plain is None  # nor its definitions (settings as fields): built only for other settings
    # settings written into the facts are gone from the folded host's facts, not from the plain one's
    assert not any(name.startswith("setting:") for name in folded._folded.wanted)
    assert any(name.startswith("setting:") for name in plain._wanted)
    changed = mls.Settings(min_gap=0.05).as_fields()
    retyped = {**defaults, "setting:min_end_to_end_examples": float(defaults["setting:min_end_to_end_examples"])}
    for settings in (changed, retyped):
        for facts in _bench_situations()[:40]:
            inputs = mls.Situation.from_any(facts).given()
            assert _trace_record(folded.consult(inputs, settings)) == _trace_record(plain.consult(inputs, settings))
    assert folded._generic is not None  # other settings (or the same values as other types) ran on the plain host
    assert folded.knowledge.definitions == plain.knowledge.definitions == compile_knowledge(RULES).definitions


def test_the_default_engine_builds_the_plain_definitions_only_for_a_consultation_under_other_settings() -> None:
    """The command line's engine folds the defaults in: the definitions with settings as fact fields (~2 ms to
    build) wait for the first consultation under other settings, which then advises as a plain engine does."""
    facts = {"human_error": 0.01, "train_error": 0.08, "dev_error": 0.1, "dev_size": 500, "train_dev_error": 0.09}
    engine = Engine(RULES, fold=mls.Settings().as_fields())
    default = mls.advise(facts, engine=engine)
    assert engine.knowledge._plain is None and engine._generic is None
    other = mls.Settings(secondary_gap_ratio=0.1)
    lenient = mls.advise(facts, settings=other, engine=engine)
    assert engine.knowledge._plain is not None and engine._generic is not None
    plain = mls.advise(facts, settings=other, engine=Engine(RULES))
    assert lenient.to_dict() == plain.to_dict() and lenient.to_dict() != default.to_dict()


def test_every_default_setting_is_folded_and_a_setting_that_cannot_be_is_kept_as_a_field() -> None:
    from mlstrategy.inference.compile import foldable_settings

    defaults = mls.Settings().as_fields()
    assert foldable_settings(RULES, defaults) == set(defaults)
    # a value durable_rules' parser would reject as written (an exponent without a point) stays a fact field
    tiny = {**defaults, "setting:min_gap": 1e-05}
    assert "setting:min_gap" not in foldable_settings(RULES, tiny)
    definitions, folded = compile_knowledge(RULES).folded_definitions(tiny)
    assert "setting:min_gap" not in folded and '"setting:min_gap"' in json.dumps(definitions)
    engine, plain = Engine(RULES, fold=tiny), Engine(RULES)
    for facts in _bench_situations()[:60]:
        inputs = mls.Situation.from_any(facts).given()
        assert _trace_record(engine.consult(inputs, tiny)) == _trace_record(plain.consult(inputs, tiny))
    assert engine._generic is None


def test_a_setting_scaled_by_anything_but_one_is_not_folded() -> None:
    """`setting * c` with c other than 1 or -1 is left for durable_rules to compute (a product written in by us could
    differ from durable_rules' own in the last bit); `setting * -1` is exact and folded."""
    from mlstrategy.inference.compile import foldable_settings
    from mlstrategy.knowledge.dsl import Diagnose, lt, setting, times

    rule = Rule(id="test.scaled", section="2.1", when=lt("train_error", times(setting("min_gap"), 3)),
                then=(Diagnose("avoidable_bias"),), because="scaled")
    negated = Rule(id="test.negated", section="2.1", when=lt("train_error", times(setting("small_gap"), -1)),
                   then=(Diagnose("variance"),), because="negated")
    found = foldable_settings((rule, negated), {"setting:min_gap": 0.001, "setting:small_gap": 0.01})
    assert found == {"setting:small_gap"}


# ---------------------------------------------------------------- field aliases
def test_aliases_are_distinct_upper_case_names_that_no_durable_key_can_be() -> None:
    from mlstrategy.inference.engine import _aliases

    names = [f"field_{index}" for index in range(2_000)]
    aliases = _aliases(names)
    assert list(aliases) == names
    assert len(set(aliases.values())) == len(names)  # bijective base 26: A..Z, AA.., never two alike
    assert all(re.fullmatch(r"[A-Z]+", alias) for alias in aliases.values())
    assert [aliases[name] for name in names[:3]] + [aliases["field_25"], aliases["field_26"]] == ["A", "B", "C", "Z", "AA"]


def test_every_field_the_host_sees_is_an_alias_in_its_conditions_and_its_facts(monkeypatch: pytest.MonkeyPatch) -> None:
    """durable_rules sees only aliases (its rules and the asserted facts agree on them, or no rule could match);
    our own names stay in the trace. Checked on the conditions as the host is given them and on the facts sent."""
    from mlstrategy.inference import engine as engine_module

    engine = Engine(RULES)
    alias = engine._alias
    keys: set[str] = set()

    def collect(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "$m":
                    keys.add(value)
                elif not key.startswith("$"):
                    keys.add(key)
                collect(value)
        elif isinstance(node, list):
            for item in node:
                collect(item)

    for definition in engine.knowledge.definitions.values():
        renamed = engine_module._aliased_condition(definition["all"], alias)
        for part in renamed:
            tag, test = part["m"]["$and"]
            assert tag == definition["all"][0]["m"]["$and"][0]  # the stratum tag keeps its name
            collect(test)
    assert keys and keys <= set(alias.values())

    sent: list[str] = []
    real = engine_module.durable_rules_engine.assert_fact
    monkeypatch.setattr(engine_module.durable_rules_engine, "assert_fact",
                        lambda handle, text: (sent.append(text), real(handle, text))[1])
    from mlstrategy.plain import default_setting_fields

    trace = engine.consult({**COURSE, "tasks": {"a": 1_000, "b": 10}, "train_size": 10_000}, default_setting_fields())
    fields = {key for text in sent for key in json.loads(text)} - {"sid", "id", "t"}
    assert fields and fields <= set(alias.values())
    assert "avoidable_bias" in trace.facts and "tasks" in trace.inputs


def test_fields_named_like_the_engines_own_keys_are_facts_like_any_other() -> None:
    """`t` (the stratum tag), `sid` and `id` are durable_rules' keys or ours; values of those names concluded by
    one rule and compared by the next work like any other, since the host sees every field under an alias."""
    from mlstrategy.knowledge.dsl import known
    from mlstrategy.plain import default_setting_fields

    names = ("t", "sid", "id")
    make = Rule(id="test.make", section="Avoidable bias", title="Concludes odd names", when=known("train_error"),
                then=tuple(Value(name, lambda facts, k=k: facts["train_error"] * k, ("train_error",))
                           for k, name in enumerate(names, start=10)), because="{train_error}")
    reads = [Rule(id=f"test.{name}", section="Avoidable bias", title=f"Reads {name}", when=gt(name, 1),
                  then=(Value(f"{name}_seen", lambda facts, name=name: facts[name] * 2, (name,)),),
                  because=f"{{{name}}} is above 1.") for name in names]
    trace = Engine([make, *reads]).consult({"train_error": 0.1}, default_setting_fields())
    assert [trace.facts.get(f"{name}_seen") for name in names] == [None, pytest.approx(2.2), pytest.approx(2.4)]  # t = 1.0: not > 1
