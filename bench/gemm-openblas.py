#!/usr/bin/python3
"""OpenBLAS SGEMM through PyTorch (torch.matmul), timed the way `tsbert bench gemm` times its own: same shapes,
same JSON keys (one object per line), median of the calls made in --seconds after 3 warm-up calls.

Fair settings (bench/gemm-side-by-side.sh sets them; see /work/shared/REFERENCE-NOTES.md): run with
OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (the environment's Haswell core type halves OpenBLAS on AVX-512) and
OMP_WAIT_POLICY=PASSIVE (PyTorch's spinning OpenMP threads steal the cores from OpenBLAS's).
"""
import argparse
import json
import os
import statistics
import time

import torch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--m", type=int, required=True)
    parser.add_argument("--k", type=int, required=True)
    parser.add_argument("--n", type=int, required=True)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--trans-b", action="store_true", help="B stored [n, k] and used transposed (Linear layout)")
    parser.add_argument("--trans-a", action="store_true", help="A stored [k, m] and used transposed (weight gradient)")
    parser.add_argument("--attention", action="store_true",
                        help="Q.K^T: --heads products [m, k].[k, n] whose rows are k-wide slices of [m, heads*k]")
    parser.add_argument("--heads", type=int, default=12)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    m, k, n = args.m, args.k, args.n
    batch = 1
    if args.attention:
        batch = args.heads
        q = torch.randn(m, args.heads * k).view(m, args.heads, k).transpose(0, 1)  # [heads, m, k], strided
        kk = torch.randn(n, args.heads * k).view(n, args.heads, k).transpose(0, 1)
        a, b = q, kk.transpose(1, 2)
    else:
        a = torch.randn(k, m).t() if args.trans_a else torch.randn(m, k)
        # A transposed view of a [n, k] tensor: torch passes transB to sgemm, no copy.
        b = torch.randn(n, k).t() if args.trans_b else torch.randn(k, n)
    c = torch.empty(batch, m, n) if args.attention else torch.empty(m, n)

    def call() -> None:
        torch.matmul(a, b, out=c)

    for _ in range(3):
        call()
    times = []
    deadline = time.perf_counter() + args.seconds
    while len(times) < 5 or (time.perf_counter() < deadline and len(times) < 100_000):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    flops = 2.0 * m * n * k * batch
    # Debian's torch calls the system libblas.so.3; name what actually got loaded (OpenBLAS through alternatives).
    with open("/proc/self/maps") as maps:
        blas = "openblas" if "openblas" in maps.read() else "torch-blas"
    print(json.dumps({
        "bench": "gemm-attention" if args.attention else "gemm",
        "backend": blas,
        "isa": os.environ.get("OPENBLAS_CORETYPE", "auto"),
        "threads": torch.get_num_threads(),
        "m": m, "k": k, "n": n,
        "transA": bool(args.trans_a),
        "transB": bool(args.trans_b or args.attention),
        "batch": batch,
        "gflops": round(flops / median / 1e9, 1),
        "gflops_best": round(flops / min(times) / 1e9, 1),
        "ms_median": round(median * 1e3, 4),
        "reps": len(times),
        "torch": torch.__version__,
    }))


if __name__ == "__main__":
    main()
