// The float32 ceiling of this CPU: AVX-512 fused multiply-adds on registers only (no memory), on 1..T threads.
// What a GEMM's GFLOP/s is a fraction of; the speed goals in docs/native-backend.md are checked against it.
//   g++ -O2 -mavx512f -pthread native/tools/fma-peak.cc -o /tmp/fma-peak && /tmp/fma-peak [threads] [rounds]
// Twelve independent accumulator chains hide the FMA latency (4 cycles x 2 pipes needs >= 8 in flight).
#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

namespace {

constexpr int kChains = 12;

float fma_loop(long iterations) {
  __m512 acc[kChains];
  for (int i = 0; i < kChains; ++i) acc[i] = _mm512_set1_ps(0.01f * static_cast<float>(i));
  const __m512 mul = _mm512_set1_ps(0.999f), add = _mm512_set1_ps(1e-4f);
  for (long it = 0; it < iterations; ++it)
#pragma GCC unroll 12
    for (int i = 0; i < kChains; ++i) acc[i] = _mm512_fmadd_ps(acc[i], mul, add);
  __m512 sum = acc[0];
  for (int i = 1; i < kChains; ++i) sum = _mm512_add_ps(sum, acc[i]);
  return _mm512_reduce_add_ps(sum);  // keeps the loop from being optimised away
}

}  // namespace

int main(int argc, char** argv) {
  const int max_threads = argc > 1 ? std::atoi(argv[1]) : static_cast<int>(std::thread::hardware_concurrency());
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 5;
  constexpr long kIterations = 100'000'000;
  for (int threads = 1; threads <= max_threads; ++threads) {
    double best = 0;
    for (int r = 0; r < rounds; ++r) {
      std::vector<std::thread> pool;
      std::vector<float> sink(static_cast<size_t>(threads));
      const auto start = std::chrono::steady_clock::now();
      for (int t = 0; t < threads; ++t) pool.emplace_back([&, t] { sink[t] = fma_loop(kIterations); });
      for (auto& th : pool) th.join();
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      best = std::max(best, 2.0 * 16 * kChains * kIterations * threads / seconds / 1e9);
    }
    std::printf("threads %d: best %.1f GFLOP/s over %d rounds\n", threads, best, rounds);
  }
  return 0;
}
