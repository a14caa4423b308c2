// A grow-only 64-byte-aligned float buffer: a kernel's per-thread working space (thread_local), allocated once at
// the largest size asked for and reused by every later call on that thread.
#pragma once
#include <cstddef>
#include <cstdlib>

namespace tsbert {

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

}  // namespace tsbert
