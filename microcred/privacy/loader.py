"""The alliance's privacy notice as shipped reference data (`alliance/privacy_notice.json`), a section of
`manage.py load_reference_data`.

The file holds ``texts`` (one per interface language, see content.py), ``to_confirm`` (sections the alliance
has still to confirm) and notes on sources. It is checked completely before anything is written. Then:

* no version published yet: the file becomes version 1 (published, audited);
* the version in force came from the file and the file has changed: the file becomes the next version;
* the version in force is the alliance admin's own: nothing changes (the admin's text wins), and the report
  says so; the same file again changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.utils import translation

from microcred.core.data_files import LoadError, read_json
from microcred.privacy import selectors, services
from microcred.privacy.content import NoticeContentError
from microcred.privacy.models import PrivacyNotice, PrivacyNoticeText

FILE = "alliance/privacy_notice.json"
SECTION = "privacy notice"


def read(data_dir: Path) -> tuple[dict[str, dict], list[str]]:
    """The file's texts and "to confirm" list, checked. Raises LoadError naming the file and the problem."""
    data = read_json(data_dir, FILE)
    if not isinstance(data, dict) or not isinstance(data.get("texts"), dict):
        raise LoadError(f"{FILE}: missing or invalid 'texts' (an object with one text per language)")
    with translation.override("en"):
        try:
            texts = services.check_texts(data["texts"])
            to_confirm = services.check_to_confirm(data.get("to_confirm", []))
        except NoticeContentError as exc:
            raise LoadError(f"{FILE}: {exc}") from exc
    return texts, to_confirm


def _same(notice: PrivacyNotice, texts: dict[str, dict], to_confirm: list[str]) -> bool:
    stored = {t.language: t.content for t in notice.texts.all()}
    return stored == texts and list(notice.to_confirm) == to_confirm


def plan(data_dir: Path) -> Callable:
    texts, to_confirm = read(data_dir)

    def write(report) -> None:
        counts = report[SECTION]
        current = selectors.current_notice()
        if current is not None and current.origin == PrivacyNotice.Origin.ADMIN:
            counts.unchanged += 1
            counts.note(f"kept the alliance admin's version {current.version}")
            return
        if current is not None and _same(current, texts, to_confirm):
            counts.unchanged += 1
            return
        notice = PrivacyNotice.objects.create(
            origin=PrivacyNotice.Origin.FILE, to_confirm=to_confirm, based_on=current, note="Shipped reference data"
        )
        PrivacyNoticeText.objects.bulk_create(
            PrivacyNoticeText(notice=notice, language=language, content=content) for language, content in texts.items()
        )
        services.publish_notice(notice=notice, by=None)
        if current is None:
            counts.created += 1
        else:
            counts.updated += 1

    return write
