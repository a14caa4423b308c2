// Inverted dropout from tsbert's xoshiro128** stream (src/tensor/rng.ts), split across threads without changing a
// single draw. xoshiro128** updates its 128-bit state linearly over GF(2): n steps are one 128 x 128 bit matrix
// T^n. The powers T^(2^i) are built once; moving a state n draws ahead multiplies it by the powers for n's set bits
// (a few microseconds), so each thread starts its slice of the elements at that slice's offset in the stream, and
// the masks and the final state are exactly those of the sequential loop. Within a slice the same jumps give each
// vector lane of the ISA's kernel its own contiguous run of the stream (IsaKernels::dropout_streams).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

#include "cpu-features.h"
#include "kernels.h"
#include "thread-pool.h"

namespace tsbert {
namespace {

struct RngState {
  uint32_t w[4];
};

// One xoshiro128** step: returns the output and advances the state (the same words as Rng.nextUint32).
inline uint32_t next(RngState& s) {
  const uint32_t m = s.w[1] * 5u;
  const uint32_t result = ((m << 7) | (m >> 25)) * 9u;
  const uint32_t t = s.w[1] << 9;
  s.w[2] ^= s.w[0];
  s.w[3] ^= s.w[1];
  s.w[1] ^= s.w[2];
  s.w[0] ^= s.w[3];
  s.w[2] ^= t;
  s.w[3] = (s.w[3] << 11) | (s.w[3] >> 21);
  return result;
}

// Below this many elements a slice draws sequentially: the lanes' jumps would cost more than the vectors save.
constexpr long kVectorDraws = 4096;
// The widest ISA's lanes (AVX-512: 16 floats), the size of the lanes' state buffer.
constexpr long kMaxLanes = 16;

// A linear map of the state: column j is the image of the state with only bit j set.
using BitMatrix = std::array<RngState, 128>;

// Branch-free: the state's bits are random, so a branch per bit is mispredicted half the time. Attention's dropout
// jumps ~20 times per (sequence, head): branch-free, its cost over attention without dropout fell from 0.70-0.73 ms
// to 0.31-0.33 ms for 4 sequences x 8 heads x 128^2 on one Zen 5 thread (bench/attention-kernels.mjs).
RngState apply(const BitMatrix& m, const RngState& v) {
  RngState r{};
  for (int j = 0; j < 128; ++j) {
    const uint32_t take = 0u - ((v.w[j >> 5] >> (j & 31)) & 1u);
    for (int k = 0; k < 4; ++k) r.w[k] ^= m[j].w[k] & take;
  }
  return r;
}

// T^(2^i) for i < kJumpBits: jumps of up to 2^48 draws.
constexpr int kJumpBits = 48;
const std::vector<BitMatrix>& step_powers() {
  static const std::vector<BitMatrix> powers = [] {
    std::vector<BitMatrix> p(kJumpBits);
    for (int j = 0; j < 128; ++j) {
      RngState e{};
      e.w[j >> 5] = 1u << (j & 31);
      next(e);
      p[0][j] = e;
    }
    for (int i = 1; i < kJumpBits; ++i)
      for (int j = 0; j < 128; ++j) p[i][j] = apply(p[i - 1], p[i - 1][j]);
    return p;
  }();
  return powers;
}

RngState jump(RngState s, uint64_t draws) {
  const std::vector<BitMatrix>& powers = step_powers();
  for (int i = 0; i < kJumpBits && draws != 0; ++i, draws >>= 1)
    if (draws & 1u) s = apply(powers[i], s);
  return s;
}

void dropout_sequential(float* out, float* mask, const float* x, long n, double threshold, float keep, RngState& s) {
  for (long i = 0; i < n; ++i) {
    const float k = static_cast<double>(next(s)) < threshold ? 0.0f : keep;
    mask[i] = k;
    out[i] = x[i] * k;
  }
}

// A slice of the stream starting at state s: the ISA's lanes each take a contiguous chunk from a state jumped ahead
// to it (a jump costs one pass over the 128 columns per set bit of the distance), the rest runs sequentially after them.
void dropout_slice(float* out, float* mask, const float* x, long n, double threshold, float keep, RngState s) {
  const IsaKernels& kernels = active_kernels();
  const long lanes = kernels.dropout_lanes;
  const long chunk = n / (lanes * lanes) * lanes;
  long done = 0;
  if (chunk > 0 && n >= kVectorDraws && lanes <= kMaxLanes) {
    uint32_t lane_states[4 * kMaxLanes];
    for (long l = 0; l < lanes; ++l) {
      for (int k = 0; k < 4; ++k) lane_states[k * lanes + l] = s.w[k];
      s = jump(s, static_cast<uint64_t>(chunk));
    }
    // u < p * 2^32 (a double, exact) <=> u < ceil(p * 2^32) for an integer u.
    const uint64_t below = static_cast<uint64_t>(std::ceil(threshold));
    kernels.dropout_streams(out, mask, x, chunk, lane_states, below, keep);
    done = lanes * chunk;
  }
  dropout_sequential(out + done, mask + done, x + done, n - done, threshold, keep, s);
}

// Below this many elements one thread draws them all (a jump costs about as much as a few thousand draws).
constexpr long kParallelDraws = 1L << 16;

}  // namespace

void dropout_forward(float* out, float* mask, const float* x, long n, double p, float keep, uint32_t* state) {
  const double threshold = p * 4294967296.0;
  RngState s{{state[0], state[1], state[2], state[3]}};
  const int threads = n < kParallelDraws ? 1 : pool_threads();
  if (threads <= 1) {
    dropout_slice(out, mask, x, n, threshold, keep, s);
  } else {
    const long per = (n + threads - 1) / threads;
    pool_for(
        threads,
        [&](long t, int) {
          const long i0 = std::min(n, t * per), i1 = std::min(n, (t + 1) * per);
          if (i1 > i0) dropout_slice(out + i0, mask + i0, x + i0, i1 - i0, threshold, keep, jump(s, i0));
        },
        threads);
  }
  rng_advance(state, static_cast<uint64_t>(n));
}

void dropout_at(float* out, float* mask, const float* x, long n, double p, float keep, const uint32_t* state,
                uint64_t offset) {
  const RngState s{{state[0], state[1], state[2], state[3]}};
  dropout_slice(out, mask, x, n, p * 4294967296.0, keep, jump(s, offset));
}

void rng_advance(uint32_t* state, uint64_t draws) {
  const RngState end = jump(RngState{{state[0], state[1], state[2], state[3]}}, draws);
  for (int k = 0; k < 4; ++k) state[k] = end.w[k];
}

}  // namespace tsbert
