#!/usr/bin/env python3
"""Reference computation for the depth block of configs/saxe-2014.yaml (issue 17).

Saxe, McClelland & Ganguli 2014 (arXiv:1312.6120) say that deep linear nets from random
orthogonal weights learn in a depth-independent time while scaled random Gaussian ones
slow down with depth, but give no finite-depth number for our setting. This script makes
the prediction: exact full-batch gradient descent, in float64 numpy and independent of
gradsweep's engine, on the deep linear net of the config over many random starts.

Setting (what the engine does, docs/reproductions.md): square nets of width 8, N_l =
depth + 1 weight matrices, no biases; whitened inputs (Σ¹¹ = I over the 64 examples) and a
noise-free teacher with singular values {3, 2, 1, 0.5}, so the loss (`mse`, the mean over
examples and K = 8 outputs, no ½) is exactly L(W) = (1/K)‖W − Σ³¹‖²_F with W the product,
and its gradient with respect to layer i is W_{>i}ᵀ·(2/K)(W − Σ³¹)·W_{<i}ᵀ. The singular
vectors of Σ³¹ do not matter (both initialisations are rotation invariant), so Σ³¹ =
diag(3, 2, 1, 0.5, 0, 0, 0, 0). Initialisations: Haar orthogonal × gain, or Gaussian with
variance gain²/fan_in. The measured quantity is the config's steps_to_loss[0.0625]: the
first logged step (every 5) whose loss, computed before that step's update, is ≤ 0.0625,
+∞ if none within 4,000 steps; each claim judges its median over 8 seeds.

Output, per (initialiser, gain, depth, η): quantiles of the one-net time and of the
median of 8 nets (8 drawn from the ensemble, many times), whose 0.135 % and 99.865 %
quantiles (± 3 sd of a normal) are the claims' bands.

    python3 scripts/saxe-depth-reference.py              # the config's six cells
    python3 scripts/saxe-depth-reference.py --nets 400 --seed 2
    python3 scripts/saxe-depth-reference.py --cell orthogonal:1.0:16:0.0058823529  # a mutant
"""
import argparse
import numpy as np

K = 8
WIDTH = 8
TARGET = np.diag([3.0, 2.0, 1.0, 0.5, 0, 0, 0, 0])
THRESHOLD = 0.0625
STEPS = 4000
EVERY = 5

CELLS = [(init, 1.0, depth, 0.1 / (depth + 1)) for init in ("orthogonal", "scaled_normal") for depth in (1, 4, 16)]


def haar(rng, nets):
    """Haar-orthogonal 8×8 matrices (QR of a Gaussian with the signs of R's diagonal fixed; Mezzadri 2007)."""
    g = rng.standard_normal((nets, WIDTH, WIDTH))
    q, r = np.linalg.qr(g)
    return q * np.sign(np.diagonal(r, axis1=1, axis2=2))[:, None, :]


def steps_to_loss(init, gain, depth, eta, nets, rng):
    layers = depth + 1
    if init == "orthogonal":
        ws = [gain * haar(rng, nets) for _ in range(layers)]
    else:
        ws = [rng.standard_normal((nets, WIDTH, WIDTH)) * gain / np.sqrt(WIDTH) for _ in range(layers)]
    eye = np.broadcast_to(np.eye(WIDTH), (nets, WIDTH, WIDTH))
    hit = np.full(nets, np.inf)
    for step in range(STEPS):
        # below[i] = W_{i-1}…W_0 (the product of the layers under i), above[i] = W_L…W_{i+1}
        below = [eye]
        for w in ws[:-1]:
            below.append(w @ below[-1])
        product = ws[-1] @ below[-1]
        err = product - TARGET
        if step % EVERY == 0:
            loss = np.einsum("nij,nij->n", err, err) / K
            newly = np.isinf(hit) & (loss <= THRESHOLD)
            hit[newly] = step
            if not np.isinf(hit).any():
                break
        above = [eye]
        for w in reversed(ws[1:]):
            above.append(above[-1] @ w)
        above.reverse()
        g = (2.0 / K) * err
        for i in range(layers):
            grad = np.transpose(above[i], (0, 2, 1)) @ g @ np.transpose(below[i], (0, 2, 1))
            ws[i] = ws[i] - eta * grad
    return hit


def quantiles(values, q):
    """Order-statistic quantiles that keep +∞ (a net that never got there) as +∞."""
    ordered = np.sort(values)
    return ordered[np.minimum((np.asarray(q) * len(ordered)).astype(int), len(ordered) - 1)]


def medians_of(times, k, draws, rng):
    picks = rng.integers(0, len(times), size=(draws, k))
    return np.median(times[picks], axis=1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nets", type=int, default=400, help="random starts per cell")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seeds-per-claim", type=int, default=8)
    parser.add_argument("--cell", action="append", help="init:gain:depth:eta (default: the config's six)")
    args = parser.parse_args()
    cells = CELLS
    if args.cell:
        cells = [(c.split(":")[0], *map(float, c.split(":")[1:])) for c in args.cell]
        cells = [(i, g, int(d), e) for i, g, d, e in cells]
    rng = np.random.default_rng(args.seed)
    q = [0.00135, 0.5, 0.99865]
    print(f"{'init':>13} {'gain':>5} {'depth':>5} {'eta':>10} | one net: q0.135% median q99.865% never |"
          f" median of {args.seeds_per_claim}: q0.135% median q99.865%")
    for init, gain, depth, eta in cells:
        times = steps_to_loss(init, gain, depth, eta, args.nets, rng)
        one = quantiles(times, q)
        med = quantiles(medians_of(times, args.seeds_per_claim, 200_000, rng), q)
        never = np.isinf(times).mean()
        print(f"{init:>13} {gain:5.2f} {depth:5d} {eta:10.6f} | {one[0]:7.0f} {one[1]:7.0f} {one[2]:7.0f} {never:6.3f} |"
              f" {med[0]:7.1f} {med[1]:7.1f} {med[2]:7.1f}")


if __name__ == "__main__":
    main()
