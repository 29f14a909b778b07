"""Laptop defaults: SQLite, eager tasks, console e-mail."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
SEAL_TEST_SEALS = env_bool("SEAL_TEST_SEALS", True)  # the embedded default seals with a TEST seal
