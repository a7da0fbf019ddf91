"""Model fields for exact quantities (see core.domain.quantity)."""

from decimal import Decimal

from django.db import models

from .domain.quantity import from_units, to_units


class QuantityField(models.BigIntegerField):
    """A Decimal quantity stored as an integer count of 10^-5 units."""

    description = "Exact decimal quantity (5 places) stored as an integer"

    def from_db_value(self, value, expression, connection):
        return None if value is None else from_units(int(value))

    def to_python(self, value):
        if value is None or isinstance(value, Decimal):
            return value
        return Decimal(str(value))

    def get_prep_value(self, value):
        if value is None:
            return None
        return to_units(Decimal(str(value)) if not isinstance(value, Decimal) else value)

    def get_db_prep_value(self, value, connection, prepared=False):
        return value if prepared else self.get_prep_value(value)
