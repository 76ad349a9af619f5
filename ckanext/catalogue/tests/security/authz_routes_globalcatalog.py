"""Authorization matrix rows of the Global Catalog API's writes: each works
on a fresh public entry of ``home``. Scoped tokens identify nobody here
(they are IUDX's and the action API's)."""
from __future__ import annotations

from collections.abc import Callable

from ckanext.catalogue.tests.factories import gc_entry
from ckanext.catalogue.tests.helpers import catalogue_call, gc_doc
from ckanext.catalogue.tests.security.authz import VISIBILITY, WRITERS, People, Row, Write

BASE = "/globalcatalog/api/v1"
GC_WRITERS = WRITERS - {"scoped"}


def _entry(people: People, suffix: str) -> str:
    return gc_entry(people.names["admin"], suffix, organization=people.home)["id"]


def _on_entry(method: str, path: str, body: Callable[[People, str], dict] | None = None,
              before: Callable[[People, str], None] | None = None, data: bytes | None = None
              ) -> Callable[[People, str], Write]:
    """A write on a fresh entry ``e``: ``path`` is formatted with it; ``before``
    prepares the entry; a scoped token is scoped to it."""
    def setup(people: People, suffix: str) -> Write:
        entry = _entry(people, suffix)
        if before:
            before(people, entry)
        return Write(method, BASE + path.format(e=entry), body(people, entry) if body else None, scope=entry,
                     data=data)
    return setup


def _archive(people: People, entry: str) -> None:
    catalogue_call(people.names["admin"], "catalogue_item_delete", id=entry)


def _artifact(people: People, entry: str) -> None:
    catalogue_call(people.names["admin"], "catalogue_item_artifact_upload", id=entry, name="a.txt", content="x",
                   content_type="text/plain")


ROWS: dict[tuple[str, str], Row] = {
    ("POST", f"{BASE}/"): Row(GC_WRITERS, _on_entry("POST", "/", lambda p, e: {
        **gc_doc(f"{e}-plan"), "id": f"{e}-plan", "kind": "plan", "parent_id": e})),
    ("PUT", f"{BASE}/<entry_id>"): Row(GC_WRITERS, _on_entry("PUT", "/{e}", lambda p, e: {
        **gc_doc(e), "id": e, "kind": "service", "tags": ["changed"]})),
    ("DELETE", f"{BASE}/<entry_id>"): Row(GC_WRITERS, _on_entry("DELETE", "/{e}")),
    ("PUT", f"{BASE}/<entry_id>/restore"): Row(GC_WRITERS, _on_entry("PUT", "/{e}/restore", before=_archive)),
    ("PUT", f"{BASE}/<entry_id>/visibility"): Row(VISIBILITY - {"scoped"}, _on_entry("PUT", "/{e}/visibility", lambda p, e: {
        "restrictions": "private"})),
    ("PUT", f"{BASE}/<entry_id>/artifacts/<anypath:artifact_id>"): Row(GC_WRITERS, _on_entry(
        "PUT", "/{e}/artifacts/b.txt", data=b"y")),
    ("DELETE", f"{BASE}/<entry_id>/artifacts/<anypath:artifact_id>"): Row(GC_WRITERS, _on_entry(
        "DELETE", "/{e}/artifacts/a.txt", before=_artifact)),
}
