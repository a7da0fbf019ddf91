"""Private uploaded files (evidence, registration documents): stored under MEDIA_ROOT (default
<repository>/media), read when used so tests and deployments may point it elsewhere, never given a public
URL — each app serves them through a view that checks the reader's scope."""

from __future__ import annotations

import hashlib
import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage

from .domain.errors import TooLarge, problem

MB = 1024 * 1024


class PrivateStorage(FileSystemStorage):
    @property
    def base_location(self):
        return str(getattr(settings, "MEDIA_ROOT", "") or (settings.REPO_DIR / "media"))

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None


def private_storage() -> FileSystemStorage:
    return PrivateStorage()


def sha256_of(f) -> str:
    digest = hashlib.sha256()
    for chunk in f.chunks():
        digest.update(chunk)
    f.seek(0)
    return digest.hexdigest()


def read_upload(f, max_bytes: int, *, field: str = "file") -> bytes:
    """An uploaded file's bytes, at most `max_bytes` (a whole number of MB) of them: a file that says it is
    larger (UploadedFile.size, a Content-Length) is refused before anything is read, and one that turns out
    larger after all is refused after max_bytes + 1 bytes, never read whole into memory."""
    size = getattr(f, "size", None)
    if size is None or size <= max_bytes:
        data = f.read(max_bytes + 1)
        if len(data) <= max_bytes:
            return data
    raise too_large(max_bytes, field=field)


def too_large(max_bytes: int, *, field: str = "file") -> TooLarge:
    return TooLarge(problem(field, "file_over_limit", max=max(1, max_bytes // MB)))
