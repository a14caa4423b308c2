#include "cpu-features.h"

#include <cstdlib>
#include <cstring>
#include <string>
#if defined(__linux__)
#include <sys/syscall.h>
#include <unistd.h>
#endif

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

bool cpu_has_amx_bf16() {
#if defined(TSBERT_HAVE_X86_ISAS)
  return __builtin_cpu_supports("amx-bf16");
#else
  return false;
#endif
}

// AMX-INT8 and AMX-BF16, and the OS's leave to use the tile state: Linux hands out the 8 KB of tile data per process
// on request (arch_prctl ARCH_REQ_XCOMP_PERM for XFEATURE_XTILEDATA, Linux 5.16 and later; it refuses while a thread's
// signal stack is too small for the larger state); a tile instruction before it faults.
bool cpu_has_amx() {
#if defined(TSBERT_HAVE_X86_ISAS) && defined(__linux__)
  static const bool granted = [] {
    if (!cpu_has_avx512vnni() || !__builtin_cpu_supports("amx-int8") || !__builtin_cpu_supports("amx-bf16"))
      return false;
    constexpr long kArchReqXcompPerm = 0x1023, kXfeatureXtiledata = 18;
    return syscall(SYS_arch_prctl, kArchReqXcompPerm, kXfeatureXtiledata) == 0;
  }();
  return granted;
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

bool cpu_has_avx2vnni() {
#if defined(TSBERT_HAVE_X86_ISAS)
  return cpu_has_avx2() && __builtin_cpu_supports("avxvnni");
#else
  return false;
#endif
}

const IsaKernels* kernels_for(const char* name) {
#if defined(TSBERT_HAVE_X86_ISAS)
  if (std::strcmp(name, "avx512amx") == 0) return cpu_has_amx() ? &kAvx512AmxKernels : nullptr;
  if (std::strcmp(name, "avx512bf16") == 0) return cpu_has_avx512bf16() ? &kAvx512Bf16Kernels : nullptr;
  if (std::strcmp(name, "avx512vnni") == 0) return cpu_has_avx512vnni() ? &kAvx512VnniKernels : nullptr;
  if (std::strcmp(name, "avx512") == 0) return cpu_has_avx512() ? &kAvx512Kernels : nullptr;
  if (std::strcmp(name, "avx2vnni") == 0) return cpu_has_avx2vnni() ? &kAvx2VnniKernels : nullptr;
  if (std::strcmp(name, "avx2") == 0) return cpu_has_avx2() ? &kAvx2Kernels : nullptr;
#endif
  if (std::strcmp(name, "generic") == 0) return &kGenericKernels;
  return nullptr;
}

// The ISAs this CPU runs, best first: the first is the default.
const std::string& supported_list() {
  static const std::string list = [] {
    // The bfloat16 kernel leads only where vdpbf16ps outruns the float32 FMAs: on an Intel CPU with AMX (Sapphire
    // Rapids and later) it runs at about half their rate (native/tools/fma-peak.cc: 72.6 against 134.5 GFLOP/s a
    // thread, 2026-12-01; a BERT-base bf16 forward 1.7 s against 1.0 s for float32), so there the default widens
    // bfloat16 to float32 and avx512bf16 comes second.
    const bool bf16_first = !cpu_has_amx_bf16();
    const char* order[] = {"avx512amx", bf16_first ? "avx512bf16" : "avx512vnni",
                           bf16_first ? "avx512vnni" : "avx512bf16", "avx512", "avx2vnni", "avx2", "generic"};
    std::string out;
    for (const char* name : order)
      if (kernels_for(name) != nullptr) out += (out.empty() ? "" : ",") + std::string(name);
    return out;
  }();
  return list;
}

const IsaKernels* initial_kernels() {
  if (const char* env = std::getenv("TSBERT_ISA")) {
    if (const IsaKernels* k = kernels_for(env)) return k;
  }
  const std::string& list = supported_list();
  return kernels_for(list.substr(0, list.find(',')).c_str());
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

const char* supported_isas() { return supported_list().c_str(); }

}  // namespace tsbert
