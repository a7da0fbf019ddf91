"""Private uploaded files (evidence, registration documents): stored under MEDIA_ROOT (default
<repository>/media), read when used so tests and deployments may point it elsewhere, never given a public
URL — each app serves them through a view that checks the reader's scope."""

from __future__ import annotations

import hashlib
import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


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
