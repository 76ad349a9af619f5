"""The OpenAPI document (/catalogue/openapi.json) and its portal page
(/catalogue-api), listing every operation of every catalogue API."""
from __future__ import annotations

import json
from typing import Any, cast

from flask import Blueprint, Response, jsonify

import ckan.plugins.toolkit as tk

from ckanext.catalogue.api.openapi import catalogue_openapi_document

catalogue_openapi = Blueprint("catalogue_openapi", __name__)

_METHODS = ("get", "head", "post", "put", "patch", "delete", "purge")


@catalogue_openapi.route("/catalogue/openapi.json")
def document() -> Response:
    resp = jsonify(catalogue_openapi_document())
    resp.headers["Access-Control-Allow-Origin"] = "*"
    return resp


def _resolve(doc: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        section, name = cast("dict[str, Any]", node)["$ref"].split("/")[-2:]
        node = doc["components"][section][name]
    return cast(Any, node)


def _operations(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Operations grouped by tag, each ready for the template."""
    groups: dict[str, dict[str, Any]] = {t["name"]: {"tag": t, "operations": []} for t in doc["tags"]}
    for path, item in doc["paths"].items():
        extra: dict[str, Any] = item.get("x-additionalOperations", {})
        for method in [*_METHODS, *extra]:
            op = item.get(method) or extra.get(method)
            if not op:
                continue
            params = [_resolve(doc, p) for p in item.get("parameters", []) + op.get("parameters", [])]
            body = _resolve(doc, (op.get("requestBody") or {}))
            body_schema = cast("dict[str, Any]", body.get("content") or {}).get("application/json", {}).get("schema")
            responses = [{"status": code, "description": _resolve(doc, r).get("description", "")}
                         for code, r in op.get("responses", {}).items()]
            entry: dict[str, Any] = {
                "id": op.get("operationId", f"{method}-{path}"), "method": method.upper(), "path": path,
                "summary": op.get("summary", ""), "description": op.get("description", ""),
                "parameters": [{"name": p.get("name"), "in": p.get("in"), "required": p.get("required", False),
                                "description": p.get("description", ""),
                                "schema": json.dumps(p.get("schema", {}), ensure_ascii=False)} for p in params],
                "body": json.dumps(body_schema, indent=2, ensure_ascii=False) if body_schema else "",
                "responses": responses,
                "anonymous": any(not s for s in op.get("security", [{}])),
            }
            for tag in op.get("tags", ["other"]):
                groups.setdefault(tag, {"tag": {"name": tag}, "operations": []})["operations"].append(entry)
    return [g for g in groups.values() if g["operations"]]


@catalogue_openapi.route("/catalogue-api")
def docs_page() -> str:
    doc = catalogue_openapi_document()
    return tk.render("catalogue/api_docs.html", {"doc": doc, "groups": _operations(doc)})
