// AVX2 + FMA kernels (compiled with -mavx2 -mfma by binding.gyp). GEMM tile 6 x 16: 12 ymm accumulators + 2 of B
// + 1 broadcast fill 15 of the 16 ymm registers.
// avx2-vnni.cc compiles this file again under its own names, with the AVX-VNNI int8 kernel.
#ifndef TSB_NS
#define TSB_NS avx2
#define TSB_ISA_NAME "avx2"
#define TSB_TABLE kAvx2Kernels
#endif
#define TSB_W 8
#define TSB_MR 6
#define TSB_NV 2
// Second tile shape: the main shape again (16 | 64 already).
#define TSB_MR2 6
#define TSB_NV2 2
// Zen 3 (32 KB L1d, 512 KB L2 per core): A packed in blocks of up to 144 x 384 (216 KB, in L2), one 384 x 16
// panel of B~ (24 KB) held in L1 across a block's slivers. Measured against kc = 256 (BLIS's choice for Zen, a
// 16 KB panel): 0-10 % faster on BERT's eight shapes, relative to OpenBLAS in the same process (fewer passes over
// C and fewer A copies outweigh the tighter L1).
#define TSB_GEMM_KC 384
#define TSB_GEMM_ROW_BLOCK 144
#define TSB_GEMM_PACKS_A 1
#define TSB_GEMM_UNROLL_K 4
#define TSB_GEMM_ASM_6X16 1
// int8 GEMM: 6 x 16 int32 tile of vpmaddwd (12 ymm accumulators + 2 of B + 1 broadcast + 1 product).
#define TSB_I8_W 8
#define TSB_I8_MR 6
#define TSB_I8_NV 2
// 7-bit weights: the u8 x s8 tile of the same shape (12 accumulators + 2 of B + 1 broadcast + 1 product; the ones
// of vpmaddwd come from memory).
#define TSB_I8_U8S8 1
#include "isa-impl.h"
