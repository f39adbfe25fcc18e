"""How far the queueing model's p99 is from an exact single-server queue, and how noisy a p99
measured over a short run is. No server: seeded simulations only.

1. For service times of several shapes at 30%, 60% and 80% utilisation, the p99 of response
   time from an exact FIFO simulation (Lindley's recursion, Poisson arrivals, 400,000 requests)
   against mlreview's model (`quant.queueing.Station`: Pollaczek-Khinchine mean wait, exponential
   given that one waits) and against the Cramer-Lundberg alternative (the wait's exact asymptotic
   decay rate and constant), which the model does not use.
2. The spread of the p99 of runs of 24 s, 120 s and 600 s at 80% utilisation, for the service
   time of benchmarks/model_server.py (8.7 ms, SCV about 0.02).

Run: python -m benchmarks.queue_tail. docs/benchmarks.md quotes it.
"""

from __future__ import annotations

import math
import random

import numpy as np

from mlreview.quant.queueing import Z99, ServiceTime, Station

SHAPES = {
    "lognormal, SCV 0.02": ServiceTime.lognormal(0.0087, 0.0087 * math.exp(0.14 * Z99)),
    "lognormal, SCV 0.28": ServiceTime.lognormal(0.01, 0.01 * math.exp(0.5 * Z99)),
    "exponential": ServiceTime.exponential(0.01),
    "constant": ServiceTime.deterministic(0.01),
}
UTILISATIONS = (0.3, 0.6, 0.8)


def simulate(service: ServiceTime, rate: float, requests: int, rng: random.Random) -> list[float]:
    values = service.values
    wait, out = 0.0, []
    for _ in range(requests):
        s = rng.choice(values)
        out.append(wait + s)
        wait = max(0.0, wait + s - rng.expovariate(rate))
    return out


def p99(values: list[float]) -> float:
    return float(np.quantile(values, 0.99))


def cramer_lundberg_p99(service: ServiceTime, rate: float) -> float:
    """P(wait > t) ~ C exp(-gamma t), gamma solving rate (E[exp(gamma S)] - 1) = gamma."""
    s = service.array

    def excess(g: float) -> float:
        return float(rate * (np.mean(np.exp(g * s)) - 1.0) - g)

    lo, hi = 1e-9, 1.0 / service.mean
    while excess(hi) <= 0:
        lo, hi = hi, hi * 2
    for _ in range(80):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if excess(mid) <= 0 else (lo, mid)
    rho = rate * service.mean
    c = min(rho, (1 - rho) / (rate * float(np.mean(s * np.exp(hi * s))) - 1))

    def survival(t: float) -> float:
        return float(np.where(s > t, 1.0, c * np.exp(-hi * np.clip(t - s, 0, None))).mean())

    a, b = 0.0, 10.0
    for _ in range(60):
        mid = (a + b) / 2
        a, b = (mid, b) if survival(mid) > 0.01 else (a, mid)
    return b


def main() -> int:
    rng = random.Random(20261127)
    print(
        "| service time | utilisation | exact simulation p99 | model p99 | model error "
        "| Cramer-Lundberg p99 | its error |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, service in SHAPES.items():
        for u in UTILISATIONS:
            rate = u / service.mean
            exact = p99(simulate(service, rate, 400_000, rng)) * 1000
            model = Station(1, rate, service).response_quantile(0.99) * 1000
            cl = cramer_lundberg_p99(service, rate) * 1000
            print(
                f"| {name} | {u:.0%} | {exact:.1f} ms | {model:.1f} ms | "
                f"{(model - exact) / exact:+.0%} | {cl:.1f} ms | {(cl - exact) / exact:+.0%} |"
            )
    print()
    service = SHAPES["lognormal, SCV 0.02"]
    rate = 0.8 / service.mean
    print(f"p99 of single runs at 80% utilisation ({rate:.1f} req/s):")
    print()
    print("| run length | runs | median p99 | lowest | highest |")
    print("|---|---|---|---|---|")
    for seconds, runs in ((24, 20), (120, 20), (600, 8)):
        values = sorted(
            p99(simulate(service, rate, int(rate * seconds), rng)) * 1000 for _ in range(runs)
        )
        print(
            f"| {seconds} s | {runs} | {float(np.median(values)):.1f} ms | {values[0]:.1f} ms "
            f"| {values[-1]:.1f} ms |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
