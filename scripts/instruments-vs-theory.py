#!/usr/bin/env python3
"""Compare the instruments of an initialisation ensemble of tanh nets with mean-field theory.

For each configuration (runs grouped by run id without the seed), averages over seeds:
  - layers.csv `correlation` (log.correlation: c0) against the correlation map c^l, computed
    here from c0, the data's q0 and each layer's q^l, sigma_w^2, sigma_b^2 in prediction.json;
  - metrics.csv `jacobian_eig_mean` (log.jacobian) against its mean-field value
    (N1/n0) * sigma_w1^2 * prod_{l<L} chi_l * E[phi'(sqrt(q^L) z)^2]  (docs/theory.md, Instruments).

Usage: python3 scripts/instruments-vs-theory.py RESULTS_FOLDER C0 N0 N1   (tanh only; numpy)
"""
import csv, glob, json, math, os, sys

import numpy as np

from correlation_map import NODES as z, WEIGHTS as w, predicted_correlations

root, c0, n0, n1 = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
groups = {}
for run in sorted(glob.glob(os.path.join(root, "runs", "*"))):
    config = os.path.basename(run).rsplit("-s", 1)[0]
    group = groups.setdefault(config, {"prediction": json.load(open(os.path.join(run, "prediction.json"))),
                                       "correlation": [], "eig": []})
    rows = [r for r in csv.DictReader(open(os.path.join(run, "layers.csv"))) if r["step"] == "0"]
    group["correlation"].append([float(r["correlation"]) for r in rows])
    group["eig"].append(float(next(csv.DictReader(open(os.path.join(run, "metrics.csv"))))["jacobian_eig_mean"]))

for config, group in groups.items():
    p = group["prediction"]
    layers = p["layers"]
    predicted = predicted_correlations(p, c0)
    measured = np.array(group["correlation"])
    n = len(measured)
    print(f"{config}: {n} seeds, chi1 = {p['chi1']:.3f}")
    print("  layer  c predicted  c measured (mean ± sem)")
    for l, (pc, mc, sc) in enumerate(zip(predicted, measured.mean(0), measured.std(0, ddof=1) / math.sqrt(n))):
        print(f"  {l + 1:5d}  {pc:11.4f}  {mc:.4f} ± {sc:.4f}")
    d2 = (w / np.cosh(math.sqrt(layers[-1]["preact_var"]) * z) ** 4).sum()  # E[tanh'(sqrt(q^L) z)^2]
    eig = n1 / n0 * layers[0]["weight_variance"] * layers[0]["grad_sq_norm_rel"] * d2
    e = np.array(group["eig"])
    print(f"  jacobian_eig_mean: predicted {eig:.4g}, measured {e.mean():.4g} ± {e.std(ddof=1) / math.sqrt(n):.2g}, "
          f"ratio {e.mean() / eig:.3f}")
