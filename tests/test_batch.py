"""advise_many: many situations, in input order, one bad item never losing the batch."""
from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import mlstrategy as mls

RUNS = [
    {"human_error": 0.01, "train_error": 0.08, "dev_error": 0.10},
    {"human_error": 0.075, "train_error": 0.08, "dev_error": 0.10},
    {"train_error": 8, "dev_error": 0.1},  # a percentage typed without its sign
    {"human_error": 0.0, "train_error": 0.01, "train_dev_error": 0.015, "dev_error": 0.10},
    mls.Situation(human_error=0.01, train_error=0.02, dev_error=0.03, test_error=0.1),
] * 7


def _summary(results):
    return [r.to_dict() if r else r.to_dict() for r in results]


def test_results_in_input_order_with_an_error_entry_for_the_bad_item():
    results = mls.advise_many(RUNS, chunksize=3)
    assert len(results) == len(RUNS)
    assert [r.primary_problem if r else None for r in results[:5]] == [
        "avoidable_bias", "variance", None, "data_mismatch", "dev_set_overfitting"]
    bad = results[2]
    assert not bad and bad.index == 2 and bad.error_type == "ValidationError" and "8% = 0.08" in bad.message
    assert [r.index for r in results if not r] == list(range(2, len(RUNS), 5))


def test_sequential_pool_and_any_executor_agree():
    sequential = _summary(mls.advise_many(RUNS, chunksize=4))
    assert _summary(mls.advise_many(RUNS, workers=2, chunksize=4)) == sequential
    with ThreadPoolExecutor(4) as pool:
        assert _summary(mls.advise_many(RUNS, executor=pool, chunksize=2)) == sequential
    with ProcessPoolExecutor(2) as pool:
        assert _summary(mls.advise_many(RUNS, executor=pool, chunksize=5)) == sequential
    assert sequential[0] == mls.advise(RUNS[0]).to_dict()


def test_settings_apply_to_every_item():
    results = mls.advise_many(RUNS[:2], settings={"secondary_gap_ratio": 0.25})
    assert [d.name for d in results[0].diagnoses] == ["avoidable_bias", "variance"]


def test_a_real_dask_local_cluster_gives_the_same_answers():
    """advise_many on an existing distributed engine: Dask's executor interface, two worker processes."""
    import os

    import pytest

    if os.environ.get("CI"):
        from distributed import Client, LocalCluster
    else:
        distributed = pytest.importorskip("distributed")
        Client, LocalCluster = distributed.Client, distributed.LocalCluster
    # ":0": any free port for its HTTP server (None means the default 8787, taken when two suites run at once)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        with Client(cluster) as client:
            results = mls.advise_many(RUNS, executor=client.get_executor(), chunksize=4)
    assert _summary(results) == _summary(mls.advise_many(RUNS))


def test_plain_items_give_the_situation_validation_gives_without_rebuilding_a_pools_traces():
    """Plain facts cross a pool as the given facts (no Situation pickled): each result's situation, built when
    read, is what validating the item gives, whichever way the batch ran, and building the advice does not
    rebuild the trace the pool sent."""
    plain = [{"human_error": 0.01, "train_error": "8%", "dev_error": 0.1, "human_errors": {"expert": 0.005}},
             {"dev_error": 0.2, "dev_size": 5000, "test_error": None}] * 3
    for results in (mls.advise_many(plain, chunksize=2), mls.advise_many(plain, workers=2, chunksize=2)):
        for item, advice in zip(plain, results):
            if "_compact" in vars(advice.trace):  # from the pool: still compact until something reads it
                assert "situation" not in vars(advice) and "_compact" in vars(advice.trace)
            expected = mls.Situation.model_validate(item)
            assert advice.situation == expected and advice.situation.model_fields_set == expected.model_fields_set
            assert advice.to_dict() == mls.advise(expected).to_dict()
    with ThreadPoolExecutor(2) as pool:
        shared = mls.advise_many(plain[:1], executor=pool)[0]
        shared.inputs["human_errors"]["other"] = 0.5  # the trace's mapping: the situation keeps its own
        assert shared.situation.human_errors == {"expert": 0.005}
