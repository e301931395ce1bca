"""ASGI middleware of the generated service, for three things BentoML gets wrong for us.

- BentoML parses the body before our API method runs, by its Content-Type: a body that is not
  JSON, or is declared multipart, escapes its error handling as a 500 with a logged
  traceback. `RequireJsonBody` accepts only JSON bodies (415 for another declared type, 400
  for malformed JSON), in the same shape as a schema error.
- BentoML's /docs.json says OpenAPI 3.0.2 but carries two things 3.0 does not allow: a
  `"root_input": true` in the request schema of a positional-only body parameter, and
  `{"type": "null"}` inside `anyOf` (its task status model). `CleanOpenApi` rewrites them
  (dropped, and `nullable: true`); /schema.json, read by BentoML's own clients, is untouched.
- BentoML's `TimeoutMiddleware` (the `traffic.timeout` deadline) arms a timer per request and
  never cancels it: each request's context, tracing span included, stays reachable until its
  timer fires, the whole timeout later (60 s by default). At a few hundred requests a second
  that is hundreds of thousands of live objects, and every full garbage collection walks
  them: 200-600 ms pauses every few seconds, the service's whole latency tail.
  `CancellingTimeout` keeps its behaviour (a 504 when the response has not begun within the
  timeout) and cancels its timer; `install_timeout` puts it where BentoML looks for its own.
"""

import asyncio
import json
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


def invalid_json_body(problem: str, detail: str = "The request body is not valid JSON.") -> dict:
    """The error body for a request that is not JSON at all."""
    return {
        "error": "invalid_input",
        "detail": detail,
        "errors": [{"path": "(root)", "message": problem}],
    }


def _refuse_constant(name: str) -> None:
    # Python's json accepts NaN and Infinity, JSON does not, and no model wants them.
    raise ValueError(f"{name} is not a JSON number")


def _media_type(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name.lower() == b"content-type":
            return value.decode("latin-1").split(";")[0].strip().lower()
    return None


class RequireJsonBody:
    """Check that POST bodies on `paths` parse as JSON; replay them unchanged when they do."""

    def __init__(self, app: Callable, paths: Iterable[str]) -> None:
        self.app = app
        self.paths = frozenset(paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] not in self.paths:
            await self.app(scope, receive, send)
            return
        media_type = _media_type(scope)
        if media_type not in (None, "application/json"):
            problem = f"Content-Type {media_type} is not accepted; send application/json."
            await _send_json(
                send, 415, invalid_json_body(problem, "The request body must be JSON.")
            )
            return
        chunks = []
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        try:
            json.loads(body, parse_constant=_refuse_constant)
        except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError and NaN/Infinity
            await _send_json(send, 400, invalid_json_body(str(exc)))
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


async def _send_json(send: Send, status: int, payload: dict) -> None:
    data = json.dumps(payload).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})


class CleanOpenApi:
    """Make the OpenAPI document BentoML serves valid OpenAPI 3.0 (see the module docstring)."""

    def __init__(self, app: Callable, path: str = "/docs.json") -> None:
        self.app = app
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"] != self.path:
            await self.app(scope, receive, send)
            return
        start: Message = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, capture)
        body = b"".join(chunks)
        if start.get("status") == 200:
            body = json.dumps(_as_openapi30(json.loads(body))).encode()
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await send(
            {"type": "http.response.start", "status": start.get("status", 500), "headers": headers}
        )
        await send({"type": "http.response.body", "body": body})


def _as_openapi30(node: Any) -> Any:
    if isinstance(node, list):
        return [_as_openapi30(v) for v in node]
    if not isinstance(node, dict):
        return node
    node = {k: _as_openapi30(v) for k, v in node.items() if k != "root_input"}
    any_of = node.get("anyOf")
    if isinstance(any_of, list) and {"type": "null"} in any_of:
        rest = [s for s in any_of if s != {"type": "null"}]
        del node["anyOf"]
        if len(rest) == 1:
            node.update(rest[0])
        else:
            node["anyOf"] = rest
        node["nullable"] = True
    return node


def install_timeout() -> None:
    """Make BentoML build its timeout middleware from `CancellingTimeout`. BentoML imports
    the class from its module when it assembles the app, after this service module ran."""
    from bentoml._internal.server.http import traffic

    traffic.TimeoutMiddleware = CancellingTimeout


class CancellingTimeout:
    """A 504 when the app has not begun its response within `timeout` seconds (the app is
    cancelled); the timer is cancelled as soon as the response begins."""

    def __init__(self, app: Callable, timeout: float) -> None:
        self.app = app
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        began = asyncio.get_running_loop().create_future()

        async def send_and_mark(message: Message) -> None:
            if not began.done():
                began.set_result(None)
            await send(message)

        app = asyncio.ensure_future(self.app(scope, receive, send_and_mark))
        # asyncio.wait cancels its own timer when it returns.
        await asyncio.wait((began, app), timeout=self.timeout, return_when=asyncio.FIRST_COMPLETED)
        if began.done() or app.done():
            began.cancel()
            await app
            return
        app.cancel()
        await _send_json(
            send, 504, {"error": f"Not able to process the request in {self.timeout} seconds"}
        )
