"""Spack: every package of the Spack repository, from the ``repology.json``
that packages.spack.io publishes."""
from __future__ import annotations

from typing import Any, cast

from ckanext.catalogue.software.loaders.base import (
    SOURCE_PACKAGE,
    SoftwareCatalogData,
    SoftwarePackageData,
    SoftwareSource,
    SoftwareTargetData,
    SoftwareVersionData,
    catalogue_read_json,
    expect,
    strings,
)

WHAT = "Spack data"
# Categories that add a target beside the default build.
CATEGORY_TARGETS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "windows": ("platform", "windows", {"supported": True}),
    "detectable": ("external", "system", {"detectable": True}),
    "build-tools": ("build_system", "build-tool", {"category": "build-tools"}),
}


def _document(location: str) -> dict[str, Any]:
    data = catalogue_read_json(location, WHAT)
    expect(isinstance(data, dict), WHAT, location, "the document is not a JSON object")
    expect(isinstance(data.get("packages"), dict), WHAT, location, "'packages' is missing or not an object")
    expect(isinstance(data.get("last_update"), str) and data["last_update"].strip() != "", WHAT, location,
           "'last_update' is missing")
    return data


def _version_of(data: dict[str, Any]) -> str:
    # "2025-11-26 05:04:48.8" -> "2025.11.26"
    return data["last_update"].split()[0].replace("-", ".")


def latest_version(location: str) -> str:
    return _version_of(_document(location))


def _package(name: str, info: dict[str, Any]) -> SoftwarePackageData:
    categories = strings(info.get("categories"))
    dependencies = strings(info.get("dependencies"))
    patches = strings(info.get("patches"))
    entries: Any = info.get("version") or []
    if isinstance(entries, dict):
        entries = [cast("dict[str, Any]", entries)]
    versions: dict[str, SoftwareVersionData] = {}
    for entry in cast("list[Any]", entries) if isinstance(entries, list) else []:
        if not isinstance(entry, dict):
            continue
        downloads = [d for d in cast("list[Any]", entry.get("downloads") or []) if isinstance(d, str)]
        targets = [SoftwareTargetData(
            target_type="build_variant", target_name="default", location=downloads[0] if downloads else "",
            metadata={"downloads": downloads, "dependencies": dependencies, "patches": patches,
                      "categories": categories, "version_info": entry})]
        targets += [SoftwareTargetData(target_type=t, target_name=n, metadata=dict(m))
                    for category, (t, n, m) in CATEGORY_TARGETS.items() if category in categories]
        label = str(entry.get("version") or "unknown")
        # A later entry of the same version replaces an earlier one.
        versions[label] = SoftwareVersionData(
            version=label, dependencies=list(dependencies), targets=targets,
            metadata={"downloads": downloads, "branch": str(entry.get("branch") or ""),
                      "dependencies": dependencies, "patches": patches, "aliases": strings(info.get("alias")),
                      "package_downloads": strings(info.get("downloads"))})
    homepages = strings(info.get("homepages"))
    return SoftwarePackageData(
        name=str(info.get("name") or name), description=str(info.get("summary") or "").strip(),
        homepage=homepages[0] if homepages else "", categories=categories,
        licenses=strings(info.get("licenses")), maintainers=strings(info.get("maintainers")),
        versions=list(versions.values()))


def load(location: str, version: str | None = None) -> SoftwareCatalogData:
    data = _document(location)
    by_name: dict[str, SoftwarePackageData] = {}
    for name, info in data["packages"].items():
        if isinstance(info, dict):
            package = _package(name, info)
            by_name.setdefault(package.name, package)  # a name is one package
    packages = list(by_name.values())
    count = data.get("num_packages") if isinstance(data.get("num_packages"), int) else len(packages)
    return SoftwareCatalogData(
        name="Spack", version=version or _version_of(data), catalog_type=SOURCE_PACKAGE, source_url=location,
        description=f"Spack package manager catalog ({count} packages)",
        metadata={"last_update": data["last_update"], "num_packages": count,
                  "data_source": "spack/packages.spack.io", "format": "repology.json"},
        packages=packages)


SPACK_SOURCE = SoftwareSource(name="Spack", catalog_type=SOURCE_PACKAGE,
                              url_option="spack",
                              latest_version=latest_version, load=load)
