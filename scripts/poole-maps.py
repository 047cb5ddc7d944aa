#!/usr/bin/env python3
"""Poole et al. 2016's length and correlation maps, measured vs predicted, per layer.

For an initialisation ensemble of tanh nets (training.steps: 0, log.correlation: C0), groups
the runs by configuration (run id without the seed) and prints, for the layers asked:
  - q^l: predicted (prediction.json's preact_var, the length map from the data's q0) and
    measured (layers.csv preact_mean^2 + preact_std^2 over batch x units), mean and sd over seeds;
  - sqrt(q^l) beside the measured preact_std (what a claim on preact_std[l] compares);
  - c^l: predicted (the correlation map from C0, computed here by Gauss-Hermite quadrature
    over the same q^l) and measured (layers.csv correlation), mean and sd over seeds.
The bands of configs/poole-2016.yaml are derived from this output (docs/reproductions.md).

Usage: python3 scripts/poole-maps.py RESULTS_FOLDER C0 [LAYER ...]   (tanh only; numpy)
"""
import csv, glob, json, math, os, sys

import numpy as np

from correlation_map import predicted_correlations

root, c0 = sys.argv[1], float(sys.argv[2])
wanted = [int(a) for a in sys.argv[3:]]
groups = {}
for run in sorted(glob.glob(os.path.join(root, "runs", "*"))):
    config = os.path.basename(run).rsplit("-s", 1)[0]
    g = groups.setdefault(config, {"prediction": json.load(open(os.path.join(run, "prediction.json"))),
                                   "q": [], "std": [], "c": []})
    rows = [r for r in csv.DictReader(open(os.path.join(run, "layers.csv"))) if r["step"] == "0"]
    rows = rows[:-1]  # hidden layers only
    g["q"].append([float(r["preact_mean"]) ** 2 + float(r["preact_std"]) ** 2 for r in rows])
    g["std"].append([float(r["preact_std"]) for r in rows])
    g["c"].append([float(r["correlation"]) for r in rows])

for config, g in groups.items():
    p = g["prediction"]
    layers = p["layers"]
    predicted = predicted_correlations(p, c0)
    mq, ms, mc = (np.array(g[k]) for k in ("q", "std", "c"))
    n = len(mq)
    print(f"{config}: {n} seeds, sigma_w^2 = {layers[0]['weight_variance']}, chi1 = {p['chi1']:.4f}, "
          f"q* = {p['q_star']:.4f}, c* = {p['c_star']}")
    print("  layer  q pred   q meas (mean, sd)    sqrt(q)  preact_std (mean, sd)   c pred   c meas (mean, sd)")
    for l in wanted or range(1, len(layers) + 1):
        i = l - 1
        print(f"  {l:5d}  {layers[i]['preact_var']:.4f}  {mq[:, i].mean():.4f} {mq[:, i].std(ddof=1):.4f}"
              f"      {math.sqrt(layers[i]['preact_var']):.4f}  {ms[:, i].mean():.4f} {ms[:, i].std(ddof=1):.4f}"
              f"          {predicted[i]:.4f}  {mc[:, i].mean():.4f} {mc[:, i].std(ddof=1):.4f}")
