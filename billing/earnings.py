"""The publishers' ledger: their share of each paid invoice, per model and period."""

from django.conf import settings
from django.db.models import Count, Max, Min, QuerySet, Sum

from billing.models import EarningsEntry, Invoice
from billing.pricing import share_minor


def record_earnings(invoice: Invoice) -> EarningsEntry:
    """The publisher's share of a paid invoice (once per invoice) at REVENUE_SHARE_PERCENT."""
    periods = invoice.lines.aggregate(start=Min("period__start"), end=Max("period__end"))
    entry = invoice.subscription.plan.entry
    percent = settings.REVENUE_SHARE_PERCENT
    ledger_line, _ = EarningsEntry.objects.get_or_create(
        invoice=invoice,
        defaults={
            "publisher_id": entry.publisher_id,
            "entry": entry,
            "period_start": periods["start"] or invoice.created_at,
            "period_end": periods["end"] or invoice.created_at,
            "gross_minor": invoice.total_minor,
            "share_percent": percent,
            "amount_minor": share_minor(invoice.total_minor, percent),
            "currency": invoice.currency,
        },
    )
    return ledger_line


def ledger_of(publishers) -> QuerySet[EarningsEntry]:
    return EarningsEntry.objects.filter(publisher__in=publishers).select_related(
        "entry", "publisher", "invoice"
    )


def totals_by_currency(entries: QuerySet[EarningsEntry]) -> list[dict]:
    return list(
        entries.values("currency")
        .annotate(gross=Sum("gross_minor"), share=Sum("amount_minor"), invoices=Count("id"))
        .order_by("currency")
    )


def revenue_by_model() -> list[dict]:
    """Paid revenue per model and currency, with the publishers' share and the platform's."""
    rows = (
        EarningsEntry.objects.values("entry__name", "entry__slug", "publisher__name", "currency")
        .annotate(gross=Sum("gross_minor"), share=Sum("amount_minor"), invoices=Count("id"))
        .order_by("currency", "-gross")
    )
    return [{**row, "platform": row["gross"] - row["share"]} for row in rows]
