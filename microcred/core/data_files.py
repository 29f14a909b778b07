"""Reading the data files the apps ship (reference data, privacy notices): one error type that names the file
and, where it can, the line, and the JSON reader every loader uses."""

from __future__ import annotations

import json
from pathlib import Path


class LoadError(Exception):
    """A data file is missing or malformed. The message names the file and, where it can, the line."""


def read_json(data_dir: Path, name: str) -> dict:
    path = data_dir / name
    if not path.is_file():
        raise LoadError(f"{name}: file not found in {path.parent}")
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except json.JSONDecodeError as exc:
        raise LoadError(f"{name} line {exc.lineno}: not valid JSON ({exc.msg})") from exc
    except UnicodeDecodeError as exc:
        raise LoadError(f"{name}: not UTF-8 text") from exc
