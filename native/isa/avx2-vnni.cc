// AVX2 with AVX-VNNI (256-bit vpdpbusd: Intel Alder Lake and later, Zen 5): avx2.cc's kernels with both int8 kernels
// on the u8 x s8 6 x 16 tile, one {vex} vpdpbusd in place of vpmaddubsw + vpmaddwd + vpaddd (isa/int8-gemm.h), so
// 8-bit weights run on it too. Compiled with avx2.cc's flags plus -mavxvnni by binding.gyp.
#define TSB_NS avx2vnni
#define TSB_ISA_NAME "avx2vnni"
#define TSB_TABLE kAvx2VnniKernels
#define TSB_I8_AVXVNNI 1
#include "avx2.cc"
