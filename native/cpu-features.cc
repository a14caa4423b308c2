#include "cpu-features.h"

#include <cstdlib>
#include <cstring>

namespace tsbert {
namespace {

bool cpu_has_avx512() {
#if defined(TSBERT_HAVE_X86_ISAS)
  // GCC's cpu model also checks XCR0, so an OS that does not save zmm state reports false.
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
         __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("fma");
#else
  return false;
#endif
}

bool cpu_has_avx512vnni() {
#if defined(TSBERT_HAVE_X86_ISAS)
  return cpu_has_avx512() && __builtin_cpu_supports("avx512vnni");
#else
  return false;
#endif
}

bool cpu_has_avx512bf16() {
#if defined(TSBERT_HAVE_X86_ISAS)
  return cpu_has_avx512vnni() && __builtin_cpu_supports("avx512bf16");
#else
  return false;
#endif
}

bool cpu_has_avx2() {
#if defined(TSBERT_HAVE_X86_ISAS)
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  return false;
#endif
}

const IsaKernels* kernels_for(const char* name) {
#if defined(TSBERT_HAVE_X86_ISAS)
  if (std::strcmp(name, "avx512bf16") == 0) return cpu_has_avx512bf16() ? &kAvx512Bf16Kernels : nullptr;
  if (std::strcmp(name, "avx512vnni") == 0) return cpu_has_avx512vnni() ? &kAvx512VnniKernels : nullptr;
  if (std::strcmp(name, "avx512") == 0) return cpu_has_avx512() ? &kAvx512Kernels : nullptr;
  if (std::strcmp(name, "avx2") == 0) return cpu_has_avx2() ? &kAvx2Kernels : nullptr;
#endif
  if (std::strcmp(name, "generic") == 0) return &kGenericKernels;
  return nullptr;
}

const IsaKernels* initial_kernels() {
  if (const char* env = std::getenv("TSBERT_ISA")) {
    if (const IsaKernels* k = kernels_for(env)) return k;
  }
  if (const IsaKernels* k = kernels_for("avx512bf16")) return k;
  if (const IsaKernels* k = kernels_for("avx512vnni")) return k;
  if (const IsaKernels* k = kernels_for("avx512")) return k;
  if (const IsaKernels* k = kernels_for("avx2")) return k;
  return &kGenericKernels;
}

const IsaKernels* g_active = nullptr;

}  // namespace

const IsaKernels& active_kernels() {
  if (g_active == nullptr) g_active = initial_kernels();
  return *g_active;
}

bool set_isa(const char* name) {
  const IsaKernels* k = kernels_for(name);
  if (k == nullptr) return false;
  g_active = k;
  return true;
}

const char* supported_isas() {
  if (cpu_has_avx512bf16()) return "avx512bf16,avx512vnni,avx512,avx2,generic";
  if (cpu_has_avx512vnni()) return "avx512vnni,avx512,avx2,generic";
  if (cpu_has_avx512()) return "avx512,avx2,generic";
  if (cpu_has_avx2()) return "avx2,generic";
  return "generic";
}

}  // namespace tsbert
