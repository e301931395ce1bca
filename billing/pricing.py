"""Money arithmetic for plans, in integer minor units.

Overage is priced per call at the plan's price per 1,000 and rounded up to a whole minor unit
once per period: 1,500 extra calls at 200 per 1,000 cost exactly 300; 1 extra call at 200 per
1,000 costs 1 (0.2 rounded up), never a blocks-of-1,000 jump.
"""


def overage_minor(extra_calls: int, per_1000_minor: int) -> int:
    """The price of `extra_calls` beyond the included ones, rounded up to the minor unit."""
    if extra_calls <= 0 or per_1000_minor <= 0:
        return 0
    return -(-extra_calls * per_1000_minor // 1000)


def share_minor(gross_minor: int, percent: int) -> int:
    """A publisher's share, rounded down: the platform keeps the fraction of a cent."""
    return gross_minor * percent // 100


def format_money(minor: int, currency: str) -> str:
    """1234, "usd" → "12.34 USD" (every currency we sell in has two decimals)."""
    sign = "-" if minor < 0 else ""
    whole, cents = divmod(abs(minor), 100)
    return f"{sign}{whole:,}.{cents:02d} {currency.upper()}"
