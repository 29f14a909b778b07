"""A data directory with a slice of the real ESCO release shipped in `microcred/reference/data/esco/`: the
occupations the guide is tested with (and a fixed sample of others, so that a skill's specificity means something),
all their skills, and the skills the demo catalogue names. Loads in seconds, where the whole release takes a minute."""

import csv
import gzip
from pathlib import Path

from microcred.reference.loader import DEFAULT_DATA_DIR
from microcred.reference.tests.esco_fixture import make_data_dir, write_csv_gz

ESCO = DEFAULT_DATA_DIR / "esco"
OCCUPATIONS = ("environmental engineer", "data analyst", "sustainability manager")
OTHER_OCCUPATIONS = 60  # the first ones of the release, whatever they are


def _rows(name: str) -> tuple[list[str], list[dict]]:
    with gzip.open(ESCO / name, "rt", encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def make_slice_dir(root: Path, extra_skill_labels=()) -> Path:
    data = make_data_dir(root)
    esco = data / "esco"
    occ_columns, occupations = _rows("occupations_en.csv.gz")
    kept_occupations = [o for o in occupations if o["preferredLabel"] in OCCUPATIONS]
    kept_occupations += [o for o in occupations[:OTHER_OCCUPATIONS] if o not in kept_occupations]
    kept_uris = {o["conceptUri"] for o in kept_occupations}
    rel_columns, relations = _rows("occupationSkillRelations.csv.gz")
    relations = [r for r in relations if r["occupationUri"] in kept_uris]
    skill_columns, skills = _rows("skills_en.csv.gz")
    wanted_labels = {label.lower() for label in extra_skill_labels}
    wanted = {r["skillUri"] for r in relations}
    kept_skills = [s for s in skills if s["conceptUri"] in wanted or s["preferredLabel"].lower() in wanted_labels]
    write_csv_gz(esco / "skills_en.csv.gz", skill_columns, kept_skills)
    write_csv_gz(esco / "occupations_en.csv.gz", occ_columns, kept_occupations)
    write_csv_gz(esco / "occupationSkillRelations.csv.gz", rel_columns, relations)
    # The tiny set's hierarchy and collections name skills this slice does not have: left empty.
    write_csv_gz(
        esco / "broaderRelationsSkillPillar.csv.gz", ["conceptType", "conceptUri", "broaderType", "broaderUri"], []
    )
    for name in (
        "transversalSkillsCollection_en.csv.gz",
        "digitalSkillsCollection_en.csv.gz",
        "greenSkillsCollection_en.csv.gz",
        "digCompSkillsCollection_en.csv.gz",
        "languageSkillsCollection_en.csv.gz",
        "researchSkillsCollection_en.csv.gz",
        "researchOccupationsCollection_en.csv.gz",
    ):
        write_csv_gz(esco / name, ["conceptType", "conceptUri"], [])
    return data
