import gzip

import pytest
from django.core.management import CommandError, call_command

from microcred.audit.models import AuditEvent
from microcred.reference import models as m
from microcred.reference.loader import load_reference_data
from microcred.reference.tests.esco_fixture import SKILL_COLUMNS, SKILLS, S, make_data_dir, skill_rows, write_csv_gz

pytestmark = pytest.mark.django_db


@pytest.fixture
def data_dir(tmp_path):
    return make_data_dir(tmp_path)


def counts():
    return {
        "skills": m.EscoSkill.objects.count(),
        "labels": m.EscoSkillLabel.objects.count(),
        "terms": m.EscoSkillSearchTerm.objects.count(),
        "occupations": m.EscoOccupation.objects.count(),
        "relations": m.OccupationSkill.objects.count(),
        "institutions": m.Institution.objects.count(),
        "isced": m.IscedField.objects.count(),
    }


def test_loads_every_section(data_dir):
    report = load_reference_data(data_dir)
    assert m.EscoSkill.objects.count() == len(SKILLS)
    assert m.EscoSkillGroup.objects.count() == 1
    assert m.EscoOccupation.objects.count() == 2
    assert m.OccupationSkill.objects.count() == 3
    assert m.EqfLevel.objects.count() == 8
    assert m.IscedField.objects.count() == 220
    assert m.IscedField.objects.get(code="0011").parent.code == "001"
    assert m.Institution.objects.filter(is_alliance=False).count() == 9
    alliance = m.Institution.objects.get(is_alliance=True)
    assert alliance.short_name == "CHARM-EU"  # from members.json, not from code
    assert m.EducationalPrinciple.objects.filter(status="confirmed").count() == 2
    assert m.EducationalPrinciple.objects.filter(status="to_confirm").exists()
    assert m.ContentArea.objects.count() == 5
    assert m.StrategicTarget.objects.get(key="mc-ects-policy-2026").max_value == 140
    assert m.EctsRule.objects.get().hours_per_credit_min == 25
    assert m.EuropassConcept.objects.filter(scheme="assessment_type").count() == 17
    assert m.FrameworkCompetence.objects.filter(framework="digcomp").count() == 21
    assert m.FrameworkCompetence.objects.filter(framework="greencomp").count() == 12
    pm = m.EscoSkill.objects.get(uri=S + "s-pm")
    assert pm.broader_groups.get().preferred_label == "management"
    assert m.EscoSkill.objects.get(uri=S + "s-pmp").broader_skills.get() == pm
    assert m.EscoSkill.objects.get(uri=S + "s-team").collections == ["transversal"]
    assert m.EscoSkill.objects.get(uri=S + "s-recycle").in_green
    assert pm.labels.get(language="fr", kind="preferred").label == "gérer des projets"
    assert set(pm.labels.filter(language="es").values_list("label", flat=True)) == {
        "gestionar proyectos",
        "dirigir proyectos",
    }
    assert report["ESCO skill labels"].notes["fr rows for unknown skills"] == 1
    event = AuditEvent.objects.get(action="reference.loaded")
    assert event.changes["ESCO skills"]["created"] == len(SKILLS)


def test_second_run_changes_nothing(data_dir):
    load_reference_data(data_dir)
    before = counts()
    pks = dict(m.EscoSkillLabel.objects.values_list("pk", "label"))
    report = load_reference_data(data_dir)
    assert not report.changed
    assert report["ESCO skills"].unchanged == len(SKILLS)
    assert report["ESCO skill labels"].created == 0
    assert counts() == before
    assert dict(m.EscoSkillLabel.objects.values_list("pk", "label")) == pks
    assert AuditEvent.objects.filter(action="reference.loaded").count() == 2


def test_command_reports_unchanged(data_dir, capsys):
    call_command("load_reference_data", "--data-dir", str(data_dir))
    call_command("load_reference_data", "--data-dir", str(data_dir), "--only", "esco,eqf")
    out = capsys.readouterr().out
    assert "ESCO skills: 0 created, 0 updated, 0 deleted, 5 unchanged" in out
    assert "Reference data unchanged" in out


def test_newer_file_updates_labels_in_place(data_dir, tmp_path):
    load_reference_data(data_dir)
    skill = m.EscoSkill.objects.get(uri=S + "s-pm")
    preferred = skill.labels.get(language="en", kind="preferred")
    relation_pk = m.OccupationSkill.objects.get(skill=skill).pk
    newer = [
        ("s-pm", "skill/competence", "manage project portfolios", "project management"),
        *[s for s in SKILLS if s[0] not in ("s-pm", "s-recycle")],
    ]
    write_csv_gz(data_dir / "esco/skills_en.csv.gz", SKILL_COLUMNS, skill_rows(newer))
    report = load_reference_data(data_dir, only=["esco"])
    skill.refresh_from_db()
    assert skill.preferred_label == "manage project portfolios"
    updated = skill.labels.get(language="en", kind="preferred")
    assert updated.pk == preferred.pk and updated.label == "manage project portfolios"
    assert not skill.labels.filter(label="run projects").exists()
    assert m.OccupationSkill.objects.get(skill=skill).pk == relation_pk
    assert report["ESCO skills"].updated == 1
    # a skill missing from the newer file is kept (for foreign keys) but is no longer current nor searchable
    gone = m.EscoSkill.objects.get(uri=S + "s-recycle")
    assert not gone.is_current
    assert not m.EscoSkillSearchTerm.objects.filter(skill=gone).exists()
    assert m.EscoSkillSearchTerm.objects.filter(skill=skill, key="manage project portfolios", rank=0).exists()


def test_admin_edits_survive_a_reload(data_dir):
    load_reference_data(data_dir)
    m.EducationalPrinciple.objects.filter(slug="mobility").update(status="confirmed", name="Mobility (edited)")
    load_reference_data(data_dir)
    assert m.EducationalPrinciple.objects.get(slug="mobility").name == "Mobility (edited)"


def test_missing_column_names_the_file_and_nothing_is_written(data_dir):
    columns = [c for c in SKILL_COLUMNS if c != "conceptUri"]
    write_csv_gz(data_dir / "esco/skills_en.csv.gz", columns, skill_rows())
    with pytest.raises(CommandError, match=r"esco/skills_en\.csv\.gz line 1: missing column conceptUri"):
        call_command("load_reference_data", "--data-dir", str(data_dir))
    assert counts() == dict.fromkeys(counts(), 0)
    assert not AuditEvent.objects.filter(action="reference.loaded").exists()


def test_malformed_line_names_file_and_line_and_nothing_is_written(data_dir):
    rows = skill_rows()
    rows[2]["conceptUri"] = ""  # 3rd data row: line 4 (labels are single-line except altLabels)
    write_csv_gz(data_dir / "esco/skills_en.csv.gz", SKILL_COLUMNS, rows)
    with pytest.raises(CommandError) as exc:
        call_command("load_reference_data", "--data-dir", str(data_dir))
    # s-pm has 2 alternative labels on 2 lines, s-pmp 1 line: the empty URI row starts at line 5
    assert str(exc.value) == "esco/skills_en.csv.gz line 5: missing conceptUri"
    assert counts() == dict.fromkeys(counts(), 0)


def test_error_in_a_late_file_leaves_earlier_sections_unwritten(data_dir):
    rows = ["occupationUri,relationType,skillType,skillUri", "x,essential,knowledge"]
    with gzip.open(data_dir / "esco/occupationSkillRelations.csv.gz", "wt") as fh:
        fh.write("\n".join(rows) + "\n")
    with pytest.raises(CommandError, match=r"occupationSkillRelations\.csv\.gz line 2: expected 4 fields, found 3"):
        call_command("load_reference_data", "--data-dir", str(data_dir))
    assert m.Institution.objects.count() == 0 and m.EqfLevel.objects.count() == 0


def test_missing_file_is_named(data_dir):
    (data_dir / "esco/occupations_en.csv.gz").unlink()
    with pytest.raises(CommandError, match=r"esco/occupations_en\.csv\.gz: file not found"):
        call_command("load_reference_data", "--data-dir", str(data_dir))


def test_not_gzip_is_reported(data_dir):
    (data_dir / "esco/skillGroups_en.csv.gz").write_text("conceptUri\n")
    with pytest.raises(CommandError, match=r"skillGroups_en\.csv\.gz: not a complete gzip file"):
        call_command("load_reference_data", "--data-dir", str(data_dir), "--only", "esco")


def test_bad_json_is_reported(data_dir):
    (data_dir / "frameworks/eqf_levels.json").write_text('{"levels": [\n  {"level": 1,}\n]}')
    with pytest.raises(CommandError, match=r"frameworks/eqf_levels\.json line 2: not valid JSON"):
        call_command("load_reference_data", "--data-dir", str(data_dir), "--only", "eqf")


def test_unknown_section_is_refused(data_dir):
    with pytest.raises(CommandError, match="unknown section nope"):
        call_command("load_reference_data", "--data-dir", str(data_dir), "--only", "nope")


def test_relation_change_updates_in_place(data_dir):
    load_reference_data(data_dir)
    link = m.OccupationSkill.objects.get(skill__uri=S + "s-team", occupation__preferred_label="project manager")
    write_csv_gz(
        data_dir / "esco/occupationSkillRelations.csv.gz",
        ["occupationUri", "relationType", "skillType", "skillUri"],
        [["http://data.europa.eu/esco/occupation/o-pm", "essential", "", S + "s-team"]],
    )
    report = load_reference_data(data_dir, only=["esco"])
    assert m.OccupationSkill.objects.get().pk == link.pk
    assert m.OccupationSkill.objects.get().relation == "essential"
    assert report["ESCO occupation-skill relations"].deleted == 2
