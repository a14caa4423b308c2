// The int8 GEMM driver and row quantization (threads, blocking, packing) over the per-ISA micro-kernel
// (IsaKernels::int8_gemm, isa/int8-gemm.h):
//
//   kernel: the one the packed weight's header names (int8_pack_b: the u8 x s8 kernel for 7-bit weights where
//           the ISA has one), else the int16-pair kernel (exact for any int8)
//   pack phase, in parallel: A's rows as the kernel reads them (int8_gemm_dynamic: none, each task quantizes and
//                            packs its own rows of float32 x first), and — unless the caller passes B packed
//                            once (int8_pack_b, when a Linear's weight is quantized or loaded) — every
//                            nr-column panel of B (the weight, [n, k])
//   for (row block, column group) tasks          claimed by threads from an atomic counter (thread-pool.h)
//     for k block                                the block's rows of packed A stay in L2
//       for panel q of the group                 its k block (kc x nr) stays in L1 across the slivers
//         for mr-row sliver                      micro-kernel: int32 tile (=, then +=) in the task's buffer
//         last k block: epilogue of the tile     asymmetric rows' offsets (int32), then float32: scales, bias,
//                                                GELU, residual, written to out
//
// The int32 sums are exact, so the result does not depend on the blocking, the thread count or the ISA.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "cpu-features.h"
#include "kernels.h"
#include "thread-pool.h"

namespace tsbert {
namespace {

// Rows per task, at most (the tasks split the rows evenly, int8_gemm): 96 rows of packed A per k block (96 x 384
// int16: 72 KB) sit in L2 beside the task's sums; each panel of B fetched from L3 serves 16 slivers. Against 48 rows, 12 alternating runs per side on a busy Zen 3: 14 %
// more GMAC/s on average, most on the 3072-input shape (its B panels are the largest).
constexpr long kRowBlock = 96;
// Columns per task at most: the task's int32 sums, 96 x 1024 x 4 bytes (384 KB), stay in L2 (512 KB on Zen 3).
constexpr long kMaxGroupColumns = 1024;
// Below this many multiply-adds a call runs on the calling thread.
constexpr double kParallelMacs = 2.0e6;
// TSBERT_INT8_KC overrides the kernel's k block (for tuning on another CPU; rounded down to the kernel's k step), read
// on the first product as gemm.cc's TSBERT_GEMM_KC is.
long kc_override() {
  static const long kc = [] {
    const char* v = std::getenv("TSBERT_INT8_KC");
    return v == nullptr ? 0L : std::max(0L, std::atol(v));
  }();
  return kc;
}
// Rows of A quantized per task.
constexpr long kQuantizeRows = 16;
// Below this many elements a quantization runs on the calling thread. It is a pass over memory, not a product: at
// kParallelMacs a BERT-base input (1,024 x 768: 36 of a forward's 49 quantizations) ran on one thread, 0.135 ms;
// on two 0.09-0.10 ms (Zen 5, warm, medians of 400 calls).
constexpr double kParallelQuantizeElements = 65536;

// A grow-only, 64-byte-aligned byte buffer; one per thread and purpose, reused across calls.
class Bytes {
 public:
  void* get(size_t bytes) {
    if (bytes > size_) {
      const size_t rounded = (bytes + 63) & ~size_t{63};
      data_.reset(static_cast<char*>(std::aligned_alloc(64, rounded)));
      if (!data_) std::abort();  // out of memory: nothing sensible to return to
      size_ = rounded;
    }
    return data_.get();
  }

 private:
  struct Free {
    void operator()(char* p) const { std::free(p); }
  };
  std::unique_ptr<char, Free> data_;
  size_t size_ = 0;
};

thread_local Bytes t_packed_a, t_packed_b, t_sums;

// A weight packed once (int8_pack_b): this header, then the kernel's panels. The header names the layout (the
// kernel's name, nr and k step: ISAs that share a kernel share its layout) and the sizes, so a buffer packed for
// another kernel (the ISA switched since) or another weight is refused instead of read as garbage.
struct PackedHeader {
  char magic[8];
  char kernel[24];
  int32_t nr, k_step;
  int64_t n, k;
  char reserved[8];
};
static_assert(sizeof(PackedHeader) == kInt8PackedHeaderBytes, "the panels start 64 bytes in");
constexpr char kPackedMagic[8] = {'t', 's', 'b', 'i', '8', 'p', 'k', '1'};

PackedHeader header_for(const Int8GemmKernel& kern, long n, long k) {
  PackedHeader h{};
  std::memcpy(h.magic, kPackedMagic, sizeof h.magic);
  std::strncpy(h.kernel, kern.name, sizeof h.kernel - 1);
  h.nr = kern.nr;
  h.k_step = kern.k_step;
  h.n = n;
  h.k = k;
  return h;
}

// The active ISA's kernel for weights of these bits (7: the u8 x s8 kernel where the ISA has one).
const Int8GemmKernel& kernel_for_bits(int weight_bits) {
  const IsaKernels& isa = active_kernels();
  return weight_bits == 7 ? isa.int8_gemm_7bit : isa.int8_gemm;
}

// The active ISA's kernel whose layout and these sizes `packed` (as int8_pack_b wrote it) names, or null.
const Int8GemmKernel* packed_kernel(const void* packed, long n, long k) {
  for (const int bits : {8, 7}) {
    const Int8GemmKernel& kern = kernel_for_bits(bits);
    const PackedHeader want = header_for(kern, n, k);
    if (std::memcmp(packed, &want, sizeof want) == 0) return &kern;
  }
  return nullptr;
}

// The header and every panel of a weight [n, k] packed for kern.
long packed_bytes(const Int8GemmKernel& kern, long n, long k) {
  return kInt8PackedHeaderBytes + (n + kern.nr - 1) / kern.nr * kern.b_panel_bytes(k);
}

// Packs panel q (columns q * nr ..) of b [n, k] to its place in panels.
void pack_one_panel(const Int8GemmKernel& kern, char* panels, const int8_t* b, long n, long k, long q) {
  const long nr = kern.nr;
  kern.pack_b_panel(panels + q * kern.b_panel_bytes(k), b + q * nr * k, k, std::min(nr, n - q * nr), k);
}

}  // namespace

long int8_packed_b_bytes(long n, long k, int weight_bits) {
  return packed_bytes(kernel_for_bits(weight_bits), n, k);
}

long int8_packed_b_bytes_of(const void* packed, long n, long k) {
  const Int8GemmKernel* kern = packed_kernel(packed, n, k);
  return kern == nullptr ? kInt8PackedHeaderBytes : packed_bytes(*kern, n, k);
}

bool int8_pack_b(void* packed, const int8_t* b, long n, long k, int weight_bits) {
  if (weight_bits == 7) {
    for (long i = 0; i < n * k; ++i)
      if (b[i] < -63 || b[i] > 63) return false;
  }
  const Int8GemmKernel& kern = kernel_for_bits(weight_bits);
  const PackedHeader header = header_for(kern, n, k);
  std::memcpy(packed, &header, sizeof header);
  char* panels = static_cast<char*>(packed) + kInt8PackedHeaderBytes;
  const long panels_count = (n + kern.nr - 1) / kern.nr;
  const int threads = static_cast<double>(n) * k < kParallelMacs ? 1 : 0;
  pool_for(panels_count, [&](long q, int) { pack_one_panel(kern, panels, b, n, k, q); }, threads);
  return true;
}

// Runs quantize(r0, r1) over tasks of kQuantizeRows rows of a [rows, cols] input, on the pool when it is large.
template <typename Quantize>
void for_row_tasks(long rows, long cols, Quantize quantize) {
  const long tasks = (rows + kQuantizeRows - 1) / kQuantizeRows;
  const int threads = static_cast<double>(rows) * cols < kParallelQuantizeElements ? 1 : 0;
  pool_for(
      tasks,
      [&](long task, int) {
        const long r0 = task * kQuantizeRows;
        quantize(r0, std::min(rows, r0 + kQuantizeRows));
      },
      threads);
}

void quantize_rows(int8_t* q, float* scales, const float* x, long rows, long cols, int max_level) {
  const IsaKernels& isa = active_kernels();
  for_row_tasks(rows, cols, [&](long r0, long r1) {
    isa.quantize_rows(q + r0 * cols, scales + r0, x + r0 * cols, r1 - r0, cols, max_level);
  });
}

void quantize_rows_asymmetric(int8_t* q, float* scales, int32_t* offsets, const float* x, long rows, long cols) {
  const IsaKernels& isa = active_kernels();
  for_row_tasks(rows, cols, [&](long r0, long r1) {
    isa.quantize_rows_asymmetric(q + r0 * cols, scales + r0, offsets + r0, x + r0 * cols, r1 - r0, cols);
  });
}

namespace {

// What the tasks' tiles read A from: rows already quantized (int8_gemm: a with its scales and offsets, packed for the
// kernel in a phase of their own) or float32 rows (int8_gemm_dynamic: each task quantizes and packs its own rows).
struct Int8Rows {
  const int8_t* q = nullptr;
  const float* scales = nullptr;
  const int32_t* offsets = nullptr;
  const float* x = nullptr;
};

thread_local Bytes t_task_q, t_task_a, t_task_scales, t_task_offsets;

bool run_int8_gemm(float* out, const Int8Rows& a, const int8_t* b, const void* packed_b, const float* b_scales,
                   const int32_t* b_sums, const float* bias, const float* residual, long m, long n, long k,
                   int activation) {
  const Int8GemmKernel* packed_with = packed_b != nullptr ? packed_kernel(packed_b, n, k) : nullptr;
  if (packed_b != nullptr && packed_with == nullptr) return false;
  if (m <= 0 || n <= 0) return true;
  const IsaKernels& isa = active_kernels();
  const Int8GemmKernel& kern = packed_with != nullptr ? *packed_with : isa.int8_gemm;
  const bool dynamic = a.x != nullptr;
  const long mr = kern.mr, nr = kern.nr;
  const long steps = (k + kern.k_step - 1) / kern.k_step;
  const long kc_steps = std::max(1L, (kc_override() > 0 ? kc_override() : kern.kc) / kern.k_step);
  const long a_row_bytes = kern.a_row_bytes(k);
  const long panel_bytes = kern.b_panel_bytes(k);
  const long panels = (n + nr - 1) / nr;
  const long slivers_total = (m + mr - 1) / mr;
  const long slivers_per_block_max = std::max(1L, kRowBlock / mr);
  long row_blocks = (slivers_total + slivers_per_block_max - 1) / slivers_per_block_max;
  const int threads = static_cast<double>(m) * n * k < kParallelMacs ? 1 : pool_threads();

  // Column groups: the task's sums within L2, and at least 4 tasks per thread for balance.
  const long panels_per_group_max = std::max(1L, kMaxGroupColumns / nr);
  long groups = (panels + panels_per_group_max - 1) / panels_per_group_max;
  while (row_blocks * groups < 4L * threads && groups < panels) ++groups;
  const long panels_per_group = (panels + groups - 1) / groups;
  groups = (panels + panels_per_group - 1) / panels_per_group;
  // Tasks of equal size, as many for each thread: 96-row blocks leave a short last one (1024 rows: ten of 96 and
  // one of 64) and an odd count (11 × 1 group for 768 outputs, 11 × 3 for 3072), so one thread ran a whole task
  // more than the other while it waited. Row blocks are added until the task count is a multiple of the threads,
  // and the slivers are split evenly among them (blocks differ by one sliver at most).
  while (threads > 1 && (row_blocks * groups) % threads != 0 && row_blocks < slivers_total) ++row_blocks;

  // Rows of A padded to whole slivers (zero rows), so the micro-kernel always runs full height.
  const long m_padded = (m + mr - 1) / mr * mr;
  char* packed_a = dynamic ? nullptr : static_cast<char*>(t_packed_a.get(static_cast<size_t>(m_padded * a_row_bytes) + 64));
  const char* panels_b = packed_b != nullptr ? static_cast<const char*>(packed_b) + kInt8PackedHeaderBytes : nullptr;
  char* packing_b = nullptr;
  if (panels_b == nullptr) {
    packing_b = static_cast<char*>(t_packed_b.get(static_cast<size_t>(panels * panel_bytes) + 64));
    panels_b = packing_b;
  }
  const long a_chunks = dynamic ? 0 : (m_padded + kRowBlock - 1) / kRowBlock;
  const long pack_tasks = a_chunks + (packing_b != nullptr ? panels : 0);
  if (pack_tasks > 0)
    pool_for(
        pack_tasks,
        [&](long task, int) {
          if (task < a_chunks) {
            const long r0 = task * kRowBlock, r1 = std::min(m, r0 + kRowBlock);
            if (r1 > r0) kern.pack_a(packed_a + r0 * a_row_bytes, a.q + r0 * k, r1 - r0, k);
            const long pad_end = std::min(m_padded, r0 + kRowBlock);
            for (long r = std::max(r0, m); r < pad_end; ++r) std::fill_n(packed_a + r * a_row_bytes, a_row_bytes, 0);
            return;
          }
          pack_one_panel(kern, packing_b, b, n, k, task - a_chunks);
        },
        threads);

  pool_for(
      row_blocks * groups,
      [&](long task, int) {
        const long rb = task % row_blocks, group = task / row_blocks;
        const long sliver_begin = rb * slivers_total / row_blocks, sliver_end = (rb + 1) * slivers_total / row_blocks;
        const long i_begin = sliver_begin * mr;
        const long slivers = sliver_end - sliver_begin;
        const long q_begin = group * panels_per_group, q_end = std::min(panels, q_begin + panels_per_group);
        // The task's rows of packed A, their scales and offsets, from row i_begin on.
        const char* rows_a = packed_a != nullptr ? packed_a + i_begin * a_row_bytes : nullptr;
        const float* row_scales = a.scales != nullptr ? a.scales + i_begin : nullptr;
        const int32_t* row_offsets = a.offsets != nullptr ? a.offsets + i_begin : nullptr;
        if (dynamic) {
          // Quantized here, on this thread, as quantize_rows_asymmetric does for the whole input (so the numbers are
          // int8_gemm's on it): the rows go from L2 into the tiles instead of through two phases of their own. A
          // task of another column group quantizes the same rows again: 96 rows of k against 96 x 1024 x k products.
          const long rows = std::min(m, i_begin + slivers * mr) - i_begin;
          int8_t* q = static_cast<int8_t*>(t_task_q.get(static_cast<size_t>(rows * k)));
          float* scales = static_cast<float*>(t_task_scales.get(static_cast<size_t>(rows) * sizeof(float)));
          int32_t* offsets = static_cast<int32_t*>(t_task_offsets.get(static_cast<size_t>(rows) * sizeof(int32_t)));
          char* own_a = static_cast<char*>(t_task_a.get(static_cast<size_t>(slivers * mr * a_row_bytes) + 64));
          isa.quantize_rows_asymmetric(q, scales, offsets, a.x + i_begin * k, rows, k);
          kern.pack_a(own_a, q, rows, k);
          std::fill_n(own_a + rows * a_row_bytes, (slivers * mr - rows) * a_row_bytes, 0);
          rows_a = own_a, row_scales = scales, row_offsets = offsets;
        }
        // Sums: tile (panel q, sliver s) at ((q - q_begin) * slivers + s) * mr * nr.
        int32_t* sums = static_cast<int32_t*>(
            t_sums.get(static_cast<size_t>((q_end - q_begin) * slivers * mr * nr) * sizeof(int32_t)));
        for (long s0 = 0; s0 < steps || s0 == 0; s0 += kc_steps) {
          const long block = std::min(kc_steps, steps - s0);
          const bool last_block = s0 + kc_steps >= steps;
          for (long q = q_begin; q < q_end; ++q)
            for (long s = 0; s < slivers; ++s) {
              int32_t* tile_sums = sums + ((q - q_begin) * slivers + s) * mr * nr;
              kern.tile(s0, block, rows_a + s * mr * a_row_bytes, a_row_bytes, panels_b + q * panel_bytes, tile_sums,
                        s0 > 0);
              if (!last_block) continue;
              // The tile's sums are final and in L1: its epilogue runs now, so its writes to out (misses, out is
              // larger than L2) overlap the next tiles' arithmetic instead of coming in one burst at the task's
              // end — that burst was 8 % of a product's time.
              const long i0 = i_begin + s * mr, j0 = q * nr;
              isa.int8_epilogue(out + i0 * n + j0, n, tile_sums, nr, std::min(mr, m - i0), std::min(nr, n - j0),
                                row_scales + s * mr, row_offsets ? row_offsets + s * mr : nullptr, b_scales + j0,
                                row_offsets ? b_sums + j0 : nullptr, bias ? bias + j0 : nullptr, activation,
                                residual ? residual + i0 * n + j0 : nullptr, n);
            }
          if (steps == 0) break;
        }
      },
      threads);
  return true;
}

}  // namespace

bool int8_gemm(float* out, const int8_t* a, const float* a_scales, const int32_t* a_offsets, const int8_t* b,
               const void* packed_b, const float* b_scales, const int32_t* b_sums, const float* bias,
               const float* residual, long m, long n, long k, int activation) {
  Int8Rows rows;
  rows.q = a, rows.scales = a_scales, rows.offsets = a_offsets;
  return run_int8_gemm(out, rows, b, packed_b, b_scales, b_sums, bias, residual, m, n, k, activation);
}

bool int8_gemm_dynamic(float* out, const float* x, const int8_t* b, const void* packed_b, const float* b_scales,
                       const int32_t* b_sums, const float* bias, const float* residual, long m, long n, long k,
                       int activation) {
  Int8Rows rows;
  rows.x = x;
  return run_int8_gemm(out, rows, b, packed_b, b_scales, b_sums, bias, residual, m, n, k, activation);
}

}  // namespace tsbert
