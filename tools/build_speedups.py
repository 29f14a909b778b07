"""Compile the signing core's C loops (microcred/vc/_canonical.c) into an extension module beside the source.

The module holds RDFC-1.0's two per-quad loops, the exact key of a JSON value that the JSON-LD walk remembers
node objects under, the deep copy of JSON data that signing hashes and returns, and base58btc for proof values
and keys; microcred.vc gives the same results without it, more slowly.

    python tools/build_speedups.py [--require]

`make install` runs it. It needs a C compiler and the Python headers (Debian: gcc, python3-dev); without them it
says so and leaves the pure-Python loops in use. `--require` makes a failed build an error (`make install-dev`, and
so the test suite's set-up, uses it: the compiled loops are what CI tests). It is built afresh each time (under a
second); the module is written under a temporary name and renamed, so a running process never imports half a file.
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "microcred" / "vc" / "_canonical.c"


def target() -> Path:
    return SOURCE.with_name("_canonical" + sysconfig.get_config_var("EXT_SUFFIX"))


def compile_command(output: Path) -> list[str]:
    compiler = shlex.split(os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc")
    include = sysconfig.get_paths()["include"]
    return [*compiler, "-O2", "-shared", "-fPIC", f"-I{include}", str(SOURCE), "-o", str(output)]


def build() -> str | None:
    """None when the module is built, else why not (the compiler's last line of output)."""
    out = target()
    partial = out.with_name(out.name + f".{os.getpid()}.tmp")
    try:
        done = subprocess.run(compile_command(partial), capture_output=True, text=True, check=False)
    except OSError as exc:
        return f"no C compiler ({exc})"
    if done.returncode != 0:
        partial.unlink(missing_ok=True)
        said = (done.stderr + done.stdout).strip().splitlines()
        return said[-1] if said else f"the compiler exited with {done.returncode}"
    partial.replace(out)
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--require", action="store_true", help="fail if the module cannot be built")
    args = parser.parse_args()
    problem = build()
    if problem is None:
        print(f"Signing core: compiled loops in {target().relative_to(ROOT)}.")
        return 0
    print(f"Signing core: the C loops were not built ({problem}); the pure-Python ones are used.", file=sys.stderr)
    return 1 if args.require else 0


if __name__ == "__main__":
    sys.exit(main())
