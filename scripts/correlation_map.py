"""The mean-field correlation map of a tanh net, layer by layer, for the scripts that
compare it with gradsweep's `correlation` column (poole-maps.py, instruments-vs-theory.py).

    c^1 = (σ_w,1² q⁰ c⁰ + σ_b,1²) / q^1
    c^l = (σ_w,l² E[tanh(u₁) tanh(u₂)] + σ_b,l²) / q^l,   u₁ = √q^(l−1) z₁,
          u₂ = √q^(l−1) (c^(l−1) z₁ + √(1 − (c^(l−1))²) z₂)

(Poole et al. 2016, eq. 5), the expectation by 80-point Gauss–Hermite quadrature in each
of z₁, z₂; q^l is prediction.json's `preact_var` of each layer (GradTheory's length map).
"""
import math

import numpy as np

# 80-point Gauss–Hermite rule for E over z ~ N(0, 1): nodes and probability weights.
NODES, WEIGHTS = np.polynomial.hermite_e.hermegauss(80)
WEIGHTS = WEIGHTS / WEIGHTS.sum()
Z1, Z2 = np.meshgrid(NODES, NODES)
W2 = np.outer(WEIGHTS, WEIGHTS)


def predicted_correlations(prediction, c0):
    """c^l for every layer of a run's prediction.json (a dict), from the input correlation c0."""
    layers, q0 = prediction["layers"], prediction["input_mean_square"]
    c = (layers[0]["weight_variance"] * q0 * c0 + layers[0]["bias_variance"]) / layers[0]["preact_var"]
    q, predicted = layers[0]["preact_var"], [c]
    for layer in layers[1:]:
        u1 = math.sqrt(q) * Z1
        u2 = math.sqrt(q) * (c * Z1 + math.sqrt(max(1 - c * c, 0)) * Z2)
        c = (layer["weight_variance"] * (W2 * np.tanh(u1) * np.tanh(u2)).sum() + layer["bias_variance"]) / layer["preact_var"]
        q = layer["preact_var"]
        predicted.append(c)
    return predicted
