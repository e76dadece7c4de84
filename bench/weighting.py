"""Benchmark of raking: cell-based path, per-row path and weightipy on the same data.

    .venv/bin/pip install -r requirements-bench.txt
    .venv/bin/python bench/weighting.py [--rows 1000000] [--repeat 3] [--no-weightipy]

1,000,000 respondents with four margins (4, 5, 2 and 10 categories) driven by one latent
variable, so the margins are correlated and raking needs many sweeps. The population
margins come from the same model with the latent variable shifted. Prints wall-clock
times and the largest relative difference between our weights and weightipy's.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
rake = importlib.import_module("survey.stats").rake

SIZES = {"channel": 4, "topic": 5, "repeat": 2, "unit": 10}
POPULATION = 2_500_000


def simulate(n: int, shift: float, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    latent = rng.normal(shift, 1.0, n)
    columns = {}
    for name, size in SIZES.items():
        noisy = latent + rng.normal(0.0, 0.6, n)
        cuts = np.quantile(rng.normal(0.0, 1.15, 200_000), np.linspace(0, 1, size + 1)[1:-1])
        codes = np.searchsorted(cuts, noisy)
        columns[name] = pd.Categorical.from_codes(codes, [f"{name}{i}" for i in range(size)])
    return pd.DataFrame(columns)


def population_margins() -> dict[str, dict[str, float]]:
    pop = simulate(1_000_000, shift=-0.4, seed=2)
    scale = POPULATION / len(pop)
    return {
        name: {str(k): float(v) * scale for k, v in pop[name].value_counts().items()}
        for name in SIZES
    }


def best_of(repeat: int, func):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-weightipy", action="store_true")
    args = parser.parse_args()

    sample = simulate(args.rows, shift=0.4, seed=1)
    sample["w"] = 1.0
    margins = population_margins()
    tol = 1e-10

    t_cells, w_cells = best_of(args.repeat, lambda: rake(sample, margins, tol=tol, max_iter=1000))
    print(f"rows={args.rows:,}  margins={list(SIZES.values())}  sweeps={w_cells.attrs['sweeps']}"
          f"  tol={tol:g}")
    print(f"cell-based rake (aggregates 1 row per respondent itself): {t_cells:.3f} s")

    as_text = sample.astype({name: str for name in SIZES})
    t_text, _ = best_of(args.repeat, lambda: rake(as_text, margins, tol=tol, max_iter=1000))
    print(f"  same with text columns instead of categoricals: {t_text:.3f} s")

    def aggregate():
        keys = list(SIZES) + ["w"]
        return sample.groupby(keys, observed=True, as_index=False).size().rename(
            columns={"size": "count"})

    t_agg, cells = best_of(args.repeat, aggregate)
    t_pre, _ = best_of(args.repeat, lambda: rake(cells, margins, tol=tol, max_iter=1000))
    print(f"  pre-aggregated: groupby to {len(cells)} cells {t_agg:.3f} s, rake on cells "
          f"{t_pre:.4f} s")

    t_rows, w_rows = best_of(
        1, lambda: rake(sample, margins, tol=tol, max_iter=1000, aggregate=False))
    rel = np.max(np.abs(w_rows.to_numpy() / w_cells.to_numpy() - 1))
    print(f"per-row rake: {t_rows:.3f} s  (max rel. difference to cell-based {rel:.1e})")

    if args.no_weightipy:
        return
    try:
        import weightipy as wp
    except ImportError:
        print("weightipy not installed: pip install -r requirements-bench.txt")
        return
    total = sum(margins["channel"].values())
    scheme_dict = {m: {k: 100.0 * v / total for k, v in t.items()} for m, t in margins.items()}
    plain = as_text[list(SIZES)]

    def run_weightipy():
        scheme = wp.scheme_from_dict(scheme_dict, name="bench",
                                     rim_params={"max_iterations": 1000})
        return wp.weight(plain, scheme)

    t_wp, w_wp = best_of(1, run_weightipy)
    ours = w_cells.to_numpy() * len(sample) / total  # weightipy's weights average 1
    diff = np.max(np.abs(ours / w_wp.to_numpy() - 1))
    print(f"weightipy {wp.__version__}: {t_wp:.3f} s  (max rel. difference {diff:.1e}; "
          f"cell-based is {t_wp / t_cells:.0f}x faster)")


if __name__ == "__main__":
    main()
