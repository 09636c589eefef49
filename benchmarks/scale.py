"""Wall time and peak memory of whole daily runs at scale, on the default runner and on a
local Dask cluster.

    python benchmarks/scale.py --rows 5000000 [--rows 1000000 ...] [--runner default|dask|both]
        [--partitions N] [--seed 11] [--keep DIR] [--json FILE]

For each size the input is generated once (in its own process, not timed, Parquet), then
each runner screens it in a fresh process through `redflag run`, with a fresh workspace
(so the first-run anomaly fit is included). Memory is sampled every half second as the
proportional set size (PSS) summed over the run's whole process tree: the run itself, the
temporary Prefect server, forked screening and rendering workers, and Dask's scheduler
and workers. PSS counts pages shared by forked processes once, so the sum is the memory
the run really occupies. Prefect's start-up is inside the wall time here.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil


def generate(rows: int, seed: int, folder: Path) -> Path:
    orders = folder / f"orders-{rows}.parquet"
    if orders.exists():
        return orders
    subprocess.run(
        [
            sys.executable, "-c",
            "import sys; from pathlib import Path; from flows.commands.generate import generate_command; "
            "generate_command(rows=int(sys.argv[1]), seed=int(sys.argv[2]), out=Path(sys.argv[3]), "
            "labels=Path(sys.argv[4]), watchlist_out=Path(sys.argv[5]))",
            str(rows), str(seed), str(orders), str(folder / f"labels-{rows}.csv"),
            str(folder / "restricted_parties.csv"),
        ],
        check=True,
    )  # fmt: skip
    return orders


def process_label(process: psutil.Process, root: psutil.Process) -> str:
    """What a process of the run's tree is, from its command line."""
    try:
        line = " ".join(process.cmdline())
    except psutil.Error:
        return "ended"
    if process.pid == root.pid:
        return "run"
    if "uvicorn" in line or "prefect.server" in line:
        return "prefect server"
    if "multiprocessing" in line or "spawn_main" in line or "forkserver" in line:
        return "dask process (scheduler, nanny or worker)"
    try:
        same = process.cmdline() == root.cmdline()
    except psutil.Error:
        same = False
    return "forked worker of the run" if same else line[:60]


class TreeMemory:
    """Peak of the summed PSS of a process and all its descendants, with the time of the
    peak and what each kind of process held then."""

    def __init__(self, pid: int, every: float = 0.5) -> None:
        self.root = psutil.Process(pid)
        self.every = every
        self.peak_mb = 0.0
        self.peak_at = 0.0  # seconds after the start
        self.peak_by_process: list[tuple[str, float]] = []
        self._started = time.perf_counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.is_set():
            total = 0
            held: list[tuple[psutil.Process, float]] = []
            try:
                processes = [self.root, *self.root.children(recursive=True)]
            except psutil.Error:
                break
            for process in processes:
                try:
                    pss = process.memory_full_info().pss
                except psutil.Error:
                    continue
                total += pss
                held.append((process, pss / 2**20))
            if total / 2**20 > self.peak_mb:
                self.peak_mb = total / 2**20
                self.peak_at = time.perf_counter() - self._started
                self.peak_by_process = [
                    (process_label(p, self.root), round(mb)) for p, mb in held if mb >= 20
                ]
            self._stop.wait(self.every)


def run_once(orders: Path, folder: Path, runner: str, partitions: int | None) -> dict:
    home = folder / f"workspace-{orders.stem}-{runner}"
    out = folder / f"run-{orders.stem}-{runner}"
    command = [
        str(Path(sys.executable).with_name("redflag")), "--workspace", str(home), "run",
        "-t", str(orders), "-w", str(folder / "restricted_parties.csv"),
        "--out", str(out), "--runner", runner, "--progress",
    ]  # fmt: skip
    if partitions:
        command += ["--partitions", str(partitions)]
    environment = {**os.environ, "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    started = time.perf_counter()
    process = subprocess.Popen(command, env=environment)
    with TreeMemory(process.pid) as memory:
        code = process.wait()
    seconds = time.perf_counter() - started
    if code != 0:
        raise SystemExit(f"the {runner} run on {orders.name} failed with exit code {code}")
    summary = json.loads((out / "run_summary.json").read_text())
    return {
        "rows": summary["counts"]["rows_read"],
        "runner": runner,
        "partitions": summary["partitions"]["count"],
        "wall_seconds": round(seconds, 1),
        "peak_memory_mb": round(memory.peak_mb),
        "peak_at_seconds": round(memory.peak_at, 1),
        "peak_by_process_mb": memory.peak_by_process,
        "stages_seconds": summary["timings_seconds"],
        "cases_opened": summary["counts"]["cases_opened"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, action="append", help="order lines (repeatable)")
    parser.add_argument("--runner", choices=["default", "dask", "both"], default="both")
    parser.add_argument("--partitions", type=int, default=None, help="default: the setting")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--keep", type=Path, default=None, help="keep inputs and outputs here")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()
    sizes = args.rows or [1_000_000]
    runners = ["default", "dask"] if args.runner == "both" else [args.runner]
    folder = args.keep or Path(tempfile.mkdtemp(prefix="redflag-scale-"))
    folder.mkdir(parents=True, exist_ok=True)
    figures = []
    for rows in sizes:
        orders = generate(rows, args.seed, folder)
        for runner in runners:
            result = run_once(orders, folder, runner, args.partitions)
            print(json.dumps(result), flush=True)
            figures.append(result)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
