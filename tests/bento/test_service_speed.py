"""The generated service's fixes to BentoML's per-request costs: the request deadline cancels
its timer (BentoML's kept every request's context alive for the whole timeout), and the body
specs build their JSON schema once."""

import asyncio
import contextvars
import gc
import json
import weakref
from concurrent.futures import ThreadPoolExecutor
from typing import Annotated, Any

import pytest
import uvloop
from bentoml._internal.server.base_app import BaseAppFactory
from pydantic import WithJsonSchema

from serving.bento.api_specs import api, fixed_schema
from serving.bento.middleware import CancellingTimeout, install_timeout

pytestmark = pytest.mark.pipeline

REQUEST_CONTEXT = contextvars.ContextVar("request_context")


class Marker:
    """Something only a request's context refers to."""


def run(coroutine):
    """Run in uvloop, the served worker's loop, on a thread of its own: the browser tests' loop
    may be running in this one."""

    def in_uvloop():
        loop = uvloop.new_event_loop()
        try:
            return loop.run_until_complete(coroutine)
        finally:
            loop.close()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(in_uvloop).result()


async def call(app, scope=None) -> list[dict]:
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    await app(scope or {"type": "http", "method": "POST", "path": "/predict"}, receive, send)
    return sent


async def answer(scope, receive, send):
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"{}"})


def test_an_answered_request_leaves_nothing_behind_for_the_timeout():
    async def scenario():
        context = contextvars.copy_context()
        marker = Marker()
        context.run(REQUEST_CONTEXT.set, marker)
        alive = weakref.ref(marker)
        del marker
        app = CancellingTimeout(answer, timeout=60)
        task = asyncio.get_running_loop().create_task(call(app), context=context)
        del context
        sent = await task
        del task
        await asyncio.sleep(0)  # the loop lets go of the finished task
        gc.collect()
        return sent, alive() is None

    sent, released = run(scenario())
    assert sent[0]["status"] == 200
    # BentoML's TimeoutMiddleware fails this: its timer holds the context for 60 s.
    assert released, "the request's context is still reachable: a timer holds it"


def test_a_request_past_the_deadline_gets_a_504_and_its_work_is_cancelled():
    cancelled = []

    async def slow(scope, receive, send):
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            cancelled.append(True)
            raise

    sent = run(call(CancellingTimeout(slow, timeout=0.05)))
    assert sent[0]["status"] == 504
    assert json.loads(sent[1]["body"]) == {
        "error": "Not able to process the request in 0.05 seconds"
    }
    assert cancelled == [True]


def test_an_app_error_before_the_response_still_propagates():
    async def broken(scope, receive, send):
        raise RuntimeError("the model failed")

    with pytest.raises(RuntimeError, match="the model failed"):
        run(call(CancellingTimeout(broken, timeout=5)))


def test_bentoml_builds_its_timeout_middleware_from_ours():
    class App(BaseAppFactory):
        name = "probe"

    install_timeout()
    timeouts = [m for m in App(timeout=5).middlewares if m.cls is CancellingTimeout]
    assert len(timeouts) == 1
    assert timeouts[0].kwargs == {"timeout": 5}


SCHEMA = {"type": "object", "required": ["x"], "properties": {"x": {"type": "number"}}}
Body = Annotated[Any, WithJsonSchema(SCHEMA)]
Output = Annotated[dict[str, Any], WithJsonSchema(SCHEMA)]


class Service:
    @api(route="/predict")
    def predict(self, body: Body, /) -> Output:
        return body


def test_the_body_specs_build_their_schema_once():
    spec = Service.predict.input_spec
    assert spec.model_json_schema() is spec.model_json_schema()
    assert spec.model_json_schema()["properties"] == SCHEMA["properties"]
    output = Service.predict.output_spec
    assert output.model_json_schema() is output.model_json_schema()


def test_the_body_is_still_the_whole_request():
    spec = Service.predict.input_spec
    assert spec.__root_input__
    assert spec.mime_type() == "application/json"
    assert spec.model_validate_json(b'{"x": 1}').root == {"x": 1}


def test_the_openapi_document_still_gets_a_schema_built_for_it():
    spec = fixed_schema(Service.predict.input_spec)
    built = spec.model_json_schema(mode="validation")
    assert built == spec.model_json_schema()
    assert built is not spec.model_json_schema()
