"""Latency of a pool of servers fed by Poisson arrivals: exact for one server, Erlang C and
Allen-Cunneen for several.

Service times are a quantile grid, so any shape can be used: lognormal fitted to a declared
p50 and p99 (the usual case), exponential, or deterministic. A single server (a replica behind
random routing that serves one request at a time) gets the exact M/G/1 wait distribution from
the Pollaczek-Khinchine transform, inverted numerically on a lattice; a pool of servers gets
the M/G/c approximation: the wait is 0 with probability C and otherwise exponential with the
Allen-Cunneen mean.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from statistics import NormalDist

import numpy as np

GRID = 400
_Z = np.array([NormalDist().inv_cdf((i + 0.5) / GRID) for i in range(GRID)])
Z99 = NormalDist().inv_cdf(0.99)


@dataclass(frozen=True)
class ServiceTime:
    """A service-time distribution in seconds, held as GRID equally likely values (sorted)."""

    values: tuple[float, ...]
    basis: str = field(default="", compare=False)

    @classmethod
    def lognormal(cls, p50: float, p99: float, basis: str = "") -> ServiceTime:
        if p99 <= p50:
            return cls.deterministic(p50, basis)
        sigma = math.log(p99 / p50) / Z99
        return cls(tuple(sorted(float(v) for v in p50 * np.exp(sigma * _Z))), basis)

    @classmethod
    def exponential(cls, mean: float, basis: str = "") -> ServiceTime:
        q = (np.arange(GRID) + 0.5) / GRID
        return cls(tuple(sorted(float(v) for v in -mean * np.log1p(-q))), basis)

    @classmethod
    def deterministic(cls, value: float, basis: str = "") -> ServiceTime:
        return cls((value,) * GRID, basis)

    @cached_property
    def array(self) -> np.ndarray:
        return np.sort(np.asarray(self.values))

    @cached_property
    def mean(self) -> float:
        return float(self.array.mean())

    @cached_property
    def scv(self) -> float:
        """Squared coefficient of variation."""
        a = self.array
        return float(a.var() / a.mean() ** 2)

    def quantile(self, p: float) -> float:
        known = self._quantiles.get(p)
        if known is None:
            known = self._quantiles[p] = float(np.quantile(self.array, p))
        return known

    @cached_property
    def _quantiles(self) -> dict[float, float]:
        """Quantiles already worked out (a capacity search asks for the same few often)."""
        return {}

    def scaled(self, factor: float, basis: str | None = None) -> ServiceTime:
        """The same shape, every value ``factor`` times longer."""
        return ServiceTime(
            tuple(v * factor for v in self.values), self.basis if basis is None else basis
        )


def erlang_b(servers: int, load: float) -> float:
    b = 1.0
    for k in range(1, servers + 1):
        b = load * b / (k + load * b)
    return b


def erlang_c(servers: int, load: float) -> float:
    """Probability an arrival waits in an M/M/c queue with offered load ``load`` Erlangs."""
    if load >= servers:
        return 1.0
    b = erlang_b(servers, load)
    return servers * b / (servers - load * (1.0 - b))


SEARCH_LEVELS = 3
"""Halvings of a quantile search tested together (their 7 midpoints in one array)."""
LATTICE_STEPS_PER_MEAN = 100
LATTICE_MAX_POINTS = 1 << 21
LATTICE_TAIL_MASS = 1e-9


def mg1_wait_cdf(rate: float, service: ServiceTime) -> tuple[float, np.ndarray]:
    """The FIFO wait of an M/G/1 queue as ``(h, cdf)`` with ``cdf[k] = P(W <= (k + 0.5) h)``.

    The wait is a geometric sum of equilibrium-excess service times (Pollaczek-Khinchine:
    ``P(W <= x) = (1 - rho) sum rho^n Fe^{*n}(x)``), so on a lattice its Fourier transform is
    ``(1 - rho) / (1 - rho phi_e)``. The excess density is put on the lattice by its exact mass
    in each cell; the lattice doubles until less than ``LATTICE_TAIL_MASS`` lies in its last
    eighth, so the mass a circular transform wraps around is negligible.
    """
    s = service.array
    mean = service.mean
    rho = rate * mean
    cumulative = np.concatenate(([0.0], np.cumsum(s)))

    def excess_cdf(x: np.ndarray) -> np.ndarray:
        # Fe(x) = E[min(S, x)] / E[S] for the equally likely grid values.
        below = np.searchsorted(s, x, side="right")
        return (cumulative[below] + x * (len(s) - below)) / len(s) / mean

    excess_mean = float(np.mean(s * s)) / (2.0 * mean)
    span = s[-1] + 40.0 * excess_mean / (1.0 - rho)
    h = mean / LATTICE_STEPS_PER_MEAN
    points = 1 << max(10, math.ceil(math.log2(span / h)))
    while True:
        if points > LATTICE_MAX_POINTS:
            h *= points / LATTICE_MAX_POINTS
            points = LATTICE_MAX_POINTS
        edges = np.clip((np.arange(points + 1) - 0.5) * h, 0.0, None)
        excess = np.diff(excess_cdf(edges))
        pmf = np.fft.irfft((1.0 - rho) / (1.0 - rho * np.fft.rfft(excess)), n=points)
        pmf = np.clip(pmf, 0.0, None)
        if pmf[-points // 8 :].sum() < LATTICE_TAIL_MASS or points == LATTICE_MAX_POINTS:
            return h, np.minimum(np.cumsum(pmf), 1.0)
        points *= 2


@dataclass(frozen=True)
class Station:
    """``servers`` identical servers, one FIFO queue, Poisson arrivals at ``rate`` per second."""

    servers: int
    rate: float
    service: ServiceTime

    @property
    def load(self) -> float:
        return self.rate * self.service.mean

    @property
    def utilisation(self) -> float:
        return self.load / self.servers

    @property
    def stable(self) -> bool:
        return self.utilisation < 1.0

    @cached_property
    def wait_probability(self) -> float:
        return erlang_c(self.servers, self.load)

    @cached_property
    def mean_wait(self) -> float:
        """Allen-Cunneen: the M/M/c mean wait scaled by (1 + cs2) / 2 (exact for one server)."""
        if not self.stable:
            return math.inf
        mmc = self.wait_probability * self.service.mean / (self.servers - self.load)
        return mmc * (1.0 + self.service.scv) / 2.0

    @cached_property
    def _exact_wait(self) -> tuple[float, np.ndarray] | None:
        if self.servers != 1 or self.rate <= 0.0:
            return None
        return mg1_wait_cdf(self.rate, self.service)

    def _wait_cdf(self, x: np.ndarray) -> np.ndarray:
        if self._exact_wait is not None:
            h, cdf = self._exact_wait
            # cdf[k] + (u - k) * (cdf[k + 1] - cdf[k]) at u = clip(x / h - 0.5), 0 below zero:
            # the same operations on the same floats, in place, and each lattice value gathered
            # once (the lattice has up to 2 million points; the gathers miss the cache). Half
            # the time of the expression it replaces, bit for bit the same (measured
            # 2026-12-07 on every call of the generated 300-feature manifest and the examples).
            u = x / h
            u -= 0.5
            np.clip(u, 0.0, len(cdf) - 1.0, out=u)
            k = u.astype(np.int64)
            np.minimum(k, len(cdf) - 2, out=k)
            below = cdf[k]
            step = cdf[k + 1]
            step -= below
            u -= k
            u *= step
            u += below
            u[x < 0.0] = 0.0
            return u
        c = self.wait_probability
        if c <= 0.0 or self.mean_wait == 0.0:
            return np.where(x < 0.0, 0.0, 1.0)
        # Clipped first: np.where evaluates both branches, and exp of a large negative x overflows.
        return np.where(x < 0.0, 0.0, 1.0 - c * np.exp(-c / self.mean_wait * np.maximum(x, 0.0)))

    def response_survival(self, t: float) -> float:
        """P(wait + service > t), averaged over the service-time grid (the wait and the
        request's own service time are independent under FIFO)."""
        return float(1.0 - self._wait_cdf(t - self.service.array).mean())

    def response_quantile(self, p: float) -> float:
        """The p-quantile of response time (seconds); inf when the station is unstable."""
        return _response_quantile(self.servers, self.rate, self.service, p)

    def _survivals(self, t: np.ndarray) -> np.ndarray:
        """``response_survival`` at each of the times ``t`` at once: row by row the same
        element-wise operations and the same pairwise sums, so the same floats."""
        waits: np.ndarray = self._wait_cdf(t[:, None] - self.service.array[None, :])
        out: np.ndarray = 1.0 - waits.mean(axis=1)
        return out

    def _search_quantile(self, p: float) -> float:
        """Bisection of ``response_survival`` against ``1 - p``, 50 halvings. The midpoints
        of the next ``SEARCH_LEVELS`` halvings are known before any of them is tested (each
        is the middle of an interval its predecessors may leave), so they are tested in one
        array operation and the halvings then taken in order: the same midpoints, tests and
        result as halving one at a time, at a fraction of the numpy calls."""
        if not self.stable:
            return math.inf
        lo = self.service.quantile(p)
        hi = self.service.quantile(0.9999) + 50.0 * max(self.mean_wait, self.service.mean)
        target = 1.0 - p
        left = 50
        while left:
            levels = min(SEARCH_LEVELS, left)
            # Heap order: node i's halves are 2i + 1 (the lower) and 2i + 2 (the upper).
            bounds = [(lo, hi)]
            mids: list[float] = []
            for i in range((1 << levels) - 1):
                a, b = bounds[i]
                mid = (a + b) / 2.0
                mids.append(mid)
                bounds += [(a, mid), (mid, b)]
            above = self._survivals(np.array(mids)) > target
            i = 0
            for _ in range(levels):
                if above[i]:
                    lo = mids[i]
                    i = 2 * i + 2
                else:
                    hi = mids[i]
                    i = 2 * i + 1
            left -= levels
        return hi


@lru_cache(maxsize=4096)
def _response_quantile(servers: int, rate: float, service: ServiceTime, p: float) -> float:
    """Station.response_quantile, remembered: a review and its what-if reruns ask for the same
    station's quantiles many times, and each costs a lattice transform and a search. Keyed by
    value, not by Station, so the cache holds no lattice arrays."""
    return Station(servers, rate, service)._search_quantile(p)


@cache
def max_rate(servers: int, service: ServiceTime, p: float, limit_seconds: float) -> float:
    """The highest arrival rate at which the p-quantile of response time stays within the limit
    (0 when even an idle station misses it)."""
    if service.quantile(p) > limit_seconds:
        return 0.0
    lo, hi = 0.0, servers / service.mean
    for _ in range(40):
        mid = (lo + hi) / 2.0
        st = Station(servers, mid, service)
        if st.stable and st.response_quantile(p) <= limit_seconds:
            lo = mid
        else:
            hi = mid
    return lo


@cache
def scale_to_match(
    servers: int, rate: float, service: ServiceTime, p: float, measured_seconds: float
) -> float:
    """The factor by which ``service`` must stretch for the p-quantile of response time at
    ``rate`` to reach a measured one (1 or less when it already does). How much slower than
    assumed a load test says the servers were."""

    def reaches(factor: float) -> bool:
        st = Station(servers, rate, service.scaled(factor))
        return not st.stable or st.response_quantile(p) >= measured_seconds

    if reaches(1.0):
        return 1.0
    lo, hi = 1.0, 2.0
    while not reaches(hi):
        lo, hi = hi, hi * 2.0
    for _ in range(30):
        mid = (lo + hi) / 2.0
        lo, hi = (lo, mid) if reaches(mid) else (mid, hi)
    return hi
