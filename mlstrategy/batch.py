"""Advice for many situations at once (a hyper-parameter sweep, every run of a project), in input order.

>>> from mlstrategy import advise_many
>>> results = advise_many([{"human_error": 0.01, "train_error": 0.08, "dev_error": 0.1}, {"train_error": 8}])
>>> results[0].primary_problem, bool(results[1]), results[1].error_type
('avoidable_bias', False, 'ValidationError')
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

if TYPE_CHECKING:  # pragma: no cover - concurrent.futures.process imports multiprocessing: 40-55 ms the CLI's
    from concurrent.futures import Executor  # plain `advise` never needs

from pydantic import ValidationError

from .advice import Advice
from .advisor import default_engine
from .facts import Situation, describe_errors, situation_and_given
from .plain import given_facts
from .settings import Settings

__all__ = ["advise_many", "BatchError", "AUTO_POOL_SIZE"]

AUTO_POOL_SIZE = 5_000
"""From this many situations on, on a machine of at least `AUTO_POOL_CORES` cores, `advise_many` uses a process
pool of its own (a worker per core but one). Workers send compact traces, rebuilt in the parent on first use
(pickling the full traces once cost more than consulting: a 2-worker pool was 0.55-0.64x of one process on 2
cores); with them `workers=2` beats one process on 2 cores, but by little once the results are read, so the
automatic pool still waits for 4 cores."""
AUTO_POOL_CORES = 4


@dataclass(frozen=True)
class BatchError:
    """The entry for a situation that could not be advised: its position, the error's type and message.

    It is falsy, so `[r for r in results if r]` keeps the advice only.
    """

    index: int
    error_type: str
    message: str

    def __bool__(self) -> bool:
        return False

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "error": self.error_type, "message": self.message}


def _consult_chunk(start: int, items: Sequence[Any], settings: Mapping[str, Any], compact: bool = False) -> list[tuple]:
    """Advise a chunk in this process: the situation and the engine's trace (or an error) for each item.

    `compact`: traces as plain tuples (`Engine.compact`), for a chunk that crosses a process boundary: pickling
    the trace objects cost more than consulting (measured: 42 ms out, 75 ms in, 112 ms of work per 250)."""
    chosen = Settings.from_any(settings)
    fields = chosen.as_fields()
    engine = default_engine()
    out: list[tuple] = []
    for offset, item in enumerate(items):
        try:
            # plain facts (a dict of them) need no Situation: it is built from the given facts if it is read,
            # and a pool sends back the given facts and the names set instead of pickling the model
            tried = type(item) is dict
            inputs = given_facts(item) if tried else None
            if inputs is None:
                situation, inputs = situation_and_given(item, {}, quick=not tried)
                plain = None
            else:
                situation, plain = None, (inputs, set(item))
            trace = engine.consult(inputs, fields)
            out.append(("ok", situation, engine.compact(trace) if compact else trace, plain))
        except ValidationError as error:
            out.append(("error", start + offset, "ValidationError", describe_errors(error)))  # never str(error):
            # pydantic's text formats the whole input first (gigabytes for a YAML alias bomb)
        except Exception as error:  # an engine fault on one item must not lose the batch
            out.append(("error", start + offset, type(error).__name__, str(error)))
    return out


def _progress(total: int, enabled: bool | None) -> Any:
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        return None
    from rich.progress import Progress

    bar = Progress(transient=True)
    bar.start()
    bar.add_task("advising", total=total)
    return bar


def advise_many(
    situations: Iterable[Situation | Mapping[str, Any]],
    *,
    settings: Settings | Mapping[str, Any] | None = None,
    executor: "Executor | None" = None,
    workers: int | None = None,
    progress: bool | None = None,
    chunksize: int = 250,
) -> list[Advice | BatchError]:
    """Advise every situation; results come back in input order, a `BatchError` where one could not be advised.

    - `executor`: any `concurrent.futures.Executor` (a process pool, a Dask `client.get_executor()`, Ray's);
      work is sent in chunks of `chunksize` situations.
    - `workers`: without an executor, the size of a process pool of our own; by default one is used from
      `AUTO_POOL_SIZE` situations on when the machine has `AUTO_POOL_CORES` cores or more (see there).
    - `progress`: a progress bar on standard error (default: when it is a terminal).
    """
    items = list(situations)
    chosen = Settings.from_any(settings)
    payload = chosen.model_dump()
    cores = os.cpu_count() or 1
    if executor is None and workers is None and len(items) >= AUTO_POOL_SIZE and cores >= AUTO_POOL_CORES:
        workers = cores - 1
    own_pool = executor is None and workers is not None and workers > 1
    if own_pool:
        from concurrent.futures import ProcessPoolExecutor

        executor = ProcessPoolExecutor(max_workers=workers)
    bar = _progress(len(items), progress)
    try:
        if executor is None:
            chunks = []
            for start in range(0, len(items), chunksize):
                chunks.append(_consult_chunk(start, items[start:start + chunksize], payload))
                if bar is not None:
                    bar.advance(0, len(chunks[-1]))
        else:
            futures = [executor.submit(_consult_chunk, start, items[start:start + chunksize], payload, True)
                       for start in range(0, len(items), chunksize)]
            chunks = []
            for future in futures:  # in submission order: results stay in input order
                chunks.append(future.result())
                if bar is not None:
                    bar.advance(0, len(chunks[-1]))
    finally:
        if bar is not None:
            bar.stop()
        if own_pool and executor is not None:
            executor.shutdown()
    engine = default_engine()
    fields = chosen.as_fields()
    results: list[Advice | BatchError] = []
    for chunk in chunks:
        for entry in chunk:
            if entry[0] == "ok":
                trace = entry[2] if executor is None else engine.expand(entry[2], fields, lazy=True)
                plain = entry[3]
                if plain is None:
                    results.append(Advice(entry[1], chosen, trace, engine.knowledge))
                else:  # plain facts (a dict): the Situation is built from the given facts or the item if read
                    item = items[len(results)]  # one result per item, in order
                    results.append(Advice(None, chosen, trace, engine.knowledge, plain[1], given=plain[0],
                                          source=item if isinstance(item, Mapping) else None))
            else:
                results.append(BatchError(*entry[1:]))
    return results
