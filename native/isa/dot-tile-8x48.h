// The 8 x 48 dot-product tile shared by the AVX-512 kernels that sum 4-byte groups into 32-bit lanes: vpdpbusd
// (int8: 4 u8 x s8 products into int32) and vdpbf16ps (2 bfloat16 x bfloat16 products into float32).
// TSB_DOT_8X48(FUNCTION, INSN) defines
//   static void FUNCTION(long steps, const char* a, long lda, const char* b, void* sums)
// sums [8, 48] (64-byte aligned, 32-bit lanes) = Σ over `steps` 4-byte steps: INSN of row i's quad of A (a + i lda
// + 4 s, broadcast) with 3 zmm of a panel (b + 192 s). Assembly: GCC kept the 24 accumulators of an intrinsics
// version on the stack (two of three instructions read-modify-wrote memory). zmm0-23 accumulate (row i in
// zmm(3i)..zmm(3i + 2)), zmm24-26 hold B's step, zmm27 the broadcast quad; rows 3-5 are addressed from
// a3 = a + 3 lda, rows 6-7 from a6 = a + 6 lda.
#pragma once

#define TSB_DOT_ROW(INSN, addr, acc0, acc1, acc2) \
  "vpbroadcastd " addr ", %%zmm27\n\t"             \
  INSN " %%zmm24, %%zmm27, %%zmm" acc0 "\n\t"      \
  INSN " %%zmm25, %%zmm27, %%zmm" acc1 "\n\t"      \
  INSN " %%zmm26, %%zmm27, %%zmm" acc2 "\n\t"
#define TSB_DOT_ZERO(r) "vpxord %%zmm" r ", %%zmm" r ", %%zmm" r "\n\t"
#define TSB_DOT_STORE(r, off) "vmovdqa32 %%zmm" r ", " off "(%[sums])\n\t"

#define TSB_DOT_8X48(FUNCTION, INSN)                                                                               \
  static void FUNCTION(long steps, const char* a, long lda, const char* b, void* sums) {                         \
    const char* a3 = a + 3 * lda;                                                                                \
    const char* a6 = a + 6 * lda;                                                                                \
    __asm__ volatile(                                                                                            \
        TSB_DOT_ZERO("0") TSB_DOT_ZERO("1") TSB_DOT_ZERO("2") TSB_DOT_ZERO("3") TSB_DOT_ZERO("4")                \
        TSB_DOT_ZERO("5") TSB_DOT_ZERO("6") TSB_DOT_ZERO("7") TSB_DOT_ZERO("8") TSB_DOT_ZERO("9")                \
        TSB_DOT_ZERO("10") TSB_DOT_ZERO("11") TSB_DOT_ZERO("12") TSB_DOT_ZERO("13") TSB_DOT_ZERO("14")           \
        TSB_DOT_ZERO("15") TSB_DOT_ZERO("16") TSB_DOT_ZERO("17") TSB_DOT_ZERO("18") TSB_DOT_ZERO("19")           \
        TSB_DOT_ZERO("20") TSB_DOT_ZERO("21") TSB_DOT_ZERO("22") TSB_DOT_ZERO("23")                              \
        "test %[steps], %[steps]\n\t"                                                                            \
        "jz 2f\n\t"                                                                                              \
        ".p2align 5\n"                                                                                           \
        "1:\n\t"                                                                                                 \
        "vmovdqu32 (%[b]), %%zmm24\n\t"                                                                          \
        "vmovdqu32 64(%[b]), %%zmm25\n\t"                                                                        \
        "vmovdqu32 128(%[b]), %%zmm26\n\t"                                                                       \
        TSB_DOT_ROW(INSN, "(%[a])", "0", "1", "2")                                                               \
        TSB_DOT_ROW(INSN, "(%[a],%[lda])", "3", "4", "5")                                                        \
        TSB_DOT_ROW(INSN, "(%[a],%[lda],2)", "6", "7", "8")                                                      \
        TSB_DOT_ROW(INSN, "(%[a3])", "9", "10", "11")                                                            \
        TSB_DOT_ROW(INSN, "(%[a3],%[lda])", "12", "13", "14")                                                    \
        TSB_DOT_ROW(INSN, "(%[a3],%[lda],2)", "15", "16", "17")                                                  \
        TSB_DOT_ROW(INSN, "(%[a6])", "18", "19", "20")                                                           \
        TSB_DOT_ROW(INSN, "(%[a6],%[lda])", "21", "22", "23")                                                    \
        "add $4, %[a]\n\t"                                                                                       \
        "add $4, %[a3]\n\t"                                                                                      \
        "add $4, %[a6]\n\t"                                                                                      \
        "add $192, %[b]\n\t"                                                                                     \
        "dec %[steps]\n\t"                                                                                       \
        "jnz 1b\n"                                                                                               \
        "2:\n\t"                                                                                                 \
        TSB_DOT_STORE("0", "0") TSB_DOT_STORE("1", "64") TSB_DOT_STORE("2", "128")                               \
        TSB_DOT_STORE("3", "192") TSB_DOT_STORE("4", "256") TSB_DOT_STORE("5", "320")                            \
        TSB_DOT_STORE("6", "384") TSB_DOT_STORE("7", "448") TSB_DOT_STORE("8", "512")                            \
        TSB_DOT_STORE("9", "576") TSB_DOT_STORE("10", "640") TSB_DOT_STORE("11", "704")                          \
        TSB_DOT_STORE("12", "768") TSB_DOT_STORE("13", "832") TSB_DOT_STORE("14", "896")                         \
        TSB_DOT_STORE("15", "960") TSB_DOT_STORE("16", "1024") TSB_DOT_STORE("17", "1088")                       \
        TSB_DOT_STORE("18", "1152") TSB_DOT_STORE("19", "1216") TSB_DOT_STORE("20", "1280")                      \
        TSB_DOT_STORE("21", "1344") TSB_DOT_STORE("22", "1408") TSB_DOT_STORE("23", "1472")                      \
        : [a] "+r"(a), [a3] "+r"(a3), [a6] "+r"(a6), [b] "+r"(b), [steps] "+r"(steps)                            \
        : [lda] "r"(lda), [sums] "r"(sums)                                                                       \
        : "memory", "cc", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9",         \
          "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "xmm16", "xmm17", "xmm18", "xmm19", "xmm20",     \
          "xmm21", "xmm22", "xmm23", "xmm24", "xmm25", "xmm26", "xmm27");                                        \
  }
