"""An ASGI middleware that answers a malformed JSON body with the service's own 400.

BentoML parses the body before our API method runs, and a body that is not JSON escapes its
error handling as a 500 with a logged traceback. Checking the JSON first keeps every client
mistake a 400 in the same shape as a schema error.
"""

import json
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


def invalid_json_body(problem: str) -> dict:
    """The 400 body for a request that is not JSON at all."""
    return {
        "error": "invalid_input",
        "detail": "The request body is not valid JSON.",
        "errors": [{"path": "(root)", "message": problem}],
    }


class RequireJsonBody:
    """Check that POST bodies on `paths` parse as JSON; replay them unchanged when they do."""

    def __init__(self, app: Callable, paths: Iterable[str]) -> None:
        self.app = app
        self.paths = frozenset(paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] not in self.paths:
            await self.app(scope, receive, send)
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
            json.loads(body)
        except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError
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
