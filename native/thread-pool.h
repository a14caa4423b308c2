// A persistent pool of worker threads. run(tasks, fn) hands out task indices from an atomic counter; the calling
// thread claims tasks too and returns when every task is done. Workers spin briefly after a job (a GEMM issues
// jobs back to back) and then sleep on a condition variable, so an idle pool costs no CPU on a shared machine.
#pragma once
#include <cstddef>

namespace tsbert {

// fn(ctx, task, thread): thread is in [0, threads()) and unique among concurrently running tasks, so it can
// index per-thread scratch.
using TaskFn = void (*)(void* ctx, long task, int thread);

// Threads a parallel call may use (the caller counts as one). Default: TSBERT_THREADS, else the hardware's cores.
int pool_threads();
void pool_set_threads(int threads);

// Runs fn for task = 0 .. tasks-1 on up to `max_threads` threads (<= 0: all) and waits for all of them. If the
// pool is busy (a call from another JS thread), the tasks run on the calling thread alone: correct, just slower.
void pool_run(long tasks, TaskFn fn, void* ctx, int max_threads = 0);

// Convenience for lambdas: pool_for(tasks, [&](long task, int thread) { ... }).
template <typename F>
void pool_for(long tasks, F&& f, int max_threads = 0) {
  pool_run(
      tasks, [](void* ctx, long task, int thread) { (*static_cast<F*>(ctx))(task, thread); },
      static_cast<void*>(&f), max_threads);
}

}  // namespace tsbert
