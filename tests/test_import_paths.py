"""Renamed modules keep their old import paths working (thin re-exports of the same objects)."""
from __future__ import annotations

import mlstrategy as mls


def test_the_advise_module_answers_at_its_old_path() -> None:
    from mlstrategy import advisor, consult

    assert consult.advise is advisor.advise is mls.advise
    assert consult.rules is advisor.rules is mls.rules
    assert consult.default_engine is advisor.default_engine
    assert consult.default_engine() is advisor.default_engine()  # one engine per process, whichever path
