// AMX tile configuration, shared by the int8 (isa/int8-gemm.h) and bfloat16 (isa/bf16-gemm.h) AMX kernels: every
// tile register 16 rows of 64 bytes. The OS must have granted the process the tile state first (cpu-features.cc asks
// before it offers the AMX table); the configuration is per-thread state, loaded on a thread's first tile kernel.
#pragma once

struct alignas(64) AmxTileConfig {
  uint8_t palette;
  uint8_t start_row;
  uint8_t reserved[14];
  uint16_t colsb[16];
  uint8_t rows[16];
  uint8_t reserved_tail[16];
};

// Every tile register 16 rows of 64 bytes, the rest of the 64 bytes zero. In static storage: built on the stack,
// GCC 12 left the unused bytes unwritten (ldtilecfg's memory operand is not seen as read in full), and ldtilecfg
// faults on garbage there.
static constexpr AmxTileConfig amx_tile_config() {
  AmxTileConfig config{};
  config.palette = 1;
  for (int t = 0; t < 8; ++t) {
    config.colsb[t] = 64;
    config.rows[t] = 16;
  }
  return config;
}
alignas(64) static constexpr AmxTileConfig kAmxTileConfig = amx_tile_config();

static inline void amx_configure() {
  static thread_local bool configured = false;
  if (configured) return;
  _tile_loadconfig(&kAmxTileConfig);
  configured = true;
}

// The 32 x 32 tile's k loop, shared by the int8 (PRODUCT = _tile_dpbusd) and bfloat16 (_tile_dpbf16ps) kernels: C in
// tmm0-3 (rows 0-15 and 16-31 by columns 0-15 and 16-31), A's two 16-row tiles in tmm4-5, B's two 16-column tiles
// in tmm6-7; each step reads 64 bytes of k from A's rows (a, row stride lda) and 16 rows of B (b, row stride
// b_stride). A before B, and each product as soon as its operands are in: the tile registers are not renamed, so a
// load into a register a product still reads waits for it.
#define TSB_AMX_32X32_STEPS(PRODUCT, steps, a, lda, b, b_stride)  \
  for (long amx_s = 0; amx_s < (steps); ++amx_s) {                 \
    const char* amx_a = (a) + amx_s * 64;                          \
    const char* amx_b = (b) + amx_s * 16 * (b_stride);             \
    _tile_loadd(4, amx_a, (lda));                                  \
    _tile_loadd(6, amx_b, (b_stride));                             \
    PRODUCT(0, 4, 6);                                              \
    _tile_loadd(7, amx_b + 64, (b_stride));                        \
    PRODUCT(1, 4, 7);                                              \
    _tile_loadd(5, amx_a + 16 * (lda), (lda));                     \
    PRODUCT(2, 5, 6);                                              \
    PRODUCT(3, 5, 7);                                              \
  }

// Stores C (tmm0-3) as a 32 x 32 block of 4-byte values at c (a char pointer), row stride c_stride bytes.
#define TSB_AMX_32X32_STORE(c, c_stride)                       \
  do {                                                         \
    _tile_stored(0, (c), (c_stride));                          \
    _tile_stored(1, (c) + 64, (c_stride));                     \
    _tile_stored(2, (c) + 16 * (c_stride), (c_stride));        \
    _tile_stored(3, (c) + 16 * (c_stride) + 64, (c_stride));   \
  } while (0)
