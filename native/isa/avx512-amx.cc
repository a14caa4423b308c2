// AVX-512 with VNNI, AMX-INT8 and AMX-BF16 (Intel Sapphire Rapids and later): avx512-vnni.cc's kernels with the int8
// GEMM on AMX tiles (tdpbusd, isa/int8-gemm.h Int8AmxTile) and the bfloat16 GEMM on AMX tiles (tdpbf16ps,
// isa/bf16-gemm.h Bf16AmxTile), compiled with avx512-vnni.cc's flags plus -mamx-tile -mamx-int8 -mamx-bf16 by
// binding.gyp. Offered only once the OS has granted the tile state (cpu-features.cc).
#define TSB_NS avx512amx
#define TSB_ISA_NAME "avx512amx"
#define TSB_TABLE kAvx512AmxKernels
#define TSB_I8_AMX 1
#define TSB_BF16_AMX 1
// int8 k blocks of 384 (a 32-row sliver's block and a panel's, 12 KB each, fit L1 together; at 768 they fill its
// 48 KB). Against 768, three alternating one-thread runs (int8-gemm-cpu-bench, TSBERT_INT8_KC, 2026-12-01):
// 390-480 GMAC/s on BERT-base's three shapes against 150-510.
#define TSB_I8_AMX_KC 384
#include "avx512-vnni.cc"
