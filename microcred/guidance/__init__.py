"""ESCO guidance: skill suggestions for learning outcomes and labour-market evidence (issue #13)."""

import os

# One suggestion is a 13,896 x 384 matrix-vector product (~1 ms on one core). OpenBLAS's pool of busy-waiting threads
# fights onnxruntime's and the web server's on a small machine (several times slower): one thread, unless the
# deployment says otherwise. Read by OpenBLAS when numpy is first imported, which this package is before.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
