#!/usr/bin/env python3
"""Plot a gradsweep results folder with pandas + matplotlib.

Usage:
    python3 scripts/plot.py RESULTS_DIR [--out DIR] [--panels AXIS] [--lines AXIS] [--format png|pdf|svg]

    RESULTS_DIR   a folder written by `gradsweep run` (manifest.json, summary.csv, runs/<id>/*.csv)
    --out DIR     where to write the figures (default: RESULTS_DIR/plots)
    --panels AXIS one panel per value of this axis (default: the first axis)
    --lines AXIS  one line per value of this axis (default: the second axis)

Needs only pandas and matplotlib (`pip install pandas matplotlib`). Writes:

    loss_accuracy.png       chart 1: training loss and validation accuracy over steps, a panel per
                            value of --panels, a line per value of --lines, mean over seeds with a
                            shaded min-max band; other axes held at the best configuration
                            (highest mean final_val_accuracy in summary.csv), as report.html does.
    gradients_by_layer.png  chart 2: grad_b_norm per hidden layer (log scale) at step 0 and at each
                            run's last logged step, a line per activation x initializer (mean over
                            seeds and other axes), a row of panels per network depth.

It is also a worked example of reading the CSVs: every file opens with a plain
`pandas.read_csv(path)` (no arguments: `nan`/`inf` and empty fields are understood), and axis
values come from manifest.json. Column meanings: docs/csv-columns.md.
"""

import argparse
import json
import math
import os
import sys

import matplotlib

matplotlib.use("Agg")  # files only, no display needed
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

# Okabe & Ito colour-blind-safe palette (yellow last: weakest on white).
COLOURS = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#F0E442"]
DASHES = ["-", "--", ":", "-."]
RESULT_STATUSES = None  # any status but failed/interrupted is a result (see result_runs)


def load(results):
    """manifest (dict), runs (DataFrame: run_id, axes..., seed, status)."""
    with open(os.path.join(results, "manifest.json")) as f:
        manifest = json.load(f)
    axes = [a for a in manifest["axes"] if a != "seed"]
    rows = []
    for run in manifest["runs"]:
        row = {"run_id": run["run_id"], "seed": run.get("seed")}
        for axis in axes:
            row[axis] = str(run.get("axis_values", {}).get(axis, ""))
        status_path = os.path.join(results, "runs", run["run_id"], "status.json")
        if os.path.exists(status_path):
            with open(status_path) as f:
                row["status"] = json.load(f).get("status")
        else:
            row["status"] = None  # planned, not finished
        rows.append(row)
    runs = pd.DataFrame(rows)
    summary_path = os.path.join(results, "summary.csv")
    if os.path.exists(summary_path):
        summary = pd.read_csv(summary_path)
        runs = runs.merge(summary[["run_id", "final_val_accuracy"]], on="run_id", how="left")
    else:
        runs["final_val_accuracy"] = float("nan")
    return manifest, axes, runs


def result_runs(runs):
    """Runs whose numbers are results: finished, and neither failed nor interrupted."""
    return runs[runs["status"].notna() & ~runs["status"].isin(["failed", "interrupted"])]


def read_logs(results, runs, name):
    """One run file (metrics.csv or layers.csv) per run, stacked, with the run's axes attached."""
    frames = []
    for _, run in runs.iterrows():
        path = os.path.join(results, "runs", run["run_id"], name)
        if not os.path.exists(path):
            continue
        frame = pd.read_csv(path)
        for column, value in run.items():
            if column not in frame.columns:
                frame[column] = value
        frames.append(frame)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def best_configuration(runs, axes):
    """Axis -> value of the configuration with the best mean final_val_accuracy over seeds."""
    finite = runs[runs["final_val_accuracy"].apply(lambda v: isinstance(v, float) and math.isfinite(v))]
    if finite.empty or not axes:
        return {a: runs[a].iloc[0] for a in axes} if len(runs) else {}
    means = finite.groupby(axes)["final_val_accuracy"].mean()
    best = means.idxmax()
    best = best if isinstance(best, tuple) else (best,)
    return dict(zip(axes, best))


def ordered(values):
    """Axis values in sweep order (first appearance), not alphabetical."""
    return list(dict.fromkeys(values))


def legend_above(fig, handles, labels, title, columns):
    """The legend above the panels, outside them: anchored at the top edge of the laid-out
    figure and saved with bbox_inches="tight", so however many rows it takes it never
    covers a panel title (it used to sit over the first row's titles)."""
    top = max(ax.get_position().y1 for ax in fig.axes)
    title_room = 0.35 / fig.get_figheight()  # the panel titles above the axes, in figure units
    fig.legend(handles, labels, title=title, loc="lower center", bbox_to_anchor=(0.5, min(top + title_room, 1.0)),
               ncol=min(len(labels), columns), frameon=False)


def plot_loss_accuracy(results, axes, runs, panels, lines, out):
    fixed = {a: v for a, v in best_configuration(result_runs(runs), axes).items() if a not in (panels, lines)}
    chosen = result_runs(runs)
    for axis, value in fixed.items():
        chosen = chosen[chosen[axis] == value]
    metrics = read_logs(results, chosen, "metrics.csv")
    if metrics.empty:
        print("plot.py: no metrics.csv to plot", file=sys.stderr)
        return None
    second = "val_accuracy" if metrics["val_accuracy"].notna().any() else "accuracy"
    panel_values = ordered(chosen[panels]) if panels else [None]
    line_values = ordered(runs[lines]) if lines else [None]
    fig, grid = plt.subplots(2, len(panel_values), figsize=(4.2 * len(panel_values), 7), squeeze=False, sharex=True)
    positive = metrics["loss"][metrics["loss"] > 0]
    log_loss = len(positive) and positive.max() / positive.min() > 20
    for j, p in enumerate(panel_values):
        for i, q in enumerate(line_values):
            sel = metrics
            if panels:
                sel = sel[sel[panels] == p]
            if lines:
                sel = sel[sel[lines] == q]
            if sel.empty:
                continue
            style = dict(color=COLOURS[i % len(COLOURS)], linestyle=DASHES[(i // len(COLOURS)) % len(DASHES)])
            for row, column in enumerate(["loss", second]):
                # Non-finite values (a diverged run's last row) are dropped, so its curve just ends.
                finite = sel[["step", column]].replace([math.inf, -math.inf], math.nan).dropna()
                if log_loss and column == "loss":
                    finite = finite[finite[column] > 0]
                stats = finite.groupby("step")[column].agg(["mean", "min", "max"])
                ax = grid[row][j]
                ax.plot(stats.index, stats["mean"], label=str(q) if q is not None else "all runs", **style)
                ax.fill_between(stats.index, stats["min"], stats["max"], color=style["color"], alpha=0.18, linewidth=0)
        grid[0][j].set_title(f"{panels} = {p}" if panels else "all runs", fontsize=10)
        grid[0][j].set_ylabel("training loss")
        if log_loss:
            grid[0][j].set_yscale("log")
        grid[1][j].set_ylabel(second.replace("_", " ").replace("val", "validation"))
        grid[1][j].set_ylim(0, 1)
        grid[1][j].set_xlabel("step")
        for row in range(2):
            grid[row][j].grid(True, alpha=0.3)
    note = ", ".join(f"{a} = {v}" for a, v in fixed.items())
    fig.suptitle("mean over seeds, band min-max" + (f"; {note}" if note else ""), y=0.005, va="bottom", fontsize=9)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    handles, labels = grid[0][0].get_legend_handles_labels()
    if lines and handles:
        legend_above(fig, handles, labels, lines, 8)
    fig.savefig(out, bbox_inches="tight")
    plt.close(fig)
    return out


def plot_gradients(results, axes, runs, out):
    layers = read_logs(results, runs[runs["status"].notna()], "layers.csv")
    if layers.empty:
        print("plot.py: no layers.csv to plot", file=sys.stderr)
        return None
    groups = [a for a in ("model.activation", "model.initializer") if a in axes]
    if not groups:
        groups = [a for a in axes if a not in ("model.depth", "model.widths")][:1]
    # Hidden layers L of each run: its largest layer index (the output layer) minus one.
    per_run = layers.groupby("run_id").agg(L=("layer", "max"), first=("step", "min"), last=("step", "max"))
    per_run["L"] -= 1
    layers = layers.merge(per_run, left_on="run_id", right_index=True)
    layers = layers[(layers["layer"] <= layers["L"]) & (layers["grad_b_norm"] > 0)]
    layers = layers[layers["grad_b_norm"].apply(math.isfinite)]
    depths = sorted(layers["L"].unique())
    fig, grid = plt.subplots(len(depths), 2, figsize=(11, 3.4 * len(depths)), squeeze=False, sharey=True)
    keys = list(dict.fromkeys(map(tuple, layers[groups].values.tolist()))) if groups else [()]
    first_values = ordered(k[0] for k in keys) if groups else []
    second_values = ordered(k[1] for k in keys) if len(groups) > 1 else []
    for r, L in enumerate(depths):
        for c, (when, title) in enumerate([("first", "at initialisation (step 0)"), ("last", "at the end (last logged step)")]):
            ax = grid[r][c]
            at = layers[(layers["L"] == L) & (layers["step"] == layers[when])]
            for key in keys:
                sel = at
                for axis, value in zip(groups, key):
                    sel = sel[sel[axis] == value]
                if sel.empty:
                    continue
                colour = COLOURS[first_values.index(key[0]) % len(COLOURS)] if groups else COLOURS[0]
                dash = DASHES[second_values.index(key[1]) % len(DASHES)] if len(groups) > 1 else "-"
                stats = sel.groupby("layer")["grad_b_norm"].agg(["mean", "min", "max"])
                ax.plot(stats.index, stats["mean"], marker="o", markersize=3, color=colour, linestyle=dash,
                        label=" · ".join(key) if key else "all runs")
                ax.fill_between(stats.index, stats["min"], stats["max"], color=colour, alpha=0.15, linewidth=0)
            ax.set_yscale("log")
            ax.set_title(f"{L} hidden layers — {title}", fontsize=10)
            ax.set_xlabel("layer (1 = nearest the input)")
            ax.set_ylabel("‖∂L/∂b‖")
            ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
            ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    handles, labels = grid[0][0].get_legend_handles_labels()
    if handles:
        legend_above(fig, handles, labels, " · ".join(groups) or None, 4)
    fig.savefig(out, bbox_inches="tight")
    plt.close(fig)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("results", help="results folder (results/<name>)")
    parser.add_argument("--out", help="output folder (default RESULTS/plots)")
    parser.add_argument("--panels", help="axis whose values make the panels of chart 1")
    parser.add_argument("--lines", help="axis whose values make the lines of chart 1")
    parser.add_argument("--format", default="png", choices=["png", "pdf", "svg"])
    args = parser.parse_args()

    manifest, axes, runs = load(args.results)
    for name in (args.panels, args.lines):
        if name and name not in axes:
            parser.error(f"'{name}' is not an axis of this sweep (axes: {', '.join(axes) or 'none'})")
    panels = args.panels or (axes[0] if len(axes) >= 2 else None)
    lines = args.lines or next((a for a in axes if a != panels), None)
    out_dir = args.out or os.path.join(args.results, "plots")
    os.makedirs(out_dir, exist_ok=True)
    finished = runs["status"].notna().sum()
    print(f"{manifest['name']}: {finished} of {len(runs)} planned runs finished")
    for path in (
        plot_loss_accuracy(args.results, axes, runs, panels, lines, os.path.join(out_dir, f"loss_accuracy.{args.format}")),
        plot_gradients(args.results, axes, runs, os.path.join(out_dir, f"gradients_by_layer.{args.format}")),
    ):
        if path:
            print(f"wrote {path}")


if __name__ == "__main__":
    main()
