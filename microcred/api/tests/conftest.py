"""The learning app's cast and offering, for the API tests of offerings (the API is tested here, in its own app)."""

from microcred.learning.tests.conftest import cast, micro_credential, offering, third_institution  # noqa: F401
