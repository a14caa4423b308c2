// tsbert's SGEMM and OpenBLAS's cblas_sgemm in ONE process, alternating in short blocks, so both see the same
// machine load (on a shared machine, separate processes minutes apart see different neighbours). A tuning aid;
// the published side-by-side is bench/gemm-side-by-side.sh (through torch.matmul).
//   g++ -O3 ... tools/gemm-vs-openblas.cc <sources> -ldl, then run with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE
//   unset and OPENBLAS_THREAD_TIMEOUT=4: ./gemm-vs-openblas [threads] [blocks] [rows] [grad]
#include <dlfcn.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <string>
#include <vector>

#include "../cpu-features.h"
#include "../kernels.h"
#include "../thread-pool.h"

using SgemmFn = void (*)(int order, int ta, int tb, int m, int n, int k, float alpha, const float* a, int lda,
                         const float* b, int ldb, float beta, float* c, int ldc);
using SetThreadsFn = void (*)(int);

static double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

int main(int argc, char** argv) {
  const int threads = argc > 1 ? std::atoi(argv[1]) : 2;
  const int blocks = argc > 2 ? std::atoi(argv[2]) : 10;
  void* lib = dlopen("libopenblas.so.0", RTLD_NOW);
  if (!lib) {
    std::fprintf(stderr, "no libopenblas.so.0\n");
    return 1;
  }
  auto sgemm = reinterpret_cast<SgemmFn>(dlsym(lib, "cblas_sgemm"));
  auto set_threads = reinterpret_cast<SetThreadsFn>(dlsym(lib, "openblas_set_num_threads"));
  set_threads(threads);
  tsbert::pool_set_threads(threads);
  struct Shape { long m, k, n; bool tb; bool ta = false; };
  const long rows = argc > 3 ? std::atol(argv[3]) : 1024;  // 128: one sequence (inference)
  // argv[4] == "grad": the weight-gradient layouts (dW = dY^T X: A stored [tokens, out], used transposed).
  const bool grad = argc > 4 && std::string(argv[4]) == "grad";
  std::vector<Shape> shapes = {{rows, 768, 768, false}, {rows, 768, 3072, false}, {rows, 3072, 768, false},
                               {rows, 768, 768, true},  {rows, 768, 3072, true},  {rows, 3072, 768, true}};
  if (grad) shapes = {{768, rows, 768, false, true}, {3072, rows, 768, false, true}, {768, rows, 3072, false, true}};
  // "gradn": the same sizes with A not transposed (separates the layout from the long inner dimension).
  if (argc > 4 && std::string(argv[4]) == "gradn")
    shapes = {{768, rows, 768, false, false}, {3072, rows, 768, false, false}, {768, rows, 3072, false, false}};
  std::printf("| shape | tsbert | OpenBLAS | ratio |\n|---|---:|---:|---:|\n");
  for (const Shape& s : shapes) {
    std::vector<float> a(s.m * s.k), b(s.k * s.n), c(s.m * s.n);
    for (size_t i = 0; i < a.size(); ++i) a[i] = static_cast<float>((i * 7919) % 1000) / 1000.0f - 0.5f;
    for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<float>((i * 104729) % 1000) / 1000.0f - 0.5f;
    const long lda = s.ta ? s.m : s.k;
    tsbert::GemmArgs p{s.ta, s.tb, s.m, s.n, s.k, lda, s.tb ? s.k : s.n, s.n, 1.0f, 0.0f, 1, 0, 0, 0};
    auto ours = [&] { tsbert::gemm(c.data(), a.data(), b.data(), p); };
    auto theirs = [&] {
      sgemm(101, s.ta ? 112 : 111, s.tb ? 112 : 111, s.m, s.n, s.k, 1.0f, a.data(), lda, b.data(),
            s.tb ? s.k : s.n, 0.0f, c.data(), s.n);
    };
    std::vector<double> t_ours, t_theirs;
    auto timed = [](auto& f, std::vector<double>& out, int reps) {
      for (int r = 0; r < reps; ++r) {
        auto t0 = std::chrono::steady_clock::now();
        f();
        out.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
      }
    };
    for (int blk = 0; blk < blocks; ++blk) {
      std::vector<double> warm;
      timed(ours, warm, 2);
      timed(ours, t_ours, 10);
      std::this_thread::sleep_for(std::chrono::milliseconds(5));  // let our helpers go to sleep
      timed(theirs, warm, 2);
      timed(theirs, t_theirs, 10);
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    const double fl = 2.0 * s.m * s.n * s.k;
    const double g_ours = fl / median(t_ours) / 1e9, g_theirs = fl / median(t_theirs) / 1e9;
    std::printf("| [%ld,%ld]x[%ld,%ld]%s%s | %.1f | %.1f | %.2fx |\n", s.m, s.k, s.k, s.n, s.ta ? " transA" : "",
                s.tb ? " transB" : "", g_ours,
                g_theirs, g_ours / g_theirs);
  }
  std::printf("\n%s, %d threads, medians of %d calls each, alternating blocks of 10\n",
              tsbert::active_kernels().name, threads, blocks * 10);
}
