"""Rate limits (GCRA) and quota reservation, decided in one atomic step.

GCRA keeps one timestamp per key, the theoretical arrival time (TAT): a limit of L calls per
minute admits a burst of L, then one call every 60/L seconds. In Redis the whole decision —
rate limit, then reserving one call of the period's quota — is one Lua script, so N parallel
calls admit exactly L and a hard quota is never overshot, across any number of gateway
processes. Redis's own clock is used so that gateways with skewed clocks agree.

Without Redis (embedded defaults: one process) the same arithmetic runs under a lock here.
"""

import math
import threading
import time
from dataclasses import dataclass

PERIOD = 60.0
# Float error must not refuse the L-th call of a burst (L × 60/L can exceed 60 slightly).
EPSILON = 1e-6

ADMIT_LUA = """
local limit = tonumber(ARGV[1])
local interval = 60.0 / limit
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local new_tat = tat + interval
local allow_at = new_tat - 60.0
if allow_at > now + 0.000001 then
  return {0, 0, tostring(allow_at - now), tostring(tat - now), -1}
end
local used = -1
if KEYS[2] then
  if redis.call('EXISTS', KEYS[2]) == 0 then
    redis.call('SET', KEYS[2], ARGV[3], 'EXAT', ARGV[4])
  end
  used = redis.call('INCR', KEYS[2])
  local quota = tonumber(ARGV[2])
  if quota >= 0 and used > quota then
    redis.call('DECR', KEYS[2])
    return {2, 0, '0', tostring(tat - now), used - 1}
  end
end
-- %.6f: tostring() keeps 14 digits, which drops the sub-millisecond part of a timestamp.
redis.call('SET', KEYS[1], string.format('%.6f', new_tat),
  'PX', math.max(1, math.ceil((new_tat - now) * 1000)))
local remaining = math.floor((now + 60.0 - new_tat) / interval + 0.000001)
return {1, remaining, '0', tostring(new_tat - now), used}
"""

ADMITTED, RATE_LIMITED, QUOTA_EXCEEDED = 1, 0, 2


@dataclass(frozen=True)
class Admission:
    outcome: int
    limit: int
    remaining: int
    retry_after: float  # seconds until the next call is admitted (rate_limited)
    reset: float  # seconds until the window is whole again
    used: int  # calls counted in the period after this one; -1 without a quota counter

    @property
    def headers(self) -> dict[str, str]:
        """The IETF RateLimit header fields."""
        return {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(math.ceil(self.reset)),
        }


@dataclass(frozen=True)
class QuotaCounter:
    """One period's call counter of a subscription: reserve one call in it, or refuse past
    `quota` (-1: count but never refuse). `initial` seeds a counter Redis does not have."""

    name: str
    quota: int
    initial: int
    expires_at: int


def _admission(limit: int, reply) -> Admission:
    outcome, remaining, retry_after, reset, used = reply
    return Admission(int(outcome), limit, int(remaining), float(retry_after), float(reset), used)


class RedisAdmitter:
    def __init__(self, client):
        self.script = client.register_script(ADMIT_LUA)

    async def admit(self, name: str, limit: int, quota: QuotaCounter | None) -> Admission:
        keys = [f"gw:rl:{name}"]
        args = [limit, -1, 0, 0]
        if quota is not None:
            keys.append(quota.name)
            args = [limit, quota.quota, quota.initial, quota.expires_at]
        return _admission(limit, await self.script(keys=keys, args=args))


class LocalAdmitter:
    """The same decision in this process's memory (embedded defaults: a single process)."""

    _lock = threading.Lock()
    _tats: dict[str, float] = {}
    counters: dict[str, int] = {}

    async def admit(self, name: str, limit: int, quota: QuotaCounter | None) -> Admission:
        interval = PERIOD / limit
        with self._lock:
            now = time.time()
            tat = max(self._tats.get(name, 0.0), now)
            new_tat = tat + interval
            allow_at = new_tat - PERIOD
            if allow_at > now + EPSILON:
                return Admission(RATE_LIMITED, limit, 0, allow_at - now, tat - now, -1)
            used = -1
            if quota is not None:
                used = self.counters.setdefault(quota.name, quota.initial) + 1
                if 0 <= quota.quota < used:
                    return Admission(QUOTA_EXCEEDED, limit, 0, 0.0, tat - now, used - 1)
                self.counters[quota.name] = used
            self._tats[name] = new_tat
            remaining = math.floor((now + PERIOD - new_tat) / interval + EPSILON)
            return Admission(ADMITTED, limit, remaining, 0.0, new_tat - now, used)
