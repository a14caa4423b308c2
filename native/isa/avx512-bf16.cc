// AVX-512 with VNNI and BF16 (Zen 4 and later, Sapphire Rapids and later): avx512-vnni.cc's kernels plus the bfloat16
// GEMM on vdpbf16ps (isa/bf16-gemm.h), compiled with avx512-vnni.cc's flags plus -mavx512bf16 by binding.gyp.
#define TSB_NS avx512bf16
#define TSB_ISA_NAME "avx512bf16"
#define TSB_TABLE kAvx512Bf16Kernels
#define TSB_BF16_DPBF16 1
#include "avx512-vnni.cc"
