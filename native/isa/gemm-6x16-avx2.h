// The AVX2 6 x 16 GEMM micro-kernel in assembly, for a packed A sliver (6 floats per k step) and a packed panel
// of B~ (16 floats per k step, 32-byte aligned): sums[6][16] = A~ . B~. Included by gemm-tile.h when the ISA file
// defines TSB_GEMM_ASM_6X16 (avx2.cc).
//
// Why assembly: with the k loop unrolled, GCC's schedule of the intrinsics needs more than the 16 ymm registers
// (12 accumulators + 2 of B + the broadcasts) and spills an accumulator every k step. Here the registers are fixed:
// ymm4-15 accumulate (row i in ymm(4 + 2i), ymm(5 + 2i)), ymm0-1 hold B's row, ymm2-3 alternate broadcasts of A;
// per k step 2 loads of B, 6 broadcasts from memory, 12 FMAs; four k steps per loop trip.
#pragma once

#define TSB_K_STEP(u)                                   \
  "vmovaps " #u "*64(%[b]), %%ymm0\n\t"                 \
  "vmovaps " #u "*64+32(%[b]), %%ymm1\n\t"              \
  "vbroadcastss " #u "*24(%[a]), %%ymm2\n\t"            \
  "vbroadcastss " #u "*24+4(%[a]), %%ymm3\n\t"          \
  "vfmadd231ps %%ymm0, %%ymm2, %%ymm4\n\t"              \
  "vfmadd231ps %%ymm1, %%ymm2, %%ymm5\n\t"              \
  "vfmadd231ps %%ymm0, %%ymm3, %%ymm6\n\t"              \
  "vfmadd231ps %%ymm1, %%ymm3, %%ymm7\n\t"              \
  "vbroadcastss " #u "*24+8(%[a]), %%ymm2\n\t"          \
  "vbroadcastss " #u "*24+12(%[a]), %%ymm3\n\t"         \
  "vfmadd231ps %%ymm0, %%ymm2, %%ymm8\n\t"              \
  "vfmadd231ps %%ymm1, %%ymm2, %%ymm9\n\t"              \
  "vfmadd231ps %%ymm0, %%ymm3, %%ymm10\n\t"             \
  "vfmadd231ps %%ymm1, %%ymm3, %%ymm11\n\t"             \
  "vbroadcastss " #u "*24+16(%[a]), %%ymm2\n\t"         \
  "vbroadcastss " #u "*24+20(%[a]), %%ymm3\n\t"         \
  "vfmadd231ps %%ymm0, %%ymm2, %%ymm12\n\t"             \
  "vfmadd231ps %%ymm1, %%ymm2, %%ymm13\n\t"             \
  "vfmadd231ps %%ymm0, %%ymm3, %%ymm14\n\t"             \
  "vfmadd231ps %%ymm1, %%ymm3, %%ymm15\n\t"

static inline void gemm_6x16_packed(long kc, const float* a, const float* b, float* sums) {
  long trips = kc / 4, rest = kc % 4;
  __asm__ volatile(
      "vxorps %%ymm4, %%ymm4, %%ymm4\n\t"
      "vxorps %%ymm5, %%ymm5, %%ymm5\n\t"
      "vxorps %%ymm6, %%ymm6, %%ymm6\n\t"
      "vxorps %%ymm7, %%ymm7, %%ymm7\n\t"
      "vxorps %%ymm8, %%ymm8, %%ymm8\n\t"
      "vxorps %%ymm9, %%ymm9, %%ymm9\n\t"
      "vxorps %%ymm10, %%ymm10, %%ymm10\n\t"
      "vxorps %%ymm11, %%ymm11, %%ymm11\n\t"
      "vxorps %%ymm12, %%ymm12, %%ymm12\n\t"
      "vxorps %%ymm13, %%ymm13, %%ymm13\n\t"
      "vxorps %%ymm14, %%ymm14, %%ymm14\n\t"
      "vxorps %%ymm15, %%ymm15, %%ymm15\n\t"
      "test %[trips], %[trips]\n\t"
      "jz 2f\n\t"
      ".p2align 5\n"
      "1:\n\t"
      "prefetcht0 768(%[a])\n\t"
      "prefetcht0 832(%[a])\n\t"
      TSB_K_STEP(0) TSB_K_STEP(1) TSB_K_STEP(2) TSB_K_STEP(3)
      "add $96, %[a]\n\t"
      "add $256, %[b]\n\t"
      "dec %[trips]\n\t"
      "jnz 1b\n"
      "2:\n\t"
      "test %[rest], %[rest]\n\t"
      "jz 4f\n"
      "3:\n\t"
      TSB_K_STEP(0)
      "add $24, %[a]\n\t"
      "add $64, %[b]\n\t"
      "dec %[rest]\n\t"
      "jnz 3b\n"
      "4:\n\t"
      "vmovaps %%ymm4, 0(%[sums])\n\t"
      "vmovaps %%ymm5, 32(%[sums])\n\t"
      "vmovaps %%ymm6, 64(%[sums])\n\t"
      "vmovaps %%ymm7, 96(%[sums])\n\t"
      "vmovaps %%ymm8, 128(%[sums])\n\t"
      "vmovaps %%ymm9, 160(%[sums])\n\t"
      "vmovaps %%ymm10, 192(%[sums])\n\t"
      "vmovaps %%ymm11, 224(%[sums])\n\t"
      "vmovaps %%ymm12, 256(%[sums])\n\t"
      "vmovaps %%ymm13, 288(%[sums])\n\t"
      "vmovaps %%ymm14, 320(%[sums])\n\t"
      "vmovaps %%ymm15, 352(%[sums])\n\t"
      : [a] "+r"(a), [b] "+r"(b), [trips] "+r"(trips), [rest] "+r"(rest)
      : [sums] "r"(sums)
      : "memory", "cc", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10",
        "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
}

#undef TSB_K_STEP
