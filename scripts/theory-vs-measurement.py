#!/usr/bin/env python3
"""Measured vs predicted squared gradient norms at initialisation, per layer.

Reads a results folder of an initialisation ensemble (training.steps: 0, batch_size: 1,
so grad_b_norm of a layer is the per-example norm of dL/dh_l) and each run's
prediction.json, averages grad_b_norm^2 / (its layer-L value) over the seeds of each
configuration, and prints, per configuration, the worst ratio measured/predicted over
the layers. Standard library only.

    gradsweep run configs/theory-check.yaml
    python3 scripts/theory-vs-measurement.py results/theory-check
"""
import collections
import csv
import json
import math
import os
import sys


def main(folder):
    runs = os.path.join(folder, "runs")
    sums = collections.defaultdict(lambda: collections.defaultdict(float))
    counts = collections.Counter()
    predictions = {}
    for run_id in sorted(os.listdir(runs)):
        if run_id.startswith("."):
            continue
        path = os.path.join(runs, run_id)
        with open(os.path.join(path, "prediction.json")) as f:
            prediction = json.load(f)
        if not prediction["applies"]:
            continue
        config = run_id.rsplit("-s", 1)[0]  # the run id without seed and hash
        with open(os.path.join(path, "layers.csv")) as f:
            rows = [r for r in csv.DictReader(f) if r["step"] == "0" and r["grad_b_norm"] not in ("", "nan")]
        layers = sorted(int(r["layer"]) for r in rows)[:-1]  # hidden layers: the last row is the output layer
        norms = {int(r["layer"]): float(r["grad_b_norm"]) ** 2 for r in rows}
        for layer in layers:
            sums[config][layer] += norms[layer]
        counts[config] += 1
        predictions[config] = prediction
    print("| configuration | seeds | χ₁ | layers | measured/predicted, worst layer | range over layers |")
    print("|---|---|---|---|---|---|")
    for config in sorted(sums):
        layer_sums = sums[config]
        deepest = max(layer_sums)
        ratios = []
        for layer in sorted(layer_sums):
            measured = layer_sums[layer] / layer_sums[deepest]
            predicted = predictions[config]["layers"][layer - 1]["grad_sq_norm_rel"]
            ratios.append((measured / predicted, layer))
        worst = max(ratios, key=lambda r: abs(math.log(r[0])))
        low, high = min(r[0] for r in ratios), max(r[0] for r in ratios)
        chi1 = predictions[config]["chi1"]
        print(f"| {config} | {counts[config]} | {chi1:.3f} | {deepest} | {worst[0]:.3f} (layer {worst[1]}) | {low:.3f}–{high:.3f} |")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "results/theory-check")
