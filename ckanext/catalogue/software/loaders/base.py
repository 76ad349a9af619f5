"""What a loader returns, how sources are read, and the registry of sources."""
from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlparse

import requests
import urllib3

from ckanext.catalogue.config import catalogue_software_source_url, catalogue_software_timeout

BINARY_RUNTIME = "binary_runtime"
SOURCE_PACKAGE = "source_package"
PACKAGE_MANAGER = "package_manager"
# Each catalog type with the label Waldur shows for it.
CATALOG_TYPES = {BINARY_RUNTIME: "Binary Runtime (EESSI)", SOURCE_PACKAGE: "Source Package (Spack)",
                 PACKAGE_MANAGER: "Package Manager (conda, pip)"}

# Upstream files are a few tens of MB; more is refused rather than read.
MAX_SOURCE_BYTES = 512 * 1024 * 1024


class CatalogueLoadError(Exception):
    """The source cannot be read or is not in the expected format; the
    message is one sentence for ``update_errors``."""


class CatalogueSourceMissing(CatalogueLoadError):
    """The source does not exist (HTTP 404, no such file): optional
    sources (EESSI extension files) are skipped, any other failure is not."""


@dataclasses.dataclass
class SoftwareTargetData:
    target_type: str
    target_name: str
    target_subtype: str = ""
    location: str = ""
    metadata: dict[str, Any] = dataclasses.field(default_factory=dict[str, Any])
    gpu_architectures: list[str] = dataclasses.field(default_factory=list[str])

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.target_type, self.target_name, self.target_subtype)


@dataclasses.dataclass
class SoftwareVersionData:
    version: str
    module_version: str = ""
    release_date: str | None = None
    dependencies: list[Any] = dataclasses.field(default_factory=list[Any])
    metadata: dict[str, Any] = dataclasses.field(default_factory=dict[str, Any])
    targets: list[SoftwareTargetData] = dataclasses.field(default_factory=list[SoftwareTargetData])

    @property
    def key(self) -> str:
        # Two builds of one version (CPU and CUDA) differ by module version.
        return self.module_version or self.version


@dataclasses.dataclass
class SoftwarePackageData:
    name: str
    description: str = ""
    homepage: str = ""
    categories: list[str] = dataclasses.field(default_factory=list[str])
    licenses: list[str] = dataclasses.field(default_factory=list[str])
    maintainers: list[str] = dataclasses.field(default_factory=list[str])
    is_extension: bool = False
    parent_names: list[str] = dataclasses.field(default_factory=list[str])
    versions: list[SoftwareVersionData] = dataclasses.field(default_factory=list[SoftwareVersionData])


@dataclasses.dataclass
class SoftwareCatalogData:
    name: str
    version: str
    catalog_type: str
    source_url: str
    description: str
    metadata: dict[str, Any]
    packages: list[SoftwarePackageData]

    def counts(self) -> tuple[int, int, int]:
        versions = [v for p in self.packages for v in p.versions]
        return len(self.packages), len(versions), sum(len(v.targets) for v in versions)


@dataclasses.dataclass(frozen=True)
class SoftwareSource:
    """An upstream a catalog can be imported from."""

    name: str
    catalog_type: str
    # Its option: ckanext.catalogue.software.<url_option>_url.
    url_option: str
    # (location) -> the newest version upstream offers
    latest_version: Callable[[str], str]
    # (location, version or None for the latest) -> the catalog
    load: Callable[[str, str | None], SoftwareCatalogData]

    @property
    def location(self) -> str:
        return catalogue_software_source_url(self.url_option)


def catalogue_read_json(location: str, what: str) -> Any:
    """The JSON document at a URL (http, https, file) or a local path."""
    raw = _read(location, what)
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as error:
        raise CatalogueLoadError(f"Invalid JSON in {what} at {location}: {error}") from error


def _read(location: str, what: str) -> bytes:
    parsed = urlparse(location)
    if parsed.scheme in ("http", "https"):
        timeout = catalogue_software_timeout()
        try:
            resp = requests.get(location, timeout=timeout, stream=True)
            if resp.status_code == 404:
                raise CatalogueSourceMissing(f"Failed to fetch {what} from {location}: 404 Not Found")
            resp.raise_for_status()
            # The timeout bounds each read; the deadline bounds them all.
            deadline = time.monotonic() + timeout
            chunks, size = [], 0
            for chunk in resp.iter_content(1 << 20):
                chunks.append(chunk)
                size += len(chunk)
                if size > MAX_SOURCE_BYTES or time.monotonic() > deadline:
                    break
            if time.monotonic() > deadline:
                raise CatalogueLoadError(f"Failed to fetch {what} from {location}: took longer than {timeout}s")
            data = b"".join(chunks)
        except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as error:
            reason = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise CatalogueLoadError(f"Failed to fetch {what} from {location}: {reason}") from error
    else:
        path = Path(parsed.path if parsed.scheme == "file" else location)
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_SOURCE_BYTES + 1)
        except FileNotFoundError as error:
            raise CatalogueSourceMissing(f"Failed to read {what} from {location}: {error.strerror}") from error
        except OSError as error:
            raise CatalogueLoadError(f"Failed to read {what} from {location}: {error.strerror or error}") from error
    if len(data) > MAX_SOURCE_BYTES:
        raise CatalogueLoadError(f"{what} at {location} is larger than {MAX_SOURCE_BYTES} bytes")
    return data


def strings(value: Any) -> list[str]:
    """A list of strings from a field that should hold one (anything else,
    a bare string included, gives nothing rather than its characters)."""
    return [str(v) for v in cast("list[Any]", value) if isinstance(v, (str, int, float))] if isinstance(value, list) else []


def expect(condition: bool, what: str, location: str, message: str) -> None:
    if not condition:
        raise CatalogueLoadError(f"Unexpected format of {what} at {location}: {message}")
