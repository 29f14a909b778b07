"""The signing core's compiled loops (``_canonical.c``, built by tools/build_speedups.py), or None where they are not
built. Each module that uses them (rdfc10: the per-quad loops; expansion: the exact key of a subtree; data_integrity:
the copy of a document; multikey: base58btc) keeps a Python loop giving the same results, and its own name for
this module, so a test can switch one off."""

try:
    from . import _canonical as compiled
except ImportError:  # not built here: the Python loops
    compiled = None

__all__ = ["compiled"]
