// Blocked, packed SGEMM driver (the BLIS/GotoBLAS loop nest) over the per-ISA micro-kernel.
//
//   for each chunk of columns (all of them unless B is huge)
//     for (row block, column group) tasks         claimed by threads from an atomic counter (thread-pool.h)
//       for pc (KC of the inner dimension)        first use packs B[pc block, group] into kc x nr panels of B~,
//                                                 shared by the threads (L3); it stays in L2 for the sweep
//         for ir (mr rows)                        the mr x kc sliver of A stays in L1 across the panels;
//           for jr (nr-wide panels of B~)         full-height slivers are read in place (no A packing),
//             micro-kernel: C tile += A . B~      a partial one is copied zero-padded
// or, for a tile shape that packs A (GemmTileShape::packs_a, AVX2), BLIS's order inside the k block:
//         pack the task's A block into slivers    it stays in L2
//         for jr (nr-wide panels of B~)           the kc x nr panel stays in L1 across the slivers
//           for ir (mr-row slivers of A~)
//             micro-kernel: C tile += A~ . B~
//
// Edge tiles (m % mr, n % nr) go through a small scratch tile, so the micro-kernel always runs full-size.
// bfloat16 operands (gemm_bf16) take the same loops. Where the ISA has a bfloat16 kernel (IsaKernels::bf16_gemm:
// vdpbf16ps or AMX tdpbf16ps) A and B are packed as k pairs of bfloat16 into the same buffers and it runs on them;
// elsewhere they are widened to float32 as they are packed (a bfloat16 is the upper half of a float32, so the shift
// is exact) and the float32 micro-kernel runs on them unchanged.
// Buffers are thread-local and grow on demand; nothing is allocated per call once warm.
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <thread>
#include <type_traits>

#include "cpu-features.h"
#include "kernels.h"
#include "scratch.h"
#include "thread-pool.h"

namespace tsbert {
namespace {

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

// The k block and rows per task come with the tile shape (GemmTileShape::kc, row_block: each ISA's are tuned for
// its cache sizes); TSBERT_GEMM_KC and TSBERT_GEMM_MB override them.
// Packed B~ per chunk of columns, in floats (16 MB: within L3, shared by the threads).
constexpr long kPackFloats = 4L << 20;
// B~ a task sweeps per k block when it reads A in place, in floats (512 KB: half of Zen 5's L2).
constexpr long kDefaultL2Floats = 128L << 10;
// Inner dimensions beyond this are split into slabs when B~ would not fit the pack budget (see single_product).
constexpr long kDeepK = 4096;
// A tile shape that packs A does so only for products at least this wide: copying A costs about one cycle per
// element, which n / 16 micro-kernel calls per sliver amortise; attention's per-head products (n = 64, 128) read
// A in place.
constexpr long kPackAMinN = 256;
// Below this many flops a product runs on one thread: waking helpers costs more than it saves.
constexpr double kParallelFlops = 4.0e6;

long env_long(const char* name, long fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr) return fallback;
  const long n = std::atol(v);
  return n > 0 ? n : fallback;
}

// Overrides of the tile shape's blocking (0: the shape's own).
struct Blocking {
  long kc = env_long("TSBERT_GEMM_KC", 0);
  long row_block = env_long("TSBERT_GEMM_MB", 0);
  long l2_floats = env_long("TSBERT_GEMM_L2_FLOATS", kDefaultL2Floats);
};

const Blocking& blocking() {
  static const Blocking b;
  return b;
}

thread_local Scratch t_packed_b;

// Per (k block, panel) packing state of the current product's B~.
constexpr uint8_t kUnpacked = 0, kPacking = 1, kReady = 2;
class PackState {
 public:
  // `count` flags, all kUnpacked. The pool's job hand-off publishes these stores to the helpers.
  std::atomic<uint8_t>* get(long count) {
    if (count > size_) {
      flags_.reset(new std::atomic<uint8_t>[static_cast<size_t>(count)]);
      size_ = count;
    }
    for (long i = 0; i < count; ++i) flags_[i].store(kUnpacked, std::memory_order_relaxed);
    return flags_.get();
  }

 private:
  std::unique_ptr<std::atomic<uint8_t>[]> flags_;
  long size_ = 0;
};
thread_local PackState t_pack_state;
thread_local Scratch t_a_edge;
thread_local Scratch t_a_block;
thread_local Scratch t_c_edge;

// C = beta * C for an empty inner dimension (beta = 0 writes zeros, never reading C).
void scale_c(float* c, const GemmArgs& p) {
  for (long i = 0; i < p.m; ++i)
    for (long j = 0; j < p.n; ++j) c[i * p.ldc + j] = p.beta == 0.0f ? 0.0f : p.beta * c[i * p.ldc + j];
}

// The second tile shape when it pads C (to ceil(m / mr) * mr by ceil(n / nr) * nr) by over 5 % less than the main
// one — attention's n = 64 and 128 — otherwise the main one, which is the faster kernel on big products.
const GemmTileShape& pick_tile(const IsaKernels& isa, long m, long n) {
  auto padded = [&](const GemmTileShape& t) {
    return static_cast<double>((m + t.mr - 1) / t.mr * t.mr) * static_cast<double>((n + t.nr - 1) / t.nr * t.nr);
  };
  return padded(isa.tiles[1]) < 0.95 * padded(isa.tiles[0]) ? isa.tiles[1] : isa.tiles[0];
}

// A bfloat16 (the upper 16 bits of a float32) as the float32 it stands for: exact.
inline float widen_bf16(uint16_t h) {
  const uint32_t bits = static_cast<uint32_t>(h) << 16;
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

// pack_b_panel (isa-kernels.h) for bfloat16 B: b_packed[p * nr + j] = B(p, j) widened, zero past n_valid. Plain
// loops (this file has the baseline ISA's flags): B~ is packed once per product and read m / mr times.
void pack_b_panel_bf16(float* bp, const uint16_t* b, long ks, long ns, long kc, long n_valid, long nr) {
  if (ns == 1) {
    for (long p = 0; p < kc; ++p)
      for (long j = 0; j < nr; ++j) bp[p * nr + j] = j < n_valid ? widen_bf16(b[p * ks + j]) : 0.0f;
    return;
  }
  // B stored [n, k] (a Linear weight): each column's k values are contiguous.
  for (long j = 0; j < nr; ++j)
    for (long p = 0; p < kc; ++p) bp[p * nr + j] = j < n_valid ? widen_bf16(b[j * ns + p * ks]) : 0.0f;
}

// pack_a_block / pack_a_block_t for bfloat16 A (element (i, p) at a[i * lda + p], or a[i + p * lda] transposed):
// slivers of mr rows, sliver s at a_packed[s * kc * mr], k-major inside, rows past `rows` zero.
void pack_a_block_bf16(float* ap, const uint16_t* a, bool trans, long lda, long kc, long rows, long mr) {
  const long slivers = (rows + mr - 1) / mr;
  if (trans) {
    for (long p = 0; p < kc; ++p)
      for (long i = 0; i < slivers * mr; ++i)
        ap[i / mr * kc * mr + p * mr + i % mr] = i < rows ? widen_bf16(a[p * lda + i]) : 0.0f;
    return;
  }
  for (long i = 0; i < slivers * mr; ++i) {
    float* dst = ap + i / mr * kc * mr + i % mr;
    for (long p = 0; p < kc; ++p) dst[p * mr] = i < rows ? widen_bf16(a[i * lda + p]) : 0.0f;
  }
}

bool has_epilogue(const GemmArgs& p) {
  return p.bias != nullptr || p.activation != kActivationNone || p.pre_activation != nullptr;
}

// Bias, saved pre-activation and activation on the finished tile of C at (i0, j0).
void apply_epilogue(const IsaKernels& isa, float* c, const GemmArgs& p, long i0, long j0, long rows, long cols) {
  isa.gemm_epilogue(c + i0 * p.ldc + j0, p.ldc, rows, cols, p.bias ? p.bias + j0 : nullptr, p.activation,
                    p.pre_activation ? p.pre_activation + i0 * p.ldc + j0 : nullptr, p.ldc);
}

// One product C = alpha * op(A) . op(B) + beta * C on up to max_threads threads (0: all).
//
// One parallel phase per chunk of columns, so a GEMM has one synchronisation point, not two per cache block: on a
// machine shared with other processes every barrier is a chance to wait for a descheduled helper. Tasks of
// (row block, column group) run the full k loop over their tile of C, packing B~ panels on first use.
// T is float, or uint16_t for bfloat16 operands (widened while packing; A is then always packed).
template <typename T>
void single_product(const IsaKernels& isa, float* c, const T* a, const T* b, const GemmArgs& p, int max_threads) {
  constexpr bool kBf16 = std::is_same_v<T, uint16_t>;
  const GemmTileShape& tile = pick_tile(isa, p.m, p.n);
  const Blocking& blk = blocking();
  const long kc_target = blk.kc > 0 ? blk.kc : tile.kc;
  // Even-sized k blocks (768 = 2 x 384, not 512 + 256), so no block is a thin remainder; the last is the smallest.
  const long k_blocks = std::max(1L, (p.k + kc_target - 1) / kc_target);
  const long kc_even = (p.k + k_blocks - 1) / k_blocks;
  const long last_kc = p.k - (k_blocks - 1) * kc_even;
  // The bfloat16 kernel, where the ISA has one and every k block is min_kc at least: it replaces the float32 tile's
  // shape, packing and micro-kernel.
  const Bf16GemmKernel* dot = kBf16 && isa.bf16_gemm.gemm_tile != nullptr && last_kc >= isa.bf16_gemm.min_kc
                                  ? &isa.bf16_gemm
                                  : nullptr;
  const auto gemm_tile = dot != nullptr ? dot->gemm_tile : tile.gemm_tile;
  if (p.m <= 0 || p.n <= 0) return;
  if (p.k <= 0) {
    scale_c(c, p);
    if (has_epilogue(p)) apply_epilogue(isa, c, p, 0, 0, p.m, p.n);
    return;
  }
  const bool epilogue = has_epilogue(p);
  const long mr = dot != nullptr ? dot->mr : tile.mr, nr = dot != nullptr ? dot->nr : tile.nr;
  const bool packs_a = dot == nullptr && tile.packs_a && p.n >= kPackAMinN;
  // A deep product (the MLM decoder's input gradient: k = vocabulary) would pack B~ in narrow column chunks and
  // read all of A once per chunk. Split k instead, into slabs whose B~ fits the pack budget: A is read once, and
  // only C (small here) is revisited, accumulating.
  const long panels_total = (p.n + nr - 1) / nr;
  const long slab = kPackFloats / (panels_total * nr) / kc_target * kc_target;
  if (p.k > kDeepK && slab >= kc_target && slab < p.k) {
    for (long k0 = 0; k0 < p.k; k0 += slab) {
      GemmArgs part = p;
      part.k = std::min(slab, p.k - k0);
      part.beta = k0 == 0 ? p.beta : 1.0f;
      if (k0 + part.k < p.k) part.bias = nullptr, part.activation = kActivationNone, part.pre_activation = nullptr;
      const T* a_part = p.trans_a ? a + k0 * p.lda : a + k0;
      const T* b_part = p.trans_b ? b + k0 : b + k0 * p.ldb;
      single_product(isa, c, a_part, b_part, part, max_threads);
    }
    return;
  }
  // Columns per chunk: B~ for a chunk stays within kPackFloats (L3-sized) however wide B is (an MLM decoder).
  const long chunk_panels = std::max(1L, std::min(panels_total, kPackFloats / (p.k * nr)));
  const long threads = max_threads > 0 ? max_threads : pool_threads();
  // Whole mr slivers per task (a sliver straddling two tasks would be computed twice). Packing A, the rows are
  // split evenly (1024 rows in blocks of at most 144: 8 of 132 or fewer, not 7 of 144 and one of 16), so the
  // threads' last tasks are about as long as their first.
  const long row_target = blk.row_block > 0 ? blk.row_block : tile.row_block;
  const long fewest_blocks = (p.m + row_target - 1) / row_target;
  const long rows_per_block = packs_a ? (p.m + fewest_blocks - 1) / fewest_blocks : row_target;
  const long row_block = (rows_per_block + mr - 1) / mr * mr;
  const long row_blocks = (p.m + row_block - 1) / row_block;

  for (long first_panel = 0; first_panel < panels_total; first_panel += chunk_panels) {
    const long panels = std::min(chunk_panels, panels_total - first_panel);
    const long j_begin = first_panel * nr;
    float* packed = t_packed_b.get(panels * nr * p.k);
    // B~ layout: k block kb starts at kb * kc_even * panels * nr; within it, panel q at q * kc * nr.
    // Panels are packed lazily by the first task that needs them (see ensure_packed): no barrier between
    // packing and computing, so a GEMM has one synchronisation point, at its end.
    std::atomic<uint8_t>* state = t_pack_state.get(panels * k_blocks);
    auto pack_panel = [&](long q, long kb) {
      const long pc = kb * kc_even, kc = std::min(kc_even, p.k - pc);
      const long j0 = j_begin + q * nr;
      const T* src = p.trans_b ? b + j0 * p.ldb + pc : b + pc * p.ldb + j0;
      float* dst = packed + pc * panels * nr + q * kc * nr;
      if constexpr (kBf16) {
        if (dot != nullptr)
          dot->pack_b_panel(dst, src, p.trans_b ? 1 : p.ldb, p.trans_b ? p.ldb : 1, kc, std::min(nr, p.n - j0));
        else
          pack_b_panel_bf16(dst, src, p.trans_b ? 1 : p.ldb, p.trans_b ? p.ldb : 1, kc, std::min(nr, p.n - j0), nr);
      } else
        tile.pack_b_panel(dst, src, p.trans_b ? 1 : p.ldb, p.trans_b ? p.ldb : 1, kc, std::min(nr, p.n - j0));
    };
    // Makes panels [q_begin, q_end) of k block kb ready: packs those nobody has claimed, then waits for the ones
    // another thread is packing (microseconds).
    auto ensure_packed = [&](long q_begin, long q_end, long kb) {
      std::atomic<uint8_t>* row = state + kb * panels;
      for (long q = q_begin; q < q_end; ++q) {
        uint8_t expected = kUnpacked;
        if (row[q].load(std::memory_order_acquire) == kUnpacked &&
            row[q].compare_exchange_strong(expected, kPacking, std::memory_order_acq_rel)) {
          pack_panel(q, kb);
          row[q].store(kReady, std::memory_order_release);
        }
      }
      for (long q = q_begin; q < q_end; ++q)
        for (long spin = 0; row[q].load(std::memory_order_acquire) != kReady; ++spin) {
          if (spin > 4096)
            std::this_thread::yield();  // the packer was descheduled
          else
            cpu_relax();
        }
    };

    // Column groups: small enough that a group's k block of B~ stays in L2 while the task's row slivers sweep
    // it (reading A in place), and numerous enough (with the row blocks) for the threads to balance. A packed A
    // block holds each panel in L1 for all its slivers: the panels may come from L3, so only balance counts.
    const long l2_groups = packs_a ? 1 : (panels * kc_even * nr + blk.l2_floats - 1) / blk.l2_floats;
    const long balance_groups = (4 * threads + row_blocks - 1) / row_blocks;
    const long col_groups = std::max(1L, std::min(panels, std::max(l2_groups, balance_groups)));
    const long panels_per_group = (panels + col_groups - 1) / col_groups;
    // A transposed A is packed per (row block, k block) (see pack_a_block_t); when there are row blocks enough
    // for the threads, a task then sweeps every column group with one packed block instead of re-packing it per
    // group (B~ groups come from L3 in turn: ~0.03 bytes per flop).
    const bool whole_rows = p.trans_a && row_blocks >= 4 * threads;
    const long tasks = whole_rows ? row_blocks : row_blocks * col_groups;
    pool_for(
        tasks,
        [&](long task, int) {
          // Row blocks vary fastest: threads running at the same time share one group of B~ (read once from L3).
          const long rb = task % row_blocks;
          const long cg_begin = whole_rows ? 0 : task / row_blocks;
          const long cg_end = whole_rows ? col_groups : cg_begin + 1;
          const long i_begin = rb * row_block;
          const long i_end = std::min(p.m, i_begin + row_block);
          float* a_edge = t_a_edge.get(mr * kc_even);
          float* c_edge = t_c_edge.get(mr * nr);
          const bool pack_a = p.trans_a || packs_a || kBf16;
          float* a_block = pack_a ? t_a_block.get(row_block * kc_even) : nullptr;
          for (long pc = 0; pc < p.k; pc += kc_even) {
            const long kc = std::min(kc_even, p.k - pc);
            const float beta = pc == 0 ? p.beta : 1.0f;
            const bool last_k_block = pc + kc == p.k;
            const float* packed_block = packed + pc * panels * nr;
            const T* a_corner = p.trans_a ? a + pc * p.lda + i_begin : a + i_begin * p.lda + pc;
            if constexpr (kBf16) {
              if (dot != nullptr)
                dot->pack_a_block(a_block, a_corner, p.trans_a, p.lda, kc, i_end - i_begin);
              else
                pack_a_block_bf16(a_block, a_corner, p.trans_a, p.lda, kc, i_end - i_begin, mr);
            } else if (p.trans_a)
              tile.pack_a_block_t(a_block, a_corner, p.lda, kc, i_end - i_begin);
            else if (pack_a)
              tile.pack_a_block(a_block, a_corner, p.lda, kc, i_end - i_begin);
            // C tile (i0, panel q) += the sliver at a_tile (strides rs, cs) times panel q of B~.
            auto run_tile = [&](long i0, const float* a_tile, long rs, long cs, long q) {
              const long rows = std::min(mr, p.m - i0);
              const long j0 = j_begin + q * nr;
              const long cols = std::min(nr, p.n - j0);
              float* ct = c + i0 * p.ldc + j0;
              const float* bp = packed_block + q * kc * nr;
              if (rows == mr && cols == nr) {
                gemm_tile(kc, a_tile, rs, cs, bp, ct, p.ldc, p.alpha, beta);
              } else {
                gemm_tile(kc, a_tile, rs, cs, bp, c_edge, nr, 1.0f, 0.0f);
                for (long i = 0; i < rows; ++i)
                  for (long j = 0; j < cols; ++j) {
                    const float v = p.alpha * c_edge[i * nr + j];
                    ct[i * p.ldc + j] = beta == 0.0f ? v : v + beta * ct[i * p.ldc + j];
                  }
              }
              if (last_k_block && epilogue) apply_epilogue(isa, c, p, i0, j0, rows, cols);
            };
            for (long cg = cg_begin; cg < cg_end; ++cg) {
              const long q_begin = cg * panels_per_group;
              const long q_end = std::min(panels, q_begin + panels_per_group);
              if (q_begin >= q_end) continue;  // the last column group can come out empty
              ensure_packed(q_begin, q_end, pc / kc_even);
              if (packs_a) {
                // While the block's slivers run on panel q (in L1), panel q + 1 is fetched into L2 a slice per
                // sliver: it comes from L3 (or memory, when neighbours have evicted it), too far for the first
                // sliver to wait on.
                const long slivers = (i_end - i_begin + mr - 1) / mr;
                const long lines = kc * nr / 16, lines_per_sliver = (lines + slivers - 1) / slivers;  // 64 B
                for (long q = q_begin; q < q_end; ++q) {
                  const float* next = q + 1 < q_end ? packed_block + (q + 1) * kc * nr : nullptr;
                  for (long s = 0; s < slivers; ++s) {
                    if (next != nullptr)
                      for (long l = s * lines_per_sliver; l < std::min(lines, (s + 1) * lines_per_sliver); ++l)
                        __builtin_prefetch(next + l * 16, 0, 2);
                    run_tile(i_begin + s * mr, a_block + s * kc * mr, 1, mr, q);
                  }
                }
                continue;
              }
              for (long i0 = i_begin; i0 < i_end; i0 += mr) {
                const long rows = std::min(mr, p.m - i0);
                const float* a_tile;
                long rs, cs;
                if (p.trans_a || kBf16) {
                  a_tile = a_block + (i0 - i_begin) / mr * kc * mr;
                  rs = 1;
                  cs = mr;
                } else if constexpr (!kBf16) {
                  if (rows == mr) {
                    a_tile = a + i0 * p.lda + pc;
                    rs = p.lda;
                    cs = 1;
                  } else {
                    // A partial sliver: copy it zero-padded to mr rows, k-major (mr floats per k step).
                    tile.pack_a_sliver(a_edge, a + i0 * p.lda + pc, p.lda, 1, kc, rows);
                    a_tile = a_edge;
                    rs = 1;
                    cs = mr;
                  }
                }
                for (long q = q_begin; q < q_end; ++q) run_tile(i0, a_tile, rs, cs, q);
              }
            }
          }
        },
        max_threads);
  }
}

// The batch's products one after another, each on up to max_threads threads (0: all).
template <typename T>
void each_product(const IsaKernels& isa, float* c, const T* a, const T* b, const GemmArgs& p, int max_threads) {
  for (long i = 0; i < p.batch; ++i)
    single_product(isa, c + i * p.stride_c, a + i * p.stride_a, b + i * p.stride_b, p, max_threads);
}

template <typename T>
void batched_product(float* c, const T* a, const T* b, const GemmArgs& p) {
  const IsaKernels& isa = active_kernels();
  const double flops = 2.0 * static_cast<double>(p.m) * static_cast<double>(p.n) * static_cast<double>(p.k);
  const int threads = pool_threads();
  // Items may run concurrently only if their C blocks cannot overlap: one after another in memory, or side by
  // side within the rows (attention heads writing their column block of [seq, hidden]: stride n, ldc hidden).
  const bool stacked = p.stride_c >= (p.m - 1) * p.ldc + p.n;
  const bool side_by_side = p.stride_c >= p.n && (p.batch - 1) * p.stride_c + p.n <= p.ldc;
  const bool disjoint_c = stacked || side_by_side;
  if (p.batch > 1 && threads > 1 && disjoint_c && (flops < 32.0e6 || p.batch >= 4L * threads)) {
    // Many small products (attention heads): one product per task, each single-threaded.
    pool_for(p.batch, [&](long i, int) {
      single_product(isa, c + i * p.stride_c, a + i * p.stride_a, b + i * p.stride_b, p, 1);
    });
    return;
  }
  each_product(isa, c, a, b, p, flops < kParallelFlops ? 1 : 0);
}

}  // namespace

void gemm(float* c, const float* a, const float* b, const GemmArgs& p) { batched_product(c, a, b, p); }

void gemm_bf16(float* c, const uint16_t* a, const uint16_t* b, const GemmArgs& p) { batched_product(c, a, b, p); }

void gemm_on_this_thread(float* c, const float* a, const float* b, const GemmArgs& p) {
  each_product(active_kernels(), c, a, b, p, 1);
}

}  // namespace tsbert
