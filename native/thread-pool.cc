#include "thread-pool.h"

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
static inline void cpu_relax() { _mm_pause(); }
#else
static inline void cpu_relax() {}
#endif

namespace tsbert {
namespace {

int default_threads() {
  if (const char* env = std::getenv("TSBERT_THREADS")) {
    const int n = std::atoi(env);
    if (n > 0) return n;
  }
  const unsigned hw = std::thread::hardware_concurrency();
  return hw > 0 ? static_cast<int>(hw) : 1;
}

thread_local bool t_inside_job = false;

class Pool {
 public:
  ~Pool() { stop(); }

  int threads() const { return threads_; }

  void set_threads(int n) {
    std::lock_guard<std::mutex> run_lock(run_mutex_);
    stop();
    threads_ = n < 1 ? 1 : n;
  }

  void run(long tasks, TaskFn fn, void* ctx, int max_threads) {
    int want = max_threads > 0 && max_threads < threads_ ? max_threads : threads_;
    if (want > tasks) want = static_cast<int>(tasks);
    // Nested calls (from inside a task) and single-thread jobs run inline.
    if (want <= 1 || t_inside_job) {
      for (long t = 0; t < tasks; ++t) fn(ctx, t, 0);
      return;
    }
    std::unique_lock<std::mutex> run_lock(run_mutex_, std::try_to_lock);
    if (!run_lock.owns_lock()) {
      for (long t = 0; t < tasks; ++t) fn(ctx, t, 0);
      return;
    }
    t_inside_job = true;
    start_workers();
    fn_ = fn;
    ctx_ = ctx;
    tasks_ = tasks;
    next_.store(0, std::memory_order_relaxed);
    active_ = want - 1;
    pending_.store(want - 1, std::memory_order_relaxed);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      generation_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    work(0);
    // Wait for the helpers that joined this job to finish their last task.
    // Spin first; yield once it drags on (a helper may have been descheduled on a busy machine).
    for (long spin = 0; pending_.load(std::memory_order_acquire) != 0; ++spin) {
      if (spin < 4096)
        cpu_relax();
      else
        std::this_thread::yield();
    }
    t_inside_job = false;
  }

 private:
  void start_workers() {
    if (!workers_.empty()) return;
    quit_ = false;
    // Workers start from the current generation, so a job published before they first run is not missed.
    const unsigned gen = generation_.load(std::memory_order_acquire);
    for (int i = 1; i < threads_; ++i) workers_.emplace_back([this, i, gen] { loop(i, gen); });
  }

  void stop() {
    if (workers_.empty()) return;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      quit_ = true;
      generation_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    for (auto& w : workers_) w.join();
    workers_.clear();
  }

  void work(int thread) {
    for (;;) {
      const long t = next_.fetch_add(1, std::memory_order_relaxed);
      if (t >= tasks_) return;
      fn_(ctx_, t, thread);
    }
  }

  void loop(int index, unsigned seen) {
    t_inside_job = true;
    for (;;) {
      // Spin a little (a GEMM's next job usually follows within microseconds), then sleep.
      unsigned gen = seen;
      for (int spin = 0; spin < 20000; ++spin) {
        gen = generation_.load(std::memory_order_acquire);
        if (gen != seen) break;
        cpu_relax();
      }
      if (gen == seen) {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return generation_.load(std::memory_order_acquire) != seen; });
        gen = generation_.load(std::memory_order_acquire);
      }
      seen = gen;
      if (quit_) return;
      // Only the first `active_` workers join a job that asked for fewer threads than the pool has.
      if (index <= active_) {
        work(index);
        pending_.fetch_sub(1, std::memory_order_acq_rel);
      }
    }
  }

  int threads_ = default_threads();
  std::vector<std::thread> workers_;
  std::mutex run_mutex_;  // one parallel job at a time
  std::mutex mutex_;
  std::condition_variable wake_;
  std::atomic<unsigned> generation_{0};
  std::atomic<long> next_{0};
  std::atomic<int> pending_{0};
  TaskFn fn_ = nullptr;
  void* ctx_ = nullptr;
  long tasks_ = 0;
  int active_ = 0;
  bool quit_ = false;
};

Pool& pool() {
  static Pool instance;
  return instance;
}

}  // namespace

int pool_threads() { return pool().threads(); }
void pool_set_threads(int threads) { pool().set_threads(threads); }
void pool_run(long tasks, TaskFn fn, void* ctx, int max_threads) { pool().run(tasks, fn, ctx, max_threads); }

}  // namespace tsbert
