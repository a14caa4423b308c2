// AVX2 + FMA kernels (compiled with -mavx2 -mfma by binding.gyp). GEMM tile 6 x 16: 12 ymm accumulators + 2 of B
// + 1 broadcast fill 15 of the 16 ymm registers.
#define TSB_NS avx2
#define TSB_ISA_NAME "avx2"
#define TSB_TABLE kAvx2Kernels
#define TSB_W 8
#define TSB_MR 6
#define TSB_NV 2
// Second tile shape: the main shape again (16 | 64 already).
#define TSB_MR2 6
#define TSB_NV2 2
#include "isa-impl.h"
