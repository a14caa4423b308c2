// AVX-512F kernels (compiled with -mavx512f -mfma by binding.gyp). GEMM tile 8 x 48: 24 zmm accumulators,
// 3 zmm of B per k step, A broadcast from memory — 24 FMAs per 11 loads; 8 | 1024 and 48 | 768, 3072.
// avx512-vnni.cc compiles this file again under its own names, with the VNNI int8 kernel.
#ifndef TSB_NS
#define TSB_NS avx512
#define TSB_ISA_NAME "avx512"
#define TSB_TABLE kAvx512Kernels
#endif
#define TSB_W 16
#define TSB_MR 8
#define TSB_NV 3
// Second tile shape: 6 x 64 (24 zmm accumulators): attention's per-head products, whose n = 64 or 128 would leave a
// third of an 8 x 48 tile's second panel as padding.
#define TSB_MR2 6
#define TSB_NV2 4
// int8 GEMM without VNNI: the AVX2 6 x 16 vpmaddwd tile (256-bit).
#define TSB_I8_W 8
#define TSB_I8_MR 6
#define TSB_I8_NV 2
#include "isa-impl.h"
