// The ceilings of this CPU's multiply-add instructions, on registers only (no memory), on 1..T threads: what a
// kernel's rate is a share of. Each line is one instruction mix, as a GEMM micro-kernel issues it:
//   fma        float32 FMAs (vfmadd231ps): the float GEMM's peak, in GFLOP/s (2 per multiply-add)
//   vpmaddwd   int16 pairs -> int32 (vpmaddwd + vpaddd): the int8 GEMM's kernel on pre-widened panels, in GMAC/s
//   vpmaddubsw u8 x s8 pairs -> s16 (saturating), then vpmaddwd by ones -> int32, vpaddd: onnxruntime's AVX2
//              kernel (MLAS U8S8), in GMAC/s — exact only for 7-bit operands (docs/quantization.md)
//   vpdpbusd   u8 x s8 quads -> int32 in one instruction (AVX-512 VNNI): the avx512vnni int8 kernel, in GMAC/s
//   vdpbf16ps  bfloat16 pairs -> float32 in one instruction (AVX512-BF16): the avx512bf16 bfloat16 kernel, in
//              GFLOP/s (2 per multiply-add)
//   tdpbusd    AMX-INT8 tiles, 16 x 16 x 64 u8 x s8 -> int32 each: the avx512amx int8 kernel, in GMAC/s
//   tdpbf16ps  AMX-BF16 tiles, 16 x 16 x 32 bfloat16 pairs -> float32 each: its bfloat16 kernel, in GFLOP/s
// The VNNI and BF16 mixes are measured only where the CPU has them (cpuid at run time; the assembler needs no flag
// for them); the AMX ones where the compiler targets AMX (-march=native on such a CPU) and Linux grants the tile state.
// Each AMX loop keeps four independent accumulator tiles busy on operand tiles loaded once.
// Time is each thread's CPU time (CLOCK_THREAD_CPUTIME_ID), so on a shared machine a descheduled thread does not read
// as a slow one; the rate is the sum over threads. 512-bit vectors where the compiler targets AVX-512, 256-bit otherwise:
//   g++ -O2 -march=native -pthread native/tools/fma-peak.cc -o /tmp/fma-peak && /tmp/fma-peak [threads] [rounds]
// Twelve independent accumulator chains hide the latencies (4 cycles x 2 pipes needs >= 8 in flight).
#include <time.h>
#if defined(__AMX_INT8__) && defined(__AMX_BF16__) && defined(__linux__)
#include <immintrin.h>
#include <sys/syscall.h>
#include <unistd.h>
#define HAVE_AMX 1
#endif

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

namespace {

constexpr int kChains = 12;

// The loops are assembly: written with intrinsics, GCC spilled accumulators inside the loop, which measures the
// stores instead. Registers 0-11 are the chains, 12 the multiplier, 13 ones (for vpmaddubsw's widening), 14-15 the
// products; the products do not depend on the chains (a GEMM's come from loads), only the adds do.
#if defined(__AVX512F__) && defined(__AVX512BW__)
#define VR(n) "%%zmm" #n
constexpr int kBytes = 64;
#define ISA_NAME "avx512"
#elif defined(__AVX2__) && defined(__FMA__)
#define VR(n) "%%ymm" #n
constexpr int kBytes = 32;
#define ISA_NAME "avx2"
#else
#error "fma-peak needs AVX2 + FMA or AVX-512 (compile with -march=native on such a CPU)"
#endif

#define CHAINS_12(step) step(0) step(1) step(2) step(3) step(4) step(5) step(6) step(7) step(8) step(9) step(10) step(11)
#define CLOBBERS                                                                                                    \
  "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", \
      "xmm14", "xmm15", "cc"

// Each loop starts from the same small constants and runs `iterations` steps of 12 chains.
#define FMA_STEP(i) "vfmadd231ps " VR(12) ", " VR(13) ", " VR(i) "\n\t"
#define MADDWD_STEP(i) "vpmaddwd " VR(12) ", " VR(13) ", " VR(14) "\n\tvpaddd " VR(14) ", " VR(i) ", " VR(i) "\n\t"
#define MADDUBSW_STEP(i)                                                                        \
  "vpmaddubsw " VR(12) ", " VR(12) ", " VR(14) "\n\tvpmaddwd " VR(13) ", " VR(14) ", " VR(15) \
  "\n\tvpaddd " VR(15) ", " VR(i) ", " VR(i) "\n\t"
#define DPBUSD_STEP(i) "vpdpbusd " VR(12) ", " VR(13) ", " VR(i) "\n\t"
#define DPBF16_STEP(i) "vdpbf16ps " VR(12) ", " VR(13) ", " VR(i) "\n\t"
#define ZERO_CHAIN(i) "vpxor %%xmm" #i ", %%xmm" #i ", %%xmm" #i "\n\t"

// Operands: int16 or int8 lanes of 3 and ones for the integer loops; 1.0f and 0.001f for the FMA loop (normal
// floats: a denormal operand would take the slow path).
#define PEAK_LOOP(name, step, first, second)                                           \
  void name(long iterations) {                                                         \
    const int32_t three = first, one = second;                                         \
    asm volatile(CHAINS_12(ZERO_CHAIN) "vpbroadcastd %1, " VR(12) "\n\t"                  \
                 "vpbroadcastd %2, " VR(13) "\n\t"                                     \
                 "1:\n\t" CHAINS_12(step) "dec %0\n\t"                                 \
                 "jnz 1b\n\t"                                                          \
                 : "+r"(iterations)                                                    \
                 : "m"(three), "m"(one)                                                \
                 : CLOBBERS);                                                          \
  }

PEAK_LOOP(fma_loop, FMA_STEP, 0x3f800000, 0x3a83126f)
PEAK_LOOP(maddwd_loop, MADDWD_STEP, 0x00030003, 0x00010001)
PEAK_LOOP(maddubsw_loop, MADDUBSW_STEP, 0x03030303, 0x00010001)
#if defined(__AVX512F__)
// bfloat16 pairs of 1.0 and 0.001 (0x3f80, 0x3a83): normal values, as for the FMA loop.
PEAK_LOOP(dpbusd_loop, DPBUSD_STEP, 0x03030303, 0x01010101)
PEAK_LOOP(dpbf16_loop, DPBF16_STEP, 0x3f803f80, 0x3a833a83)
#endif

#if defined(HAVE_AMX)
struct alignas(64) TileConfig {
  uint8_t palette, start_row, reserved[14];
  uint16_t colsb[16];
  uint8_t rows[16], reserved_tail[16];
};

// Operand tiles of small values (bfloat16 1.0 and 0.001 for tdpbf16ps, as the FMA loop's), accumulators zeroed.
void amx_setup(bool bf16) {
  // Static storage, all 64 bytes written (see isa/amx-tiles.h: on the stack GCC left some unwritten).
  alignas(64) static TileConfig config{};
  config.palette = 1;
  for (int t = 0; t < 8; ++t) config.colsb[t] = 64, config.rows[t] = 16;
  _tile_loadconfig(&config);
  alignas(64) static uint32_t a[256], b[256];
  for (int i = 0; i < 256; ++i) a[i] = bf16 ? 0x3f803f80u : 0x03030303u, b[i] = bf16 ? 0x3a833a83u : 0x01010101u;
  _tile_loadd(4, a, 64);
  _tile_loadd(5, a, 64);
  _tile_loadd(6, b, 64);
  _tile_loadd(7, b, 64);
  _tile_zero(0);
  _tile_zero(1);
  _tile_zero(2);
  _tile_zero(3);
}

// kChains (12) tile products per iteration, as the vector loops' 12 chain steps: three rounds of the four tiles.
#define AMX_PEAK_LOOP(name, PRODUCT, bf16)                \
  void name(long iterations) {                            \
    amx_setup(bf16);                                      \
    for (long i = 0; i < iterations / 4096; ++i)          \
      for (int r = 0; r < 3; ++r) {                       \
        PRODUCT(0, 4, 6);                                 \
        PRODUCT(1, 4, 7);                                 \
        PRODUCT(2, 5, 6);                                 \
        PRODUCT(3, 5, 7);                                 \
      }                                                   \
    _tile_release();                                      \
  }

AMX_PEAK_LOOP(tdpbusd_loop, _tile_dpbusd, false)
AMX_PEAK_LOOP(tdpbf16_loop, _tile_dpbf16ps, true)

bool amx_granted() {
  constexpr long kArchReqXcompPerm = 0x1023, kXfeatureXtiledata = 18;
  return __builtin_cpu_supports("amx-int8") && syscall(SYS_arch_prctl, kArchReqXcompPerm, kXfeatureXtiledata) == 0;
}
#endif

double thread_cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

struct Mix {
  const char* name;
  const char* unit;
  void (*loop)(long);
  double per_instruction;  // FLOPs (fma) or multiply-adds (int) per chain step
  bool available;
};

}  // namespace

int main(int argc, char** argv) {
  const int max_threads = argc > 1 ? std::atoi(argv[1]) : static_cast<int>(std::thread::hardware_concurrency());
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 5;
  constexpr long kIterations = 50'000'000;
  const Mix mixes[] = {
      {"fma", "GFLOP/s", fma_loop, 2.0 * kBytes / 4, true},
      {"vpmaddwd", "GMAC/s", maddwd_loop, kBytes / 2.0, true},
      {"vpmaddubsw", "GMAC/s", maddubsw_loop, double(kBytes), true},
#if defined(__AVX512F__)
      {"vpdpbusd", "GMAC/s", dpbusd_loop, double(kBytes), __builtin_cpu_supports("avx512vnni") != 0},
      {"vdpbf16ps", "GFLOP/s", dpbf16_loop, 2.0 * kBytes / 2, __builtin_cpu_supports("avx512bf16") != 0},
#endif
#if defined(HAVE_AMX)
      // A tile product is 16 x 16 x 64 multiply-adds (int8) or 16 x 16 x 32 x 2 flops (bf16); the loops run
      // iterations / 4096 of them per chain step, so per_instruction is a product's work / 4096.
      {"tdpbusd", "GMAC/s", tdpbusd_loop, 16.0 * 16 * 64 / 4096, amx_granted()},
      {"tdpbf16ps", "GFLOP/s", tdpbf16_loop, 16.0 * 16 * 32 * 2 / 4096, amx_granted()},
#endif
  };
  std::printf("%s vectors (%d bits)\n", ISA_NAME, kBytes * 8);
  for (const Mix& mix : mixes) {
    if (!mix.available) {
      std::printf("%-10s not on this CPU\n", mix.name);
      continue;
    }
    for (int threads = 1; threads <= max_threads; ++threads) {
      double best = 0;
      for (int r = 0; r < rounds; ++r) {
        std::vector<std::thread> pool;
        std::vector<double> seconds(static_cast<size_t>(threads));
        for (int t = 0; t < threads; ++t)
          pool.emplace_back([&, t] {
            const double t0 = thread_cpu_seconds();
            mix.loop(kIterations);
            seconds[t] = thread_cpu_seconds() - t0;
          });
        for (auto& th : pool) th.join();
        double rate = 0;
        for (double s : seconds) rate += mix.per_instruction * kChains * kIterations / s / 1e9;
        best = std::max(best, rate);
      }
      std::printf("%-10s threads %d: best %.1f %s over %d rounds\n", mix.name, threads, best, mix.unit, rounds);
    }
  }
  return 0;
}
