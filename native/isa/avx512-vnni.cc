// AVX-512 with VNNI (Ice Lake and later, Zen 4 and later): avx512.cc's kernels, the int8 GEMM on vpdpbusd (compiled
// with avx512.cc's flags plus -mavx512vnni by binding.gyp). Tile 8 x 48 as the float kernel's: 24 zmm accumulators,
// 3 zmm of B a step, one broadcast quad of A.
// avx512-bf16.cc compiles this file again under its own names, with the bfloat16 kernel.
#ifndef TSB_NS
#define TSB_NS avx512vnni
#define TSB_ISA_NAME "avx512vnni"
#define TSB_TABLE kAvx512VnniKernels
#endif
#define TSB_I8_VNNI 1
#define TSB_I8_VNNI_MR 8
#define TSB_I8_VNNI_NV 3
#include "avx512.cc"
