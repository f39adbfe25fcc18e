"""Validate the serving capacity model against a real model server on loopback.

Starts benchmarks/model_server.py under uvicorn with one worker on 127.0.0.1, drives it
open-loop (Poisson arrivals, latency measured from each request's scheduled start, so slow
periods are not under-sampled) at several rates, and compares measured p50, p99 and saturation
throughput with what mlreview's queueing model predicts from calibration runs at moderate load.
Runs go in rounds (the calibration rate, every rate, saturation), so the machine's drift over
minutes reaches all of them alike. The server has a core of its own, kept out of deep idle
states; the client has the others and spins between arrivals, so neither measures the other's
scheduling.

Run: make validate-capacity (installs the `bench` extras: scikit-learn, uvicorn, httptools);
`python -m benchmarks.validate_capacity --seconds 60 --repeats 6` for longer runs per rate.
Goals (issue): saturation within 15%; p99 within 25% up to 80% utilisation.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.queue_tail import simulate
from mlreview.quant.queueing import ServiceTime, Station

HOST = "127.0.0.1"
UTILISATIONS = (0.2, 0.4, 0.6, 0.7, 0.8, 0.9)
# Near saturation a few long busy periods decide the p99 of a short run (an exact M/G/1
# simulation of 24 s at 80% spreads from 70 to 123 ms), so each rate runs several times; the
# table shows the p99 of all runs pooled and the spread of the runs' own p99s.
REPEATS = 5
SECONDS = 36.0
SATURATION_SECONDS = 30.0
# 200,000 simulated requests pin a p99 at 80% to a few percent; a replay is one sample path.
MODEL_NOISE = 0.05
REPLAY_NOISE = 0.15
STEAL_FIELD = 8  # /proc/stat: user nice system idle iowait irq softirq steal


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def split_cores() -> tuple[set[int], set[int]]:
    """One core for the server, the others for the client. Left to the scheduler, the two
    share a core now and then, and the server's handling time at light load grows (not in a
    closed loop): a load-dependent service time that is the benchmark measuring itself."""
    cores = sorted(os.sched_getaffinity(0))
    if len(cores) < 2:
        return set(cores), set(cores)
    return {cores[-1]}, set(cores[:-1])


def keep_awake(cores: set[int]) -> subprocess.Popen[bytes]:
    """A spinning process at the lowest scheduling class on the server's core: any runnable
    server thread preempts it at once, so the core never idles. On this virtual machine a server
    core that idles between requests runs the handler far slower (the script prints both); a
    server under steady load never idles, and that is the regime capacity is about. The usual
    latency-benchmark tuning (idle=poll), done in user space."""
    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    os.sched_setaffinity(spinner.pid, cores)
    os.sched_setscheduler(spinner.pid, os.SCHED_IDLE, os.sched_param(0))
    return spinner


def start_server(port: int, cores: set[int]) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "benchmarks.model_server:app",
            "--host",
            HOST,
            "--port",
            str(port),
            "--workers",
            "1",
            "--log-level",
            "warning",
            "--no-access-log",
            "--timeout-keep-alive",
            "600",
        ],
    )
    # Set before uvicorn starts its event loop or any thread; threads inherit it.
    os.sched_setaffinity(proc.pid, cores)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection((HOST, port), timeout=0.2):
            return proc
        time.sleep(0.2)
    proc.kill()
    raise RuntimeError("model server did not start")


class Client:
    """HTTP/1.1 over pooled keep-alive connections; opens more when all are busy."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []

    async def get(self, n: int) -> float:
        """Send one request; returns the server's own handling time (seconds)."""
        if self.idle:
            try:
                return await self._exchange(self.idle.pop(), n)
            except (asyncio.IncompleteReadError, ConnectionError):
                pass  # the server closed an idle connection: use a fresh one
        return await self._exchange(await asyncio.open_connection(HOST, self.port), n)

    async def _exchange(
        self, conn: tuple[asyncio.StreamReader, asyncio.StreamWriter], n: int
    ) -> float:
        reader, writer = conn
        writer.write(f"GET /predict?i={n} HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode())
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(
            int(line.split(b":")[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length")
        )
        await reader.readexactly(length)
        self.idle.append(conn)
        return next(
            float(line.split(b":")[1]) / 1000.0
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"x-service-ms")
        )

    def close(self) -> None:
        for _, writer in self.idle:
            writer.close()


@dataclass
class Run:
    latencies: list[float] = field(default_factory=list)
    handler: list[float] = field(default_factory=list)
    arrivals: list[float] = field(default_factory=list)


async def spin_until(loop: asyncio.AbstractEventLoop, when: float) -> None:
    """Spin (yielding to the loop) rather than sleep: a client asleep between arrivals wakes
    late (about a millisecond at the median here), and that lateness would count as the
    server's latency."""
    while loop.time() < when:
        await asyncio.sleep(0)


async def open_loop(port: int, rate: float, seconds: float, seed: int) -> Run:
    """Poisson arrivals at ``rate`` for ``seconds``: each request's latency from its scheduled
    start and the server's handling time."""
    rng = random.Random(seed)
    client = Client(port)
    run = Run()
    loop = asyncio.get_running_loop()
    start = loop.time()

    async def one(n: int, due: float) -> None:
        handled = await client.get(n)
        run.latencies.append(loop.time() - due)
        run.handler.append(handled)
        run.arrivals.append(due)

    tasks = []
    t, n = 0.0, 0
    while t < seconds:
        t += rng.expovariate(rate)
        await spin_until(loop, start + t)
        tasks.append(asyncio.create_task(one(n, start + t)))
        n += 1
    await asyncio.gather(*tasks)
    client.close()
    return run


async def one_at_a_time(port: int, rate: float, seconds: float, seed: int) -> Run:
    """Requests one after another, spaced by exponential gaps averaging 1 / ``rate``: no
    request ever waits for another."""
    rng = random.Random(seed)
    client = Client(port)
    run = Run()
    loop = asyncio.get_running_loop()
    end = loop.time() + seconds
    n = 0
    while loop.time() < end:
        due = loop.time() + rng.expovariate(rate)
        await spin_until(loop, due)
        run.handler.append(await client.get(n))
        run.latencies.append(loop.time() - due)
        n += 1
    client.close()
    return run


async def closed_loop(port: int, connections: int, seconds: float) -> float:
    """Keep ``connections`` requests in flight for ``seconds``; completions per second over the
    last 80% of the run: the server's maximum throughput, without an ever-growing backlog of
    connections that an overloaded open-loop run piles on it."""
    client = Client(port)
    loop = asyncio.get_running_loop()
    start = loop.time()
    done_at: list[float] = []

    async def worker(k: int) -> None:
        n = k
        while loop.time() - start < seconds:
            await client.get(n)
            done_at.append(loop.time() - start)
            n += connections

    await asyncio.gather(*(worker(k) for k in range(connections)))
    client.close()
    return len([d for d in done_at if 0.2 * seconds <= d <= seconds]) / (0.8 * seconds)


def stolen_seconds(cores: set[int]) -> float:
    """Time the hypervisor ran something else while these virtual cores wanted to run."""
    total = 0
    for line in Path("/proc/stat").read_text().splitlines():
        name, *fields = line.split()
        if name.startswith("cpu") and name[3:].isdigit() and int(name[3:]) in cores:
            total += int(fields[STEAL_FIELD - 1])
    return total / os.sysconf("SC_CLK_TCK")


def server_cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def predict(station: Station, overhead: list[float], p: float) -> float:
    """p-quantile of overhead + queueing response: mean over overhead samples of P(R > t - o)."""
    lo, hi = 0.0, 10.0
    for _ in range(50):
        mid = (lo + hi) / 2
        tail = sum(station.response_survival(mid - o) for o in overhead) / len(overhead)
        lo, hi = (mid, hi) if tail > 1 - p else (lo, mid)
    return hi


def simulated_p99(service: ServiceTime, rate: float, overhead: list[float], seed: int) -> float:
    """p99 of an exact FIFO single-server simulation with Poisson arrivals and service drawn
    from the calibration's grid, 200,000 requests, plus the measured overhead: what the
    queueing model computes exactly, so the two columns differ only by the simulation's
    noise and any error in the model."""
    rng = random.Random(seed)
    responses = simulate(service, rate, 200_000, rng)
    return quantile([r + rng.choice(overhead) for r in responses], 0.99)


def replayed_p99(runs: list[Run], framework: float) -> float:
    """p99 of a FIFO single server fed the runs' own arrival times and handling times
    (Lindley's recursion): equal to the measured p99 when the server is an M/G/1 queue, so any
    gap left between model and measurement is in the arrivals and service times themselves."""
    responses = []
    for run in runs:
        wait, last = 0.0, None
        for due, handled in sorted(zip(run.arrivals, run.handler, strict=True)):
            if last is not None:
                wait = max(0.0, wait - (due - last))
            service = handled + framework
            responses.append(wait + service)
            wait, last = wait + service, due
    return quantile(responses, 0.99)


def service_time(handler: list[float]) -> ServiceTime:
    return ServiceTime(tuple(quantile(handler, (i + 0.5) / 400) for i in range(400)))


def quantile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


@dataclass
class Sweep:
    """Runs at every rate and at the calibration rate, taken in rounds: each round runs the
    calibration rate and then every rate once. The machine's speed drifts over minutes, and
    rounds spread every rate, and the calibration, over the same stretch of it."""

    port: int
    server_pid: int
    server_cores: set[int]
    calibration: list[Run] = field(default_factory=list)
    calibration_cpu: float = 0.0
    at_rate: dict[float, list[Run]] = field(default_factory=dict)
    stolen: dict[float, list[float]] = field(default_factory=dict)
    throughputs: list[float] = field(default_factory=list)

    def rounds(
        self, calibration_rate: float, rates: list[float], seconds: float, repeats: int
    ) -> None:
        """Each round: the calibration rate, every rate, then the saturation throughput."""
        for r in range(repeats):
            self.calibrate(calibration_rate, seconds, seed=3 + r)
            for i, rate in enumerate(rates):
                self.measure(rate, seconds, seed=100 * i + r)
            self.throughputs.append(asyncio.run(closed_loop(self.port, 4, SATURATION_SECONDS)))
            print(f"round {r + 1} of {repeats} done", file=sys.stderr)

    @property
    def handled(self) -> list[float]:
        """Handling times of every calibration run so far."""
        return [h for run in self.calibration for h in run.handler]

    @property
    def cpu_per_request(self) -> float:
        return self.calibration_cpu / len(self.handled)

    @property
    def framework(self) -> float:
        """The server's CPU per request beyond the handler: the HTTP work around it, which
        occupies the server's single thread too, so it belongs in the service time."""
        return max(0.0, self.cpu_per_request - statistics.fmean(self.handled))

    def service(self) -> ServiceTime:
        framework = self.framework
        return service_time([h + framework for h in self.handled])

    def calibrate(self, rate: float, seconds: float, seed: int) -> None:
        cpu_before = server_cpu_seconds(self.server_pid)
        self.calibration.append(asyncio.run(open_loop(self.port, rate, seconds, seed=seed)))
        self.calibration_cpu += server_cpu_seconds(self.server_pid) - cpu_before

    def measure(self, rate: float, seconds: float, seed: int) -> None:
        stolen_before = stolen_seconds(self.server_cores)
        run = asyncio.run(open_loop(self.port, rate, seconds, seed=seed))
        self.at_rate.setdefault(rate, []).append(run)
        stolen = stolen_seconds(self.server_cores) - stolen_before
        self.stolen.setdefault(rate, []).append(stolen / seconds)


@dataclass(frozen=True)
class RowErrors:
    """One rate's p99 error, split: the model against an exact simulation of the queue it
    describes (the model's own error), and a FIFO replay of the runs' own arrivals and handling
    times against the measurement (whether the server is such a queue). When both are small and
    the prediction still misses, the handling times the machine delivered differ from the
    calibration's."""

    prediction: float
    model: float
    replay: float


def compare_at(
    rate: float,
    runs: list[Run],
    stolen_per_second: float,
    *,
    seed: int,
    service: ServiceTime,
    overhead: list[float],
    framework: float,
) -> RowErrors:
    """Print the table row of ``rate``; return its errors."""
    p99s = sorted(quantile(r.latencies, 0.99) * 1000 for r in runs)
    pooled = [lat for r in runs for lat in r.latencies]
    m50, m99 = quantile(pooled, 0.5) * 1000, quantile(pooled, 0.99) * 1000
    st = Station(1, rate, service)
    q50, q99 = predict(st, overhead, 0.5) * 1000, predict(st, overhead, 0.99) * 1000
    sim = simulated_p99(service, rate, overhead, seed=seed) * 1000
    replay = replayed_p99(runs, framework) * 1000
    own = service_time([h + framework for r in runs for h in r.handler])
    o99 = predict(Station(1, rate, own), overhead, 0.99) * 1000
    print(
        f"| {service.mean * rate:.0%} | {rate:.1f} | {m50:.1f} ms | {q50:.1f} ms | {m99:.1f} ms "
        f"({p99s[0]:.0f}-{p99s[-1]:.0f}) | {q99:.1f} ms | {(q99 - m99) / m99:+.0%} "
        f"| {sim:.1f} ms | {replay:.1f} ms | {own.mean * 1000:.2f} ms | {o99:.1f} ms "
        f"| {(o99 - m99) / m99:+.0%} | {stolen_per_second * 1000:.0f} ms/s |"
    )
    return RowErrors((q99 - m99) / m99, (sim - q99) / q99, (replay - m99) / m99)


def print_table(
    sweep: Sweep,
    rates: list[float],
    *,
    service: ServiceTime,
    overhead: list[float],
    framework: float,
) -> list[RowErrors]:
    """One row per rate; returns the errors of the rows up to 80% utilisation."""
    print()
    print(
        "| utilisation | rate req/s | p50 measured | p50 predicted | p99 measured (range) "
        "| p99 predicted | p99 error | p99 of exact M/G/1 simulation | p99 of FIFO replay "
        "| service mean in run | p99 from run's service | its error "
        "| CPU stolen from server core |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    counted = []
    for i, (u, rate) in enumerate(zip(UTILISATIONS, rates, strict=True)):
        errors = compare_at(
            rate,
            sweep.at_rate[rate],
            statistics.fmean(sweep.stolen[rate]),
            seed=i,
            service=service,
            overhead=overhead,
            framework=framework,
        )
        # A row counts when it was aimed at 80% or less, or landed there at the pooled
        # calibration's service time (the machine's drift moves rows off their targets).
        if u <= 0.8 or round(rate * service.mean, 2) <= 0.8:
            counted.append(errors)
    return counted


def print_diagnosis(counted: list[RowErrors], sweep: Sweep, ok: bool) -> None:
    """Where the p99 error up to 80% comes from: the model, the queue or the machine."""
    model = max(abs(e.model) for e in counted)
    replay = max(abs(e.replay) for e in counted)
    rounds = [statistics.fmean(run.handler) * 1000 for run in sweep.calibration]
    print(
        f"error split up to 80%: model against an exact simulation of its queue within "
        f"{model:.0%}; FIFO replay of the runs against the measurement within {replay:.0%}; "
        f"handler mean per calibration round {min(rounds):.2f}-{max(rounds):.2f} ms"
    )
    if not ok and model <= MODEL_NOISE and replay <= REPLAY_NOISE:
        print(
            "the misses are in the handling times the machine delivered: the model solves its "
            "queue and the server is that queue, but its service times moved away from the "
            "calibration's (drift or stalls; docs/benchmarks.md shows such runs)"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=SECONDS, help="length of one run")
    parser.add_argument("--repeats", type=int, default=REPEATS, help="rounds of runs")
    args = parser.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    port = free_port()
    server_cores, client_cores = split_cores()
    if server_cores == client_cores:
        print("one core only: client and server share it, so expect noisy tails")
    server = start_server(port, server_cores)
    os.sched_setaffinity(0, client_cores)
    awake = None
    try:
        idling = asyncio.run(one_at_a_time(port, 8, 20, seed=0))
        awake = keep_awake(server_cores)
        # The service time is measured under moderate load, as a load test would: the
        # handler's time plus the framework's (Sweep.framework), not in the overhead. A probe
        # sending one request at a time gives the client and loopback overhead (latency
        # minus service, with no queueing in it: an open-loop probe, even at 8 req/s,
        # puts a request behind another now and then, and the model would count that wait
        # twice) and the rough capacity; the calibration then runs at about half of that,
        # once before the sweep (to set its rates) and once in every round.
        probe = asyncio.run(one_at_a_time(port, 8, 40, seed=1))
        calibration_rate = 0.5 / statistics.fmean(probe.handler)
        sweep = Sweep(port, server.pid, server_cores)
        sweep.calibrate(calibration_rate, 40, seed=2)
        rates = [u / sweep.service().mean for u in UTILISATIONS]
        sweep.rounds(calibration_rate, rates, args.seconds, args.repeats)
        framework, service = sweep.framework, sweep.service()
        overhead = sorted(
            max(0.0, lat - h - framework)
            for lat, h in zip(probe.latencies, probe.handler, strict=True)
        )
        saturation = 1.0 / service.mean
        print(
            f"one request at a time at 8 req/s: handler mean "
            f"{statistics.fmean(idling.handler) * 1000:.2f} ms with the server's core idling "
            f"between requests, {statistics.fmean(probe.handler) * 1000:.2f} ms with it kept "
            "awake"
        )
        drift = ", ".join(
            f"{statistics.fmean(run.handler) * 1000:.2f}" for run in sweep.calibration
        )
        print(
            f"calibration at {calibration_rate:.1f} req/s, 40 s before the sweep and "
            f"{args.seconds:.0f} s in each of its {args.repeats} rounds (handler mean {drift} ms): "
            f"handler mean {statistics.fmean(sweep.handled) * 1000:.2f} ms, server CPU per "
            f"request {sweep.cpu_per_request * 1000:.2f} ms, so service mean "
            f"{service.mean * 1000:.2f} ms, p99 {service.quantile(0.99) * 1000:.2f} ms; "
            "client and loopback overhead p50 "
            f"{quantile(overhead, 0.5) * 1000:.2f} ms, p99 {quantile(overhead, 0.99) * 1000:.2f} "
            f"ms; predicted saturation {saturation:.1f} req/s"
        )
        print(f"{args.repeats} runs of {args.seconds:.0f} s per rate, one per round")
        counted = print_table(sweep, rates, service=service, overhead=overhead, framework=framework)
        worst = max(abs(e.prediction) for e in counted)
        throughput = statistics.fmean(sweep.throughputs)
        sat_error = (saturation - throughput) / throughput
        print()
        print(
            f"saturation: measured {throughput:.1f} req/s (4 requests always in flight, "
            f"{SATURATION_SECONDS:.0f} s in each round: "
            f"{', '.join(f'{t:.1f}' for t in sweep.throughputs)}), "
            f"predicted {saturation:.1f} req/s, error {sat_error:+.0%}"
        )
        print(f"worst p99 error up to 80% utilisation: {worst:.0%}")
        ok = abs(sat_error) <= 0.15 and worst <= 0.25
        print_diagnosis(counted, sweep, ok)
        print("within goals (saturation 15%, p99 25%):", "yes" if ok else "NO")
        return 0 if ok else 1
    finally:
        if awake is not None:
            awake.kill()
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    raise SystemExit(main())
