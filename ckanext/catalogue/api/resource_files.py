"""Serving a resource's uploaded file from a dialect route (a signed iTwin
document link), as CKAN's own resource download does: through the
resource uploader and its storage, always as a download that is never
sniffed. The caller has checked that the resource may be read."""
from __future__ import annotations

from typing import Any

import file_keeper as fk
import flask
from flask import Response

from ckan.lib import files, uploader

from ckanext.catalogue.api.guards import catalogue_file_headers
from ckanext.catalogue.logic.schema import CATALOGUE_MEDIA_TYPE


def catalogue_resource_download(resource: dict[str, Any], name: str) -> Response | None:
    """The file of an uploaded resource as a download named ``name``; None
    when it has no file (a link, or a file not sent yet)."""
    if resource.get("url_type") != "upload":
        return None
    upload = uploader.get_resource_uploader(resource)
    path = upload.get_path(resource["id"])
    storage = getattr(upload, "storage", None)
    if isinstance(storage, fk.Storage):
        location = files.Location(path)
        try:
            data = files.FileData(location, size=storage.size(location))
        except files.exc.LocationError:
            return None
        resp = storage.as_response(data, name) if isinstance(storage, files.Storage) else Response(
            storage.stream(data), mimetype=data.content_type)
    else:
        try:
            resp = flask.send_file(path, download_name=name)
        except FileNotFoundError:
            return None
    if CATALOGUE_MEDIA_TYPE.fullmatch(str(resource.get("mimetype") or "")):  # never a header broken by what a user stored
        resp.headers["Content-Type"] = resource["mimetype"]
    return catalogue_file_headers(resp, name)
