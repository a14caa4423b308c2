// BERT's GEMM shapes timed in CPU time, for tuning on a machine shared with others: time-slicing does not inflate
// CPU time, so a descheduled run reads the same as a quiet one. One thread: the calling thread's CPU time
// (CLOCK_THREAD_CPUTIME_ID); more threads: the process's CPU time per thread (a helper that spins waiting counts).
// Prints GFLOP/s as if every thread had its core to itself (flops / (CPU time / threads)), best and median of the reps, and checks a few rows against double sums.
//   g++ -O3 -std=gnu++17 -DTSBERT_HAVE_X86_ISAS=1 -pthread native/tools/gemm-cpu-bench.cc native/gemm.cc
//     native/thread-pool.cc native/cpu-features.cc <isa objects> -o gemm-cpu-bench
//   ./gemm-cpu-bench [threads=1] [reps=10] [rows=1024] [peak GFLOP/s per thread=93.7] [shape index=all]
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "../cpu-features.h"
#include "../kernels.h"
#include "../thread-pool.h"
#include "cpu-time.h"

namespace {

struct Shape {
  long m, k, n;
  bool ta, tb;
};

}  // namespace

int main(int argc, char** argv) {
  const BenchArgs args = bench_args(argc, argv, 93.7);
  tsbert::pool_set_threads(args.threads);
  // bench/gemm-side-by-side.sh's shapes: a Linear's forward (plain and with the weight [out, in] as stored), its
  // input gradient (plain), and the weight gradient dW = dYᵀ X (A stored [tokens, out], used transposed).
  const std::vector<Shape> shapes = {{args.rows, 768, 768, false, false},  {args.rows, 768, 3072, false, false},
                                     {args.rows, 3072, 768, false, false}, {args.rows, 768, 768, false, true},
                                     {args.rows, 768, 3072, false, true},  {args.rows, 3072, 768, false, true},
                                     {768, args.rows, 3072, true, false},  {3072, args.rows, 768, true, false}};
  const int only = argc > 5 ? std::atoi(argv[5]) : -1;  // one shape (index into the list), -1: all
  double sum_pct = 0;
  for (const Shape& s : shapes) {
    if (only >= 0 && &s != &shapes[static_cast<size_t>(only)]) continue;
    std::vector<float> a(s.m * s.k), b(s.k * s.n), c(s.m * s.n);
    unsigned seed = 1;
    auto rnd = [&] {
      seed = seed * 1664525u + 1013904223u;
      return static_cast<float>(seed >> 8) / 16777216.0f - 0.5f;
    };
    for (auto& x : a) x = rnd();
    for (auto& x : b) x = rnd();
    const long lda = s.ta ? s.m : s.k, ldb = s.tb ? s.k : s.n;
    tsbert::GemmArgs p{s.ta, s.tb, s.m, s.n, s.k, lda, ldb, s.n, 1.0f, 0.0f, 1, 0, 0, 0};
    tsbert::gemm(c.data(), a.data(), b.data(), p);
    double max_err = 0, norm = 0;
    for (long i = 0; i < s.m; i += 331)
      for (long j = 0; j < s.n; ++j) {
        double r = 0;
        for (long q = 0; q < s.k; ++q)
          r += static_cast<double>(s.ta ? a[q * lda + i] : a[i * lda + q]) * (s.tb ? b[j * ldb + q] : b[q * ldb + j]);
        max_err = std::fmax(max_err, std::fabs(r - c[i * s.n + j]));
        norm = std::fmax(norm, std::fabs(r));
      }
    std::vector<double> rates;
    const double flops = 2.0 * s.m * s.n * s.k;
    for (int r = 0; r < args.reps; ++r) {
      const double t0 = cpu_seconds(args.threads);
      tsbert::gemm(c.data(), a.data(), b.data(), p);
      const double cpu = cpu_seconds(args.threads) - t0;
      rates.push_back(flops / (cpu / args.threads) / 1e9);
    }
    std::sort(rates.begin(), rates.end());
    const double med = rates[rates.size() / 2], best = rates.back();
    const double full = args.peak * args.threads;  // the FMA args.peak of `args.threads` cores
    sum_pct += 100 * med / full;
    std::printf("[%ld,%ld]x[%ld,%ld]%s%s  median %.1f (%.0f%%)  best %.1f (%.0f%%)  err %.1e\n", s.m, s.k, s.k, s.n,
                s.ta ? " transA" : "", s.tb ? " transB" : "", med, 100 * med / full, best, 100 * best / full,
                max_err / norm);
  }
  std::printf("%s, %d thread(s), GFLOP/s at full CPU time, %d reps; mean of medians %.1f%% of %.1f per thread\n",
              tsbert::active_kernels().name, args.threads, args.reps, sum_pct / shapes.size(), args.peak);
}
