// Portable kernels at the compiler's baseline ISA (SSE2 on x86-64, NEON on arm64): 4-lane vectors,
// GEMM tile 4 x 8 (8 accumulators + 2 of B + 1 broadcast of the 16 vector registers).
#define TSB_NS generic
#define TSB_ISA_NAME "generic"
#define TSB_TABLE kGenericKernels
#define TSB_W 4
#define TSB_MR 4
#define TSB_NV 2
// Second tile shape: the main shape again.
#define TSB_MR2 4
#define TSB_NV2 2
#include "isa-impl.h"
