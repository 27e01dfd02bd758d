"""Spikes: hourly series of volume and of negative sentiment, overall and per channel,
each against its own baseline with its weekly rhythm.

The method (one of those the anchors publish, made robust for small counts):

- the **observed** value at hour *h* is the count over the last ``window_hours`` hours
  (activities, or negative ones; spam and bots' activities left out);
- its **baseline** is the median of the same window at the same hour on each of the
  previous ``days`` days and at the same hour of the week on each of the previous
  ``weeks`` weeks (so Monday mornings are compared with Monday mornings and with the
  last few mornings): Meltwater's "the last hour against the previous ones" and
  Socialmetrix's "k standard deviations over the mean", with the weekly seasonality;
- the **spread** is the larger of the baseline samples' median absolute deviation
  (times 1.4826, a standard deviation for normal data) and the square root of the
  baseline (the spread of a Poisson count: a quiet channel's 0, 1, 2 messages an hour
  are not a crisis when they become 4);
- a spike is an observed value of at least ``min_count``, at least ``ratio`` times the
  baseline, at least ``k`` spreads above it, and less likely than ``alpha`` by chance
  for a Poisson count at the usual level times ``dispersion`` (the test that keeps a
  quiet channel from alarming every week: a million hour-and-channel tests must not
  make more than about one false alarm). The **negative share** spikes too when,
  over ``share_hours`` hours with at least ``share_min_volume`` activities, the share of
  negative ones is ``share_jump`` above its baseline share (same samples) and at least
  twice it.

Thresholds are settings (``[watch]``); the stored alert keeps the numbers it fired on.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from sqlalchemy import BigInteger, Connection, Integer, case, cast, func, or_, select

from veille.store.schema import activities, channels, enrichments, identities, members

HOUR: Final = 3600
WEEK_HOURS: Final = 168
METRICS: Final = ("volume", "negative", "negative_share")
F64 = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class SpikeRules:
    """The detector's thresholds (``[watch]`` in the settings file)."""

    window_hours: int = 2
    days: int = 7
    weeks: int = 4
    k: float = 4.0
    ratio: float = 2.5
    min_count: int = 6
    share_hours: int = 6
    share_min_volume: int = 20
    share_jump: float = 0.25
    #: A count must be this unlikely by chance (Poisson tail at the inflated usual level).
    alpha: float = 1e-4
    #: How much more real counts vary than Poisson's: the usual level is multiplied by it.
    dispersion: float = 1.25
    #: A series more variable than a Poisson count by more than this factor (its own
    #: burstiness, :func:`overdispersion`) must spike as much more to alarm; 0: never.
    #: A Poisson-like community measures 1.4-1.7 at the median (bench/watch.py).
    burst_tolerance: float = 2.0
    #: The usual level is never taken below this (a quiet channel's silence is no baseline).
    floor: float = 0.5
    #: An alert stays one episode while it fires again within this many hours.
    cooldown_hours: int = 12
    per_channel: bool = True
    #: Each watch and campaign is a series of its own too.
    per_watch: bool = True
    #: Where new alerts are sent (webhook URLs, Slack webhooks, e-mail addresses).
    notify: tuple[str, ...] = ()

    @property
    def history_hours(self) -> int:
        return self.weeks * WEEK_HOURS + self.window_hours + self.share_hours


@dataclass(frozen=True, slots=True)
class Spike:
    metric: str
    subject: str
    hour: int
    """The last hour of the window (hours since the epoch, UTC)."""
    observed: float
    baseline: float
    spread: float
    window: int

    @property
    def starts(self) -> datetime:
        return datetime.fromtimestamp((self.hour - self.window + 1) * HOUR, UTC)

    @property
    def ends(self) -> datetime:
        return datetime.fromtimestamp((self.hour + 1) * HOUR, UTC)


def _hour_of(conn: Connection) -> Any:
    column = activities.c.created_at
    if conn.dialect.name == "sqlite":
        return cast(func.strftime("%s", column), Integer) // HOUR
    return cast(func.floor(func.extract("epoch", column) / HOUR), BigInteger)


@dataclass
class Series:
    """Hourly counts from ``first`` (an hour index): ``volume[scope]``, ``negative[scope]``."""

    first: int
    volume: dict[str, F64]
    negative: dict[str, F64]

    @property
    def hours(self) -> int:
        return len(next(iter(self.volume.values()))) if self.volume else 0


def series(conn: Connection, first: int, last: int, per_channel: bool = True) -> Series:
    """Counts per hour in ``[first, last]`` (hour indices), overall and per channel."""
    hour = _hour_of(conn).label("hour")
    start = datetime.fromtimestamp(first * HOUR, UTC)
    end = datetime.fromtimestamp((last + 1) * HOUR, UTC)
    rows = conn.execute(
        select(
            hour,
            channels.c.name,
            func.count(),
            func.sum(case((enrichments.c.sentiment == "negative", 1), else_=0)),
        )
        .select_from(
            activities.join(channels, channels.c.id == activities.c.channel_id)
            .outerjoin(enrichments, enrichments.c.activity_id == activities.c.id)
            .join(identities, identities.c.id == activities.c.identity_id)
            .outerjoin(members, members.c.id == identities.c.member_id)
        )
        .where(
            activities.c.created_at >= start,
            activities.c.created_at < end,
            enrichments.c.spam.is_not(True),
            or_(activities.c.status.is_(None), activities.c.status != "spam"),
            # a CI posting thirty builds in an hour is no spike of the community's
            members.c.is_bot.is_not(True),
        )
        .group_by(hour, channels.c.name)
    ).all()
    n = last - first + 1
    volume: dict[str, F64] = {"all": np.zeros(n)}
    negative: dict[str, F64] = {"all": np.zeros(n)}
    for h, channel, count, neg in rows:
        i = int(h) - first
        if not 0 <= i < n:
            continue
        volume["all"][i] += count
        negative["all"][i] += neg or 0
        if per_channel:
            key = f"channel:{channel}"
            volume.setdefault(key, np.zeros(n))[i] += count
            negative.setdefault(key, np.zeros(n))[i] += neg or 0
    return Series(first, volume, negative)


def add_named(conn: Connection, s: Series, last: int, only: set[str] | None = None) -> None:
    """Add each watch's and campaign's hourly counts to ``s`` (subjects ``watch:NAME``
    and ``campaign:NAME``, or only those of ``only``), read from what they matched."""
    from veille.store.schema import campaigns, watch_hits, watches

    hour = (watch_hits.c.at // HOUR).label("hour")
    names = {("watch", int(i)): n for i, n in conn.execute(select(watches.c.id, watches.c.name))}
    names.update(
        (("campaign", int(i)), n) for i, n in conn.execute(select(campaigns.c.id, campaigns.c.name))
    )
    if only is not None:
        names = {k: n for k, n in names.items() if f"{k[0]}:{n}" in only}
        if not names:
            return
    n = last - s.first + 1
    for key, name in names.items():
        s.volume.setdefault(f"{key[0]}:{name}", np.zeros(n))
        s.negative.setdefault(f"{key[0]}:{name}", np.zeros(n))
    rows: list[Any] = []
    for kind in ("watch", "campaign"):
        owners = [o for k, o in names if k == kind]
        if not owners:
            continue
        # By kind, owner and time: the (kind, owner_id, at) index, not every hit.
        rows += conn.execute(
            select(
                watch_hits.c.kind,
                watch_hits.c.owner_id,
                hour,
                func.count(),
                func.sum(case((enrichments.c.sentiment == "negative", 1), else_=0)),
            )
            .select_from(
                watch_hits.outerjoin(
                    enrichments, enrichments.c.activity_id == watch_hits.c.activity_id
                )
            )
            .where(
                watch_hits.c.kind == kind,
                watch_hits.c.owner_id.in_(owners),
                watch_hits.c.at >= s.first * HOUR,
                watch_hits.c.at < (last + 1) * HOUR,
                enrichments.c.spam.is_not(True),
            )
            .group_by(watch_hits.c.kind, watch_hits.c.owner_id, hour)
        ).all()
    for kind, owner, h, count, neg in rows:
        name = names.get((kind, int(owner)))
        i = int(h) - s.first
        if name is None or not 0 <= i < n:
            continue
        s.volume[f"{kind}:{name}"][i] += count
        s.negative[f"{kind}:{name}"][i] += neg or 0


def poisson_tail(k: int, lam: float) -> float:
    """P(X >= k) for X ~ Poisson(lam), summed in logs (k is a count of messages)."""
    if k <= 0:
        return 1.0
    term = math.exp(-lam)  # P(X = 0)
    below = 0.0
    for j in range(k):
        below += term
        term *= lam / (j + 1)
    return max(0.0, 1.0 - below) if below < 0.999999 else _upper(k, lam)


def _upper(k: int, lam: float) -> float:
    """The tail summed from k up, for when 1 - P(X < k) would lose its digits."""
    log_term = -lam + k * math.log(lam) - math.lgamma(k + 1)
    total, j = 0.0, k
    while True:
        term = math.exp(log_term)
        total += term
        if term < total * 1e-12 or j > k + 10_000:
            return total
        j += 1
        log_term += math.log(lam) - math.log(j)


def binomial_tail(k: int, n: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p)."""
    if k <= 0:
        return 1.0
    if k > n:
        return 0.0
    log_p, log_q = math.log(p), math.log1p(-p)
    total = 0.0
    for j in range(k, n + 1):
        total += math.exp(
            math.lgamma(n + 1) - math.lgamma(j + 1) - math.lgamma(n - j + 1)
            + j * log_p + (n - j) * log_q
        )  # fmt: skip
    return min(1.0, total)


def _window_sums(x: F64, w: int) -> F64:
    """``out[i]`` = sum of ``x[i - w + 1 .. i]`` (shorter at the start)."""
    c = np.concatenate(([0.0], np.cumsum(x)))
    i = np.arange(len(x))
    return c[i + 1] - c[np.maximum(0, i + 1 - w)]


def _lags(rules: SpikeRules) -> list[int]:
    lags = [24 * d for d in range(1, rules.days + 1)]
    return lags + [WEEK_HOURS * k for k in range(2, rules.weeks + 1)]  # a week back is a day too


def _weekend(hour: Any) -> Any:
    """Whether an hour index (hours since the epoch, UTC) falls on a Saturday or Sunday
    (1 January 1970 was a Thursday)."""
    return (hour // 24 + 3) % 7 >= 5


def _samples(sums: F64, i: int, h: int, rules: SpikeRules) -> F64:
    """The same window on the previous days of the same kind (weekdays are compared
    with weekdays, weekends with weekends) and on the same day of previous weeks."""
    picked = [
        sums[i - lag]
        for lag in _lags(rules)
        if i - lag >= 0 and (lag % WEEK_HOURS == 0 or _weekend(h - lag) == _weekend(h))
    ]
    return np.array(picked)


def overdispersion(sums: F64, first: int, rules: SpikeRules) -> F64:
    """How much more the series varies around its own baseline than a Poisson count
    would, at each hour: the mean squared Pearson residual ``(x - usual)² / usual`` over
    the ``weeks`` before the window (quasi-Poisson's dispersion; at least 1). A mailing
    list where one thread brings twenty messages in an afternoon is bursty by nature:
    its spikes must be larger to be unlikely."""
    n = len(sums)
    lags = _lags(rules)
    weekend = _weekend(np.arange(first, first + n))
    shifted = np.full((len(lags), n), np.nan)
    for row, lag in enumerate(lags):
        if lag < n:
            shifted[row, lag:] = sums[: n - lag]
            if lag % WEEK_HOURS:
                shifted[row, lag:][weekend[lag:] != weekend[: n - lag]] = np.nan
    known = ~np.all(np.isnan(shifted), axis=0)
    usual = np.full(n, rules.floor)
    if known.any():
        usual[known] = np.maximum(np.nanmedian(shifted[:, known], axis=0), rules.floor)
    pearson = np.where(known, (sums - usual) ** 2 / usual, 0.0)
    c = np.concatenate(([0.0], np.cumsum(pearson)))
    k = np.concatenate(([0.0], np.cumsum(known.astype(np.float64))))
    end = np.maximum(np.arange(n) - rules.window_hours + 1, 0)  # the window itself left out
    begin = np.maximum(end - rules.weeks * WEEK_HOURS, 0)
    count = k[end] - k[begin]
    mean = np.divide(c[end] - c[begin], count, out=np.ones(n), where=count >= WEEK_HOURS)
    return np.asarray(np.maximum(mean, 1.0), dtype=np.float64)


def _sample_matrix(sums: F64, at: npt.NDArray[np.int64], first: int, rules: SpikeRules) -> F64:
    """:func:`_samples` for each index of ``at`` at once: one row each, NaN where a lag
    reaches before the series or falls on a day of the other kind."""
    lags = np.array(_lags(rules), dtype=np.int64)
    back = at[:, None] - lags[None, :]
    out = np.where(back >= 0, sums[np.maximum(back, 0)], np.nan)
    other = (lags % WEEK_HOURS != 0)[None, :] & (
        _weekend(back + first) != _weekend(at + first)[:, None]
    )
    out[other] = np.nan
    return np.asarray(out, dtype=np.float64)


def detect(s: Series, hours: range, rules: SpikeRules) -> Iterator[Spike]:
    """The spikes at each hour index in ``hours`` (hours before it being the past)."""
    need = rules.days * 24 if rules.days else WEEK_HOURS
    for subject in s.volume:
        vol, neg = s.volume[subject], s.negative[subject]
        sums = {"volume": _window_sums(vol, rules.window_hours),
                "negative": _window_sums(neg, rules.window_hours)}  # fmt: skip
        phi: dict[str, F64] = {}  # measured when a candidate spike needs it

        def burst(metric: str, i: int, sums: dict[str, F64] = sums,
                  phi: dict[str, F64] = phi) -> float:  # fmt: skip
            if not rules.burst_tolerance:
                return 1.0
            if metric not in phi:
                phi[metric] = overdispersion(sums[metric], s.first, rules)
            return max(1.0, float(phi[metric][i]) / rules.burst_tolerance)

        share_v = _window_sums(vol, rules.share_hours)
        share_n = _window_sums(neg, rules.share_hours)
        seen = np.flatnonzero(vol)
        start = int(seen[0]) if len(seen) else len(vol)
        # Hours with enough history to know what normal is.
        looked = np.array([h - s.first for h in hours if start + need <= h - s.first < len(vol)],
                          dtype=np.int64)  # fmt: skip
        for metric in ("volume", "negative"):
            observed_all = sums[metric][looked]
            at = looked[observed_all >= rules.min_count]
            if not len(at):
                continue
            samples = _sample_matrix(sums[metric], at, s.first, rules)
            base = np.nanmedian(samples, axis=1)
            mad = np.nanmedian(np.abs(samples - base[:, None]), axis=1) * 1.4826
            spread = np.maximum(mad, np.sqrt(np.maximum(base, 1.0)))
            mean = np.nanmean(samples, axis=1)
            observed = sums[metric][at]
            ok = (observed >= rules.ratio * base) & (observed >= base + rules.k * spread)
            for j in np.flatnonzero(ok):
                i = int(at[j])
                # How likely so many are by chance, for a Poisson count with the usual
                # level (inflated: real counts vary more than Poisson's).
                level = max(float(base[j]), float(mean[j]), rules.floor) * rules.dispersion
                # Quasi-Poisson: a series phi times as variable counts as phi times fewer.
                f = burst(metric, i)
                if poisson_tail(int(observed[j] / f), level / f) < rules.alpha:
                    yield Spike(metric, subject, i + s.first, float(observed[j]), float(base[j]),
                                float(spread[j]), rules.window_hours)  # fmt: skip
        for i in looked.tolist():
            h = i + s.first
            if share_v[i] >= rules.share_min_volume:
                share = float(share_n[i] / share_v[i])
                past_v, past_n = _samples(share_v, i, h, rules), _samples(share_n, i, h, rules)
                if past_v.sum() < rules.share_min_volume * 4:
                    continue  # too little history to know the usual share
                base_share = float(past_n.sum() / past_v.sum())
                if share < base_share + rules.share_jump or share < 2 * base_share:
                    continue
                usual = min(0.95, max(base_share, 0.01) * rules.dispersion)
                if binomial_tail(int(share_n[i]), int(share_v[i]), usual) < rules.alpha:
                    yield Spike("negative_share", subject, h, round(share, 4),
                                round(base_share, 4), 0.0, rules.share_hours)  # fmt: skip
