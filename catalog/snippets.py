"""Ready-to-run code that calls a version through the gateway, built from its first example."""

import json
import shlex

from django.conf import settings

from catalog.models import Contract, ModelVersion
from catalog.openapi import predict_path

KEY_ENV_VAR = "MODEL_MARKET_KEY"


def snippets_for(version: ModelVersion, base_url: str | None = None) -> dict[str, str]:
    """curl, Python (requests) and JavaScript (fetch) calls of this exact version.

    The API key is read from the MODEL_MARKET_KEY environment variable, never inlined.
    """
    contract = version.contract
    url = (base_url or settings.GATEWAY_URL).rstrip("/") + predict_path(version)
    payload = contract.examples[0]["input"] if contract.examples else {}
    is_async = contract.mode == Contract.Mode.ASYNC
    return {
        "curl": _curl(url, payload),
        "python": _python(url, payload, contract.timeout_ms, is_async),
        "javascript": _javascript(url, payload, is_async),
    }


def _curl(url: str, payload) -> str:
    body = json.dumps(payload, indent=2, ensure_ascii=False)
    return (
        f"curl -X POST {shlex.quote(url)} \\\n"
        f'  -H "Authorization: Bearer ${KEY_ENV_VAR}" \\\n'
        f"  -H 'Content-Type: application/json' \\\n"
        f"  -d {shlex.quote(body)}\n"
    )


def _python(url: str, payload, timeout_ms: int, is_async: bool) -> str:
    literal = _python_literal(payload)
    # Leave the client a little longer than the contract's timeout, so the gateway's
    # upstream_timeout problem arrives instead of a client-side exception.
    seconds = timeout_ms / 1000 + 5
    result = (
        'job = response.json()\nprint(job["id"], job["status"])  # poll /v1/jobs/{id}'
        if is_async
        else 'print(response.json()["output"])'
    )
    return (
        "import os\n\n"
        "import requests\n\n"
        f"payload = {literal}\n"
        "response = requests.post(\n"
        f"    {json.dumps(url)},\n"
        f'    headers={{"Authorization": f"Bearer {{os.environ[{KEY_ENV_VAR!r}]}}"}},\n'
        "    json=payload,\n"
        f"    timeout={seconds:g},\n"
        ")\n"
        "response.raise_for_status()\n"
        f"{result}\n"
    )


def _python_literal(value, level: int = 0) -> str:
    """`value` (parsed JSON) as Python source, one item a line like black writes it."""
    pad, inner = "    " * level, "    " * (level + 1)
    if isinstance(value, dict) and value:
        items = (
            f"{inner}{json.dumps(k, ensure_ascii=False)}: {_python_literal(v, level + 1)},"
            for k, v in value.items()
        )
        return "{\n" + "\n".join(items) + f"\n{pad}}}"
    if isinstance(value, list) and value:
        items = (f"{inner}{_python_literal(v, level + 1)}," for v in value)
        return "[\n" + "\n".join(items) + f"\n{pad}]"
    if isinstance(value, str):
        # A JSON string literal is also a valid Python one.
        return json.dumps(value, ensure_ascii=False)
    return repr(value)  # numbers, True, False, None, {} and []


def _javascript(url: str, payload, is_async: bool) -> str:
    body = json.dumps(payload, indent=2, ensure_ascii=False)
    result = (
        "const job = await response.json();\nconsole.log(job.id, job.status); // poll /v1/jobs/{id}"
        if is_async
        else "const { output } = await response.json();\nconsole.log(output);"
    )
    return (
        f"const payload = {body};\n"
        f"const response = await fetch({json.dumps(url)}, {{\n"
        '  method: "POST",\n'
        "  headers: {\n"
        f"    Authorization: `Bearer ${{process.env.{KEY_ENV_VAR}}}`,\n"
        '    "Content-Type": "application/json",\n'
        "  },\n"
        "  body: JSON.stringify(payload),\n"
        "});\n"
        "if (!response.ok) {\n"
        "  const problem = await response.json();\n"
        "  throw new Error(`${problem.error_code}: ${problem.detail}`);\n"
        "}\n"
        f"{result}\n"
    )
