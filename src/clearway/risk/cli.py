"""``clearway risk``: train, score and evaluate models on history files; promote a model; manage rules."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from clearway.core.issues import DomainError
from clearway.platform.cli_support import _
from clearway.risk.learning import jobs, mapping

app = typer.Typer(help="Risk engine: models on history, selectivity rules, watchlists.", no_args_is_help=True)
console = Console(stderr=True)

MappingOpt = Annotated[str, typer.Option("--mapping", help="Shipped mapping name (e.g. kcs) or a mapping YAML file")]


@contextmanager
def _progress(title: str) -> Iterator[jobs.Step]:
    """Shows the job's steps with a spinner; turns domain errors into a clear message and exit code 2."""
    try:
        with console.status(title) as status:

            def step(message: str) -> None:
                console.log(message)
                status.update(f"{title}: {message}")

            yield step
    except DomainError as exc:
        console.print(f"[red]{exc.code}[/red] {exc.message}")
        raise typer.Exit(2) from None


@app.command("train")
def train(
    mapping_name: MappingOpt,
    inputs: Annotated[list[Path], typer.Option("--input", help="Labelled history file (CSV or Parquet); repeatable")],
    model_out: Annotated[Path, typer.Option("--model-out", help="Directory to write the model to")],
    correction: Annotated[
        str,
        typer.Option("--correction", help="How labels chosen by a policy are corrected: ipw, none, soft or anchor"),
    ] = "ipw",
    medians: Annotated[
        str, typer.Option("--medians", help="Value medians from the 'labelled' (inspected) rows or from 'all'")
    ] = "labelled",
    counts: Annotated[
        str,
        typer.Option(
            "--counts",
            help="Repetition counts from every declaration, inspected or not: off, before (training rows count the "
            "declarations before them) or others (every other one)",
        ),
    ] = "off",
) -> None:
    """Trains a risk model on labelled history files and writes it, with its metadata, to a directory."""
    from clearway.risk.learning.estimators import CORRECTIONS
    from clearway.risk.learning.features import COUNT_MODES

    if correction not in CORRECTIONS or medians not in ("labelled", "all") or counts not in COUNT_MODES:
        console.print(
            f"[red]TRAIN_SETTINGS[/red] --correction is one of {', '.join(CORRECTIONS)}; --medians labelled or all; "
            f"--counts one of {', '.join(COUNT_MODES)}"
        )
        raise typer.Exit(2)
    params = {"correction": correction, "medians": medians, "counts": counts}
    with _progress("training") as step:
        meta = jobs.train(mapping.load(mapping_name), inputs, model_out, step=step, params=params)
    console.print(
        f"model [bold]{meta['version']}[/bold] on {meta['rows']} declarations "
        f"({meta['data_window']['from']} – {meta['data_window']['to']}) written to {model_out}"
    )
    for share, figures in meta["metrics"].items():
        if share.endswith("%"):
            console.print(f"  holdout precision at {share}: {figures['precision']:.3f}")


@app.command("import")
def import_history(
    mapping_name: MappingOpt,
    inputs: Annotated[list[Path], typer.Option("--input", help="History file (CSV or Parquet); repeatable")],
    out: Annotated[Path, typer.Option("--out", help="Parquet file to write (train, score and evaluate read it)")],
) -> None:
    """Checks history files against a mapping and stores their mapped columns in one Parquet file."""
    from clearway.risk.learning import data

    with _progress("importing") as step:
        step(f"reading {len(inputs)} file(s)")
        summary = data.import_files(inputs, mapping.load(mapping_name), out)
    rate = f", fraud rate {summary['fraud_rate']:.3f}" if "fraud_rate" in summary else ""
    console.print(
        f"{summary['rows']} declarations ({summary['from']} – {summary['to']}, {summary['labelled']} labelled{rate}) "
        f"written to {out}"
    )


OBJECTIVE_HELP = (
    "fraud (rank by probability, the default), revenue (probability × tax or value at stake) or balanced "
    "(probability × (1 + stake)^tradeoff, written as 'priority')"
)
TRADEOFF_HELP = "balanced objective's trade-off in [0, 1]: 0 = fraud, 1 = revenue"
DEFAULT_TRADEOFF = 0.2  # objectives.DEFAULT_TRADEOFF, kept here so the CLI imports no training stack


@app.command("score")
def score(
    mapping_name: MappingOpt,
    model: Annotated[Path, typer.Option("--model", help="Model directory written by 'train'")],
    input_path: Annotated[Path, typer.Option("--input", help="Declarations to score (labels are never read)")],
    output: Annotated[Path, typer.Option("--output", help="CSV to write: the id column and 'score'")],
    objective: Annotated[str, typer.Option("--objective", help=OBJECTIVE_HELP)] = "fraud",
    tradeoff: Annotated[float, typer.Option("--tradeoff", help=TRADEOFF_HELP)] = DEFAULT_TRADEOFF,
) -> None:
    """Scores declarations with a trained model; writes one row per declaration with its id and score."""
    with _progress("scoring") as step:
        result = jobs.score(
            mapping.load(mapping_name), model, input_path, output, step=step, objective=objective, tradeoff=tradeoff
        )
    console.print(
        _("%(rows)s declarations scored with model %(model)s → %(path)s")
        % {"rows": result.rows, "model": result.model_version, "path": result.output}
    )


@app.command("evaluate")
def evaluate(
    mapping_name: MappingOpt,
    inputs: Annotated[list[Path], typer.Option("--input", help="Labelled history file; repeatable")],
    test_from: Annotated[
        datetime, typer.Option("--test-from", formats=["%Y-%m-%d"], help="First day of the test window")
    ],
    out: Annotated[Path, typer.Option("--out", help="Directory for evaluation.json and evaluation.png")],
    test_to: Annotated[
        datetime | None, typer.Option("--test-to", formats=["%Y-%m-%d"], help="Day after the test window")
    ] = None,
    objective: Annotated[str, typer.Option("--objective", help=OBJECTIVE_HELP)] = "fraud",
    tradeoff: Annotated[float, typer.Option("--tradeoff", help=TRADEOFF_HELP)] = DEFAULT_TRADEOFF,
) -> None:
    """Trains on the days before --test-from, ranks the test window, compares with a plain LightGBM baseline."""
    with _progress("evaluating") as step:
        result = jobs.evaluate_split(
            mapping.load(mapping_name),
            inputs,
            out,
            test_from=test_from.date(),
            test_to=test_to.date() if test_to else None,
            step=step,
            objective=objective,
            tradeoff=tradeoff,
        )
    table = Table(
        title=f"test {result['test']['window']['from']} – {result['test']['window']['to']} "
        f"({result['test']['rows']} declarations, fraud rate {result['test']['fraud_rate']:.3f})"
    )
    for col in ("model", "inspected", "precision", "recall", "lift", "critical caught", "revenue caught"):
        table.add_column(col)
    for name, by_share in result["figures"].items():
        for share, f in by_share.items():
            table.add_row(
                name,
                share,
                f"{f['precision']:.3f}",
                f"{f['recall']:.3f}",
                f"{f['lift']:.2f}",
                f"{f['critical_caught']:.3f}" if "critical_caught" in f else "–",
                f"{f['revenue_caught']:.3f}" if "revenue_caught" in f else "–",
            )
    Console().print(table)
    Console().print(
        f"precision@5% margin over the baseline: {result['margin_precision_at_5pct']:+.3f}; "
        f"@10%: {result['margin_precision_at_10pct']:+.3f}. Report: {', '.join(result['files'])}"
    )


@app.command("model-info")
def model_info(model: Annotated[Path, typer.Option("--model", help="Model directory")]) -> None:
    """Prints a model's metadata: version, data window, metrics."""
    from clearway.risk.learning import registry

    try:
        meta = registry.read_metadata(model)
    except DomainError as exc:
        console.print(f"[red]{exc.code}[/red] {exc.message}")
        raise typer.Exit(2) from None
    shown = {k: meta[k] for k in ("version", "created_at", "data_window", "rows", "fraud_rate", "metrics") if k in meta}
    typer.echo(json.dumps(shown, indent=2))


@app.command("simulate")
def simulate(
    mapping_name: MappingOpt,
    inputs: Annotated[list[Path], typer.Option("--input", help="Fully labelled history file; repeatable")],
    out: Annotated[Path, typer.Option("--out", help="Directory for simulation.json and simulation.png")],
    budget: Annotated[float, typer.Option("--budget", help="Share inspected once the budget has fallen")] = 0.10,
    warmup_weeks: Annotated[int, typer.Option("--warmup-weeks", help="Fully inspected weeks at the start")] = 4,
    ramp_weeks: Annotated[int, typer.Option("--ramp-weeks", help="Weeks over which the budget falls")] = 4,
    policies: Annotated[
        str, typer.Option("--policies", help="Comma-separated: random, rules, model, model+explore")
    ] = "random,rules,model,model+explore",
    explore_share: Annotated[float, typer.Option("--explore-share", help="Share of the budget explored")] = 0.10,
    explore_method: Annotated[
        str,
        typer.Option(
            "--explore-method", help="random, uncertainty, novelty or bate (uncertainty × priority near the cut)"
        ),
    ] = "bate",
    explore_stake_power: Annotated[
        float | None,
        typer.Option("--explore-stake-power", help="Exploration weighted by (1 + stake)^power (default: λ; bate 0)"),
    ] = None,
    explore_pool: Annotated[
        float | None,
        typer.Option("--explore-pool", help="Explore among the next pool × budget of the ranking (0: all; bate 3)"),
    ] = None,
    objective: Annotated[str, typer.Option("--objective", help=OBJECTIVE_HELP)] = "balanced",
    tradeoff: Annotated[float, typer.Option("--tradeoff", help=TRADEOFF_HELP)] = DEFAULT_TRADEOFF,
    trees: Annotated[int, typer.Option("--trees", help="Trees per weekly model")] = 150,
    retrain_every: Annotated[int, typer.Option("--retrain-every", help="Retrain the models every n weeks")] = 1,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the random draws")] = 0,
) -> None:
    """Replays a labelled history week by week: each policy inspects within the budget and learns only what it saw."""
    from rich.progress import Progress

    from clearway.risk.learning import simulate as sim

    try:
        config = sim.SimConfig(
            warmup_weeks=warmup_weeks,
            ramp_weeks=ramp_weeks,
            budget=budget,
            policies=tuple(p.strip() for p in policies.split(",") if p.strip()),
            objective=objective,
            tradeoff=tradeoff,
            explore_share=explore_share,
            explore_method=explore_method,
            explore_stake_power=explore_stake_power,
            explore_pool=explore_pool,
            n_estimators=trees,
            retrain_every=retrain_every,
            seed=seed,
        )
        config.check()
    except (ValueError, DomainError) as exc:
        console.print(f"[red]SIMULATE_CONFIG[/red] {getattr(exc, 'message', exc)}")
        raise typer.Exit(2) from None
    with _progress("reading") as step:
        step(f"reading {len(inputs)} file(s)")
        frame, fraud, revenue = sim.load(mapping.load(mapping_name), inputs)
    with Progress(console=console) as bar:
        task = bar.add_task("simulating", total=1)

        def advance(done: int, total: int, what: str) -> None:
            bar.update(task, completed=done, total=total, description=what)

        result = sim.simulate(frame, fraud, revenue, config, progress=advance)
    files = sim.write(out, result)
    table = Table(title=f"weeks at {budget:.0%} inspected: mean figures (normalised = against the oracle)")
    for col in ("policy", "weeks", "precision", "revenue caught", "norm. precision", "norm. revenue", "explore hit"):
        table.add_column(col)
    for policy, f in result["summary"].items():
        table.add_row(
            policy,
            str(f["weeks"]),
            f"{f['precision']:.3f}",
            f"{f['revenue_caught']:.3f}",
            f"{f['norm_precision']:.3f}",
            f"{f['norm_revenue']:.3f}",
            f"{f['explore_hit_rate']:.3f} vs {f['model_hit_rate']:.3f}" if "explore_hit_rate" in f else "–",
        )
    Console().print(table)
    Console().print(f"Report: {', '.join(str(p) for p in files)}")


def _online() -> None:
    from clearway.risk import cli_online

    app.add_typer(cli_online.rules_app, name="rules")
    app.command("promote")(cli_online.promote)
    app.command("retire")(cli_online.retire)
    app.command("hit-rates")(cli_online.hit_rates)
    app.command("export")(cli_online.export)


_online()
