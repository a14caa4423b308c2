// Multi-head self-attention (Vaswani et al. §3.2.2), one task per (sequence, head): the products, the masked softmax,
// dropout and, for training, the backward pass run back to back on one thread, so each [seq, seq] block (64 KB at
// seq 128) goes from one step to the next in L2 instead of through memory, and a layer's attention is one parallel
// phase instead of one per GEMM per sequence plus the softmax's and dropout's. Training writes only what backward
// reads (probs and the dropout mask); the dropped probabilities and the gradients' blocks never leave the thread.
#include <algorithm>
#include <vector>

#include "cpu-features.h"
#include "isa/isa-kernels.h"
#include "kernels.h"
#include "scratch.h"
#include "thread-pool.h"

namespace tsbert {
namespace {

// A product of one head on the calling thread: C (+)= op(A) . op(B) with the given shapes and leading dimensions.
void head_product(float* c, const float* a, const float* b, bool trans_a, bool trans_b, long m, long n, long k,
                  long lda, long ldb, long ldc, float beta) {
  GemmArgs g{};
  g.trans_a = trans_a, g.trans_b = trans_b;
  g.m = m, g.n = n, g.k = k;
  g.lda = lda, g.ldb = ldb, g.ldc = ldc;
  g.alpha = 1.0f, g.beta = beta, g.batch = 1;
  gemm_on_this_thread(c, a, b, g);
}

// One head of one sequence on the calling thread. `offset` is the head's first element in q, k, v and context:
// head h of a row is its column block [h * head_dim, (h + 1) * head_dim), so heads are strides, never copies.
// p [seq, seq] = softmax(scale * q.k^T + mask).
void head_probs(float* p, const float* q, const float* k, const float* mask, long offset, long seq, long hidden,
                long head_dim, float scale, const IsaKernels& isa) {
  head_product(p, q + offset, k + offset, false, true, seq, seq, head_dim, hidden, hidden, seq, 0.0f);
  isa.softmax_forward(p, p, mask, seq, seq, scale);
}

// context [seq, head_dim] (column block at offset) = p [seq, seq] . v.
void head_mix(float* context, const float* p, const float* v, long offset, long seq, long hidden, long head_dim) {
  head_product(context + offset, p, v + offset, false, false, seq, head_dim, seq, seq, hidden, hidden, 0.0f);
}

void attend_head(float* context, float* p, const float* q, const float* k, const float* v, const float* mask,
                 long offset, long seq, long hidden, long head_dim, float scale, const IsaKernels& isa) {
  head_probs(p, q, k, mask, offset, seq, hidden, head_dim, scale, isa);
  head_mix(context, p, v, offset, seq, hidden, head_dim);
}

// Per-thread [seq, seq] working blocks: the dropped probabilities (forward); dUsed and dScores (backward).
thread_local Scratch t_used;
thread_local Scratch t_d_used;
thread_local Scratch t_d_scores;

}  // namespace

void attention_forward(float* context, float* probs, const float* q, const float* k, const float* v,
                       const float* mask, long batch, long heads, long seq, long head_dim, float scale) {
  const long hidden = heads * head_dim;
  const IsaKernels& isa = active_kernels();
  pool_for(batch * heads, [&](long task, int) {
    const long b = task / heads, h = task % heads;
    attend_head(context, probs + task * seq * seq, q, k, v, mask != nullptr ? mask + b * seq : nullptr,
                b * seq * hidden + h * head_dim, seq, hidden, head_dim, scale, isa);
  });
}

void attention_forward_packed(float* context, float* probs, const float* q, const float* k, const float* v,
                              const int32_t* offsets, long count, long heads, long head_dim, float scale) {
  const long hidden = heads * head_dim;
  const IsaKernels& isa = active_kernels();
  // Where each sequence's [heads, len, len] block of probs starts: the packed layout has no fixed stride.
  std::vector<long> probs_start(count + 1, 0);
  for (long i = 0; i < count; ++i) {
    const long len = offsets[i + 1] - offsets[i];
    probs_start[i + 1] = probs_start[i] + heads * len * len;
  }
  // One task per (sequence, head), as attention_forward: a batch of short sequences is one parallel phase.
  pool_for(count * heads, [&](long task, int) {
    const long i = task / heads, h = task % heads;
    const long seq = offsets[i + 1] - offsets[i];
    attend_head(context, probs + probs_start[i] + h * seq * seq, q, k, v, nullptr,
                long(offsets[i]) * hidden + h * head_dim, seq, hidden, head_dim, scale, isa);
  });
}

void attention_train_forward(float* context, float* probs, float* drop_mask, const float* q, const float* k,
                             const float* v, const float* mask, long batch, long heads, long seq, long head_dim,
                             float scale, double p, float keep, uint32_t* state) {
  const long hidden = heads * head_dim, square = seq * seq;
  const IsaKernels& isa = active_kernels();
  pool_for(batch * heads, [&](long task, int) {
    const long b = task / heads, h = task % heads, offset = b * seq * hidden + h * head_dim;
    float* p_task = probs + task * square;
    float* used = t_used.get(square);
    head_probs(p_task, q, k, mask != nullptr ? mask + b * seq : nullptr, offset, seq, hidden, head_dim, scale, isa);
    // The block's draws are the stream's elements task * square .. (task + 1) * square - 1, as the unfused
    // dropout over all of probs would draw them.
    dropout_at(used, drop_mask + task * square, p_task, square, p, keep, state, static_cast<uint64_t>(task * square));
    head_mix(context, used, v, offset, seq, hidden, head_dim);
  });
  rng_advance(state, static_cast<uint64_t>(batch * heads * square));
}

void attention_backward(float* dq, float* dk, float* dv, const float* d_context, const float* probs,
                        const float* drop_mask, const float* q, const float* k, const float* v, long batch, long heads,
                        long seq, long head_dim, float scale) {
  const long hidden = heads * head_dim, square = seq * seq;
  const IsaKernels& isa = active_kernels();
  pool_for(batch * heads, [&](long task, int) {
    const long offset = (task / heads) * seq * hidden + (task % heads) * head_dim;
    const float* p_task = probs + task * square;
    const float* mask_task = drop_mask != nullptr ? drop_mask + task * square : nullptr;
    const float* d_ctx = d_context + offset;
    float* d_used = t_d_used.get(square);
    float* d_scores = t_d_scores.get(square);
    // dUsed [seq, seq] = dContext . v^T
    head_product(d_used, d_ctx, v + offset, false, true, seq, seq, head_dim, hidden, hidden, seq, 0.0f);
    if (dv != nullptr) {
      // used = probs * mask (d_scores holds it until the softmax's backward needs the block); dv += used^T . dContext
      const float* used = p_task;
      if (mask_task != nullptr) {
        isa.multiply_accumulate(d_scores, p_task, mask_task, square, 0.0f);
        used = d_scores;
      }
      head_product(dv + offset, used, d_ctx, true, false, seq, head_dim, seq, seq, hidden, hidden, 1.0f);
    }
    if (mask_task != nullptr) isa.multiply_accumulate(d_used, d_used, mask_task, square, 0.0f);
    std::fill(d_scores, d_scores + square, 0.0f);
    isa.softmax_backward(d_scores, p_task, d_used, seq, seq, scale);
    // dq += dScores . k; dk += dScores^T . q
    if (dq != nullptr) head_product(dq + offset, d_scores, k + offset, false, false, seq, head_dim, seq, seq, hidden, hidden, 1.0f);
    if (dk != nullptr) head_product(dk + offset, d_scores, q + offset, true, false, seq, head_dim, seq, seq, hidden, hidden, 1.0f);
  });
}

}  // namespace tsbert
