"""Compile every .po file under microcred/locale into its .mo, without needing GNU gettext.

Run as `python -m microcred.core.compile_translations` (the Makefile does).
"""

from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def compile_all(locale_dir: Path = LOCALE_DIR) -> int:
    count = 0
    for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        po = polib.pofile(str(po_path))
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            po.save_as_mofile(str(mo_path))
        count += 1
    return count


if __name__ == "__main__":
    print(f"Compiled {compile_all()} translation catalogue(s).")
