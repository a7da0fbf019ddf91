"""System checks of BondZone's own settings (run by runserver, migrate, every command and `check`)."""

from django.conf import settings
from django.core.checks import Error, Tags, register


def secret_key_errors() -> list[Error]:
    if settings.DEBUG or settings.SECRET_KEY != settings.INSECURE_DEV_KEY:
        return []
    return [Error("BONDZONE_SECRET_KEY is not set and debug mode is off: the development key is in the "
                  "repository, so sessions and tokens could be forged.",
                  hint="Set BONDZONE_SECRET_KEY to a long random value (python -c 'import secrets; "
                       "print(secrets.token_urlsafe(50))'), or BONDZONE_DEBUG=1 on a development machine.",
                  id="bondzone.E001")]


@register(Tags.security)
def check_secret_key(app_configs, **kwargs):
    return secret_key_errors()
