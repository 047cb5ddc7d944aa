#!/usr/bin/env python3
"""Fabricates a results folder as `gradsweep run` lays it out, to time `gradsweep report`
and `gradsweep status` on sweeps too large to train for a benchmark.

    scripts/synthetic-results.py OUT [--runs 20000] [--values 400] [--depth 4]
                                     [--steps 100] [--every 10]
    time .build/release/gradsweep report OUT

The sweep has two axes: `model.init_gain` with --values values and `model.activation`
(sigmoid, tanh, relu, leaky_relu); seeds fill the rest up to --runs runs. Every run is
`completed` and has config.yaml (canonical, with model.depth), status.json, metrics.csv
and layers.csv (layers 1..depth+1 at every logged step) with smooth made-up numbers;
no provenance.json. Deterministic: the same arguments give the same files.
"""
import argparse
import json
import math
import os

ACTIVATIONS = ["sigmoid", "tanh", "relu", "leaky_relu"]
LAYER_COLUMNS = [
    "step", "layer", "grad_w_norm", "grad_w_mean_abs", "grad_b_norm", "weight_norm", "update_ratio",
    "preact_mean", "preact_std", "act_mean", "act_std", "deriv_mean", "saturated_frac", "dead_frac",
    "prelu_slope", "grad_gamma_norm", "grad_beta_norm", "gamma_norm", "beta_norm",
]
METRIC_COLUMNS = ["step", "epoch", "loss", "accuracy", "val_loss", "val_accuracy", "grad_norm", "elapsed_s",
                  "learning_rate"]


def config_yaml(activation, gain, depth, seed):
    return (f"seed: {seed}\ndata:\n  name: spirals\n  samples: 200\n  classes: 3\n"
            f"model:\n  width: 8\n  depth: {depth}\n  widths: null\n  activation: {activation}\n"
            f"  initializer: xavier_normal\n  init_gain: {gain}\n"
            f"training:\n  optimizer: sgd\n  learning_rate: 0.1\n  batch_size: 32\n  epochs: 2\n"
            f"log:\n  every: 5\n  validate: true\n")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("out")
    p.add_argument("--runs", type=int, default=20000)
    p.add_argument("--values", type=int, default=400)
    p.add_argument("--depth", type=int, default=4)
    p.add_argument("--steps", type=int, default=100)
    p.add_argument("--every", type=int, default=10)
    a = p.parse_args()

    gains = [f"{0.5 + 1.5 * i / max(a.values - 1, 1):.6g}" for i in range(a.values)]
    per_seed = len(gains) * len(ACTIVATIONS)
    runs = []
    for index in range(a.runs):
        seed = index // per_seed + 1
        activation = ACTIVATIONS[(index // len(gains)) % len(ACTIVATIONS)]
        gain = gains[index % len(gains)]
        run_id = f"{activation.replace('_', '')}-g{gain}-s{seed}-{index:06x}"
        runs.append({"run_id": run_id, "index": index, "seed": seed,
                     "axis_values": {"model.activation": activation, "model.init_gain": gain}})

    runs_dir = os.path.join(a.out, "runs")
    os.makedirs(runs_dir, exist_ok=True)
    manifest = {"name": os.path.basename(os.path.normpath(a.out)), "description": "synthetic results",
                "axes": ["model.activation", "model.init_gain", "seed"], "runs": runs,
                "gradsweep_version": "synthetic", "created": "2026-01-01T00:00:00Z", "cores": 2, "jobs": 2}
    with open(os.path.join(a.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)

    logged = list(range(0, a.steps + 1, a.every))
    if logged[-1] != a.steps:
        logged.append(a.steps)
    for k, run in enumerate(runs):
        folder = os.path.join(runs_dir, run["run_id"])
        os.makedirs(folder, exist_ok=True)
        act = run["axis_values"]["model.activation"]
        gain = float(run["axis_values"]["model.init_gain"])
        ratio = 0.25 if act == "sigmoid" else 0.9
        rate = 0.02 * gain * (1 + 0.01 * (k % 7))
        with open(os.path.join(folder, "config.yaml"), "w") as f:
            f.write(config_yaml(act, run["axis_values"]["model.init_gain"], a.depth, run["seed"]))
        final_loss = 2.3 * math.exp(-rate * a.steps)
        with open(os.path.join(folder, "status.json"), "w") as f:
            json.dump({"status": "completed", "steps": a.steps, "diverged_at_step": None, "error": None,
                       "seconds": 0.5, "final_loss": final_loss, "final_accuracy": 1 - final_loss / 3,
                       "final_val_loss": final_loss * 1.1, "final_val_accuracy": 1 - final_loss / 2.5}, f)
        lines = [",".join(METRIC_COLUMNS)]
        for s in logged:
            loss = 2.3 * math.exp(-rate * s)
            lines.append(f"{s},{s / 25:.4g},{loss:.17g},{1 - loss / 3:.17g},{loss * 1.1:.17g},"
                         f"{1 - loss / 2.5:.17g},1.0,{s * 0.01:.4g},0.1")
        with open(os.path.join(folder, "metrics.csv"), "w") as f:
            f.write("\n".join(lines) + "\n")
        lines = [",".join(LAYER_COLUMNS)]
        for s in logged:
            g = 0.3 * math.exp(-s / 200)
            for layer in range(1, a.depth + 2):
                grad = 2 * g if layer > a.depth else g * ratio ** (a.depth - layer)
                lines.append(f"{s},{layer},{grad * 3:.17g},{grad / 10:.17g},{grad:.17g},4,0.001,0,1,0.5,0.2,0.2,"
                             f"0.1,0,,,,,")
        with open(os.path.join(folder, "layers.csv"), "w") as f:
            f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
