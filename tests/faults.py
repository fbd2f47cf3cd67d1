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
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from indexer.integrity import check_index
from search.store import IndexStore
from search.textindex import PREFIX

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


#: Phases of a run, in order, as the index directory shows them after the kill (see :class:`Phases`).
PHASES = ("start-up", "writing", "committed", "published", "finished")


class Phases:
    """Where a run of ``huixun index`` on a copy of a base index stands, read from the directory alone.

    - ``start-up``: the writer lock is not taken yet (imports, reading the command line);
    - ``writing``: the lock is taken, the run's commit is not visible yet;
    - ``committed``: the run's Whoosh table of contents is written (incremental: the live generation's
      next ``_MAIN_<n>.toc``; rebuild: the new generation's), not yet published;
    - ``published``: what searchers use is complete (incremental: the commit's persisted substring
      index; rebuild: ``live`` points to the new generation); the run is releasing the lock and exiting;
    - ``finished``: the run ended before the kill (not a kill).

    Whoosh writes a table of contents to a temporary file and renames it, the substring index is saved
    to a temporary folder and renamed, and ``live`` is replaced atomically: each mark appears whole.
    """

    def __init__(self, base: Path, rebuild: bool):
        live = os.readlink(base / "live")
        self.rebuild = rebuild
        self.base_live = live
        self.base_toc = max(int(p.stem.rsplit("_", 1)[1]) for p in (base / live).glob("_MAIN_*.toc"))

    def locked(self, work: Path) -> bool:
        return (work / "writer.lock.info").exists()

    def committed(self, work: Path) -> bool:
        if self.rebuild:
            gens = (gen for gen in work.glob("gen-*") if gen.name != self.base_live)
            return any(any(gen.glob("_MAIN_*.toc")) for gen in gens)
        return (work / self.base_live / f"_MAIN_{self.base_toc + 1}.toc").exists()

    def published(self, work: Path) -> bool:
        if self.rebuild:
            return os.readlink(work / "live") != self.base_live
        return (work / self.base_live / f"{PREFIX}{self.base_toc + 1}").exists()

    def of(self, work: Path, killed: bool) -> str:
        """The phase a run killed (``killed``) or ended in."""
        if not killed:
            return "finished"
        if self.published(work):
            return "published"
        if self.committed(work):
            return "committed"
        return "writing" if self.locked(work) else "start-up"

    def event(self, name: str | None) -> Callable[[Path], bool] | None:
        """The predicate of a mark by name (``None``: no mark, a moment from the start)."""
        marks = {"locked": self.locked, "committed": self.committed, "published": self.published}
        return None if name is None else marks[name]


@dataclass
class Trial:
    """The outcome of one kill trial (``problems`` empty when every expectation held)."""

    delay: float
    killed: bool
    state_after_kill: str  # "before", "after" or "other"
    converged: bool
    lock_message: bool  # the rerun named the lock the killed run left
    problems: list[str]
    phase: str = ""  # one of PHASES: where the run stood when it was killed


def kill_trial(
    base: Path, work: Path, paths: list[Path], rebuild: bool, before: State, after: State, delay: float,
    copied: bool = False, after_event: str | None = None,
) -> Trial:
    """One trial on a copy of ``base`` in ``work`` (see the module docstring); ``copied``: the caller
    already made the copy (a searcher may be reading it). The kill comes ``delay`` seconds after the
    start, or with ``after_event`` (a mark of :class:`Phases`) ``delay`` seconds after the directory shows
    that mark (if the run ends first, there is no kill)."""
    if not copied:
        copy_index(base, work)
    phases = Phases(base, rebuild)
    event = phases.event(after_event)
    proc = subprocess.Popen(index_command(paths, work, rebuild), cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if event is not None:
        while proc.poll() is None and not event(work):
            time.sleep(0.001)  # polling the directory for the mark (a bounded run: it ends or shows it)
    try:
        proc.wait(timeout=delay)  # the random moment of the kill (the run may end before it)
        killed = False
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        killed = True
    phase = phases.of(work, killed)
    problems: list[str] = []
    try:
        state = index_state(work)
    except Exception as exc:  # the live index must always open
        return Trial(delay, killed, "other", False, False, [f"the live index does not open: {exc}"], phase)
    label = "before" if state == before else "after" if state == after else "other"
    if label == "other":
        problems.append(f"after the kill the index holds {len(state)} documents, neither before nor after")
    expected = {"start-up": "before", "writing": "before", "published": "after"}.get(phase, "after")
    if phase != "committed" and label not in (expected, "other"):
        problems.append(f"killed in phase {phase}, the index shows the state {label}, not {expected}")
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
    return Trial(delay, killed, label, converged, lock_message, problems, phase)


def random_delays(rng: random.Random, count: int, duration: float) -> list[float]:
    """Kill moments spread over the whole run (start-up included), in random order."""
    return [rng.uniform(0.05, duration) for _ in range(count)]


def kill_moments(rng: random.Random, count: int, duration: float) -> list[tuple[str | None, float]]:
    """``count`` kill moments (mark of :class:`Phases` or None, seconds after it) covering the whole run:
    about half at a random time from the start (to 1.2 × ``duration``, the run's length without a kill,
    since a loaded machine runs slower), the others shortly after a random one of the marks (the lock
    taken, the commit, the publication), so that the short windows around the commit are hit too."""
    moments: list[tuple[str | None, float]] = []
    marks = ["locked", "committed", "published"]
    for n in range(count):
        if n % 2 == 0:
            moments.append((None, rng.uniform(0.05, 1.2 * duration)))
        else:
            mark = marks[(n // 2) % len(marks)]
            moments.append((mark, rng.uniform(0.0, 0.3 if mark == "locked" else 0.02)))
    rng.shuffle(moments)
    return moments
