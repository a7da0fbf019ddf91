import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bondzone.settings")
application = get_wsgi_application()

from bondzone.core.checks import secret_key_errors  # noqa: E402  (needs the settings loaded above)

_refusals = secret_key_errors()
if _refusals:
    raise ImproperlyConfigured(f"{_refusals[0].msg} {_refusals[0].hint}")
