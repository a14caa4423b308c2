// Multi-head self-attention forward (Vaswani et al. §3.2.2) without dropout: inference and eval. One task per
// (sequence, head) runs scores = q.k^T, the masked softmax and context = probs.v back to back on one thread, so the
// [seq, seq] block (64 KB at seq 128) goes from one step to the next in L2 instead of through memory, and a layer's
// attention is one parallel phase instead of one per GEMM per sequence plus the softmax's.
#include <vector>

#include "cpu-features.h"
#include "isa/isa-kernels.h"
#include "kernels.h"
#include "thread-pool.h"

namespace tsbert {
namespace {

// One head of one sequence on the calling thread. `offset` is the head's first element in q, k, v and context:
// head h of a row is its column block [h * head_dim, (h + 1) * head_dim), so heads are strides, never copies.
void attend_head(float* context, float* p, const float* q, const float* k, const float* v, const float* mask,
                 long offset, long seq, long hidden, long head_dim, float scale, const IsaKernels& isa) {
  GemmArgs scores{};
  scores.trans_b = true;
  scores.m = seq, scores.n = seq, scores.k = head_dim;
  scores.lda = hidden, scores.ldb = hidden, scores.ldc = seq;
  scores.alpha = 1.0f, scores.beta = 0.0f, scores.batch = 1;
  gemm_on_this_thread(p, q + offset, k + offset, scores);
  isa.softmax_forward(p, p, mask, seq, seq, scale);
  GemmArgs mixed{};
  mixed.m = seq, mixed.n = head_dim, mixed.k = seq;
  mixed.lda = seq, mixed.ldb = hidden, mixed.ldc = hidden;
  mixed.alpha = 1.0f, mixed.beta = 0.0f, mixed.batch = 1;
  gemm_on_this_thread(context + offset, p, v + offset, mixed);
}

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

}  // namespace tsbert
