"""The Celery broker's `gates` queue, read directly: what a page or API call enqueued there
is what a gates worker would run."""

import pytest


class GatesQueue:
    name = "gates"

    def __init__(self, app):
        self.app = app

    def _queue(self, connection):
        return connection.SimpleQueue(self.name, accept=["json"])

    def clear(self) -> None:
        with self.app.connection_for_write() as connection:
            self._queue(connection).clear()

    def take(self) -> list[tuple[str, list]]:
        """Every task waiting in the queue as (task name, args), removing them."""
        taken = []
        with self.app.connection_for_read() as connection:
            queue = self._queue(connection)
            while True:
                try:
                    message = queue.get(block=False)
                except queue.Empty:
                    return taken
                args, _kwargs, _embed = message.decode()
                taken.append((message.headers["task"], args))
                message.ack()


@pytest.fixture
def gates_queue():
    from portal.celery import app

    queue = GatesQueue(app)
    queue.clear()
    yield queue
    queue.clear()


@pytest.fixture
def alice_api(alice):
    from tests.api.conftest import client_with_token

    return client_with_token(alice)


@pytest.fixture
def charlie_api(charlie):
    from tests.api.conftest import client_with_token

    return client_with_token(charlie)
