"""EESSI: the software of one EESSI version, as the EESSI API metadata
files describe it (``eessi_api_metadata_software.json`` and the
``eessi_api_metadata_ext-*.json`` extension files under one base)."""
from __future__ import annotations

import datetime
import logging
from typing import Any, cast

from ckanext.catalogue.software.loaders.base import (
    BINARY_RUNTIME,
    CatalogueSourceMissing,
    SoftwareCatalogData,
    SoftwarePackageData,
    SoftwareSource,
    SoftwareTargetData,
    SoftwareVersionData,
    catalogue_read_json,
    expect,
    strings,
)

log = logging.getLogger(__name__)

MAIN_FILE = "eessi_api_metadata_software.json"
EXTENSION_TYPES = ("python", "r", "perl", "ruby", "octave", "component")
CVMFS_LOCATION = "/cvmfs/software.eessi.io/versions/{version}/software/linux/{arch}"
WHAT = "EESSI data"


def _list(value: Any) -> list[Any]:
    return cast("list[Any]", value) if isinstance(value, list) else []


def _url(base: str, name: str) -> str:
    return f"{base.rstrip('/')}/{name}"


def _main(base: str) -> dict[str, Any]:
    location = _url(base, MAIN_FILE)
    data = catalogue_read_json(location, WHAT)
    expect(isinstance(data, dict), WHAT, location, "the document is not a JSON object")
    expect(isinstance(data.get("software"), dict), WHAT, location, "'software' is missing or not an object")
    expect(isinstance(data.get("architectures_map", {}), dict), WHAT, location,
           "'architectures_map' is not an object")
    return data


def latest_version(base: str) -> str:
    versions = sorted(_main(base).get("architectures_map") or {})
    return versions[-1] if versions else "unknown"


def _eessi_version(entry: dict[str, Any]) -> str | None:
    """The EESSI stack a build belongs to: its first required module."""
    required: Any = entry.get("required_modules") or []
    if not isinstance(required, list) or not required:
        return None
    first = cast("list[Any]", required)[0]
    if isinstance(first, str) and first.startswith("EESSI/"):
        return first.split("/", 1)[1]
    if isinstance(first, dict) and first.get("module_name") == "EESSI":
        return str(first.get("module_version") or "")
    return None


def eessi_split_arch(arch: str) -> tuple[str, str]:
    """A CPU path's family and microarchitecture: split at the first slash
    (the vendor stays with the microarchitecture), ``generic`` without one."""
    family, _, subtype = arch.partition("/")
    return family, subtype or "generic"


def eessi_cpu_targets(catalog_type: str, version: str, metadata: Any) -> list[dict[str, str]]:
    """The CPU targets of a catalog as Waldur lists them: the entry of the
    catalog's own version in its ``architectures_map`` (hardware path ->
    the build it runs, or a list of paths), by hardware path, the family and
    microarchitecture those of the build. Other catalog types, and catalogs
    without the map, have none."""
    if catalog_type != BINARY_RUNTIME or not isinstance(metadata, dict):
        return []
    archs: Any = cast("dict[str, Any]", metadata).get("architectures_map")
    entry: Any = cast("dict[str, Any]", archs).get(version) if isinstance(archs, dict) else None
    pairs: list[tuple[str, str]] = []
    if isinstance(entry, dict):
        for hardware, build in cast("dict[Any, Any]", entry).items():
            if isinstance(hardware, str) and hardware:
                pairs.append((hardware, build if isinstance(build, str) and build else hardware))
    elif isinstance(entry, list):
        pairs = [(h, h) for h in cast("list[Any]", entry) if isinstance(h, str) and h]
    targets: list[dict[str, str]] = []
    for hardware, build in sorted(pairs, key=lambda pair: pair[0]):
        family, micro = eessi_split_arch(build)
        targets.append({"cpu_family": family, "cpu_microarchitecture": micro, "full_arch": hardware})
    return targets


def _targets(entry: dict[str, Any], version: str) -> list[SoftwareTargetData]:
    gpu_map: dict[str, Any] = cast("dict[str, Any]", entry.get("gpu_arch")) if isinstance(entry.get("gpu_arch"), dict) else {}
    gpus = sorted({g for archs in gpu_map.values() for g in strings(archs)})
    targets: list[SoftwareTargetData] = []
    for arch in strings(entry.get("cpu_arch")):
        family, subtype = eessi_split_arch(arch)
        targets.append(SoftwareTargetData(
            target_type="cpu_architecture", target_name=family, target_subtype=subtype,
            location=CVMFS_LOCATION.format(version=version, arch=arch),
            metadata={"full_arch": arch, "gpu_arch": gpu_map}, gpu_architectures=list(gpus)))
    return targets


def _version(entry: dict[str, Any], version: str) -> SoftwareVersionData:
    module: dict[str, Any] = cast("dict[str, Any]", entry.get("module")) if isinstance(entry.get("module"), dict) else {}
    metadata: dict[str, Any] = {
        "versionsuffix": entry.get("versionsuffix") or "",
        "toolchain": entry.get("toolchain") if isinstance(entry.get("toolchain"), dict) else {},
        "toolchain_families_compatibility": strings(entry.get("toolchain_families_compatibility")),
        "module": module or ({"full_module_name": entry["modulename"]} if entry.get("modulename") else {}),
        "required_modules": _list(entry.get("required_modules")),
        "extensions": [e for e in _list(entry.get("extensions")) if isinstance(e, dict)],
        "license": strings(entry.get("license")),
        "image": str(entry.get("image") or ""),
        "categories": strings(entry.get("categories")),
        "identifier": str(entry.get("identifier") or ""),
    }
    return SoftwareVersionData(
        version=str(entry.get("version") or "unknown"), module_version=str(module.get("module_version") or ""),
        dependencies=_list(entry.get("required_modules")), metadata=metadata,
        targets=_targets(entry, version))


def _packages(software: dict[str, Any], version: str, extension: bool) -> list[SoftwarePackageData]:
    packages: list[SoftwarePackageData] = []
    for name, info in software.items():
        if not isinstance(info, dict):
            continue
        kept: list[dict[str, Any]] = [v for v in _list(info.get("versions")) if isinstance(v, dict) and _eessi_version(v) == version]
        if not kept:
            continue
        versions: dict[str, SoftwareVersionData] = {}
        for entry in kept:
            built = _version(entry, version)
            versions.setdefault(built.key, built)
        parents: list[str] = []
        for entry in kept:
            parent = entry.get("parent_software")
            if isinstance(parent, dict) and parent.get("name") and parent["name"] not in parents:
                parents.append(str(parent["name"]))
        licenses = strings(info.get("licenses", info.get("license")))
        packages.append(SoftwarePackageData(
            name=str(name), description=str(info.get("description") or ""), homepage=str(info.get("homepage") or ""),
            categories=strings(info.get("categories")), licenses=licenses,
            is_extension=extension, parent_names=parents, versions=list(versions.values())))
    return packages


def load(base: str, version: str | None = None) -> SoftwareCatalogData:
    main = _main(base)
    version = version or (sorted(cast("dict[str, Any]", main.get("architectures_map") or {})) or ["unknown"])[-1]
    by_name: dict[str, SoftwarePackageData] = {p.name: p for p in _packages(main["software"], version, False)}
    for ext_type in EXTENSION_TYPES:
        location = _url(base, f"eessi_api_metadata_ext-{ext_type}.json")
        try:
            data = catalogue_read_json(location, WHAT)
        except CatalogueSourceMissing as error:
            # Extension files are optional upstream: one that does not exist
            # is skipped; any other failure fails the import (a skipped file
            # would drop its packages).
            log.info("EESSI extension file skipped: %s", error)
            continue
        if not isinstance(data, dict) or not isinstance(data.get("software"), dict):
            log.info("EESSI extension file %s skipped: no 'software' object", location)
            continue
        for package in _packages(data["software"], version, True):
            parents = [name for name in package.parent_names if name in by_name and not by_name[name].is_extension]
            if not parents:
                log.info("EESSI extension %s skipped: no parent package in the catalog", package.name)
                continue
            package.parent_names = parents
            known = by_name.get(package.name)
            if known is None:
                by_name[package.name] = package
                continue
            # The same name from two files is one package (unique per catalog).
            known.parent_names += [p for p in parents if p not in known.parent_names]
            keys = {v.key for v in known.versions}
            known.versions += [v for v in package.versions if v.key not in keys]
    return SoftwareCatalogData(
        name="EESSI", version=version, catalog_type=BINARY_RUNTIME, source_url=base.rstrip("/"),
        description=f"European Environment for Scientific Software Installations {version}",
        metadata={
            "timestamp": main.get("timestamp") or datetime.datetime.now(datetime.timezone.utc).isoformat(),
            "architectures_map": main.get("architectures_map") or {},
            "gpu_architectures_map": main.get("gpu_architectures_map") or {},
            "category_details": main.get("category_details") or {},
            "api_base_url": base.rstrip("/"),
        },
        packages=list(by_name.values()))


EESSI_SOURCE = SoftwareSource(name="EESSI", catalog_type=BINARY_RUNTIME,
                              url_option="eessi",
                              latest_version=latest_version, load=load)
