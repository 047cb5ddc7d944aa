#!/usr/bin/env python3
"""Pennington, Schoenholz & Ganguli 2017: the spectrum of JJ^T at initialisation, measured vs predicted.

For an initialisation ensemble with log.jacobian (configs/pennington-2017.yaml), groups the
runs by (activation, initializer, depth) from summary.csv and prints, over seeds:
  - jacobian_eig_mean_init against the mean-field mean
      sigma_w1^2 * grad_sq_norm_rel(layer 1) * E[phi'(sqrt(q^L) z)^2]   (= prod chi; prediction.json)
  - jacobian_eig_var_rel_init (variance / mean^2) against their free-probability variance
      sigma^2_JJT = sum_l (mu2_l / mu1_l^2 - 1) + L * [Gaussian weights],  mu_k,l = E[phi'(sqrt(q^l) z)^(2k)]
    (Section 2.4, Table 1: s1 = -1 Gaussian, 0 orthogonal), q^l from prediction.json;
  - the band theory +- 3 sd / sqrt(K) (K = the second argument, default the seed count).
The bands of configs/pennington-2017.yaml and its quick variant come from this output.

Usage: python3 scripts/pennington-spectrum.py RESULTS_FOLDER [K]   (identity, relu, tanh; numpy)
"""
import collections, csv, json, math, os, sys

import numpy as np

root = sys.argv[1]
K = int(sys.argv[2]) if len(sys.argv) > 2 else None
z, w = np.polynomial.hermite_e.hermegauss(120)
w = w / w.sum()


def mu(q, k, activation):
    """E[phi'(sqrt(q) z)^(2k)] for z ~ N(0, 1)."""
    if activation == "tanh":
        d2 = 1 / np.cosh(math.sqrt(q) * z) ** 4
    elif activation == "relu":
        d2 = (z > 0).astype(float)
    else:
        d2 = np.ones_like(z)
    return float((w * d2**k).sum())


groups = collections.defaultdict(list)
predicted = {}
for row in csv.DictReader(open(os.path.join(root, "summary.csv"))):
    key = (row["model.activation"], row["model.initializer"], int(row["model.depth"]))
    groups[key].append((float(row["jacobian_eig_mean_init"]), float(row["jacobian_eig_var_rel_init"])))
    if key not in predicted:
        p = json.load(open(os.path.join(root, "runs", row["run_id"], "prediction.json")))
        q = [layer["preact_var"] for layer in p["layers"]]
        act, init, depth = key
        var_rel = sum(mu(ql, 2, act) / mu(ql, 1, act) ** 2 - 1 for ql in q) + (depth if init != "orthogonal" else 0)
        mean = p["layers"][0]["weight_variance"] * p["layers"][0]["grad_sq_norm_rel"] * mu(q[-1], 1, act)
        predicted[key] = (mean, var_rel)

print("activation  initializer    L | mean: predicted measured sd band | var/mean^2: predicted measured sd band")
for key in sorted(groups):
    a = np.array(groups[key])
    k = K or len(a)
    sd = a.std(0, ddof=1)
    pm, pv = predicted[key]
    print(f"{key[0]:10s}  {key[1]:13s} {key[2]:2d} | {pm:.4f} {a[:, 0].mean():.4f} {sd[0]:.4f} +-{3 * sd[0] / math.sqrt(k):.4f}"
          f" | {pv:.3f} {a[:, 1].mean():.3f} {sd[1]:.3f} +-{3 * sd[1] / math.sqrt(k):.3f}")
