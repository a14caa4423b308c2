#include "cpu-features.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>
#if defined(TSBERT_HAVE_X86_ISAS)
#include <cpuid.h>
#endif
#if defined(__linux__)
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace tsbert {
namespace {

#if defined(TSBERT_HAVE_X86_ISAS)
// CPUID leaf 7 bits that clang 14's __builtin_cpu_supports does not know (GCC 12's does; an unknown name is a compile
// error there, and the addon fell back to JS): AVX-VNNI is leaf 7.1 EAX bit 4, AMX-BF16 and AMX-INT8 leaf 7.0 EDX bits
// 22 and 25 (Intel SDM vol. 2A, CPUID). Each is combined with a check below that covers the OS's saving of the state.
bool cpuid_leaf7_bit(unsigned subleaf, int reg, int bit) {
  unsigned r[4] = {0, 0, 0, 0};
  if (__get_cpuid_count(7, subleaf, &r[0], &r[1], &r[2], &r[3]) == 0) return false;
  return ((r[reg] >> bit) & 1u) != 0;
}
constexpr int kEax = 0, kEdx = 3;
bool cpuid_avxvnni() { return cpuid_leaf7_bit(1, kEax, 4); }
bool cpuid_amx_bf16() { return cpuid_leaf7_bit(0, kEdx, 22); }
bool cpuid_amx_int8() { return cpuid_leaf7_bit(0, kEdx, 25); }

// GCC's cpu model also checks XCR0, so an OS that does not save zmm state reports AVX-512 as absent.
bool cpu_has_avx2() { return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"); }
bool cpu_has_avx2vnni() { return cpu_has_avx2() && cpuid_avxvnni(); }
bool cpu_has_avx512() {
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
         __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("fma");
}
bool cpu_has_avx512vnni() { return cpu_has_avx512() && __builtin_cpu_supports("avx512vnni"); }
bool cpu_has_avx512bf16() { return cpu_has_avx512vnni() && __builtin_cpu_supports("avx512bf16"); }

// AMX-INT8 and AMX-BF16, and the OS's leave to use the tile state: Linux hands out the 8 KB of tile data per process
// on request (arch_prctl ARCH_REQ_XCOMP_PERM for XFEATURE_XTILEDATA, Linux 5.16 and later; it refuses while a thread's
// signal stack is too small for the larger state); a tile instruction before it faults.
bool cpu_has_amx() {
#if defined(__linux__)
  static const bool granted = [] {
    if (!cpu_has_avx512vnni() || !cpuid_amx_int8() || !cpuid_amx_bf16())
      return false;
    constexpr long kArchReqXcompPerm = 0x1023, kXfeatureXtiledata = 18;
    return syscall(SYS_arch_prctl, kArchReqXcompPerm, kXfeatureXtiledata) == 0;
  }();
  return granted;
#else
  return false;
#endif
}
#endif

bool always() { return true; }

struct Isa {
  const char* name;
  bool (*runs)();  // whether this CPU (and OS) can run the table
  const IsaKernels* kernels;
};

constexpr Isa kIsas[] = {
#if defined(TSBERT_HAVE_X86_ISAS)
    {"avx512amx", cpu_has_amx, &kAvx512AmxKernels},
    {"avx512bf16", cpu_has_avx512bf16, &kAvx512Bf16Kernels},
    {"avx512vnni", cpu_has_avx512vnni, &kAvx512VnniKernels},
    {"avx512", cpu_has_avx512, &kAvx512Kernels},
    {"avx2vnni", cpu_has_avx2vnni, &kAvx2VnniKernels},
    {"avx2", cpu_has_avx2, &kAvx2Kernels},
#endif
    {"generic", always, &kGenericKernels},
};

const IsaKernels* kernels_for(const char* name) {
  for (const Isa& isa : kIsas)
    if (std::strcmp(name, isa.name) == 0) return isa.runs() ? isa.kernels : nullptr;
  return nullptr;
}

// The ISAs this CPU runs, best first (kIsas' order): the first is the default.
const std::string& supported_list() {
  static const std::string list = [] {
    // The bfloat16 kernel leads only where vdpbf16ps outruns the float32 FMAs: on an Intel CPU with AMX (Sapphire
    // Rapids and later) it runs at about half their rate (native/tools/fma-peak.cc: 72.6 against 134.5 GFLOP/s a
    // thread, 2026-12-01; a BERT-base bf16 forward 1.7 s against 1.0 s for float32), so there avx512vnni (which
    // widens bfloat16 to float32) comes before avx512bf16 — both after avx512amx where the OS grants its tiles.
    std::vector<const Isa*> order;
    for (const Isa& isa : kIsas) order.push_back(&isa);
#if defined(TSBERT_HAVE_X86_ISAS)
    if (cpuid_amx_bf16()) {
      auto named = [&](const char* name) {
        return std::find_if(order.begin(), order.end(), [&](const Isa* isa) { return std::strcmp(isa->name, name) == 0; });
      };
      std::iter_swap(named("avx512bf16"), named("avx512vnni"));
    }
#endif
    std::string out;
    for (const Isa* isa : order)
      if (isa->runs()) out += (out.empty() ? "" : ",") + std::string(isa->name);
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
