"""The EESSI and Spack loaders on small sample files in the upstream formats
(written for this project): what each maps, and how bad sources fail."""
from __future__ import annotations

from pathlib import Path

import pytest

from ckanext.catalogue.software.loaders import CatalogueLoadError, eessi, spack

SAMPLES = Path(__file__).parent / "data"


def _package(catalog, name):
    return next(p for p in catalog.packages if p.name == name)


def test_eessi_keeps_the_chosen_stack_and_splits_architectures():
    assert eessi.latest_version(str(SAMPLES / "eessi")) == "2025.06"
    catalog = eessi.load(str(SAMPLES / "eessi"), "2023.06")
    assert (catalog.name, catalog.version, catalog.catalog_type) == ("EESSI", "2023.06", "binary_runtime")
    assert catalog.description == "European Environment for Scientific Software Installations 2023.06"
    assert catalog.metadata["architectures_map"]["2023.06"]
    # OnlyNew exists only in the 2025.06 stack; the orphan extension has no parent here.
    assert sorted(p.name for p in catalog.packages) == ["Molsim", "Tiler", "molpy"]

    molsim = _package(catalog, "Molsim")
    assert molsim.licenses == ["LGPL-2.1"] and molsim.categories == ["chem", "hpc"]
    # The CPU and CUDA builds of one version are two versions (by module version).
    assert sorted(v.key for v in molsim.versions) == ["2024.4-foss-2023b", "2024.4-foss-2023b-CUDA-12.4.0"]
    cpu = next(v for v in molsim.versions if v.key == "2024.4-foss-2023b")
    assert [(t.target_name, t.target_subtype) for t in cpu.targets] == [
        ("x86_64", "generic"), ("x86_64", "amd/zen3"), ("aarch64", "neoverse_v1")]
    assert cpu.targets[1].location == "/cvmfs/software.eessi.io/versions/2023.06/software/linux/x86_64/amd/zen3"
    assert all(t.gpu_architectures == [] for t in cpu.targets)
    assert cpu.metadata["toolchain"] == {"name": "foss", "version": "2023b"}
    assert cpu.dependencies[1]["module_name"] == "GCCcore"
    cuda = next(v for v in molsim.versions if v.key.endswith("CUDA-12.4.0"))
    assert cuda.targets[0].gpu_architectures == ["nvidia/cc80", "nvidia/cc90"]

    # A bare architecture is its family's generic build.
    tiler = _package(catalog, "Tiler")
    assert [(t.target_name, t.target_subtype) for t in tiler.versions[0].targets] == [("x86_64", "generic")]
    molpy = _package(catalog, "molpy")
    assert molpy.is_extension and molpy.parent_names == ["Molsim"]

    newest = eessi.load(str(SAMPLES / "eessi"))
    assert newest.version == "2025.06"
    assert sorted(p.name for p in newest.packages) == ["Molsim", "OnlyNew"]


def test_spack_targets_and_version_from_last_update():
    location = str(SAMPLES / "spack" / "repology.json")
    assert spack.latest_version(location) == "2026.11.02"
    catalog = spack.load(location)
    assert (catalog.name, catalog.version, catalog.catalog_type) == ("Spack", "2026.11.02", "source_package")
    assert catalog.description == "Spack package manager catalog (3 packages)"
    zipkit = _package(catalog, "zipkit")
    assert zipkit.description == "Archive toolkit" and zipkit.homepage == "https://zipkit.example.org"
    assert zipkit.maintainers == ["ada"] and zipkit.licenses == ["MIT"]
    first = zipkit.versions[0]
    assert [(t.target_type, t.target_name) for t in first.targets] == [
        ("build_variant", "default"), ("platform", "windows"), ("external", "system")]
    assert first.targets[0].location == "https://zipkit.example.org/zipkit-1.0.tar.xz"
    assert first.dependencies == ["c", "cxx"]
    makeit = _package(catalog, "makeit")
    assert [v.version for v in makeit.versions] == ["2.0", "main"]
    assert [(t.target_type, t.target_name) for t in makeit.versions[0].targets] == [
        ("build_variant", "default"), ("build_system", "build-tool")]
    assert makeit.versions[0].targets[0].location == ""
    assert makeit.versions[1].metadata["branch"] == "main"
    # A single version given as an object, not a list.
    assert [v.version for v in _package(catalog, "fluxsolve").versions] == ["3.1.4"]


@pytest.mark.parametrize(("load", "location", "words"), [
    (spack.load, SAMPLES / "broken" / "repology.json", "Invalid JSON in Spack data"),
    (spack.load, SAMPLES / "nowhere" / "repology.json", "Failed to read Spack data"),
    (spack.load, SAMPLES / "eessi" / "eessi_api_metadata_software.json", "'packages' is missing"),
    (eessi.load, SAMPLES / "spack", "Failed to read EESSI data"),
    (spack.load, "http://127.0.0.1:9/repology.json", "Failed to fetch Spack data"),
])
def test_bad_sources_fail_with_one_sentence(load, location, words):
    with pytest.raises(CatalogueLoadError) as failure:
        load(str(location), None)
    assert words in str(failure.value)
    assert "\n" not in str(failure.value).strip()


def test_eessi_fields_of_the_wrong_type_give_nothing_not_characters(tmp_path):
    import json

    main = {"architectures_map": {"2023.06": {}}, "software": {"Odd": {
        "description": "odd", "license": "MIT", "categories": 5, "versions": [
            {"version": "1", "required_modules": ["EESSI/2023.06"], "cpu_arch": "x86_64/zen2", "gpu_arch": []}]}}}
    (tmp_path / "eessi_api_metadata_software.json").write_text(json.dumps(main))
    odd = eessi.load(str(tmp_path), "2023.06").packages[0]
    assert (odd.licenses, odd.categories, odd.versions[0].targets) == ([], [], [])
    # An extension file that exists but cannot be read fails the import
    # (skipping it would drop its packages); a missing one is skipped.
    (tmp_path / "eessi_api_metadata_ext-python.json").write_text("{not json")
    with pytest.raises(CatalogueLoadError) as failure:
        eessi.load(str(tmp_path), "2023.06")
    assert "Invalid JSON in EESSI data" in str(failure.value)
