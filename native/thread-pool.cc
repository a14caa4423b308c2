#include "thread-pool.h"

#if defined(__linux__)
#include <sched.h>
#endif

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <set>
#include <utility>
#include <cstdint>
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

// Physical cores among the CPUs this process may run on (its affinity mask, which also reflects taskset and
// cpuset limits): SMT siblings share one core's FMA units, so a second thread per core only adds contention to a
// GEMM that already saturates them. Falls back to the CPUs in the mask, then to hardware_concurrency.
int physical_cores() {
#if defined(__linux__)
  cpu_set_t mask;
  if (sched_getaffinity(0, sizeof mask, &mask) == 0) {
    const int cpus = CPU_COUNT(&mask);
    std::set<std::pair<long, long>> cores;  // (package, core id)
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
      if (!CPU_ISSET(cpu, &mask)) continue;
      char path[128];
      long ids[2] = {-1, -1};
      const char* files[2] = {"physical_package_id", "core_id"};
      for (int f = 0; f < 2; ++f) {
        std::snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%d/topology/%s", cpu, files[f]);
        if (FILE* fp = std::fopen(path, "r")) {
          if (std::fscanf(fp, "%ld", &ids[f]) != 1) ids[f] = -1;
          std::fclose(fp);
        }
      }
      if (ids[1] < 0) return cpus > 0 ? cpus : 1;  // no topology in /sys: count CPUs
      cores.insert({ids[0], ids[1]});
    }
    if (!cores.empty()) return static_cast<int>(cores.size());
    if (cpus > 0) return cpus;
  }
#endif
  const unsigned hw = std::thread::hardware_concurrency();
  return hw > 0 ? static_cast<int>(hw) : 1;
}

int default_threads() {
  if (const char* env = std::getenv("TSBERT_THREADS")) {
    const int n = std::atoi(env);
    if (n > 0) return n;
  }
  return physical_cores();
}

thread_local bool t_inside_job = false;

// How a job is shared (the point: on a machine where other processes hold the cores, the caller must never wait
// for a helper that has not woken up yet — it only waits for helpers that actually joined).
//   state_ = generation << 32 | closed << 31 | joined helpers.
// A helper joins by incrementing `joined` while the job is open; the caller, once every task is claimed, closes
// the job and waits only for the helpers that joined to leave. The job's description (fn_, ctx_, tasks_) is
// written before the job opens and not touched until every joined helper has left, so helpers never see a torn one.
constexpr uint64_t kClosed = uint64_t{1} << 31;
constexpr int kSpinsBeforeSleep = 4000;
constexpr uint64_t kJoinedMask = kClosed - 1;

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
    if (!run_lock.owns_lock()) {  // another JS thread is running a job: do this one alone
      for (long t = 0; t < tasks; ++t) fn(ctx, t, 0);
      return;
    }
    t_inside_job = true;
    start_workers();
    fn_ = fn;
    ctx_ = ctx;
    tasks_ = tasks;
    max_helpers_ = want - 1;
    next_.store(0, std::memory_order_relaxed);
    left_.store(0, std::memory_order_relaxed);
    const uint64_t gen = ++generation_counter_;
    state_.store(gen << 32, std::memory_order_seq_cst);
    generation_.store(static_cast<uint32_t>(gen), std::memory_order_seq_cst);
    if (sleepers_.load(std::memory_order_seq_cst) > 0) {
      std::lock_guard<std::mutex> lock(mutex_);
      wake_.notify_all();
    }
    work(0);
    // Close the job; from now on no helper can join. Wait for those that did.
    uint64_t s = state_.load(std::memory_order_acquire);
    while (!state_.compare_exchange_weak(s, s | kClosed, std::memory_order_acq_rel)) {
    }
    const long joined = static_cast<long>(s & kJoinedMask);
    for (long spin = 0; left_.load(std::memory_order_acquire) < joined; ++spin) {
      if (spin < 4096)
        cpu_relax();
      else
        std::this_thread::yield();  // a joined helper was descheduled mid-task
    }
    t_inside_job = false;
  }

 private:
  void start_workers() {
    if (!workers_.empty()) return;
    quit_.store(false);
    const uint32_t gen = generation_.load();
    for (int i = 1; i < threads_; ++i) workers_.emplace_back([this, i, gen] { loop(i, gen); });
  }

  void stop() {
    if (workers_.empty()) return;
    quit_.store(true);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      generation_.fetch_add(1);
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

  // Joins the job of generation `gen` if it is still open and has room; returns whether it did.
  bool try_join(uint32_t gen) {
    uint64_t s = state_.load(std::memory_order_acquire);
    for (;;) {
      if (static_cast<uint32_t>(s >> 32) != gen || (s & kClosed) ||
          static_cast<long>(s & kJoinedMask) >= max_helpers_)
        return false;
      if (state_.compare_exchange_weak(s, s + 1, std::memory_order_acq_rel)) return true;
    }
  }

  void loop(int index, uint32_t seen) {
    t_inside_job = true;
    for (;;) {
      // Spin ~100 us (pause is ~24 ns on Zen 5): a model's next kernel usually follows within that, and a
      // sleeping helper costs a futex wake-up. Longer spinning only burns a shared machine's cores (measured: 4.6%
      // of a pre-training run's CPU at 20000 spins), then sleep.
      uint32_t gen = seen;
      for (int spin = 0; spin < kSpinsBeforeSleep && gen == seen; ++spin) {
        cpu_relax();
        gen = generation_.load(std::memory_order_seq_cst);
      }
      if (gen == seen) {
        std::unique_lock<std::mutex> lock(mutex_);
        sleepers_.fetch_add(1, std::memory_order_seq_cst);
        while ((gen = generation_.load(std::memory_order_seq_cst)) == seen) wake_.wait(lock);
        sleepers_.fetch_sub(1, std::memory_order_seq_cst);
      }
      seen = gen;
      if (quit_.load()) return;
      if (try_join(gen)) {
        work(index);
        left_.fetch_add(1, std::memory_order_release);
      }
    }
  }

  int threads_ = default_threads();
  std::vector<std::thread> workers_;
  std::mutex run_mutex_;  // one parallel job at a time
  std::mutex mutex_;      // guards sleeping and waking
  std::condition_variable wake_;
  std::atomic<uint32_t> generation_{0};
  uint64_t generation_counter_ = 0;
  std::atomic<uint64_t> state_{0};
  std::atomic<int> sleepers_{0};
  std::atomic<long> next_{0};
  std::atomic<long> left_{0};
  std::atomic<bool> quit_{false};
  TaskFn fn_ = nullptr;
  void* ctx_ = nullptr;
  long tasks_ = 0;
  long max_helpers_ = 0;
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
