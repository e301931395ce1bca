"""uvicorn's HTTP protocol, with a response's head and body sent in one write.

uvicorn writes the status line and headers as soon as the application sends
`http.response.start`, then the body in a second write. On a busy host that is a second
send syscall per response and, worse, a second wake-up of the client (on loopback, of the
load generator sharing the core). Here a write is held until the next one (head + body go
out in one `writelines`) or, at the latest, until the event loop's next turn, so nothing
waits longer than the task that wrote it.

Use it with `uvicorn portal.asgi:application --http portal.http_protocol:HttpProtocol`.
"""

import asyncio

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

# A held write is sent at once past this size: memory stays bounded for a producer that
# writes without yielding, and large bodies gain nothing from joining.
MAX_HELD = 64 * 1024


class HeldWrites:
    """A transport that holds one write until the next write, a close or the loop's next
    turn; everything else goes to the real transport."""

    def __init__(self, transport: asyncio.Transport):
        self._transport = transport
        self._held: bytes | None = None

    def write(self, data) -> None:
        if self._held is not None:
            held, self._held = self._held, None
            self._transport.writelines((held, data))
        elif len(data) > MAX_HELD:
            self._transport.write(data)
        else:
            self._held = bytes(data)
            asyncio.get_running_loop().call_soon(self.flush)

    def flush(self) -> None:
        if self._held is not None:
            held, self._held = self._held, None
            if not self._transport.is_closing():
                self._transport.write(held)

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def __getattr__(self, name):
        return getattr(self._transport, name)


class HttpProtocol(HttpToolsProtocol):
    def connection_made(self, transport: asyncio.Transport) -> None:
        # uvicorn's flow control keeps the real transport (it pauses and resumes reading);
        # the protocol and each request's cycle write through `self.transport`.
        super().connection_made(transport)
        self.transport = HeldWrites(transport)
