"""Fork safety: a process forked while another thread is inside `advise()` works (issue 11, defect 1).

A forked child inherits every lock in the state it was in: a lock held by a thread of the parent stays held
forever in the child (that thread does not exist there). `advise_many(workers=N)` forks its pool, and users
fork too (their own process pools, pre-forking servers). Each test runs in a subprocess with a timeout: the
failure is a hang.
"""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 120  # seconds; a healthy run takes a few seconds even on a loaded machine, a deadlock never ends

BUSY = """
    import atexit, os, threading, mlstrategy as m
    busy, stop = threading.Event(), threading.Event()
    def spin():
        while not stop.is_set():
            m.advise(train_error=0.1, human_error=0.01, dev_error=0.15).actions
            busy.set()
    spinner = threading.Thread(target=spin, daemon=True)
    spinner.start()
    atexit.register(lambda: (stop.set(), spinner.join()))
    busy.wait()
"""
"""A thread inside advise() the whole time the test forks. It is stopped before the child exits: a daemon thread
still inside native code (pydantic-core validating) when the interpreter finalizes is killed by CPython with
pthread_exit, which glibc can turn into "FATAL: exception not rethrown" and an abort (CPython issue #87135; 3.14
waits instead). That is an interpreter-exit hazard of any daemon thread, not the fork safety tested here."""


def run_child(script: str) -> str:
    try:
        done = subprocess.run([sys.executable, "-c", textwrap.dedent(BUSY) + textwrap.dedent(script)],
                              capture_output=True, text=True, timeout=TIMEOUT, cwd=ROOT)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"deadlock: the child did not finish in {TIMEOUT} s") from None
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_advise_many_with_a_pool_while_another_thread_advises() -> None:
    out = run_child("""
        for _ in range(6):  # before the fix, most of these pool runs hung (a worker forked with the lock held)
            results = m.advise_many([{'train_error': 0.1, 'human_error': 0.01}] * 20, workers=2, chunksize=1)
            assert [r.primary_problem for r in results] == ['avoidable_bias'] * 20, results
        print('ok')
    """)
    assert out.split() == ["ok"]


def test_a_plain_fork_while_another_thread_advises_gives_a_working_child() -> None:
    out = run_child("""
        answers = []
        for _ in range(20):
            pid = os.fork()
            if pid == 0:  # the child: the same advice as the parent gives, from the inherited engine
                ok = m.advise(train_error=0.2, human_error=0.01, dev_error=0.21).primary_problem == 'avoidable_bias'
                os._exit(0 if ok else 3)
            answers.append(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
        print(answers.count(0))
    """)
    assert out.split() == ["20"]
