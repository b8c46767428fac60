"""The speed benchmark: exodus at three scales and a 16-month run at full scale, a plain-Mesa
reference of the household side, Mesa's Boltzmann wealth model and the machine's memory-bandwidth
floor for a day, each in a fresh process on this machine; prints a table and appends it, with the
machine and the commit, to benchmarks/RESULTS.md.

    .venv/bin/python -m benchmarks.run            # the full benchmark (a few minutes)
    .venv/bin/python -m benchmarks.run --quick    # a smoke run at tiny sizes, nothing appended
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline_2022.yaml"
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
SECTION_BEGIN = "<!-- speed-benchmarks:begin -->"
SECTION_END = "<!-- speed-benchmarks:end -->"
SECTION_TITLE = "## Speed: exodus against Mesa (`python -m benchmarks.run`)"

FULL_SCALE_SECONDS = 5.0
FULL_SCALE_BYTES = 2 * 1024**3
LONG_RUN_SECONDS = 20.0
LONG_SCENARIO = ROOT / "scenarios" / "baseline_2023.yaml"
LONG_END = "2023-12-31"
"""Without a shipped baseline_2023.yaml, the 2022 baseline run on to this date (16 months)."""
REFERENCE_SPEEDUP = 30.0
SCALING_SLOPE = 1.1
"""Cost per day may grow at most as agents^1.1 between two scales: linear, plus timing noise."""

RUN_EXODUS = "import sys; from exodus.cli import main; sys.exit(main(sys.argv[1:]))"


@dataclass
class Child:
    """What a benchmark subprocess printed, how long it ran and its peak memory."""

    output: str
    wall_seconds: float
    cpu_seconds: float
    peak_bytes: int


def run_child(args: list[str]) -> Child:
    """Run one measurement in a fresh Python process; its own peak RSS comes from wait4."""
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    )
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([sys.executable, *args], cwd=ROOT, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            message = err.read().decode(errors="replace").strip().splitlines()[-5:]
            raise RuntimeError(f"{' '.join(args[:3])} failed: " + " | ".join(message))
        # ru_maxrss is in KiB on Linux
        cpu = usage.ru_utime + usage.ru_stime
        return Child(out.read().decode(), wall, cpu, usage.ru_maxrss * 1024)


def run_exodus(scale: float, out_dir: Path, *, long: bool = False) -> dict:
    """`exodus run` on the baseline at `scale`, writing its outputs like any run; `long`: the
    16-month run (baseline_2023.yaml, or the 2022 baseline run on to LONG_END)."""
    target = out_dir / f"scale_{scale:g}{'_long' if long else ''}"
    scenario = LONG_SCENARIO if long and LONG_SCENARIO.exists() else BASELINE
    argv = ["run", str(scenario), "--scale", repr(scale), "--out", str(target), "--force"]
    if long and scenario == BASELINE:
        argv += ["--set", f"end={LONG_END}"]
    child = run_child(["-c", RUN_EXODUS, *argv, "--quiet"])
    meta = json.loads((target / "meta.json").read_text())
    days = (dt.date.fromisoformat(meta["end"]) - dt.date.fromisoformat(meta["start"])).days + 1
    sim = meta["wall_seconds"]
    return {
        "scale": scale,
        "scenario": scenario.stem
        + ("" if scenario == LONG_SCENARIO or not long else f" to {LONG_END}"),
        "days": days,
        "agent_steps": meta["agent_steps"],
        "agents_per_day": meta["agent_steps"] / days,
        "command_seconds": child.wall_seconds,
        "command_cpu_seconds": child.cpu_seconds,
        "sim_seconds": sim,
        "seconds_per_day": sim / days,
        "steps_per_second": meta["agent_steps"] / sim,
        "us_per_agent_step": 1e6 * sim / meta["agent_steps"],
        "peak_bytes": child.peak_bytes,
    }


def run_module(args: list[str]) -> dict:
    """A benchmark module run in a fresh process, which prints its result as JSON."""
    child = run_child(["-m", *args])
    result = json.loads(child.output)
    result["peak_bytes"] = child.peak_bytes
    result["cpu_seconds"] = child.cpu_seconds
    result["us_per_agent_step"] = 1e6 * result["wall_seconds"] / result["agent_steps"]
    return result


def run_reference(scale: float, days: int) -> dict:
    return run_module(["benchmarks.mesa_reference", "--scale", repr(scale), "--days", str(days)])


def run_boltzmann(agents: int, steps: int) -> dict:
    return run_module(["benchmarks.boltzmann", "--agents", str(agents), "--steps", str(steps)])


def run_floor(rows: int) -> dict:
    """The memory-bandwidth floor of a day at `rows` agents (benchmarks/floor.py)."""
    child = run_child(["-m", "benchmarks.floor", "--rows", str(rows)])
    return json.loads(child.output)


# -- the machine and the code ---------------------------------------------------------------------
def machine() -> dict[str, str]:
    """Cores, memory, CPU model, load and versions: what a reader needs to compare figures."""
    cpu = "unknown"
    memory = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024**2:.1f} GiB"
                break
    except OSError:
        pass
    import mesa
    import numpy

    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return {
        "cores": str(os.cpu_count()),
        "memory": memory,
        "cpu": cpu,
        "load": load,
        "python": platform.python_version(),
        "mesa": mesa.__version__,
        "numpy": numpy.__version__,
        "commit": git_commit(),
    }


def git_commit() -> str:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--untracked-files=no")
    return f"{head} (with uncommitted changes)" if dirty else head


# -- figures and goals ----------------------------------------------------------------------------
def scaling_slopes(runs: list[dict]) -> list[tuple[float, float, float]]:
    """(scale a, scale b, slope) of log(seconds per day) against log(agents per day)."""
    ordered = sorted(runs, key=lambda r: r["agents_per_day"])
    return [
        (
            a["scale"],
            b["scale"],
            math.log(b["seconds_per_day"] / a["seconds_per_day"])
            / math.log(b["agents_per_day"] / a["agents_per_day"]),
        )
        for a, b in itertools.pairwise(ordered)
    ]


def goals(
    runs: list[dict],
    reference: dict,
    boltzmann: dict,
    long: dict | None = None,
    floor: dict | None = None,
) -> list[tuple[str, str, bool | None]]:
    """Each goal of the speed issues: (goal, measured, met); met is None for a figure without a
    goal."""
    by_scale = {r["scale"]: r for r in runs}
    out: list[tuple[str, str, bool | None]] = []
    full = by_scale.get(1.0)
    if full:
        out.append(
            (
                f"full scale, 122 days: `exodus run --scale 1` at most {FULL_SCALE_SECONDS:.0f} s",
                f"{full['command_seconds']:.1f} s ({full['command_cpu_seconds']:.1f} CPU s)",
                full["command_seconds"] <= FULL_SCALE_SECONDS,
            )
        )
        out.append(
            (
                f"full scale: peak memory at most {FULL_SCALE_BYTES / 1024**3:.0f} GiB",
                f"{full['peak_bytes'] / 1024**3:.2f} GiB",
                full["peak_bytes"] <= FULL_SCALE_BYTES,
            )
        )
        outside = full["command_seconds"] - full["sim_seconds"]
        left = (FULL_SCALE_SECONDS - outside) / full["days"]
        floor_text = (
            f", {left / floor['wall_seconds']:.1f} floor passes" if floor and left > 0 else ""
        )
        out.append(
            (
                f"what {FULL_SCALE_SECONDS:.0f} s leaves a day once the command's work outside "
                "the simulation is done (imports, scenario, outputs and plots; no goal)",
                f"{outside:.1f} s outside, so {1000 * max(left, 0.0):.1f} ms a day{floor_text}; "
                f"the simulation took {1000 * full['seconds_per_day']:.1f} ms a day "
                "(model set-up included)",
                None,
            )
        )
        if floor:
            out.append(
                (
                    "distance to the memory-bandwidth floor (a day's seconds over the floor's; "
                    "no goal)",
                    f"{full['seconds_per_day'] / floor['wall_seconds']:.0f}x wall; "
                    f"{full['command_cpu_seconds'] / full['days'] / floor['cpu_seconds']:.0f}x CPU "
                    "(the command's CPU s per day, start-up included)",
                    None,
                )
            )
    if long:
        out.append(
            (
                f"scale {long['scale']:g}, {long['days']} days ({long['scenario']}) at most "
                f"{LONG_RUN_SECONDS:.0f} s",
                f"{long['command_seconds']:.1f} s ({long['command_cpu_seconds']:.1f} CPU s)",
                long["command_seconds"] <= LONG_RUN_SECONDS,
            )
        )
    same = by_scale.get(reference["scale"])
    if same:
        ratio = reference["us_per_agent_step"] / same["us_per_agent_step"]
        out.append(
            (
                f"exodus at least {REFERENCE_SPEEDUP:.0f}x faster per agent-step than the plain-Mesa "
                f"household side at scale {reference['scale']:g}",
                f"{ratio:.0f}x",
                ratio >= REFERENCE_SPEEDUP,
            )
        )
    largest = max(runs, key=lambda r: r["agents_per_day"])
    out.append(
        (
            f"one exodus agent-day (scale {largest['scale']:g}) cheaper than one Boltzmann agent-step",
            f"{largest['us_per_agent_step']:.3f} us vs {boltzmann['us_per_agent_step']:.3f} us",
            largest["us_per_agent_step"] < boltzmann["us_per_agent_step"],
        )
    )
    slopes = scaling_slopes(runs)
    if slopes:
        worst = max(s for _, _, s in slopes)
        text = ", ".join(f"{a:g}->{b:g}: {s:.2f}" for a, b, s in slopes)
        out.append(
            (
                f"cost per day grows no faster than linearly (log-log slope <= {SCALING_SLOPE})",
                text,
                worst <= SCALING_SLOPE,
            )
        )
    return out


def report(
    runs: list[dict],
    reference: dict,
    boltzmann: dict,
    info: dict[str, str],
    long: dict | None = None,
    floor: dict | None = None,
) -> str:
    """The Markdown block printed and appended to RESULTS.md."""
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"### {now}, commit {info['commit']}",
        "",
        f"Machine: {info['cores']} cores, {info['memory']}, {info['cpu']}; load average at start "
        f"{info['load']}. Python {info['python']}, Mesa {info['mesa']}, numpy {info['numpy']}.",
        "",
    ]
    if float(info["load"].split()[0]) > 1.0:
        lines += [
            "The machine was busy with other work when this ran (load average above 1): wall "
            "times are longer than on an idle machine; CPU s shows the work itself.",
            "",
        ]
    lines += [
        "| run | agents per day | s per simulated day | agent-steps per s | us per agent-step "
        "| wall s | CPU s | peak memory |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in [*sorted(runs, key=lambda r: r["scale"]), *([long] if long else [])]:
        lines.append(
            f"| exodus {r['scenario']}, scale {r['scale']:g}, {r['days']} days "
            f"| {r['agents_per_day']:,.0f} "
            f"| {r['seconds_per_day']:.4f} | {r['steps_per_second']:.3g} | {r['us_per_agent_step']:.3f} "
            f"| {r['command_seconds']:.1f} (sim {r['sim_seconds']:.1f}) "
            f"| {r['command_cpu_seconds']:.1f} | {r['peak_bytes'] / 1024**3:.2f} GiB |"
        )
    ref = reference
    lines.append(
        f"| plain-Mesa household side, scale {ref['scale']:g}, {ref['days']} days "
        f"| {ref['households']:,} | {ref['wall_seconds'] / ref['days']:.4f} "
        f"| {1e6 / ref['us_per_agent_step']:.3g} | {ref['us_per_agent_step']:.3f} "
        f"| {ref['wall_seconds']:.1f} | {ref['cpu_seconds']:.1f} | {ref['peak_bytes'] / 1024**3:.2f} GiB |"
    )
    bz = boltzmann
    lines.append(
        f"| Mesa Boltzmann wealth, {bz['agents']:,} agents, {bz['steps']} steps | {bz['agents']:,} "
        f"| {bz['wall_seconds'] / bz['steps']:.4f} | {1e6 / bz['us_per_agent_step']:.3g} "
        f"| {bz['us_per_agent_step']:.3f} | {bz['wall_seconds']:.1f} | {bz['cpu_seconds']:.1f} "
        f"| {bz['peak_bytes'] / 1024**3:.2f} GiB |"
    )
    if floor:
        lines.append(
            f"| memory-bandwidth floor: one numpy pass over {floor['rows']:,} rows x "
            f"{floor['columns']} household columns ({floor['bytes'] / 1e6:.0f} MB, "
            f"{floor['gb_per_second']:.1f} GB/s) | {floor['rows']:,} | {floor['wall_seconds']:.4f} "
            f"| {floor['rows'] / floor['wall_seconds']:.3g} "
            f"| {1e6 * floor['wall_seconds'] / floor['rows']:.4f} | {floor['wall_seconds']:.3f} "
            f"| {floor['cpu_seconds']:.3f} | - |"
        )
    diff = [
        abs(a - b)
        for a, b in zip(
            ref["reference"]["attitude_mean"], ref["exodus"]["attitude_mean"], strict=True
        )
    ]
    lines += [
        "",
        "exodus rows: all mechanisms; seconds per day and per agent-step are the simulation's "
        "(meta.json), wall s is the whole `exodus run` command with start-up and writing outputs "
        "(the simulation alone in brackets), CPU s that process's user and system time, less "
        "sensitive to other load on the machine; agent-steps are live agents "
        "(households and migrant parties) summed over days. The plain-Mesa row times only the "
        "household side (lease renewals at the going ask, the day's search settled, attitudes "
        "with one neighbour message), one `mesa.Agent` per household stepped with `shuffle_do`. "
        f"Its town results after {ref['days']} days against exodus's: households that could not "
        f"renew {sum(ref['reference']['movers']):.0f} vs {sum(ref['exodus']['movers']):.0f}, "
        f"displaced {sum(ref['reference']['displaced']):.0f} vs "
        f"{sum(ref['exodus']['displaced']):.0f}, largest difference of a town's mean attitude "
        f"{max(diff):.4f}.",
        "",
        "| goal | measured | met |",
        "|---|---|---|",
    ]
    for goal, measured, met in goals(runs, reference, boltzmann, long, floor):
        verdict = "-" if met is None else "yes" if met else "**no**"
        lines.append(f"| {goal} | {measured} | {verdict} |")
    return "\n".join(lines) + "\n"


def append_section(block: str, path: Path, begin: str, end: str, title: str) -> None:
    """Insert the block at the end of one section of RESULTS.md (marked by `begin` and `end`),
    leaving any other section as it is; re-read just before writing and replace the file
    atomically. Every benchmark that writes RESULTS.md goes through here."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    if begin in text and end in text:
        head, tail = text.split(end, 1)
        text = head.rstrip("\n") + "\n\n" + block + "\n" + end + tail
    else:
        text = text.rstrip("\n") + f"\n\n{begin}\n{title}\n\n{block}\n{end}\n"
    staging = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    staging.write_text(text, encoding="utf-8")
    staging.replace(path)


def append_results(block: str, path: Path = RESULTS) -> None:
    """Insert the block at the end of this benchmark's section of RESULTS.md."""
    append_section(block, path, SECTION_BEGIN, SECTION_END, SECTION_TITLE)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run",
        description=" ".join(__doc__.split("\n\n")[0].split()),
    )
    parser.add_argument("--scales", type=float, nargs="+", default=[0.1, 0.2, 1.0])
    parser.add_argument("--long-scale", type=float, default=1.0, help="the 16-month run (0: none)")
    parser.add_argument("--reference-scale", type=float, default=0.1)
    parser.add_argument("--reference-days", type=int, default=15)
    parser.add_argument("--boltzmann-agents", type=int, default=10_000)
    parser.add_argument("--boltzmann-steps", type=int, default=100)
    parser.add_argument("--results", type=Path, default=RESULTS, help="file to append to")
    parser.add_argument("--no-append", action="store_true", help="print only")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, nothing appended")
    args = parser.parse_args(argv)
    if args.quick:
        args.scales, args.reference_scale, args.reference_days = [0.001, 0.002], 0.002, 3
        args.long_scale = 0.001
        args.boltzmann_agents, args.boltzmann_steps, args.no_append = 1000, 10, True

    def say(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    info = machine()
    runs = []
    with tempfile.TemporaryDirectory(prefix="exodus-bench-") as tmp:
        for scale in args.scales:
            say(f"exodus baseline at scale {scale:g} ...")
            runs.append(run_exodus(scale, Path(tmp)))
        long = None
        if args.long_scale > 0:
            say(f"exodus 16 months at scale {args.long_scale:g} ...")
            long = run_exodus(args.long_scale, Path(tmp), long=True)
    largest = max(runs, key=lambda r: r["agents_per_day"])
    say(f"memory-bandwidth floor at {largest['agents_per_day']:,.0f} rows ...")
    floor = run_floor(round(largest["agents_per_day"]))
    say(
        f"plain-Mesa household side at scale {args.reference_scale:g}, {args.reference_days} days ..."
    )
    reference = run_reference(args.reference_scale, args.reference_days)
    say(f"Boltzmann wealth, {args.boltzmann_agents} agents x {args.boltzmann_steps} steps ...")
    boltzmann = run_boltzmann(args.boltzmann_agents, args.boltzmann_steps)
    block = report(runs, reference, boltzmann, info, long, floor)
    print(block)
    if not args.no_append:
        append_results(block, args.results)
        say(f"appended to {args.results}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
