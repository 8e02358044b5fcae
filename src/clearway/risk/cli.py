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
from clearway.core.phrases import Phrase, PhraseSet
from clearway.platform.cli_support import N_, _, number, reader
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
                message = _step(message)
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
    from clearway.risk.learning.repetition import COUNT_MODES

    if correction not in CORRECTIONS or medians not in ("labelled", "all") or counts not in COUNT_MODES:
        console.print(
            "[red]TRAIN_SETTINGS[/red] "
            + _("--correction is one of %(corrections)s; --medians labelled or all")
            % {"corrections": ", ".join(CORRECTIONS)}
            + f"; --counts {', '.join(COUNT_MODES)}"
        )
        raise typer.Exit(2)
    params = {"correction": correction, "medians": medians, "counts": counts}
    with _progress(_("training")) as step:
        meta = jobs.train(mapping.load(mapping_name), inputs, model_out, step=step, params=params)
    console.print(
        _("model %(version)s on %(rows)s declarations (%(start)s – %(end)s) written to %(path)s")
        % {
            "version": f"[bold]{meta['version']}[/bold]",
            "rows": meta["rows"],
            "start": meta["data_window"]["from"],
            "end": meta["data_window"]["to"],
            "path": model_out,
        }
    )
    for share, figures in meta["metrics"].items():
        if share.endswith("%"):
            precision = number(figures["precision"], 3)
            console.print(
                "  " + _("holdout precision at %(share)s: %(precision)s") % {"share": share, "precision": precision}
            )


@app.command("import")
def import_history(
    mapping_name: MappingOpt,
    inputs: Annotated[list[Path], typer.Option("--input", help="History file (CSV or Parquet); repeatable")],
    out: Annotated[Path, typer.Option("--out", help="Parquet file to write (train, score and evaluate read it)")],
) -> None:
    """Checks history files against a mapping and stores their mapped columns in one Parquet file."""
    from clearway.risk.learning import data

    with _progress(_("importing")) as step:
        step(_("reading %(count)s file(s)") % {"count": len(inputs)})
        summary = data.import_files(inputs, mapping.load(mapping_name), out)
    rate = (
        ", " + _("fraud rate %(rate)s") % {"rate": number(float(str(summary["fraud_rate"])), 3)}
        if "fraud_rate" in summary
        else ""
    )
    console.print(
        _("%(rows)s declarations (%(start)s – %(end)s, %(labelled)s labelled%(rate)s) written to %(path)s")
        % {
            "rows": summary["rows"],
            "start": summary["from"],
            "end": summary["to"],
            "labelled": summary["labelled"],
            "rate": rate,
            "path": out,
        }
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
    with _progress(_("scoring")) as step:
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
    with _progress(_("evaluating")) as step:
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
        title=_("test %(start)s – %(end)s (%(rows)s declarations, fraud rate %(rate)s)")
        % {
            "start": result["test"]["window"]["from"],
            "end": result["test"]["window"]["to"],
            "rows": result["test"]["rows"],
            "rate": number(result["test"]["fraud_rate"], 3),
        }
    )
    for col in ("model", "inspected", "precision", "recall", "lift", "critical caught", "revenue caught"):
        table.add_column(_(col))
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
        _("precision@5%% margin over the baseline: %(at5)s; @10%%: %(at10)s. Report: %(files)s")
        % {
            "at5": _signed(result["margin_precision_at_5pct"]),
            "at10": _signed(result["margin_precision_at_10pct"]),
            "files": ", ".join(result["files"]),
        }
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
    with _progress(_("reading")) as step:
        step(_("reading %(count)s file(s)") % {"count": len(inputs)})
        frame, fraud, revenue = sim.load(mapping.load(mapping_name), inputs)
    with Progress(console=console) as bar:
        task = bar.add_task(_("simulating"), total=1)

        def advance(done: int, total: int, what: str) -> None:
            bar.update(task, completed=done, total=total, description=what)

        result = sim.simulate(frame, fraud, revenue, config, progress=advance)
    files = sim.write(out, result)
    table = Table(
        title=_("weeks at %(budget)s inspected: mean figures (normalised = against the oracle)")
        % {"budget": f"{budget:.0%}"}
    )
    for col in ("policy", "weeks", "precision", "revenue caught", "norm. precision", "norm. revenue", "explore hit"):
        table.add_column(_(col))
    for policy, f in result["summary"].items():
        table.add_row(
            policy,
            str(f["weeks"]),
            f"{f['precision']:.3f}",
            f"{f['revenue_caught']:.3f}",
            f"{f['norm_precision']:.3f}",
            f"{f['norm_revenue']:.3f}",
            _("%(explore)s vs %(model)s")
            % {"explore": f"{f['explore_hit_rate']:.3f}", "model": f"{f['model_hit_rate']:.3f}"}
            if "explore_hit_rate" in f
            else "–",
        )
    Console().print(table)
    Console().print(_("Report: %(files)s") % {"files": ", ".join(str(p) for p in files)})


def _signed(value: float) -> str:
    """A margin with its sign (+0.012), as the CLI's locale writes figures."""
    return ("+" if value >= 0 else "-") + number(abs(value), 3)


# The column headings of evaluate and simulate, extracted for translation (they are translated where printed).
N_("model"), N_("inspected"), N_("precision"), N_("recall"), N_("lift"), N_("critical caught")
N_("revenue caught"), N_("policy"), N_("weeks"), N_("norm. precision"), N_("norm. revenue"), N_("explore hit")


# The steps the learning jobs report (jobs.py writes them in English), rendered in the CLI's language.
STEPS = PhraseSet(
    (
        Phrase("risk.step.files", N_("reading {count} file(s)")),
        Phrase("risk.step.read", N_("reading {path}")),
        Phrase("risk.step.holdout", N_("checking on the latest {share} ({count} labelled declarations) as holdout")),
        Phrase("risk.step.train", N_("training on {labelled} labelled declarations ({unlabelled} unlabelled)")),
        Phrase("risk.step.model", N_("writing the model to {path}")),
        Phrase("risk.step.load", N_("loading model {path}")),
        Phrase("risk.step.score", N_("scoring {count} declarations")),
        Phrase("risk.step.ours", N_("training ours on {count} declarations ({labelled} labelled)")),
        Phrase("risk.step.baseline", N_("training the plain LightGBM baseline on the raw columns")),
        Phrase("risk.step.rank", N_("ranking {count} test declarations")),
        Phrase("risk.step.report", N_("writing the report to {path}")),
    )
)


def _step(message: str) -> str:
    return reader(STEPS)(message)


def _online() -> None:
    from clearway.risk import cli_online

    app.add_typer(cli_online.rules_app, name="rules")
    app.command("promote")(cli_online.promote)
    app.command("retire")(cli_online.retire)
    app.command("hit-rates")(cli_online.hit_rates)
    app.command("export")(cli_online.export)


_online()
