"""How far the queueing model's p99 is from exact simulation, and how noisy a p99 measured over
a short run is. No server: seeded simulations only.

1. One server (a replica behind random routing serving one request at a time): the p99 of
   response time from a FIFO simulation (Lindley's recursion, Poisson arrivals, 400,000
   requests) against mlreview's exact M/G/1 model (`quant.queueing.mg1_wait_cdf`), for service
   times of several shapes at 20% to 90% utilisation.
2. A pool of four servers with one queue (concurrency 4 per replica, or a shared queue): the
   same against the M/G/c approximation (Erlang C, Allen-Cunneen mean, exponential wait).
3. The spread of the p99 of single runs of 24 s, 120 s and 600 s at 80% utilisation, for the
   service time of benchmarks/model_server.py (8.7 ms, SCV about 0.02).

Run: python -m benchmarks.queue_tail. docs/benchmarks.md quotes it.
"""

from __future__ import annotations

import heapq
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
UTILISATIONS = (0.2, 0.5, 0.8, 0.9)
REQUESTS = 400_000


def simulate(service: ServiceTime, rate: float, requests: int, rng: random.Random) -> list[float]:
    """Response times of a FIFO single server with Poisson arrivals."""
    values = service.values
    wait, out = 0.0, []
    for _ in range(requests):
        s = rng.choice(values)
        out.append(wait + s)
        wait = max(0.0, wait + s - rng.expovariate(rate))
    return out


def simulate_pool(
    servers: int, service: ServiceTime, rate: float, requests: int, rng: random.Random
) -> list[float]:
    """Response times of ``servers`` servers sharing one FIFO queue, Poisson arrivals."""
    values = service.values
    free = [0.0] * servers
    now, out = 0.0, []
    for _ in range(requests):
        now += rng.expovariate(rate)
        start = max(now, heapq.heappop(free))
        done = start + rng.choice(values)
        heapq.heappush(free, done)
        out.append(done - now)
    return out


def p99(values: list[float]) -> float:
    return float(np.quantile(values, 0.99))


def tail_table(servers: int, rng: random.Random) -> None:
    print("| service time | utilisation | simulated p99 | model p99 | model error |")
    print("|---|---|---|---|---|")
    for name, service in SHAPES.items():
        for u in UTILISATIONS:
            rate = u * servers / service.mean
            if servers == 1:
                responses = simulate(service, rate, REQUESTS, rng)
            else:
                responses = simulate_pool(servers, service, rate, REQUESTS, rng)
            simulated = p99(responses) * 1000
            model = Station(servers, rate, service).response_quantile(0.99) * 1000
            print(
                f"| {name} | {u:.0%} | {simulated:.1f} ms | {model:.1f} ms | "
                f"{(model - simulated) / simulated:+.1%} |"
            )
    print()


def main() -> int:
    rng = random.Random(20261127)
    print("One server (exact M/G/1 model):")
    print()
    tail_table(1, rng)
    print("Four servers, one queue (M/G/c approximation):")
    print()
    tail_table(4, rng)
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
