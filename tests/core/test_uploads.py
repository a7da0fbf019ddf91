"""Uploads over their limit are refused before they are read whole (core.files.read_upload): by their
declared size, else after limit + 1 bytes; the refusal names the limit in the reader's language and nothing
is written."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from bondzone.core import tabular
from bondzone.core.domain.errors import TooLarge
from bondzone.core.files import MB, read_upload
from bondzone.core.messages import as_dicts
from bondzone.core.models import AuditEvent, CalendarYear

from ..conftest import PASSWORD, key


class Reads(io.BytesIO):
    """A stream that records how many bytes each read asked for."""

    def __init__(self, data: bytes, size: int | None = None):
        super().__init__(data)
        self.asked: list[int] = []
        if size is not None:
            self.size = size

    def read(self, n=-1):
        self.asked.append(n)
        return super().read(n)


def test_a_file_declared_over_the_limit_is_refused_unread():
    f = Reads(b"x", size=2 * MB + 1)
    with pytest.raises(TooLarge) as exc:
        read_upload(f, 2 * MB)
    assert f.asked == [] and exc.value.status == 413


def test_an_undeclared_file_is_read_to_one_byte_past_the_limit_then_refused():
    f = Reads(b"x" * (MB + 100))
    with pytest.raises(TooLarge):
        read_upload(f, MB)
    assert f.asked == [MB + 1]
    assert read_upload(Reads(b"x" * MB), MB) == b"x" * MB


@pytest.mark.parametrize("language, sentence", [
    ("zh-hans", "文件超过 1 MB 的上限。"), ("en", "The file is larger than the limit of 1 MB."),
])
def test_the_refusal_names_the_limit_in_the_readers_language(language, sentence):
    upload = SimpleUploadedFile("big.csv", b"date,kind\n" + b"x" * MB)
    with pytest.raises(TooLarge) as exc:
        tabular.read_rows(upload, "csv", required=["date"], known=None, max_bytes=MB)
    with translation.override(language):
        assert as_dicts(exc.value.problems) == [{"field": "file", "code": "file_over_limit", "message": sentence}]


def client_for(name: str) -> Client:
    c = Client()
    assert c.login(username=name, password=PASSWORD)
    return c


def over(limit_mb: int, name: str = "big.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"x" * (limit_mb * MB + 1))


@pytest.mark.parametrize("user, path, limit_mb, extra", [
    ("admin", "/api/v1/calendar/import", 2, {}),
    ("admin", "/api/v1/evaluation/values/import", 20, {}),
    ("admin", "/api/v1/duties/tax-rates/import", 20, {}),
    ("admin", "/api/v1/duties/exchange-rates/import", 20, {}),
    ("admin", "/api/v1/governance/import", 2, {}),
    ("ent_a", "/api/v1/lists/import", 20, {"book": True}),
])
def test_api_uploads_over_their_limit_are_413_and_write_nothing(world, user, path, limit_mb, extra):
    data = {"file": over(limit_mb)}
    if extra.get("book"):
        data["book_id"] = world.book_a.pk
    before = AuditEvent.objects.count()
    r = client_for(user).post(path, data, HTTP_ACCEPT_LANGUAGE="en", HTTP_IDEMPOTENCY_KEY=key())
    assert r.status_code == 413, r.content
    assert r.json()["errors"] == [{"field": "file", "code": "file_over_limit",
                                   "message": f"The file is larger than the limit of {limit_mb} MB."}]
    assert AuditEvent.objects.count() == before


def test_page_upload_over_the_limit_is_refused_in_chinese_and_writes_nothing(world):
    c = client_for("zone_a")
    years = CalendarYear.objects.count()
    r = c.post("/calendar/import/", {"file": over(2)}, follow=True)
    assert "文件超过 2 MB 的上限。" in r.content.decode() and CalendarYear.objects.count() == years
