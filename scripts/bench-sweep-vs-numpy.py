#!/usr/bin/env python3
"""End to end: a 48-run sweep of small MLPs, gradsweep `--jobs 2` against numpy + Pool(2).

The sweep is the quickstart's (configs/quickstart.yaml) with 4 replicates: sigmoid, tanh,
ReLU, leaky ReLU × depth 2, 6, 12, width 32, Xavier-normal init, SGD (η = 0.1), batch 32,
60 epochs of 1,600 two-spiral points (400 held out for validation), logged every 10 steps.
Both sides do the same work per run: the training steps; at every logged step the
per-layer statistics (‖W‖, ‖∂L/∂W‖, ‖∂L/∂b‖, ‖ΔW‖, mean and std of the pre-activations
and of the activations) and a validation pass; one CSV row per logged step and layer.

The numpy side is what a careful user writes: float32 matmuls, in-place SGD, one BLAS
thread per process, `multiprocessing.Pool(2)` over the 48 runs. gradsweep runs the
generated sweep file with `--jobs 2 --quiet`. The two are timed alternately (`--repeat`
pairs) and the wall-clock ratio numpy / gradsweep is printed per pair and as the median.

Usage:
    scripts/bench-sweep-vs-numpy.py [--gradsweep .build/release/gradsweep] [--repeat 2]
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
import numpy as np  # noqa: E402  (after the thread settings)
from multiprocessing import Pool  # noqa: E402

ACTIVATIONS = ["sigmoid", "tanh", "relu", "leaky_relu"]
DEPTHS = [2, 6, 12]
REPLICATES = 4
WIDTH, BATCH, EPOCHS, LR, LOG_EVERY = 32, 32, 60, 0.1, 10
SAMPLES, CLASSES, VALIDATION = 2000, 3, 0.2

SWEEP = f"""name: e2e
seed: 1
replicates: {REPLICATES}
data: {{name: spirals, samples: {SAMPLES}, classes: {CLASSES}, noise: 0.2, validation: {VALIDATION}}}
model: {{width: {WIDTH}, depth: 6, activation: sigmoid, initializer: xavier_normal}}
training: {{optimizer: sgd, learning_rate: {LR}, batch_size: {BATCH}, epochs: {EPOCHS}}}
log: {{every: {LOG_EVERY}}}
sweep:
  grid:
    model.activation: [sigmoid, tanh, relu, leaky_relu]
    model.depth: [2, 6, 12]
"""


def spirals(rng):
    n = SAMPLES // CLASSES
    xs, ys = [], []
    for c in range(CLASSES):
        r = (np.arange(n) + rng.random(n)) / n
        theta = 2 * np.pi * (1.5 * r + c / CLASSES) + 0.2 * rng.standard_normal(n)
        xs.append(np.stack([r * np.cos(theta), r * np.sin(theta)], 1))
        ys.append(np.full(n, c))
    x = np.concatenate(xs).astype(np.float32)
    y = np.concatenate(ys)
    order = rng.permutation(len(y))
    return x[order], y[order]


def act(name, z):
    if name == "sigmoid":
        a = 1 / (1 + np.exp(-z))
        return a, a * (1 - a)
    if name == "tanh":
        a = np.tanh(z)
        return a, 1 - a * a
    slope = 0.01 if name == "leaky_relu" else 0.0
    return np.where(z > 0, z, slope * z), np.where(z > 0, 1.0, slope).astype(np.float32)


def forward(ws, bs, activation, x):
    hs, ds, zs = [x], [], []
    h = x
    for i, (w, b) in enumerate(zip(ws, bs)):
        z = h @ w + b
        if i == len(ws) - 1:
            z = z - z.max(1, keepdims=True)
            p = np.exp(z)
            p /= p.sum(1, keepdims=True)
            return hs, ds, zs, p
        h, d = act(activation, z)
        zs.append(z)
        hs.append(h)
        ds.append(d)


def loss_accuracy(p, y):
    return float(-np.log(p[np.arange(len(y)), y] + 1e-12).mean()), float((p.argmax(1) == y).mean())


def train(args):
    activation, depth, seed, out = args
    rng = np.random.default_rng(seed)
    x, y = spirals(rng)
    nv = int(len(y) * VALIDATION)
    xv, yv, xt, yt = x[:nv], y[:nv], x[nv:], y[nv:]
    sizes = [2] + [WIDTH] * depth + [CLASSES]
    ws = [(rng.standard_normal((m, n)) * np.sqrt(2 / (m + n))).astype(np.float32) for m, n in zip(sizes, sizes[1:])]
    bs = [np.zeros(n, np.float32) for n in sizes[1:]]
    rows = []
    step = 0
    for _ in range(EPOCHS):
        order = rng.permutation(len(yt))
        for start in range(0, len(yt) - BATCH + 1, BATCH):
            idx = order[start:start + BATCH]
            xb, yb = xt[idx], yt[idx]
            hs, ds, zs, p = forward(ws, bs, activation, xb)
            logged = step % LOG_EVERY == 0
            g = p.copy()
            g[np.arange(BATCH), yb] -= 1
            g /= BATCH
            grads = []
            for i in range(len(ws) - 1, -1, -1):
                gw = hs[i].T @ g
                gb = g.sum(0)
                grads.append((gw, gb))
                if i > 0:
                    g = (g @ ws[i].T) * ds[i - 1]
            grads.reverse()
            if logged:
                loss, acc = loss_accuracy(p, yb)
                _, _, _, pv = forward(ws, bs, activation, xv)
                vloss, vacc = loss_accuracy(pv, yv)
                rows.append(f"{step},{loss},{acc},{vloss},{vacc}")
                for i, (gw, gb) in enumerate(grads):
                    old = np.linalg.norm(ws[i])
                    stats = [old, np.linalg.norm(gw), np.linalg.norm(gb), LR * np.linalg.norm(gw)]
                    if i < len(zs):
                        stats += [zs[i].mean(), zs[i].std(), hs[i + 1].mean(), hs[i + 1].std()]
                    rows.append(f"{step},{i + 1}," + ",".join(f"{float(v):.9g}" for v in stats))
            for (w, b), (gw, gb) in zip(zip(ws, bs), grads):
                w -= LR * gw
                b -= LR * gb
            step += 1
    with open(out, "w") as f:
        f.write("\n".join(rows) + "\n")
    return step


def run_numpy(folder):
    jobs = [(a, d, 1000 * r + 17 * d + i, os.path.join(folder, f"{a}-{d}-{r}.csv"))
            for i, a in enumerate(ACTIVATIONS) for d in DEPTHS for r in range(REPLICATES)]
    start = time.perf_counter()
    with Pool(2) as pool:
        steps = pool.map(train, jobs, chunksize=1)
    return time.perf_counter() - start, len(jobs), steps[0]


def run_gradsweep(binary, folder):
    sweep = os.path.join(folder, "e2e.yaml")
    with open(sweep, "w") as f:
        f.write(SWEEP)
    start = time.perf_counter()
    subprocess.run([binary, "run", sweep, "--out", os.path.join(folder, "out"), "--jobs", "2", "--quiet"], check=True)
    elapsed = time.perf_counter() - start
    runs = len([r for r in os.listdir(os.path.join(folder, "out", "e2e", "runs")) if not r.startswith(".")])
    return elapsed, runs


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gradsweep", default=".build/release/gradsweep")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    ratios = []
    for k in range(args.repeat):
        with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
            numpy_s, numpy_runs, steps = run_numpy(a)
            gradsweep_s, runs = run_gradsweep(args.gradsweep, b)
        ratio = numpy_s / gradsweep_s
        ratios.append(ratio)
        print(f"pair {k + 1}: numpy + Pool(2) {numpy_s:.1f} s ({numpy_runs} runs, {steps} steps each), "
              f"gradsweep --jobs 2 {gradsweep_s:.1f} s ({runs} runs): {ratio:.2f}x", flush=True)
    print(f"median ratio numpy / gradsweep: {statistics.median(ratios):.2f}x (target >= 3)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
