"""The gateway's HTTP surface under /v1/ and /metrics: thin async views over serving.gateway."""

from django.conf import settings
from django.http import HttpResponse
from django.utils.crypto import constant_time_compare
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from serving import gateway, jobs, metrics


@csrf_exempt
@require_POST
async def predict(request, slug: str, semver: str | None = None):
    return await gateway.answer(request, gateway.predict, slug=slug, semver=semver)


@csrf_exempt
@require_POST
async def submit_job(request, slug: str):
    return await gateway.answer(request, jobs.submit, slug=slug)


@require_GET
async def job_status(request, job_id: str):
    return await gateway.answer(request, jobs.status, job_id=job_id)


@require_GET
async def usage(request):
    return await gateway.answer(request, gateway.usage)


@require_GET
async def metrics_view(request):
    token = settings.METRICS_TOKEN
    if token and not constant_time_compare(
        request.headers.get("Authorization", ""), f"Bearer {token}"
    ):
        return HttpResponse("Unauthorized\n", status=401, content_type="text/plain")
    content, content_type = metrics.exposition()
    return HttpResponse(content, content_type=content_type)
