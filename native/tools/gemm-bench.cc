// Stand-alone GEMM check and timing without Node (for tuning blocking on a new CPU):
//   g++ -O3 ... tools/gemm-bench.cc <sources> && ./gemm-bench M K N [transB] [reps]
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <vector>

#include "../cpu-features.h"
#include "../kernels.h"
#include "../thread-pool.h"

int main(int argc, char** argv) {
  const long m = argc > 1 ? std::atol(argv[1]) : 1024, k = argc > 2 ? std::atol(argv[2]) : 768,
             n = argc > 3 ? std::atol(argv[3]) : 768;
  const bool tb = argc > 4 && std::atoi(argv[4]) != 0;
  const int reps = argc > 5 ? std::atoi(argv[5]) : 20;
  std::vector<float> a(m * k), b(k * n), c(m * n);
  unsigned s = 1;
  auto rnd = [&] { s = s * 1664525u + 1013904223u; return (static_cast<float>(s >> 8) / 16777216.0f) - 0.5f; };
  for (auto& x : a) x = rnd();
  for (auto& x : b) x = rnd();
  tsbert::GemmArgs p{false, tb, m, n, k, k, tb ? k : n, n, 1.0f, 0.0f, 1, 0, 0, 0};
  tsbert::gemm(c.data(), a.data(), b.data(), p);
  double max_err = 0, norm = 0;
  for (long i = 0; i < m; i += 37)
    for (long j = 0; j < n; ++j) {
      double r = 0;
      for (long kk = 0; kk < k; ++kk) r += double(a[i * k + kk]) * (tb ? b[j * k + kk] : b[kk * n + j]);
      max_err = std::fmax(max_err, std::fabs(r - c[i * n + j]));
      norm = std::fmax(norm, std::fabs(r));
    }
  double best = 1e30;
  std::vector<double> times;
  for (int r = 0; r < reps; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    tsbert::gemm(c.data(), a.data(), b.data(), p);
    double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    times.push_back(dt);
    best = std::fmin(best, dt);
  }
  std::sort(times.begin(), times.end());
  const double fl = 2.0 * m * n * k;
  std::printf("%s threads=%d m=%ld k=%ld n=%ld transB=%d err=%.2e median=%.1f best=%.1f GFLOP/s\n",
              tsbert::active_kernels().name, tsbert::pool_threads(), m, k, n, tb, max_err / norm,
              fl / times[times.size() / 2] / 1e9, fl / best / 1e9);
}
