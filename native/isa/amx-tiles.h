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
