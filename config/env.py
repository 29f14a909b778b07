"""The only place the process environment is read.

Every setting the deployment can change is read here, with its documented default. A value that cannot be
used (not an integer, below its minimum, not a network) stops the start-up with a message naming the variable.
"""

import ipaddress
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


class MissingSetting(RuntimeError):
    pass


class InvalidSetting(MissingSetting):
    """The variable is set, to a value the setting cannot take."""


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if default is None:
            raise MissingSetting(f"The environment variable {name} must be set.")
        return default
    return value


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError as exc:
        raise InvalidSetting(f"The environment variable {name} must be an integer, not {value!r}.") from exc
    if minimum is not None and number < minimum:
        raise InvalidSetting(f"The environment variable {name} must be at least {minimum}, not {number}.")
    return number


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def env_networks(name: str) -> list[str]:
    """Comma-separated IP networks in CIDR notation (a bare address is its own network), normalised."""
    networks = []
    for item in env_list(name):
        try:
            networks.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError as exc:
            raise InvalidSetting(
                f"The environment variable {name} must list IP networks such as 10.0.0.0/8 or 2001:db8::/32; "
                f"{item!r} is not one."
            ) from exc
    return networks


def env_pairs(name: str) -> dict[str, str]:
    """Comma-separated `key=value` pairs (`uni-a=123,uni-b=456`) as a mapping; an item without `=` stops the start-up."""
    pairs = {}
    for item in env_list(name):
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise InvalidSetting(
                f"The environment variable {name} must list key=value pairs separated by commas; {item!r} is not one."
            )
        pairs[key.strip()] = value.strip()
    return pairs
