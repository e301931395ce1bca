"""The ASGI application of the gateway's paths (/v1/, /metrics): Django's URL routing and
views, without Django's request cycle around them.

Django's ASGI handler hops to a worker thread three times per request (request_started and
request_finished signals, logging of 4xx answers), runs the middleware stack and builds an
ASGIRequest; on the hot path that cost more than the gateway's own work. Here a request is
read into a `GatewayRequest` (the few attributes the gateway's views use), routed by Django's
resolver and answered on the event loop. What the signals did for the database — closing
broken or old connections — the gateway's slow-path lookups do themselves
(`serving.routes.with_fresh_connection`).
"""

import logging
from functools import lru_cache

from django.conf import settings
from django.http import HttpResponse
from django.urls import Resolver404, get_resolver

log = logging.getLogger(__name__)


@lru_cache(maxsize=4096)
def resolve(path: str):
    """Django's URL match for `path`, kept: a call's path repeats (one per model and version),
    and resolving it again walked the URL patterns on every call."""
    return get_resolver().resolve(path)


class Headers(dict):
    """Request headers by lower-case name; `get` takes any case, like Django's."""

    def get(self, name: str, default=None):
        return super().get(name.lower(), default)


class GatewayRequest:
    """What the gateway's views read of a request: method, path, headers and body."""

    def __init__(self, scope, body: bytes):
        self.method = scope["method"]
        self.path = self.path_info = scope["path"]
        self.headers = Headers(
            (k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]
        )
        self.body = body


async def _read_body(receive, limit: int) -> bytes | None:
    """The whole body, or None when it exceeds `limit` or the client went away."""
    body = bytearray()
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        body += message.get("body", b"")
        if len(body) > limit:
            return None
        if not message.get("more_body"):
            return bytes(body)


async def _send(send, response: HttpResponse) -> None:
    content = response.content
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in response.items()]
    headers.append((b"content-length", str(len(content)).encode()))
    await send({"type": "http.response.start", "status": response.status_code, "headers": headers})
    await send({"type": "http.response.body", "body": content})


async def gateway_application(scope, receive, send) -> None:
    body = await _read_body(receive, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    if body is None:
        # Too large for any contract (or a disconnect): answered before anything is parsed.
        from serving.problems import problem

        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        response = problem(
            "payload_too_large", f"The request body may be at most {limit:,} bytes.", "-"
        )
        await _send(send, response)
        return
    request = GatewayRequest(scope, body)
    try:
        match = resolve(request.path)
        response = await match.func(request, *match.args, **match.kwargs)
    except Resolver404:
        response = HttpResponse(b"Not found\n", status=404, content_type="text/plain")
    except Exception:
        log.exception("gateway: unhandled error on %s", request.path)
        response = HttpResponse(b"Server error\n", status=500, content_type="text/plain")
    await _send(send, response)
