// AVX-512 with VNNI (Ice Lake and later, Zen 4 and later): avx512.cc's kernels, the int8 GEMM on vpdpbusd (compiled
// with avx512.cc's flags plus -mavx512vnni by binding.gyp). Tile 8 x 48 as the float kernel's: 24 zmm accumulators,
// 3 zmm of B a step, one broadcast quad of A.
// avx512-bf16.cc and avx512-amx.cc compile this file again under their own names, with the bfloat16 kernel or the
// AMX int8 kernel.
#ifndef TSB_NS
#define TSB_NS avx512vnni
#define TSB_ISA_NAME "avx512vnni"
#define TSB_TABLE kAvx512VnniKernels
#endif
#ifndef TSB_I8_VNNI
#define TSB_I8_VNNI 1
#endif
#define TSB_I8_VNNI_MR 8
#define TSB_I8_VNNI_NV 3
// k blocks of 768 (BERT-base's hidden size: one block for the 768-input Linears; a 768 x 48 panel block is 36 KB,
// within a 48 KB L1d). Against 384, one thread, CPU time (int8-gemm-cpu-bench, Intel Xeon with AVX512-VNNI,
// 2026-12-01): 150-160 -> 230-273 GMAC/s on BERT-base's three shapes; 1536 was no better. Not yet measured on Zen 4.
#define TSB_I8_VNNI_KC 768
#include "avx512.cc"
