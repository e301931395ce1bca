"""The shared cast: alice owns a publisher, bob is a member of it, charlie is a buyer; and the
broker's gates queue, read directly."""

import pytest

from tests.factories import make_publisher, make_user

# One definition of the browser fixtures and of the served models for the whole suite: a copy
# imported into another conftest would launch a second Playwright, or build and serve a bento
# again.
pytest_plugins = ["tests.browser", "tests.bento.services", "tests.gateway.server"]


@pytest.fixture
def alice(db):
    return make_user("alice@example.com")


@pytest.fixture
def bob(db):
    return make_user("bob@example.com")


@pytest.fixture
def charlie(db):
    return make_user("charlie@example.com")


@pytest.fixture
def acme(alice, bob):
    from catalog.models import Membership

    publisher = make_publisher(owner=alice, name="Acme Models", slug="acme")
    Membership.objects.create(user=bob, publisher=publisher, role=Membership.Role.MEMBER)
    return publisher


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The default PBKDF2 work factor makes each sign-in cost a good part of a second."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_cache():
    """allauth keeps rate limits and email cooldowns in the cache; start each test clean."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


class GatesQueue:
    """The Celery broker's `gates` queue, read directly: what a page or an API call
    enqueued there is what a gates worker would run."""

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
