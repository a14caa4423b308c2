// AVX-512 with VNNI and AMX-INT8 (Intel Sapphire Rapids and later): avx512-vnni.cc's kernels with the int8 GEMM on
// AMX tiles (tdpbusd, isa/int8-gemm.h Int8AmxTile), compiled with avx512-vnni.cc's flags plus -mamx-tile -mamx-int8
// by binding.gyp. Offered only once the OS has granted the tile state (cpu-features.cc). bfloat16 widens to float32
// here, as in avx512-vnni: these CPUs run vdpbf16ps at half the FMA rate.
#define TSB_NS avx512amx
#define TSB_ISA_NAME "avx512amx"
#define TSB_TABLE kAvx512AmxKernels
#define TSB_I8_AMX 1
// k blocks of 384: a 32-row sliver's block (12 KB) and a panel's (12 KB) both stay in L1. Against 768, three alternating
// one-thread runs (int8-gemm-cpu-bench, TSBERT_INT8_KC, 2026-12-01): 390-480 GMAC/s on BERT-base's three shapes
// against 150-510, the lows when a sliver's 24 KB and a panel's 24 KB overflowed the 48 KB L1 together.
#define TSB_I8_AMX_KC 384
#include "avx512-vnni.cc"
