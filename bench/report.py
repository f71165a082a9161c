"""Summaries and Markdown tables of the samples of run_job_vs_pywinrm."""

import statistics
from dataclasses import asdict

from bench.variants import FIRST_COMMAND, SEEN_FINISHED, Sample
from winrm_sim.settings import LATENCY_PROFILES

VARIANTS = ("product", "run_ps", "floor")
OPERATIONS = ("Create", "Command", "Receive", "Send", "Signal", "Delete")

# Phases of a product run, each named with the mark that ends it. A phase starts
# at the previous mark, and the first one at the start_run call.
PRODUCT_PHASES = (
    ("start_run: store the run, enqueue the job", "start_run returned"),
    ("worker dequeues the job, forks a work horse", "work horse started the job"),
    ("work horse imports the task, connects, admits the target", "target admitted"),
    ("commit the admission, mark the run running", "run marked running"),
    ("mark step 1 running, open the shell", "shell opened"),
    ("send step 1's Command to the host", FIRST_COMMAND),
    ("ten steps", "last step finished"),
    ("delete the shell, finish the run", "run finished"),
    ("benchmark's 10 ms poll sees the finished run", SEEN_FINISHED),
)


def request_count(counters: dict[str, int]) -> int:
    """Return the number of WS-Management requests in a host's counters."""
    return sum(counters.get(name, 0) for name in OPERATIONS)


def host_delay_ms(profile: str, counters: dict[str, int]) -> float:
    """Return the delay the latency profile added for the operations counted."""
    latency = LATENCY_PROFILES[profile]
    commands = counters.get("commands_started", 0)
    # Every command line runs through cmd.exe /c, which starts powershell.exe.
    return (
        latency.request_ms * request_count(counters)
        + latency.shell_create_ms * counters.get("shells_created", 0)
        + (latency.cmd_start_ms + latency.powershell_start_ms) * commands
    )


def summarize(profile: str, samples: dict[str, list[Sample]]) -> dict:
    """Return median, min and max per variant, ratios and the product's phases."""
    summary = {name: _variant_summary(profile, samples[name]) for name in VARIANTS}
    summary["ratios"] = {
        "product/run_ps": _ratios(samples["product"], samples["run_ps"]),
        "product/floor": _ratios(samples["product"], samples["floor"]),
    }
    summary["product_phases_ms"] = _phase_medians(samples["product"])
    summary["product_write_transactions_median"] = statistics.median(
        s.write_transactions for s in samples["product"]
    )
    return summary


def _variant_summary(profile: str, samples: list[Sample]) -> dict:
    elapsed = [s.elapsed_ms for s in samples]
    counters = samples[0].host_counters
    return {
        "median_ms": statistics.median(elapsed),
        "min_ms": min(elapsed),
        "max_ms": max(elapsed),
        "first_command_median_ms": statistics.median(
            s.marks[FIRST_COMMAND] for s in samples
        ),
        "shells": counters.get("shells_created", 0),
        "commands": counters.get("commands_started", 0),
        "requests_median": statistics.median(
            request_count(s.host_counters) for s in samples
        ),
        "host_delay_median_ms": statistics.median(
            host_delay_ms(profile, s.host_counters) for s in samples
        ),
    }


def _ratios(numerator: list[Sample], denominator: list[Sample]) -> dict:
    """Return the ratio of the medians and the range of the per-round ratios."""
    per_round = [
        a.elapsed_ms / b.elapsed_ms for a, b in zip(numerator, denominator, strict=True)
    ]
    medians = statistics.median(s.elapsed_ms for s in numerator) / statistics.median(
        s.elapsed_ms for s in denominator
    )
    return {
        "of_medians": medians,
        "round_min": min(per_round),
        "round_max": max(per_round),
    }


def _phase_medians(samples: list[Sample]) -> dict[str, float]:
    phases: dict[str, float] = {}
    start = None
    for label, end in PRODUCT_PHASES:
        phases[label] = statistics.median(
            s.marks[end] - (s.marks[start] if start else 0.0) for s in samples
        )
        start = end
    phases["of the ten steps: inside shell.run, output storage included"] = (
        statistics.median(s.step_command_ms for s in samples)
    )
    return phases


def markdown_table(summaries: dict[str, dict]) -> str:
    """Return the per-profile results as one Markdown table."""
    lines = [
        "| Profile | Variant | Median ms | Min ms | Max ms | First Command ms "
        "| Shells | Requests | Host delay ms |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for profile, summary in summaries.items():
        for name in VARIANTS:
            row = summary[name]
            lines.append(
                f"| {profile} | {name} | {row['median_ms']:.0f} "
                f"| {row['min_ms']:.0f} | {row['max_ms']:.0f} "
                f"| {row['first_command_median_ms']:.0f} | {row['shells']} "
                f"| {row['requests_median']:.0f} "
                f"| {row['host_delay_median_ms']:.0f} |"
            )
    return "\n".join(lines)


def ratio_table(summaries: dict[str, dict]) -> str:
    """Return the time ratios between variants as a Markdown table."""
    lines = [
        "| Profile | Ratio | Of the medians | Lowest round | Highest round |",
        "|---|---|--:|--:|--:|",
    ]
    for profile, summary in summaries.items():
        for label, ratio in summary["ratios"].items():
            lines.append(
                f"| {profile} | {label} | {ratio['of_medians']:.2f} "
                f"| {ratio['round_min']:.2f} | {ratio['round_max']:.2f} |"
            )
    return "\n".join(lines)


def phase_table(summaries: dict[str, dict]) -> str:
    """Return the product's median phase durations as a Markdown table."""
    profiles = list(summaries)
    lines = [
        "| Product phase (median) | " + " | ".join(f"{p} ms" for p in profiles) + " |",
        "|---|" + "--:|" * len(profiles),
    ]
    labels = summaries[profiles[0]]["product_phases_ms"]
    for label in labels:
        cells = " | ".join(
            f"{summaries[p]['product_phases_ms'][label]:.0f}" for p in profiles
        )
        lines.append(f"| {label} | {cells} |")
    counts = ", ".join(
        f"{p} {summaries[p]['product_write_transactions_median']:.0f}" for p in profiles
    )
    lines.append(f"\nDatabase write transactions per product run (median): {counts}.")
    return "\n".join(lines)


def samples_as_json(samples: dict[str, list[Sample]]) -> dict[str, list[dict]]:
    """Return the raw samples without their monotonic start times."""
    result = {}
    for name, items in samples.items():
        result[name] = [
            {k: v for k, v in asdict(s).items() if k != "started"} for s in items
        ]
    return result
