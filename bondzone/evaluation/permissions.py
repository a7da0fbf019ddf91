"""Actions of the zone evaluation and who may attempt them (data-level rules are in scopes.py),
plus the problem codes this app adds to the message catalogue."""

import re

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from bondzone.core.domain.roles import Role, register
from bondzone.core.messages import CODED_PARAMS, MESSAGES

from .domain.framework import MESSAGES as DOMAIN_MESSAGES

STAFF = {Role.CUSTOMS, Role.ZONE_ADMIN, Role.TAX, Role.MARKET, Role.COMMERCE, Role.PLATFORM_ADMIN}
MANAGERS = {Role.COMMERCE, Role.PLATFORM_ADMIN}  # 市商务局 / 两区办 runs the evaluation

register("evaluation.view", STAFF)  # rankings, frameworks, values (enterprises see public runs only)
register("evaluation.manage", MANAGERS)  # frameworks (clone, edit), runs, publishing, zones and areas
register("evaluation.rectify", MANAGERS)  # open 整改 (ledger task + joint-meeting issue) for an exit-watch zone
register("evaluation.enter_values", {Role.ZONE_ADMIN, Role.COMMERCE, Role.PLATFORM_ADMIN})  # zone admins: own zone

class _Bilingual:
    """A template of the pure domain's catalogue (English and Chinese with {param} placeholders) in
    the %-style core.messages.render expects, in the active language."""

    def __init__(self, en: str, zh: str):
        self.en, self.zh = en, zh

    def __str__(self) -> str:
        text = self.zh if (get_language() or "").startswith("zh") else self.en
        return re.sub(r"\{(\w+)\}", r"%(\1)s", text.replace("%", "%%"))


MESSAGES.update({code: _Bilingual(en, zh) for code, (en, zh) in DOMAIN_MESSAGES.items()})
MESSAGES.update({
    "framework_locked": _("Framework %(code)s has evaluation runs and is locked; clone it to change it."),
    "no_such_series": _("Unknown data series “%(value)s”."),
    "wrong_value_unit": _("Series %(series)s is measured in %(expected)s, not %(value)s."),
    "share_above_100": _("Series %(series)s is a share in %%: %(value)s is more than 100."),
    "count_not_whole": _("Series %(series)s is a count (%(unit)s): %(value)s is not a whole number."),
    "series_negative": _("Series %(series)s sums, counts or shares something: it cannot be below zero (got "
                         "%(value)s)."),
    "zone_not_yours": _("You may enter values only for your own zone."),
    "year_out_of_range": _("Year %(value)s is outside %(min)s–%(max)s."),
    "no_zones_to_evaluate": _("No zone takes part in data year %(year)s."),
    "area_not_positive": _("The planned area must be greater than zero (got %(value)s km²)."),
    "area_negative": _("An area cannot be below zero (got %(value)s km²)."),
    "area_order": _("The accepted, closed-fence and developed areas cannot exceed the planned area."),
    "run_not_reproduced": _("Re-running gave a different result (hash %(got)s, stored %(want)s)."),
    "unknown_indicator": _("Framework %(framework)s has no indicator %(value)s."),
    "no_fx_rate": _("No exchange rate for currency %(currency)s in the year: import customs' monthly rates (duties exchange-rate table)."),
    "no_rated_zones": _("No zone of data year %(year)s has enough data to be rated."),
    "run_not_published": _("Run %(run)s is not published; rectification is opened only from a published run."),
    "zone_not_on_exit_watch": _("Zone %(zone)s is not on the exit watch of this run."),
    "zone_without_administration": _("Zone %(zone)s has no zone administration unit in the task ledger; link one "
                                     "first (governance units, zone field)."),
    "rectification_in_progress": _("Rectification for zone %(zone)s in this run is being opened; try again "
                                   "shortly."),
    "sensitivity_draws_out_of_range": _("The sensitivity sample size N must be 0 (none) or between %(min)s and "
                                        "%(max)s."),
    "sensitivity_without_monte_carlo": _("Sensitivity indices need Monte Carlo draws: set the draws above 0."),
    "rank_outside_interval": _("%(count)s published ranks lie outside their own 5–95 %% Monte Carlo interval "
                               "(%(zones)s): the uncertainty analysis does not cover the published method, so "
                               "this run is not published."),
})
# the series a refusal names, by its name in the reader's language (labels kind registered in apps.py)
CODED_PARAMS.update({code: {"series": "evaluation_series"}
                     for code in ("wrong_value_unit", "share_above_100", "count_not_whole", "series_negative")})
