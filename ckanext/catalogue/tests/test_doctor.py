"""`ckan catalogue doctor` and the start-up checks, run as real processes."""
from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import pytest

import ckan.plugins.toolkit as tk

from ckanext.catalogue import health
from ckanext.catalogue.tests.helpers import catalogue_call, on_cluster_stack, run_ckan

NO_SERVICE = "http://127.0.0.1:9"  # discard port: nothing listens there


def _canned_solr(method: str, status: int, content_type: str, body: bytes, path: str) -> Iterator[str]:
    """An HTTP endpoint answering every ``method`` request with one canned
    answer, as a broken Solr would; yields its URL ending in ``path``."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def answer(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    setattr(Handler, f"do_{method}", Handler.answer)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}{path}"
    server.shutdown()


@pytest.fixture
def wrong_schema_solr() -> Iterator[str]:
    """An HTTP endpoint answering Solr's schema request with a foreign schema."""
    yield from _canned_solr("GET", 200, "application/xml",
                            b'<?xml version="1.0"?><schema name="default-config" version="1.6"><fields/></schema>',
                            "/solr/other")


def _lines(output: str) -> dict[str, str]:
    rows = {}
    for line in output.splitlines():
        parts = line.split(None, 2)
        if len(parts) == 3 and parts[0] in ("ok", "FAIL"):
            rows[parts[1]] = parts[0]
    return rows


def test_doctor_all_green_on_the_real_stack(job_worker):
    result = run_ckan("catalogue", "doctor")
    assert result.returncode == 0, result.stdout + result.stderr
    assert _lines(result.stdout) == {
        "database": "ok", "migrations": "ok", "solr": "ok", "solr-writes": "ok", "solr-cluster": "ok", "redis": "ok",
        "datastore": "ok", "datastore-replica": "ok", "worker": "ok",
    }
    if not on_cluster_stack():
        assert "standalone Solr" in result.stdout and "reads go to the primary" in result.stdout
    else:  # test-cluster.ini: SolrCloud and a hot standby
        assert "2 shards on 2 live node(s)" in result.stdout and "hot standby" in result.stdout


def test_doctor_repair_reloads_the_solr_core_and_keeps_the_index(iudx_tree):
    before = catalogue_call(None, "catalogue_item_count")["count"]
    assert before > 0
    assert health.catalogue_reload_solr_core(tk.config) is None  # a real RELOAD of the test core
    assert health.check_solr_writes(tk.config).ok
    assert catalogue_call(None, "catalogue_item_count")["count"] == before
    result = run_ckan("catalogue", "doctor", "--repair")
    assert _lines(result.stdout)["solr-writes"] == "ok", result.stdout + result.stderr


@pytest.fixture
def closed_writer_solr() -> Iterator[str]:
    """Updates answered as Solr answers them once its index writer has closed
    after an out-of-memory error (which a test cannot safely cause)."""
    yield from _canned_solr("POST", 500, "application/json",
                            b'{"error":{"msg":"this IndexWriter is closed","trace":"org.apache.lucene.store.'
                            b'AlreadyClosedException: this IndexWriter is closed","code":500}}', "/solr/ckan")


def test_a_closed_index_writer_is_named_with_the_command_that_repairs_it(closed_writer_solr):
    check = health.check_solr_writes({"solr_url": closed_writer_solr})
    assert not check.ok
    assert "index writer is closed" in check.message and "ckan catalogue doctor --repair" in check.message


def test_doctor_reports_unreachable_solr_and_exits_non_zero():
    result = run_ckan("catalogue", "doctor", env={"CKAN_SOLR_URL": f"{NO_SERVICE}/solr/ckan"})
    assert result.returncode != 0
    assert _lines(result.stdout)["solr"] == "FAIL"
    assert _lines(result.stdout)["database"] == "ok"
    assert "not reachable at http://127.0.0.1:9/solr/ckan" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_doctor_stops_with_one_sentence_on_a_missing_database():
    # CKAN cannot load without its database, so the doctor stops at once.
    url = "postgresql://ckan_default:pass@localhost/catalogue_no_such_db"
    result = run_ckan("catalogue", "doctor", env={"CKAN_SQLALCHEMY_URL": url})
    assert result.returncode != 0
    assert "ckanext-catalogue: database cannot connect to" in result.stderr
    assert 'database "catalogue_no_such_db" does not exist' in result.stderr
    assert "make db" in result.stderr
    assert "pass@" not in result.stdout + result.stderr  # the password is never printed
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("env_key", "value", "sentence"),
    [
        ("CKAN_SOLR_URL", f"{NO_SERVICE}/solr/ckan", "ckanext-catalogue: solr not reachable at"),
        ("CKAN_SQLALCHEMY_URL", "postgresql://ckan_default:pass@localhost/catalogue_no_such_db",
         "ckanext-catalogue: database cannot connect to"),
        ("CKAN_REDIS_URL", "redis://127.0.0.1:9/0", "ckanext-catalogue: redis not reachable at"),
    ],
)
def test_start_up_refuses_a_broken_component_with_one_sentence(env_key, value, sentence):
    result = run_ckan("jobs", "list", env={env_key: value})
    assert result.returncode != 0
    assert sentence in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_start_up_refuses_a_solr_with_a_foreign_schema(wrong_schema_solr):
    result = run_ckan("jobs", "list", env={"CKAN_SOLR_URL": wrong_schema_solr})
    assert result.returncode != 0
    assert "serves schema 'default-config', CKAN 2.12 needs one of ckan-2.12" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_doctor_stops_with_one_sentence_on_a_foreign_schema(wrong_schema_solr):
    result = run_ckan("catalogue", "doctor", env={"CKAN_SOLR_URL": wrong_schema_solr})
    assert result.returncode != 0
    assert "ckanext-catalogue: solr" in result.stderr and "make solr-home" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
