"""Data Integrity cryptosuites supported by ``microcred.vc`` (W3C Data Integrity EdDSA Cryptosuites v1.0):
``eddsa-rdfc-2022`` (§3.2, the default) and ``eddsa-jcs-2022`` (§3.3).

Each module offers ``hash_data``, ``create_proof_value``, ``decode_proof_value``, ``verify_proof_value`` and
``proof_options`` (the proof options as that suite signs them); :mod:`microcred.vc.data_integrity` dispatches
on the proof's ``cryptosuite``.
"""

from . import eddsa_jcs_2022, eddsa_rdfc_2022

SUITES = {
    eddsa_rdfc_2022.CRYPTOSUITE: eddsa_rdfc_2022,
    eddsa_jcs_2022.CRYPTOSUITE: eddsa_jcs_2022,
}

__all__ = ["SUITES", "eddsa_jcs_2022", "eddsa_rdfc_2022"]
