"""Install the GACC 2020 trial framework (the default) so that a new installation can evaluate at once."""

from django.db import migrations

DEFAULT_BANDS = [["A", "20"], ["B", "70"], ["C", "100"]]


def install(apps, schema_editor):
    from bondzone.evaluation.domain.gacc2020 import GACC_2020

    Framework = apps.get_model("evaluation", "Framework")
    Indicator = apps.get_model("evaluation", "Indicator")
    if Framework.objects.filter(code=GACC_2020.code).exists():
        return
    f = Framework.objects.create(code=GACC_2020.code, name=GACC_2020.name, class_bands=DEFAULT_BANDS,
                                 description="海关总署《综合保税区发展绩效评估办法（试行）》(2020): 5 categories, "
                                             "27 indicators, 8 bonus / penalty items. Weights marked * are assumed.")
    Indicator.objects.bulk_create([
        Indicator(framework=f, code=n.code, parent_code=n.parent or "", kind=n.kind.value, name_zh=n.name_zh,
                  name_en=n.name_en, weight=n.weight, weight_assumed=n.weight_assumed, direction=n.direction,
                  unit=n.unit, formula=n.formula.value, series=n.series, normalisation=n.normalisation.value,
                  goal_low=n.goal_low, goal_high=n.goal_high, points=n.points, cap=n.cap, position=pos)
        for pos, n in enumerate(GACC_2020.nodes)])


def remove(apps, schema_editor):
    from bondzone.evaluation.domain.gacc2020 import GACC_2020

    apps.get_model("evaluation", "Framework").objects.filter(code=GACC_2020.code, runs__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0001_initial")]
    operations = [migrations.RunPython(install, remove)]
