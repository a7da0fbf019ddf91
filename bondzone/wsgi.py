import gc
import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bondzone.settings")
application = get_wsgi_application()

from bondzone.core.checks import secret_key_errors  # noqa: E402  (needs the settings loaded above)

_refusals = secret_key_errors()
if _refusals:
    raise ImproperlyConfigured(f"{_refusals[0].msg} {_refusals[0].hint}")

from django.urls import get_resolver  # noqa: E402

# Every view module imported now, then what a worker loads at start kept out of the collector's passes: a full
# collection then walks only what requests allocate, and no longer pauses a request for the whole process's
# objects (the gate bench's p99 at 8 clients: 88–135 → 78–113 ms, docs/benchmarks.md).
get_resolver().url_patterns
gc.collect()
gc.freeze()
