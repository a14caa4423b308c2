// The int8 GEMM on BERT's Linear shapes, timed in CPU time (a time-sliced run on a shared machine reads the same as
// a quiet one; see gemm-cpu-bench.cc), as a share of the int16 multiply-add peak that fma-peak.cc measures
// (vpmaddwd + vpaddd, GMAC/s per thread). Each shape is run with the weight packed once beforehand (how a model
// runs it), packed per call, and as the float32 GEMM of the same Linear (weight [n, k], transB) for the speed-up;
// the packing alone and the sums' exactness (a few rows against plain integer dot products) are reported too.
// weight bits 7: weights in [-63, 63], packed for the u8 x s8 kernel (vpmaddubsw) where the ISA has one.
//   g++ -O3 -std=gnu++17 -DTSBERT_HAVE_X86_ISAS=1 -pthread native/tools/int8-gemm-cpu-bench.cc native/int8-gemm.cc
//     native/gemm.cc native/thread-pool.cc native/cpu-features.cc build/Release/tsbert_isa_*.a -o int8-gemm-cpu-bench
//   ./int8-gemm-cpu-bench [threads=1] [reps=10] [rows=1024] [peak GMAC/s per thread] [isa] [weight bits=8]
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "../cpu-features.h"
#include "../kernels.h"
#include "../thread-pool.h"
#include "cpu-time.h"

namespace {

// A Linear: rows m of input, n outputs, k inputs.
struct LinearShape {
  long m, n, k;
};

// Median and best of `reps` runs of `run`, in seconds of CPU time per thread.
template <typename F>
std::pair<double, double> time_reps(int threads, int reps, F run) {
  std::vector<double> seconds;
  for (int r = 0; r < reps; ++r) {
    const double t0 = cpu_seconds(threads);
    run();
    seconds.push_back((cpu_seconds(threads) - t0) / threads);
  }
  std::sort(seconds.begin(), seconds.end());
  return {seconds[seconds.size() / 2], seconds.front()};
}

}  // namespace

int main(int argc, char** argv) {
  const BenchArgs args = bench_args(argc, argv, 0);
  if (argc > 5 && !tsbert::set_isa(argv[5])) {
    std::fprintf(stderr, "this CPU cannot run %s (it runs %s)\n", argv[5], tsbert::supported_isas());
    return 2;
  }
  const int bits = argc > 6 ? std::atoi(argv[6]) : 8;
  if (bits != 7 && bits != 8) {
    std::fprintf(stderr, "weight bits must be 7 or 8, got %s\n", argv[6]);
    return 2;
  }
  tsbert::pool_set_threads(args.threads);
  // BERT's Linear layers: Q, K, V and the attention output (768 -> 768), the feed-forward up (768 -> 3072) and
  // down (3072 -> 768) projections.
  const std::vector<LinearShape> shapes = {{args.rows, 768, 768}, {args.rows, 3072, 768}, {args.rows, 768, 3072}};
  for (const LinearShape& s : shapes) {
    std::vector<int8_t> a(s.m * s.k), b(s.n * s.k);
    std::vector<float> a_scales(s.m, 1.0f), b_scales(s.n, 1.0f), out(s.m * s.n);
    unsigned seed = 1;
    auto rnd = [&](int limit) {
      seed = seed * 1664525u + 1013904223u;
      return static_cast<int8_t>(static_cast<int>(seed >> 24) % (2 * limit + 1) - limit);
    };
    for (auto& x : a) x = rnd(127);
    for (auto& x : b) x = rnd(bits == 7 ? 63 : 127);
    std::vector<int8_t> packed(static_cast<size_t>(tsbert::int8_packed_b_bytes(s.n, s.k, bits)));
    tsbert::int8_pack_b(packed.data(), b.data(), s.n, s.k, bits);
    tsbert::int8_gemm(out.data(), a.data(), a_scales.data(), nullptr, b.data(), packed.data(), b_scales.data(), nullptr, nullptr,
                      nullptr, s.m, s.n, s.k, 0);
    long wrong = 0;
    for (long i = 0; i < s.m; i += 97)
      for (long j = 0; j < s.n; ++j) {
        int64_t sum = 0;
        for (long p = 0; p < s.k; ++p) sum += int32_t(a[i * s.k + p]) * b[j * s.k + p];
        wrong += static_cast<float>(sum) != out[i * s.n + j];
      }
    const double macs = double(s.m) * s.n * s.k;
    // peak: the share's denominator (0: none printed).
    auto report = [&](const char* what, std::pair<double, double> t, double peak) {
      const double med = macs / t.first / 1e9, best = macs / t.second / 1e9;
      std::printf("  %-16s median %6.1f GMAC/s", what, med);
      if (peak > 0) std::printf(" (%3.0f%%)", 100 * med / peak);
      std::printf("  best %6.1f", best);
      if (peak > 0) std::printf(" (%3.0f%%)", 100 * best / peak);
      std::printf("\n");
    };
    std::printf("[%ld,%ld] x [%ld,%ld]^T  sums %s\n", s.m, s.k, s.n, s.k, wrong == 0 ? "exact" : "WRONG");
    const auto packed_run = time_reps(args.threads, args.reps, [&] {
      tsbert::int8_gemm(out.data(), a.data(), a_scales.data(), nullptr, b.data(), packed.data(), b_scales.data(), nullptr, nullptr,
                        nullptr, s.m, s.n, s.k, 0);
    });
    report("packed weight", packed_run, args.peak);
    report("packed per call", time_reps(args.threads, args.reps, [&] {
             tsbert::int8_gemm(out.data(), a.data(), a_scales.data(), nullptr, b.data(), nullptr, b_scales.data(), nullptr, nullptr,
                               nullptr, s.m, s.n, s.k, 0);
           }),
           args.peak);
    std::vector<float> fa(a.begin(), a.end()), fb(b.begin(), b.end());
    const tsbert::GemmArgs linear{false, true, s.m, s.n, s.k, s.k, s.k, s.n, 1.0f, 0.0f, 1, 0, 0, 0};
    const auto float_run = time_reps(args.threads, args.reps, [&] { tsbert::gemm(out.data(), fa.data(), fb.data(), linear); });
    report("float32 GEMM", float_run, 0);
    std::printf("  %-16s %.2fx the float32 GEMM (medians)\n", "int8 packed", float_run.first / packed_run.first);
    const auto pack = time_reps(args.threads, args.reps, [&] { tsbert::int8_pack_b(packed.data(), b.data(), s.n, s.k, bits); });
    std::printf("  %-16s median %6.2f ms of CPU per thread (%.0f%% of the packed-weight product)\n", "packing B",
                1e3 * pack.first, 100 * pack.first / packed_run.first);
  }
  const tsbert::IsaKernels& isa = tsbert::active_kernels();
  std::printf("%s int8 kernel %s (%d-bit weights), %d thread(s), GMAC/s at full CPU time per thread, %d reps%s\n",
              isa.name, (bits == 7 ? isa.int8_gemm_7bit : isa.int8_gemm).name, bits, args.threads, args.reps,
              args.peak > 0 ? "; % of the given per-thread peak" : "");
}
