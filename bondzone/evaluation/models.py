"""Zone evaluation (绩效评估): evaluated zones and their areas, indicator frameworks, data series values
with revisions, and frozen evaluation runs with their results.

The rules (derivation, normalisation, aggregation, ranks, classes, Monte Carlo, exit watch) live in
`domain/`; these tables only keep what was entered and what a run produced.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bondzone.core.models import Zone

from .domain.framework import Formula, Kind, Normalisation


class Region(models.TextChoices):
    EAST = "east", _("East")
    CENTRAL = "central", _("Central")
    WEST_NORTHEAST = "west_northeast", _("West & Northeast")


class ZoneKind(models.TextChoices):
    CBZ = "cbz", _("comprehensive bonded zone")
    BONDED_AREA = "bonded_area", _("bonded area")
    OTHER = "other", _("other special area")


class Source(models.TextChoices):
    ENTERED = "entered", _("entered")
    IMPORTED = "imported", _("imported")
    COMPUTED = "computed", _("computed from the platform")
    SYNTHETIC = "synthetic", _("synthetic (demo)")


class EvalZone(models.Model):
    """A special customs supervision area taking part in the evaluation (参评区域)."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    kind = models.CharField(_("type"), max_length=12, choices=ZoneKind.choices, default=ZoneKind.CBZ)
    region = models.CharField(_("region board"), max_length=16, choices=Region.choices)
    province = models.CharField(_("province"), max_length=20, blank=True)
    zone = models.OneToOneField(Zone, null=True, blank=True, on_delete=models.PROTECT, related_name="evaluation",
                                verbose_name=_("platform zone"))
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    evaluated_from = models.PositiveIntegerField(
        _("evaluated from (data year)"), null=True, blank=True,
        help_text=_("empty: not yet evaluated (a zone joins one full year after acceptance)"))
    synthetic = models.BooleanField(_("synthetic"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("evaluated zone")

    def __str__(self):
        return self.name_zh

    def takes_part(self, year: int) -> bool:
        return self.evaluated_from is not None and self.evaluated_from <= year


class ZoneArea(models.Model):
    """Areas of a zone in a year, km² (批准规划面积, 验收面积, 封关面积, 已开发面积)."""

    zone = models.ForeignKey(EvalZone, on_delete=models.CASCADE, related_name="areas")
    year = models.PositiveIntegerField(_("year"))
    planned_km2 = models.DecimalField(_("approved planning area (km²)"), max_digits=9, decimal_places=4)
    accepted_km2 = models.DecimalField(_("accepted area (km²)"), max_digits=9, decimal_places=4)
    fenced_km2 = models.DecimalField(_("closed-fence area (km²)"), max_digits=9, decimal_places=4)
    developed_km2 = models.DecimalField(_("developed area (km²)"), max_digits=9, decimal_places=4)

    class Meta:
        ordering = ["zone", "year"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "year"], name="area_per_zone_year"),
            models.CheckConstraint(name="area_positive", condition=models.Q(planned_km2__gt=0, accepted_km2__gte=0,
                                                                           fenced_km2__gte=0, developed_km2__gte=0)),
        ]


IMPUTE_CHOICES = [
    ("worst", _("lowest score of the reporting zones")), ("median", _("median of the other zones")),
    ("mean", _("mean of the other zones")), ("region_median", _("median of the zone's region board")),
    ("zero", _("score zero")),
]
# Assumed (GACC publishes no rule): the JRC practice of a data-availability threshold of about two thirds
# (e.g. the Global Innovation Index), so no zone is scored on a few surviving indicators.
DEFAULT_MIN_COVERAGE = Decimal("66.6667")
OUTLIER_CHOICES = [
    ("winsorise_log", _("winsorise up to 5 points, else log (|skewness| > 2 and kurtosis > 3.5)")),
    ("log", _("log-transform every heavily skewed indicator")),
    ("none", _("none: values as reported")),
]


class Framework(models.Model):
    """A versioned indicator framework (指标体系). A framework used by a run is locked; clone it to edit."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="clones")
    aggregation = models.CharField(_("aggregation"), max_length=12, default="arithmetic",
                                   choices=[("arithmetic", _("weighted arithmetic mean")),
                                            ("geometric", _("weighted geometric mean"))])
    impute = models.CharField(_("missing values"), max_length=16, default="worst", choices=IMPUTE_CHOICES)
    min_coverage = models.DecimalField(
        _("minimum data coverage (%)"), max_digits=7, decimal_places=4, default=DEFAULT_MIN_COVERAGE,
        help_text=_("a zone reporting a smaller share of the indicators is not rated"))
    outliers = models.CharField(_("outlier treatment"), max_length=16, default="winsorise_log",
                                choices=OUTLIER_CHOICES)
    class_bands = models.JSONField(_("class bands"), default=list,
                                   help_text=_("[[class, cumulative top share %], …], the last share is 100"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("indicator framework")

    def __str__(self):
        return self.name

    @property
    def locked(self) -> bool:
        return self.runs.exists()


class Indicator(models.Model):
    """A node of a framework: a category, an indicator, or a bonus / penalty item."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("code"), max_length=20)
    parent_code = models.CharField(_("parent"), max_length=20, blank=True)
    kind = models.CharField(pgettext_lazy("framework node", "kind"), max_length=10, choices=[(k.value, k.value) for k in Kind])
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=150, blank=True)
    weight = models.DecimalField(_("weight (%)"), max_digits=9, decimal_places=4, default=0)
    weight_assumed = models.BooleanField(_("weight assumed"), default=False)
    direction = models.SmallIntegerField(pgettext_lazy("indicator direction", "direction"), default=1)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    formula = models.CharField(_("formula"), max_length=10, choices=[(f.value, f.value) for f in Formula],
                               default=Formula.RAW.value)
    series = models.CharField(_("data series"), max_length=40, blank=True)
    normalisation = models.CharField(_("normalisation"), max_length=10,
                                     choices=[(n.value, n.value) for n in Normalisation],
                                     default=Normalisation.MINMAX.value)
    goal_low = models.DecimalField(_("goalpost low"), max_digits=20, decimal_places=4, null=True, blank=True)
    goal_high = models.DecimalField(_("goalpost high"), max_digits=20, decimal_places=4, null=True, blank=True)
    points = models.DecimalField(_("points per unit"), max_digits=9, decimal_places=4, null=True, blank=True)
    cap = models.DecimalField(_("cap (points)"), max_digits=9, decimal_places=4, null=True, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["framework", "position"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="indicator_code_per_framework")]

    def __str__(self):
        return f"{self.code} {self.name_zh}"


class SeriesValue(models.Model):
    """One revision of a base data value (指标数据) of a zone for a year. The newest revision counts;
    older ones stay for provenance, and a run records the revisions it used."""

    zone = models.ForeignKey(EvalZone, on_delete=models.PROTECT, related_name="values")
    series = models.CharField(_("data series"), max_length=40)
    year = models.PositiveIntegerField(_("year"))
    value = models.DecimalField(pgettext_lazy("indicator value", "value"), max_digits=20, decimal_places=4)
    unit = models.CharField(_("unit"), max_length=20)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    note = models.CharField(_("provenance"), max_length=300, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["zone", "series", "year", "-revision"]
        constraints = [models.UniqueConstraint(fields=["zone", "series", "year", "revision"],
                                               name="series_value_revision")]
        indexes = [models.Index(fields=["year", "series"])]


class EvaluationRun(models.Model):
    """A frozen evaluation: the framework snapshot, parameters and every input are stored with the run,
    so re-running it gives the same output (checked by `result_hash`)."""

    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="runs")
    year = models.PositiveIntegerField(_("data year"))
    label = models.CharField(_("label"), max_length=200, blank=True)
    params = models.JSONField(default=dict)
    framework_snapshot = models.JSONField(default=list)
    inputs = models.JSONField(default=dict)
    draws = models.PositiveIntegerField(_("Monte Carlo draws"), default=1000)
    seed = models.BigIntegerField(_("seed"), default=0)
    result_hash = models.CharField(max_length=64)
    # indicator -> {"method", "points", "skewness", "kurtosis"}: the outliers this run treated
    treatments = models.JSONField(default=dict)
    # Sobol indices of the ranks, stored so a page view does not recompute them (empty: not computed):
    # {"draws": N, "seed": s, "mc": version, "indices": [{"factor", "first_order", "total"}, …]};
    # recomputable from the frozen inputs with that N and seed (services.store_sensitivity)
    sensitivity = models.JSONField(default=dict, blank=True)
    zone_count = models.PositiveIntegerField(default=0)
    synthetic = models.BooleanField(_("includes synthetic data"), default=False)
    public = models.BooleanField(_("public"), default=False)
    duration_ms = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-id"]
        verbose_name = _("evaluation run")

    def __str__(self):
        return self.label or f"{self.framework.code} {self.year} #{self.pk}"


class ZoneResult(models.Model):
    run = models.ForeignKey(EvaluationRun, on_delete=models.CASCADE, related_name="results")
    zone = models.ForeignKey(EvalZone, on_delete=models.PROTECT, related_name="results")
    region = models.CharField(max_length=16, choices=Region.choices)
    base = models.DecimalField(max_digits=9, decimal_places=4)
    adjustment = models.DecimalField(max_digits=9, decimal_places=4)
    overall = models.DecimalField(max_digits=9, decimal_places=4)
    rank_national = models.PositiveIntegerField()
    rank_regional = models.PositiveIntegerField()
    class_national = models.CharField(max_length=4)
    class_regional = models.CharField(max_length=4)
    mc_median = models.DecimalField(max_digits=9, decimal_places=2, null=True)
    mc_p05 = models.DecimalField(max_digits=9, decimal_places=2, null=True)
    mc_p95 = models.DecimalField(max_digits=9, decimal_places=2, null=True)
    mc_regional_median = models.DecimalField(max_digits=9, decimal_places=2, null=True)
    mc_regional_p05 = models.DecimalField(max_digits=9, decimal_places=2, null=True)
    mc_regional_p95 = models.DecimalField(max_digits=9, decimal_places=2, null=True)

    class Meta:
        ordering = ["run", "rank_national", "zone__code"]
        constraints = [models.UniqueConstraint(fields=["run", "zone"], name="one_result_per_zone")]


class NodeScore(models.Model):
    """A zone's score on one category or indicator in a run."""

    run = models.ForeignKey(EvaluationRun, on_delete=models.CASCADE, related_name="scores")
    zone = models.ForeignKey(EvalZone, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=20)
    value = models.DecimalField(max_digits=24, decimal_places=4, null=True)
    imputed = models.BooleanField(default=False)
    score = models.DecimalField(max_digits=9, decimal_places=4)
    rank_national = models.PositiveIntegerField()
    rank_regional = models.PositiveIntegerField()
    percentile = models.DecimalField(max_digits=7, decimal_places=4, null=True)

    class Meta:
        ordering = ["run", "zone", "code"]
        constraints = [models.UniqueConstraint(fields=["run", "zone", "code"], name="one_score_per_node")]


class Rectification(models.Model):
    """整改 opened for a zone on a run's exit watch: the ledger task and the joint-meeting issue that
    governance's services created for it. One per run and zone; a row without its task is being opened."""

    run = models.ForeignKey(EvaluationRun, on_delete=models.PROTECT, related_name="rectifications")
    zone = models.ForeignKey(EvalZone, on_delete=models.PROTECT, related_name="rectifications")
    task = models.OneToOneField("governance.Task", null=True, on_delete=models.PROTECT, related_name="+")
    issue = models.OneToOneField("governance.Issue", null=True, on_delete=models.PROTECT, related_name="+")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["run", "zone"]
        verbose_name = _("rectification")
        constraints = [models.UniqueConstraint(fields=["run", "zone"], name="one_rectification_per_run_zone")]
