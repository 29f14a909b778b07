"""A tiny data directory with the layout of `microcred/reference/data/` (small ESCO files written here)."""

import csv
import gzip
import io
import shutil
from pathlib import Path

from microcred.reference.loader import DEFAULT_DATA_DIR

S = "http://data.europa.eu/esco/skill/"
OCC = "http://data.europa.eu/esco/occupation/"

SKILL_COLUMNS = [
    "conceptType", "conceptUri", "skillType", "reuseLevel", "preferredLabel", "altLabels", "hiddenLabels",
    "status", "modifiedDate", "scopeNote", "definition", "inScheme", "description",
]  # fmt: skip
SKILLS = [
    # uuid, type, preferred, alternatives
    ("s-pm", "skill/competence", "manage projects", "project management\nrun projects"),
    ("s-pmp", "knowledge", "project management principles", ""),
    ("s-team", "skill/competence", "lead a team", "team leadership\nsupervise project teams"),
    ("s-recycle", "skill/competence", "recycle waste", "waste recycling"),
    ("s-gestion", "knowledge", "Gestión ambiental", ""),
]
OCCUPATIONS = [("o-pm", "project manager", "1213", "PM\nproject lead"), ("o-nurse", "nurse", "2221", "")]
RELATIONS = [("o-pm", "essential", "s-pm"), ("o-pm", "optional", "s-team"), ("o-nurse", "essential", "s-team")]


def write_csv_gz(path: Path, columns: list[str], rows: list[dict | list]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns] if isinstance(row, dict) else row)
    with gzip.open(path, "wt", encoding="utf-8", newline="") as fh:
        fh.write(buf.getvalue())


def skill_rows(skills=SKILLS) -> list[dict]:
    return [
        {
            "conceptType": "KnowledgeSkillCompetence",
            "conceptUri": S + uuid,
            "skillType": stype,
            "reuseLevel": "cross-sector",
            "preferredLabel": label,
            "altLabels": alts,
            "status": "released",
            "description": f"Description of {label}.",
        }
        for uuid, stype, label, alts in skills
    ]


def make_data_dir(root: Path, skills=SKILLS) -> Path:
    """Copy the shipped JSON files, and write small ESCO files. Returns the directory."""
    data = root / "data"
    for sub in ("alliance", "frameworks", "vocabularies"):
        shutil.copytree(DEFAULT_DATA_DIR / sub, data / sub)
    esco = data / "esco"
    write_csv_gz(esco / "skills_en.csv.gz", SKILL_COLUMNS, skill_rows(skills))
    write_csv_gz(
        esco / "skillGroups_en.csv.gz",
        ["conceptType", "conceptUri", "preferredLabel", "altLabels", "status", "description", "code"],
        [{"conceptType": "SkillGroup", "conceptUri": S + "g-mgmt", "preferredLabel": "management", "status": "ok"}],
    )
    write_csv_gz(
        esco / "broaderRelationsSkillPillar.csv.gz",
        ["conceptType", "conceptUri", "broaderType", "broaderUri"],
        [
            ["KnowledgeSkillCompetence", S + "s-pm", "SkillGroup", S + "g-mgmt"],
            ["KnowledgeSkillCompetence", S + "s-pmp", "KnowledgeSkillCompetence", S + "s-pm"],
        ],
    )
    col = ["conceptType", "conceptUri"]
    collections = {"transversal": ["s-team"], "green": ["s-recycle"], "digital": [], "digComp": [], "language": []}
    names = {
        "transversal": "transversalSkillsCollection_en.csv.gz",
        "digital": "digitalSkillsCollection_en.csv.gz",
        "green": "greenSkillsCollection_en.csv.gz",
        "digComp": "digCompSkillsCollection_en.csv.gz",
        "language": "languageSkillsCollection_en.csv.gz",
    }
    for key, uuids in collections.items():
        write_csv_gz(esco / names[key], col, [["KnowledgeSkillCompetence", S + u] for u in uuids])
    write_csv_gz(esco / "researchSkillsCollection_en.csv.gz", ["conceptType", "conceptUri"], [])
    write_csv_gz(esco / "researchOccupationsCollection_en.csv.gz", col, [["Occupation", OCC + "o-pm"]])
    legacy_cols = ["conceptType", "conceptUri", "skillType", "reuseLevel", "preferredLabel", "altLabels", "description"]
    write_csv_gz(
        esco / "legacy-v1.0-multilingual/skills_fr.csv.gz",
        legacy_cols,
        [["KnowledgeSkillCompetence", S + "s-pm", "", "", "gérer des projets", "", ""],
         ["KnowledgeSkillCompetence", S + "unknown", "", "", "inconnu", "", ""]],
    )  # fmt: skip
    write_csv_gz(
        esco / "legacy-v1.0-multilingual/skills_es.csv.gz",
        legacy_cols,
        [["KnowledgeSkillCompetence", S + "s-pm", "", "", "gestionar proyectos", "dirigir proyectos", ""]],
    )
    write_csv_gz(
        esco / "occupations_en.csv.gz",
        ["conceptType", "conceptUri", "iscoGroup", "preferredLabel", "altLabels", "hiddenLabels", "status",
         "modifiedDate", "description", "code"],
        [{"conceptType": "Occupation", "conceptUri": OCC + u, "iscoGroup": isco, "preferredLabel": label,
          "altLabels": alts, "status": "released", "code": isco + ".1"} for u, label, isco, alts in OCCUPATIONS],
    )  # fmt: skip
    write_csv_gz(
        esco / "occupationSkillRelations.csv.gz",
        ["occupationUri", "relationType", "skillType", "skillUri"],
        [[OCC + o, rel, "skill/competence", S + s] for o, rel, s in RELATIONS],
    )
    return data
