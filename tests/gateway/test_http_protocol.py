"""The gateway's HTTP protocol sends a response's head and body in one write: one TCP
segment to the client where uvicorn's own protocol sends two."""

import socket
import struct

import pytest

pytestmark = pytest.mark.gateway

# struct tcp_info (linux/tcp.h): tcpi_data_segs_in, segments that carried data, at byte 152.
DATA_SEGS_IN = 152


def data_segments_in(sock: socket.socket) -> int:
    info = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 256)
    return struct.unpack_from("I", info, DATA_SEGS_IN)[0]


def exchange(sock: socket.socket, request: bytes) -> bytes:
    """Send one request on a kept-alive connection; the whole response (by Content-Length)."""
    sock.sendall(request)
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.lower().split(b"\r\n")
    length = int(next(line.split(b":")[1] for line in lines if line.startswith(b"content-length")))
    while len(body) < length:
        body += sock.recv(65536)
    return head + b"\r\n\r\n" + body


def test_a_response_reaches_the_client_in_one_segment(gateway_server):
    request = (
        b"POST /v1/models/iris/predict HTTP/1.1\r\nHost: gateway\r\n"
        b"Authorization: Bearer mk_test_not-a-key\r\nContent-Type: application/json\r\n"
        b"Content-Length: 2\r\n\r\n{}"
    )
    with socket.create_connection(("127.0.0.1", gateway_server.port), timeout=10) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        exchange(sock, request)  # the connection's first response: the handshake is done
        before = data_segments_in(sock)
        response = exchange(sock, request)
        after = data_segments_in(sock)
    assert response.startswith(b"HTTP/1.1 401 ")
    assert b'"error_code": "invalid_key"' in response
    assert after - before == 1


def test_a_response_written_just_before_closing_is_sent(gateway_server):
    # uvicorn answers a malformed request with one write and closes the connection: the
    # held write must go out before the close.
    with socket.create_connection(("127.0.0.1", gateway_server.port), timeout=10) as sock:
        sock.sendall(b"NOT HTTP\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    assert data.startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert data.endswith(b"Invalid HTTP request received.")
