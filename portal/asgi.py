"""ASGI entry point: `uvicorn portal.asgi:application` (see README, "Serving").

The gateway's paths (/v1/, /metrics) skip the middleware stack: sessions, CSRF, messages and
allauth mean nothing to an API key call, and each sync middleware costs a thread hop per call
under ASGI. Everything else goes through Django's full stack.
"""

import os

from django.core.asgi import get_asgi_application
from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.exception import convert_exception_to_response

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django_application = get_asgi_application()

GATEWAY_PREFIXES = ("/v1/", "/metrics")


class GatewayHandler(ASGIHandler):
    """Django's ASGI handler with no middleware: URL routing, views, exception handling."""

    def load_middleware(self, is_async=False):
        self._view_middleware = []
        self._template_response_middleware = []
        self._exception_middleware = []
        get_response = self._get_response_async if is_async else self._get_response
        self._middleware_chain = convert_exception_to_response(get_response)


gateway_application = GatewayHandler()


async def application(scope, receive, send):
    if scope["type"] == "http" and scope["path"].startswith(GATEWAY_PREFIXES):
        await gateway_application(scope, receive, send)
    else:
        await django_application(scope, receive, send)
