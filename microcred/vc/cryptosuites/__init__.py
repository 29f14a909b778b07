"""Data Integrity cryptosuites supported by ``microcred.vc`` (only ``eddsa-rdfc-2022`` for now)."""

from . import eddsa_rdfc_2022

SUITES = {eddsa_rdfc_2022.CRYPTOSUITE: eddsa_rdfc_2022}

__all__ = ["SUITES", "eddsa_rdfc_2022"]
