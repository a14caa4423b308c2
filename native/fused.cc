// Threaded drivers for the fused and elementwise kernels: split the work into row (or element, or column) ranges
// and hand each to the active ISA's single-threaded kernel. Small problems stay on the calling thread. Kernels
// that reduce across rows split statically and combine partial sums in a fixed order, so results do not depend
// on which thread ran what.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "cpu-features.h"
#include "kernels.h"
#include "thread-pool.h"

namespace tsbert {
namespace {

// Below this many elements a kernel runs on one thread (a wake-up costs ~the time to stream 64 K floats).
constexpr double kParallelElements = 65536;
// Exp-heavy kernels (GELU, softmax, tanh) pay for threads sooner.
constexpr double kParallelTranscendental = 16384;

int threads_for(double elements, double threshold) {
  return elements < threshold ? 1 : pool_threads();
}

// Runs fn(begin, end) over [0, n) in `chunks` contiguous ranges (aligned to `align`) on up to `threads` threads.
template <typename F>
void for_ranges(long n, long chunks, long align, int threads, F&& fn) {
  if (threads <= 1 || chunks <= 1 || n <= align) {
    fn(0L, n);
    return;
  }
  long per = (n + chunks - 1) / chunks;
  per = (per + align - 1) / align * align;
  const long tasks = (n + per - 1) / per;
  pool_for(tasks, [&](long t, int) { fn(t * per, std::min(n, (t + 1) * per)); }, threads);
}

}  // namespace

void add_bias_in_place(float* x, const float* bias, long rows, long cols) {
  const int threads = threads_for(double(rows) * cols, kParallelElements);
  for_ranges(rows, 4L * threads, 1, threads,
             [&](long r0, long r1) { active_kernels().add_bias(x + r0 * cols, bias, r1 - r0, cols); });
}

void axpby(float* y, const float* x, long n, float alpha, float beta) {
  const int threads = threads_for(double(n), kParallelElements);
  for_ranges(n, 4L * threads, 64, threads,
             [&](long i0, long i1) { active_kernels().axpby(y + i0, x + i0, i1 - i0, alpha, beta); });
}

void bf16_round(uint16_t* out, const float* x, long n) {
  const int threads = threads_for(double(n), kParallelElements);
  for_ranges(n, 4L * threads, 64, threads,
             [&](long i0, long i1) { active_kernels().bf16_round(out + i0, x + i0, i1 - i0); });
}

void multiply_accumulate(float* out, const float* a, const float* b, long n, float beta) {
  const int threads = threads_for(double(n), kParallelElements);
  for_ranges(n, 4L * threads, 64, threads, [&](long i0, long i1) {
    active_kernels().multiply_accumulate(out + i0, a + i0, b + i0, i1 - i0, beta);
  });
}

// sum_of_squares splits x into this many ranges (not one per thread), so the total is the same on any thread count.
constexpr long kSquaresRanges = 8;

double sum_of_squares(const float* x, long n) {
  constexpr long kRanges = kSquaresRanges;
  const long per = (n + kRanges - 1) / kRanges;
  double partial[kRanges] = {0};
  pool_for(
      kRanges,
      [&](long t, int) {
        const long i0 = std::min(n, t * per), i1 = std::min(n, (t + 1) * per);
        if (i1 > i0) partial[t] = active_kernels().sum_of_squares(x + i0, i1 - i0);
      },
      threads_for(double(n), kParallelElements));
  double total = 0;
  for (double p : partial) total += p;
  return total;
}

double sum_of_squares_rows(const float* x, long n, const int32_t* rows, long count, long cols) {
  // sum_of_squares' ranges and blocks, in its order, visiting only the blocks the rows touch: a skipped block is all
  // zeros, whose partial (+0) leaves a sum unchanged, so the total is the same number. Single-threaded: the rows of
  // one batch are a few hundred blocks.
  const long per = (n + kSquaresRanges - 1) / kSquaresRanges;
  double total = 0;
  for (long t = 0; t < kSquaresRanges; ++t) {
    const long i0 = std::min(n, t * per), i1 = std::min(n, (t + 1) * per);
    double range_total = 0;
    long next_block = 0;  // blocks below it (counted from i0) are done
    for (long r = 0; r < count && i1 > i0; ++r) {
      const long s = std::max(i0, rows[r] * cols), e = std::min(i1, (rows[r] + 1) * cols);
      if (s >= e) continue;
      for (long b = std::max(next_block, (s - i0) / kSquaresBlock); b <= (e - 1 - i0) / kSquaresBlock; ++b) {
        const long b0 = i0 + b * kSquaresBlock;
        range_total += active_kernels().sum_of_squares(x + b0, std::min(kSquaresBlock, i1 - b0));
        next_block = b + 1;
      }
    }
    total += range_total;
  }
  return total;
}

void argmax_rows(int32_t* out, const float* x, long rows, long cols) {
  const int threads = threads_for(double(rows) * cols, kParallelElements);
  for_ranges(rows, 4L * threads, 1, threads, [&](long r0, long r1) {
    for (long r = r0; r < r1; ++r) {
      const float* row = x + r * cols;
      long best = 0;
      for (long c = 1; c < cols; ++c)
        if (row[c] > row[best]) best = c;
      out[r] = static_cast<int32_t>(best);
    }
  });
}

// d_bias [cols] += the column sums of dy [rows, cols], split by columns: each thread owns a column range and walks
// every row, summing in double — no partials to combine, and the order of additions fixed. Each block of `row_block`
// rows of the range is handed to before_sums(r0, r1, c0, c1) first, while it is about to be in L1.
template <typename F>
void column_sums_by_ranges(float* d_bias, const float* dy, long rows, long cols, long row_block, F&& before_sums) {
  const int threads = threads_for(double(rows) * cols, kParallelElements);
  for_ranges(cols, threads, 16, threads, [&](long c0, long c1) {
    const IsaKernels& kernels = active_kernels();
    std::vector<double> acc(static_cast<size_t>(c1 - c0), 0.0);
    for (long r0 = 0; r0 < rows; r0 += row_block) {
      const long r1 = std::min(rows, r0 + row_block);
      before_sums(r0, r1, c0, c1);
      kernels.column_sums(acc.data(), dy + r0 * cols + c0, r1 - r0, c1 - c0, cols);
    }
    for (long c = c0; c < c1; ++c) d_bias[c] = static_cast<float>(d_bias[c] + acc[c - c0]);
  });
}

void bf16_round_sum_rows(uint16_t* out, float* d_bias, const float* dy, long rows, long cols) {
  // Blocks of 8 rows: rounded, then summed from L1.
  column_sums_by_ranges(d_bias, dy, rows, cols, 8, [&](long r0, long r1, long c0, long c1) {
    for (long r = r0; r < r1; ++r) active_kernels().bf16_round(out + r * cols + c0, dy + r * cols + c0, c1 - c0);
  });
}

void sum_rows_accumulate(float* d_bias, const float* dy, long rows, long cols) {
  column_sums_by_ranges(d_bias, dy, rows, cols, std::max(rows, 1L), [](long, long, long, long) {});
}

void gelu_forward(float* out, const float* x, long n, bool tanh_approx) {
  const int threads = threads_for(double(n), kParallelTranscendental);
  for_ranges(n, 4L * threads, 64, threads,
             [&](long i0, long i1) { active_kernels().gelu_forward(out + i0, x + i0, i1 - i0, tanh_approx); });
}

void gelu_backward(float* dx, const float* x, const float* dy, long n, bool tanh_approx) {
  const int threads = threads_for(double(n), kParallelTranscendental);
  for_ranges(n, 4L * threads, 64, threads, [&](long i0, long i1) {
    active_kernels().gelu_backward(dx + i0, x + i0, dy + i0, i1 - i0, tanh_approx);
  });
}

void tanh_forward(float* out, const float* x, long n) {
  const int threads = threads_for(double(n), kParallelTranscendental);
  for_ranges(n, 4L * threads, 64, threads,
             [&](long i0, long i1) { active_kernels().tanh_forward(out + i0, x + i0, i1 - i0); });
}

void tanh_backward(float* dx, const float* y, const float* dy, long n) {
  const int threads = threads_for(double(n), kParallelElements);
  for_ranges(n, 4L * threads, 64, threads,
             [&](long i0, long i1) { active_kernels().tanh_backward(dx + i0, y + i0, dy + i0, i1 - i0); });
}

void layer_norm_forward(float* out, float* sum, float* mean, float* rstd, const float* x, const float* residual,
                        const float* gamma, const float* beta, long rows, long cols, float eps) {
  const int threads = threads_for(double(rows) * cols, kParallelElements);
  for_ranges(rows, 4L * threads, 1, threads, [&](long r0, long r1) {
    const long off = r0 * cols;
    active_kernels().layer_norm_forward(out + off, sum + off, mean + r0, rstd + r0, x + off,
                                        residual ? residual + off : nullptr, gamma, beta, r1 - r0, cols, eps);
  });
}

void layer_norm_backward(float* dx, float* d_gamma, float* d_beta, const float* dy, const float* sum,
                         const float* mean, const float* rstd, const float* gamma, long rows, long cols) {
  const int threads = threads_for(double(rows) * cols, kParallelElements);
  // One static range per thread, each with its own double partials for dGamma and dBeta, summed in range order.
  const long ranges = threads;
  const long per = (rows + ranges - 1) / ranges;
  std::vector<double> partial(static_cast<size_t>(2 * cols * ranges), 0.0);
  std::vector<float> scratch(static_cast<size_t>(2 * cols * ranges));
  pool_for(
      ranges,
      [&](long t, int) {
        const long r0 = std::min(rows, t * per), r1 = std::min(rows, (t + 1) * per);
        if (r1 <= r0) return;
        const long off = r0 * cols;
        double* pg = partial.data() + 2 * cols * t;
        active_kernels().layer_norm_backward(dx + off, pg, pg + cols, scratch.data() + 2 * cols * t, dy + off,
                                             sum + off, mean + r0, rstd + r0, gamma, r1 - r0, cols);
      },
      threads);
  for (long c = 0; c < cols; ++c) {
    double g = 0, b = 0;
    for (long t = 0; t < ranges; ++t) {
      g += partial[2 * cols * t + c];
      b += partial[2 * cols * t + cols + c];
    }
    d_gamma[c] = static_cast<float>(d_gamma[c] + g);
    d_beta[c] = static_cast<float>(d_beta[c] + b);
  }
}

void softmax_forward(float* probs, const float* scores, const float* mask, long batch, long heads, long queries,
                     long keys, float scale) {
  // Rows are (batch, head, query); all rows of one batch entry share its mask row.
  const long rows_per_batch = heads * queries;
  const long rows = batch * rows_per_batch;
  const int threads = threads_for(double(rows) * keys, kParallelTranscendental);
  for_ranges(rows, 4L * threads, 1, threads, [&](long r0, long r1) {
    for (long r = r0; r < r1;) {
      const long b = r / rows_per_batch;
      const long stop = std::min(r1, (b + 1) * rows_per_batch);
      active_kernels().softmax_forward(probs + r * keys, scores + r * keys, mask ? mask + b * keys : nullptr,
                                       stop - r, keys, scale);
      r = stop;
    }
  });
}

void softmax_backward(float* d_scores, const float* probs, const float* d_probs, long rows, long keys, float scale) {
  const int threads = threads_for(double(rows) * keys, kParallelElements);
  for_ranges(rows, 4L * threads, 1, threads, [&](long r0, long r1) {
    const long off = r0 * keys;
    active_kernels().softmax_backward(d_scores + off, probs + off, d_probs + off, r1 - r0, keys, scale);
  });
}

void embedding_forward(float* out, const float* table, const int32_t* ids, long n, long dim) {
  const int threads = threads_for(double(n) * dim, kParallelElements);
  for_ranges(n, 4L * threads, 1, threads, [&](long i0, long i1) {
    for (long i = i0; i < i1; ++i)
      std::memcpy(out + i * dim, table + static_cast<long>(ids[i]) * dim, sizeof(float) * dim);
  });
}

void embedding_backward(float* d_table, const float* d_out, const int32_t* ids, long n, long dim,
                        int32_t padding_idx) {
  // Split by columns: repeated ids then never race, and each element's additions keep the order of ids.
  const int threads = threads_for(double(n) * dim, kParallelElements);
  for_ranges(dim, threads, 16, threads, [&](long c0, long c1) {
    for (long i = 0; i < n; ++i) {
      if (ids[i] == padding_idx) continue;
      float* dst = d_table + static_cast<long>(ids[i]) * dim;
      const float* src = d_out + i * dim;
      for (long c = c0; c < c1; ++c) dst[c] += src[c];
    }
  });
}

double cross_entropy_forward(float* probs, const float* logits, const int32_t* labels, long rows, long classes,
                             int32_t ignore_index, long* count) {
  long counted = 0;
  for (long r = 0; r < rows; ++r) counted += labels[r] != ignore_index;
  *count = counted;
  const int threads = threads_for(double(rows) * classes, kParallelTranscendental);
  const long ranges = std::min<long>(threads, std::max(1L, rows));
  const long per = (rows + ranges - 1) / ranges;
  std::vector<double> partial(static_cast<size_t>(ranges), 0.0);
  pool_for(
      ranges,
      [&](long t, int) {
        const long r0 = std::min(rows, t * per), r1 = std::min(rows, (t + 1) * per);
        if (r1 <= r0) return;
        partial[t] = active_kernels().cross_entropy_forward(probs + r0 * classes, logits + r0 * classes, labels + r0,
                                                             r1 - r0, classes, ignore_index);
      },
      threads);
  double loss = 0;
  for (double p : partial) loss += p;
  return loss;
}

void cross_entropy_backward(float* d_logits, const float* probs, const int32_t* labels, long rows, long classes,
                            int32_t ignore_index, float scale) {
  const int threads = threads_for(double(rows) * classes, kParallelElements);
  for_ranges(rows, 4L * threads, 1, threads, [&](long r0, long r1) {
    for (long r = r0; r < r1; ++r) {
      const int32_t label = labels[r];
      if (label == ignore_index) continue;
      float* d = d_logits + r * classes;
      const float* p = probs + r * classes;
      // As the JS reference: scale * p everywhere, then -scale at the label.
      for (long c = 0; c < classes; ++c) d[c] += scale * p[c];
      d[label] -= scale;
    }
  });
}

void adamw_step(float* param, float* m, float* v, float* grad, long n, double lr, double beta1, double beta2,
                double eps, double weight_decay, double step, float grad_scale) {
  const double bc1 = 1.0 - std::pow(beta1, step);
  const double bc2 = 1.0 - std::pow(beta2, step);
  const int threads = threads_for(double(n), kParallelElements);
  for_ranges(n, 4L * threads, 64, threads, [&](long i0, long i1) {
    active_kernels().adamw(param + i0, m + i0, v + i0, grad + i0, i1 - i0, lr, beta1, beta2, eps, weight_decay, bc1,
                           bc2, grad_scale);
  });
}

}  // namespace tsbert
