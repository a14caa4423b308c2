// Which ISA the kernels use: the best the CPU (and OS) supports, unless TSBERT_ISA=<a name in NATIVE_ISAS> asks for
// a lesser one (for testing the other paths). Chosen once at start-up; set_isa switches at run time for tests.
#pragma once
#include "isa/isa-kernels.h"

namespace tsbert {

const IsaKernels& active_kernels();
// Switches the kernels; returns false (and changes nothing) if the CPU cannot run `name` or it is unknown.
bool set_isa(const char* name);
// Comma-separated ISAs this CPU can run, best first (the default), from
// "avx512amx,avx512bf16,avx512vnni,avx512,avx2vnni,avx2,generic" (avx512vnni before avx512bf16 on a CPU with AMX:
// cpu-features.cc).
const char* supported_isas();

}  // namespace tsbert
