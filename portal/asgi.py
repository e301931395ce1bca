"""ASGI entry point: `uvicorn portal.asgi:application --http portal.http_protocol:HttpProtocol`
(see README, "Serving").

The gateway's paths (/v1/, /metrics) go to `serving.gateway_asgi`: Django's routing and views
without its request cycle (middleware, signals), which sessions, CSRF and allauth need and an
API key call does not. Everything else goes through Django's full stack.
"""

import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django_application = get_asgi_application()

from serving.gateway_asgi import gateway_application, resolve  # noqa: E402 - needs Django set up

GATEWAY_PREFIXES = ("/v1/", "/metrics")

# What is loaded by now (Django, the apps, the URL configuration and its views, imported by
# the resolve below) lives as long as the process: take it out of the garbage collector's
# full passes, each of which walked it all and held every call in flight for ~100 ms.
resolve("/v1/usage")
gc.freeze()


async def application(scope, receive, send):
    if scope["type"] == "http" and scope["path"].startswith(GATEWAY_PREFIXES):
        await gateway_application(scope, receive, send)
    else:
        await django_application(scope, receive, send)
