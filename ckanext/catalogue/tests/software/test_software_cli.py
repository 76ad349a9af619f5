"""`ckan catalogue software ...` in its own process, on the sample sources
test.ini names."""
from __future__ import annotations

import pytest

from ckanext.catalogue.tests.helpers import run_ckan


@pytest.mark.usefixtures("clean_datastore")
def test_import_list_update_and_schedule():
    first = run_ckan("catalogue", "software", "import", "Spack")
    assert first.returncode == 0, first.stderr
    assert "3 packages, 5 versions, 11 targets" in first.stdout
    assert "importing Spack" in first.stdout + first.stderr  # the progress bar

    again = run_ckan("catalogue", "software", "import", "Spack")
    assert again.returncode == 1 and "Spack 2026.11.02 is imported already" in again.stderr

    listed = run_ckan("catalogue", "software", "list")
    assert listed.returncode == 0 and "Spack" in listed.stdout and "1 catalog(s)" in listed.stdout

    discovered = run_ckan("catalogue", "software", "discover")
    assert "EESSI" in discovered.stdout and "not imported" in discovered.stdout
    assert "up to date" in discovered.stdout

    updated = run_ckan("catalogue", "software", "update", "--all")
    assert updated.returncode == 0 and "3 packages, 5 versions, 11 targets" in updated.stdout
    scheduled = run_ckan("catalogue", "software", "schedule")
    assert scheduled.returncode == 0 and scheduled.stdout.strip() == "queued 0 update(s)"
