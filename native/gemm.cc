// Blocked, packed SGEMM driver (the BLIS/GotoBLAS loop nest) over the per-ISA micro-kernel.
//
//   for jc (NC columns of C)                      B~ = B[pc:pc+kc, jc:jc+nc] packed into nr-wide panels,
//     for pc (KC of the inner dimension)          shared by all threads and sized to stay in each core's L2
//       pack B~ (threads split the panels)
//       for (row block, column group) tasks       claimed by threads from an atomic counter (thread-pool.h)
//         for ir (mr rows)                        the mr x kc sliver of A stays in L1 across the panels;
//           for jr (nr-wide panels of B~)         full-height slivers are read in place (no A packing),
//             micro-kernel: C tile += A . B~      a partial one is copied zero-padded
//
// Edge tiles (m % mr, n % nr) go through a small scratch tile, so the micro-kernel always runs full-size.
// Buffers are thread-local and grow on demand; nothing is allocated per call once warm.
#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "cpu-features.h"
#include "kernels.h"
#include "thread-pool.h"

namespace tsbert {
namespace {

// Zen 5: 48 KB L1d, 1 MB L2 per core. B~ (KC x NC floats) takes ~400 KB of L2 and streams into L1 one kc x nr
// panel at a time; an mr x KC sliver of A (8 KB on AVX-512) sits in L1 while it meets every panel.
constexpr long kDefaultKc = 320;
constexpr long kDefaultNc = 384;
// Rows per task: a multiple of every mr (8, 6, 4).
constexpr long kDefaultRowBlock = 96;
// Below this many flops a product runs on one thread: waking helpers costs more than it saves.
constexpr double kParallelFlops = 4.0e6;

long env_long(const char* name, long fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr) return fallback;
  const long n = std::atol(v);
  return n > 0 ? n : fallback;
}

struct Blocking {
  long kc = env_long("TSBERT_GEMM_KC", kDefaultKc);
  long nc = env_long("TSBERT_GEMM_NC", kDefaultNc);
  long row_block = env_long("TSBERT_GEMM_MB", kDefaultRowBlock);
};

const Blocking& blocking() {
  static const Blocking b;
  return b;
}

// A grow-only 64-byte-aligned float buffer.
class Scratch {
 public:
  ~Scratch() { std::free(data_); }
  float* get(long floats) {
    if (floats > size_) {
      std::free(data_);
      const size_t bytes = (static_cast<size_t>(floats) * sizeof(float) + 63) & ~static_cast<size_t>(63);
      data_ = static_cast<float*>(std::aligned_alloc(64, bytes));
      size_ = data_ ? floats : 0;
      if (!data_) std::abort();  // out of memory: nothing sensible to return to
    }
    return data_;
  }

 private:
  float* data_ = nullptr;
  long size_ = 0;
};

thread_local Scratch t_packed_b;
thread_local Scratch t_a_edge;
thread_local Scratch t_c_edge;

struct Product {
  const IsaKernels* isa;
  float* c;
  const float* a;
  const float* b;
  const GemmArgs* p;
};

// One (jc, pc) block: pack B~, then compute every tile of C[:, jc:jc+nc] against it.
void block(const Product& q, long jc, long nc, long pc, long kc, float beta, float* packed_b, int max_threads) {
  const IsaKernels& isa = *q.isa;
  const GemmArgs& p = *q.p;
  const long mr = isa.mr, nr = isa.nr;
  const long panels = (nc + nr - 1) / nr;

  pool_for(
      panels,
      [&](long panel, int) {
        const long j0 = jc + panel * nr;
        const float* src = p.trans_b ? q.b + j0 * p.ldb + pc : q.b + pc * p.ldb + j0;
        isa.pack_b_panel(packed_b + panel * kc * nr, src, p.trans_b ? 1 : p.ldb, p.trans_b ? p.ldb : 1, kc,
                         std::min(nr, jc + nc - j0));
      },
      max_threads);

  const long row_block = blocking().row_block;
  const long row_blocks = (p.m + row_block - 1) / row_block;
  // Enough tasks for the threads to balance: split columns too when there are few row blocks.
  const long threads = max_threads > 0 ? max_threads : pool_threads();
  const long col_groups = std::max(1L, std::min(panels, (4 * threads + row_blocks - 1) / row_blocks));
  const long panels_per_group = (panels + col_groups - 1) / col_groups;

  pool_for(
      row_blocks * col_groups,
      [&](long task, int) {
        const long rb = task / col_groups, cg = task % col_groups;
        const long i_end = std::min(p.m, (rb + 1) * row_block);
        const long jr_begin = cg * panels_per_group;
        const long jr_end = std::min(panels, jr_begin + panels_per_group);
        float* a_edge = t_a_edge.get(mr * kc);
        float* c_edge = t_c_edge.get(mr * nr);
        for (long i0 = rb * row_block; i0 < i_end; i0 += mr) {
          const long rows = std::min(mr, p.m - i0);
          const float* a;
          long rs, cs;
          if (rows == mr) {
            a = p.trans_a ? q.a + pc * p.lda + i0 : q.a + i0 * p.lda + pc;
            rs = p.trans_a ? 1 : p.lda;
            cs = p.trans_a ? p.lda : 1;
          } else {
            // A partial sliver: copy it zero-padded to mr rows, k-major (mr floats per k step).
            for (long kk = 0; kk < kc; ++kk)
              for (long i = 0; i < mr; ++i)
                a_edge[kk * mr + i] =
                    i < rows ? (p.trans_a ? q.a[(pc + kk) * p.lda + i0 + i] : q.a[(i0 + i) * p.lda + pc + kk]) : 0.0f;
            a = a_edge;
            rs = 1;
            cs = mr;
          }
          for (long jr = jr_begin; jr < jr_end; ++jr) {
            const long j0 = jc + jr * nr;
            const long cols = std::min(nr, jc + nc - j0);
            float* ct = q.c + i0 * p.ldc + j0;
            const float* bp = packed_b + jr * kc * nr;
            if (rows == mr && cols == nr) {
              isa.gemm_tile(kc, a, rs, cs, bp, ct, p.ldc, p.alpha, beta);
            } else {
              isa.gemm_tile(kc, a, rs, cs, bp, c_edge, nr, 1.0f, 0.0f);
              for (long i = 0; i < rows; ++i)
                for (long j = 0; j < cols; ++j) {
                  const float v = p.alpha * c_edge[i * nr + j];
                  ct[i * p.ldc + j] = beta == 0.0f ? v : v + beta * ct[i * p.ldc + j];
                }
            }
          }
        }
      },
      max_threads);
}

// C = beta * C for an empty inner dimension (beta = 0 writes zeros, never reading C).
void scale_c(float* c, const GemmArgs& p) {
  for (long i = 0; i < p.m; ++i)
    for (long j = 0; j < p.n; ++j) c[i * p.ldc + j] = p.beta == 0.0f ? 0.0f : p.beta * c[i * p.ldc + j];
}

void single_product(const IsaKernels& isa, float* c, const float* a, const float* b, const GemmArgs& p,
                    int max_threads) {
  if (p.m <= 0 || p.n <= 0) return;
  if (p.k <= 0) {
    scale_c(c, p);
    return;
  }
  const Product q{&isa, c, a, b, &p};
  const long kc_max = blocking().kc;
  const long nc_max = (blocking().nc + isa.nr - 1) / isa.nr * isa.nr;
  // Even-sized blocks (768 = 2 x 384, not 512 + 256), so no block is a thin remainder.
  const long k_blocks = (p.k + kc_max - 1) / kc_max;
  const long kc_even = (p.k + k_blocks - 1) / k_blocks;
  const long n_blocks = (p.n + nc_max - 1) / nc_max;
  const long nc_even = ((p.n + n_blocks - 1) / n_blocks + isa.nr - 1) / isa.nr * isa.nr;
  float* packed_b = t_packed_b.get(kc_even * nc_even);
  for (long jc = 0; jc < p.n; jc += nc_even) {
    const long nc = std::min(nc_even, p.n - jc);
    for (long pc = 0; pc < p.k; pc += kc_even) {
      const long kc = std::min(kc_even, p.k - pc);
      block(q, jc, nc, pc, kc, pc == 0 ? p.beta : 1.0f, packed_b, max_threads);
    }
  }
}

}  // namespace

void gemm(float* c, const float* a, const float* b, const GemmArgs& p) {
  const IsaKernels& isa = active_kernels();
  const double flops = 2.0 * static_cast<double>(p.m) * static_cast<double>(p.n) * static_cast<double>(p.k);
  const int threads = pool_threads();
  if (p.batch > 1 && threads > 1 && p.stride_c != 0 && (flops < 32.0e6 || p.batch >= 4L * threads)) {
    // Many small products (attention heads): one product per task, each single-threaded.
    pool_for(p.batch, [&](long i, int) {
      single_product(isa, c + i * p.stride_c, a + i * p.stride_a, b + i * p.stride_b, p, 1);
    });
    return;
  }
  const int max_threads = flops < kParallelFlops ? 1 : 0;
  for (long i = 0; i < p.batch; ++i)
    single_product(isa, c + i * p.stride_c, a + i * p.stride_a, b + i * p.stride_b, p, max_threads);
}

}  // namespace tsbert
