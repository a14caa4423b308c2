// Multi-head self-attention forward (Vaswani et al. §3.2.2) without dropout: inference and eval. One task per
// (sequence, head) runs scores = q.k^T, the masked softmax and context = probs.v back to back on one thread, so the
// [seq, seq] block (64 KB at seq 128) goes from one step to the next in L2 instead of through memory, and a layer's
// attention is one parallel phase instead of one per GEMM per sequence plus the softmax's.
#include "cpu-features.h"
#include "isa/isa-kernels.h"
#include "kernels.h"
#include "thread-pool.h"

namespace tsbert {

void attention_forward(float* context, float* probs, const float* q, const float* k, const float* v,
                       const float* mask, long batch, long heads, long seq, long head_dim, float scale) {
  const long hidden = heads * head_dim;
  const long square = seq * seq;
  const IsaKernels& isa = active_kernels();
  pool_for(batch * heads, [&](long task, int) {
    const long b = task / heads, h = task % heads;
    // Head h of a row is its column block [h * head_dim, (h + 1) * head_dim): strides, never copies.
    const long head0 = b * seq * hidden + h * head_dim;
    float* p = probs + task * square;
    GemmArgs scores{};
    scores.trans_b = true;
    scores.m = seq, scores.n = seq, scores.k = head_dim;
    scores.lda = hidden, scores.ldb = hidden, scores.ldc = seq;
    scores.alpha = 1.0f, scores.beta = 0.0f, scores.batch = 1;
    gemm_on_this_thread(p, q + head0, k + head0, scores);
    isa.softmax_forward(p, p, mask != nullptr ? mask + b * seq : nullptr, seq, seq, scale);
    GemmArgs mixed{};
    mixed.m = seq, mixed.n = head_dim, mixed.k = seq;
    mixed.lda = seq, mixed.ldb = hidden, mixed.ldc = hidden;
    mixed.alpha = 1.0f, mixed.beta = 0.0f, mixed.batch = 1;
    gemm_on_this_thread(context + head0, p, v + head0, mixed);
  });
}

}  // namespace tsbert
