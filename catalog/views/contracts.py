"""Contract pages, per-version OpenAPI documents and their rendered docs."""

import json

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from billing.plans import plans_on_page
from catalog.contracts import describe_fields, error_codes_for
from catalog.local_runs import local_run_for
from catalog.models import ModelVersion
from catalog.openapi import build_openapi, predict_path, to_yaml
from catalog.resolution import successor
from catalog.snippets import snippets_for
from catalog.visibility import is_member, version_for_page, visible_versions
from serving.gate_reports import latest_report, running_since


@require_safe
def model_page(request, slug):
    """/models/<slug>/: the contract page of the newest version the viewer may see."""
    return _contract_page(request, version_for_page(slug, request.user))


@require_safe
def version_page(request, slug, semver):
    return _contract_page(request, version_for_page(slug, request.user, semver))


@require_safe
def openapi_json(request, slug, semver):
    doc = build_openapi(version_for_page(slug, request.user, semver))
    return JsonResponse(doc, json_dumps_params={"indent": 2, "ensure_ascii": False})


@require_safe
def openapi_yaml(request, slug, semver):
    doc = build_openapi(version_for_page(slug, request.user, semver))
    return HttpResponse(to_yaml(doc), content_type="application/yaml; charset=utf-8")


@require_safe
def api_docs(request, slug, semver):
    version = version_for_page(slug, request.user, semver)
    return render(request, "catalog/api_docs.html", {"version": version, "entry": version.entry})


def _contract_page(request, version: ModelVersion):
    entry, contract = version.entry, version.contract
    versions = list(visible_versions(entry, request.user))
    newest_live = next((v for v in versions if v.is_live), None)
    retired = version.state == ModelVersion.State.RETIRED
    context = {
        "entry": entry,
        "version": version,
        "contract": contract,
        "versions": versions,
        "newer_version": newest_live if newest_live and _newer(newest_live, version) else None,
        "is_member": is_member(request.user, entry.publisher),
        "input_fields": describe_fields(contract.input_schema),
        "output_fields": describe_fields(contract.output_schema),
        "examples": [
            {
                "name": example.get("name", ""),
                "input": json.dumps(example["input"], indent=2, ensure_ascii=False),
                "output": json.dumps(example["output"], indent=2, ensure_ascii=False)
                if "output" in example
                else None,
            }
            for example in contract.examples
        ],
        "error_codes": error_codes_for(contract),
        "snippets": snippets_for(version),
        "gateway_url": settings.GATEWAY_URL + predict_path(version),
        "local_run": local_run_for(version, request.user),
        "billing": plans_on_page(entry, request.user),
        "console_input": json.dumps(
            contract.examples[0]["input"] if contract.examples else {}, indent=2
        ),
        "gate_report": latest_report(version),
        "gates_running_since": running_since(version),
        "successor": entry.versions.filter(semver=successor(version)).first() if retired else None,
    }
    return render(request, "catalog/version.html", context)


def _newer(a: ModelVersion, b: ModelVersion) -> bool:
    return (a.major, a.minor, a.patch) > (b.major, b.minor, b.patch)
