"""Kill -9 trials of ``huixun index``, shared by the fast tests (tests/test_crash.py) and the campaign
runner (bench/reliability.py).

A trial copies a base index, starts the real command (``huixun index ... [--rebuild]``) in its own process,
sends it SIGKILL at a random moment, then checks the index the way an operator would: it opens,
``huixun check`` finds it consistent, its documents (ids and content hashes) equal the state before or the
state after an uninterrupted run, and re-running the same command converges to exactly that state, with a
message about the writer lock the killed run left.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from indexer.integrity import check_index
from search.store import IndexStore

REPO = Path(__file__).resolve().parent.parent
HUIXUN = str(Path(sys.executable).parent / "huixun")

State = frozenset[tuple[str, str]]


def index_state(index_dir: Path) -> State:
    """The live index's documents as (id, content hash) pairs."""
    with IndexStore(index_dir).open().searcher() as searcher:
        return frozenset((doc["id"], doc["hash"]) for doc in searcher.documents())


def copy_index(source: Path, target: Path) -> None:
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target, symlinks=True)


def index_command(paths: list[Path], index_dir: Path, rebuild: bool, workers: int = 2) -> list[str]:
    cmd = [HUIXUN, "index", *map(str, paths), "--index-dir", str(index_dir), "--workers", str(workers)]
    return cmd + (["--rebuild"] if rebuild else [])


def run_index(paths: list[Path], index_dir: Path, rebuild: bool) -> tuple[float, str]:
    """Run the command to its end; return its duration and its stderr."""
    started = time.monotonic()
    done = subprocess.run(index_command(paths, index_dir, rebuild), cwd=REPO, capture_output=True, text=True)
    if done.returncode not in (0, 1):
        raise AssertionError(f"huixun index failed: {done.stderr[-2000:]}")
    return time.monotonic() - started, done.stderr


@dataclass
class Trial:
    """The outcome of one kill trial (``problems`` empty when every expectation held)."""

    delay: float
    killed: bool
    state_after_kill: str  # "before", "after" or "other"
    converged: bool
    lock_message: bool  # the rerun named the lock the killed run left
    problems: list[str]


def kill_trial(
    base: Path, work: Path, paths: list[Path], rebuild: bool, before: State, after: State, delay: float,
    copied: bool = False,
) -> Trial:
    """One trial on a copy of ``base`` in ``work`` (see the module docstring); ``copied``: the caller
    already made the copy (a searcher may be reading it)."""
    if not copied:
        copy_index(base, work)
    proc = subprocess.Popen(index_command(paths, work, rebuild), cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        proc.wait(timeout=delay)  # the random moment of the kill (the run may end before it)
        killed = False
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        killed = True
    problems: list[str] = []
    try:
        state = index_state(work)
    except Exception as exc:  # the live index must always open
        return Trial(delay, killed, "other", False, False, [f"the live index does not open: {exc}"])
    label = "before" if state == before else "after" if state == after else "other"
    if label == "other":
        problems.append(f"after the kill the index holds {len(state)} documents, neither before nor after")
    report = check_index(work)
    if not report.ok:
        problems.append("huixun check: " + "; ".join(report.problems[:3]))
    lock_left = (work / "writer.lock.info").exists()  # the killed run held the lock
    _seconds, stderr = run_index(paths, work, rebuild)
    lock_message = "taking over the writer lock" in stderr
    if lock_left and not lock_message:
        problems.append("the rerun said nothing about the writer lock the killed run left")
    final = index_state(work)
    recheck = check_index(work)
    converged = final == after and recheck.ok
    if final != after:
        problems.append(
            f"the rerun did not converge: {len(final - after)} documents too many, {len(after - final)} "
            f"missing; its output: {stderr[-800:]!r}"
        )
    if not recheck.ok:
        problems.append("huixun check after the rerun: " + "; ".join(recheck.problems[:3]))
    return Trial(delay, killed, label, converged, lock_message, problems)


def random_delays(rng: random.Random, count: int, duration: float) -> list[float]:
    """Kill moments spread over the whole run (start-up included), in random order."""
    return [rng.uniform(0.05, duration) for _ in range(count)]
