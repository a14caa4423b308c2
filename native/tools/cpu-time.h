// CPU time and common arguments for the stand-alone benches: a time-sliced run on a shared machine reads the same as a quiet one. One
// thread: the calling thread's CPU time; more: the process's (divide by the threads; a helper that spins waiting
// counts, one that sleeps does not).
#pragma once
#include <time.h>

#include <cstdlib>

inline double cpu_seconds(int threads) {
  timespec ts;
  clock_gettime(threads == 1 ? CLOCK_THREAD_CPUTIME_ID : CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// The benches' common arguments: [threads=1] [reps=10] [rows=1024] [peak per thread=default_peak].
struct BenchArgs {
  int threads;
  int reps;
  long rows;
  double peak;
};

inline BenchArgs bench_args(int argc, char** argv, double default_peak) {
  return {argc > 1 ? std::atoi(argv[1]) : 1, argc > 2 ? std::atoi(argv[2]) : 10, argc > 3 ? std::atol(argv[3]) : 1024,
          argc > 4 ? std::atof(argv[4]) : default_peak};
}
