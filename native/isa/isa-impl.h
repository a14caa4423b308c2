// Instantiates every per-ISA kernel for the width and tiles chosen by the including isa/<isa>.cc, which defines
// TSB_NS (namespace), TSB_W (float lanes), TSB_MR and TSB_NV (main GEMM tile: TSB_MR rows x TSB_NV vectors),
// TSB_MR2 and TSB_NV2 (the second tile), TSB_TABLE (the exported table's name) and optionally the GEMM blocking
// (TSB_GEMM_KC, TSB_GEMM_ROW_BLOCK, TSB_GEMM_PACKS_A), then includes this file. The
// code lives in a namespace of its own per ISA so the linker can never swap one ISA's copy of an inline function
// for another's.
// (Standard headers are included here, at global scope, before the namespace opens.)
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#if defined(__AVX2__) || defined(__AVX512F__)
#include <immintrin.h>
#elif defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "isa-kernels.h"
#include "../kernels.h"

// GEMM blocking (see GemmTileShape): unless the ISA file says otherwise, k blocks of 384, 64 rows per task, A read
// in place.
#ifndef TSB_GEMM_KC
#define TSB_GEMM_KC 384
#endif
#ifndef TSB_GEMM_ROW_BLOCK
#define TSB_GEMM_ROW_BLOCK 64
#endif
#ifndef TSB_GEMM_PACKS_A
#define TSB_GEMM_PACKS_A 0
#endif
#ifndef TSB_GEMM_UNROLL_K
#define TSB_GEMM_UNROLL_K 1
#endif
// The int8 GEMM's micro-kernel: TSB_I8_MR rows x TSB_I8_NV vectors of TSB_I8_W int32 lanes, k blocks of
// TSB_I8_KC (default: the float kernel's width, 4 x 2 vectors, 384).
#ifndef TSB_I8_W
#define TSB_I8_W TSB_W
#endif
#ifndef TSB_I8_MR
#define TSB_I8_MR 4
#endif
#ifndef TSB_I8_NV
#define TSB_I8_NV 2
#endif
#ifndef TSB_I8_KC
#define TSB_I8_KC 384
#endif
// TSB_I8_U8S8 (AVX2 only): the 7-bit-weight kernel is the u8 x s8 tile (vpmaddubsw, the same tile shape), k blocks of
// TSB_I8_U8S8_KC; without it, 7-bit weights run on the int16-pair kernel.
#ifndef TSB_I8_U8S8_KC
#define TSB_I8_U8S8_KC 384
#endif
// TSB_I8_VNNI (AVX-512 VNNI): both int8 kernels are the vpdpbusd tile, TSB_I8_VNNI_MR rows x TSB_I8_VNNI_NV zmm,
// k blocks of TSB_I8_VNNI_KC.
#ifndef TSB_I8_VNNI_KC
#define TSB_I8_VNNI_KC 384
#endif
// TSB_I8_AMX (AMX-INT8): both int8 kernels are the tdpbusd tile (32 x 32), k blocks of TSB_I8_AMX_KC (a multiple of
// 64).
#ifndef TSB_I8_AMX_KC
#define TSB_I8_AMX_KC 768
#endif

namespace tsbert {
namespace TSB_NS {
#include "vec-math.h"
#include "gemm-tile.h"
#include "elementwise.h"
#include "int8-gemm.h"
#include "bf16-gemm.h"
template <int MR, int NV>
constexpr GemmTileShape tile_shape() {
  using T = Tile<MR, NV>;
  return {MR,       T::NR,       T::gemm_tile,         T::pack_a_sliver, T::pack_a_block_t, T::pack_b_panel,
          T::pack_a_block, TSB_GEMM_KC, TSB_GEMM_ROW_BLOCK, TSB_GEMM_PACKS_A != 0};
}
}  // namespace TSB_NS

extern const IsaKernels TSB_TABLE = {
    TSB_ISA_NAME,
    {TSB_NS::tile_shape<TSB_MR, TSB_NV>(), TSB_NS::tile_shape<TSB_MR2, TSB_NV2>()},
    TSB_NS::gemm_epilogue,
    TSB_NS::gelu_forward,
    TSB_NS::gelu_backward,
    TSB_NS::tanh_forward,
    TSB_NS::tanh_backward,
    TSB_NS::softmax_forward,
    TSB_NS::softmax_backward,
    TSB_NS::layer_norm_forward,
    TSB_NS::layer_norm_backward,
    TSB_NS::cross_entropy_forward,
    TSB_NS::add_bias,
    TSB_NS::column_sums,
    TSB_NS::axpby,
    TSB_NS::multiply_accumulate,
    TSB_NS::sum_of_squares,
    TSB_NS::bf16_round,
    TSB_NS::quantize_rows,
    TSB_NS::quantize_rows_asymmetric,
    TSB_NS::bf16_gemm_kernel(),
#if defined(TSB_I8_AMX)
    TSB_NS::int8_amx_kernel(TSB_I8_AMX_KC),
    TSB_NS::int8_amx_kernel(TSB_I8_AMX_KC),
#elif defined(TSB_I8_VNNI)
    TSB_NS::int8_vnni_kernel<TSB_I8_VNNI_MR, TSB_I8_VNNI_NV>(TSB_I8_VNNI_KC),
    TSB_NS::int8_vnni_kernel<TSB_I8_VNNI_MR, TSB_I8_VNNI_NV>(TSB_I8_VNNI_KC),
#elif defined(TSB_I8_AVXVNNI)
    TSB_NS::int8_u8s8_kernel<TSB_I8_MR, TSB_I8_NV>(TSB_I8_U8S8_KC),
    TSB_NS::int8_u8s8_kernel<TSB_I8_MR, TSB_I8_NV>(TSB_I8_U8S8_KC),
#else
    TSB_NS::int8_gemm_kernel<TSB_I8_MR, TSB_I8_NV>(TSB_I8_KC),
#if defined(TSB_I8_U8S8)
    TSB_NS::int8_u8s8_kernel<TSB_I8_MR, TSB_I8_NV>(TSB_I8_U8S8_KC),
#else
    TSB_NS::int8_gemm_kernel<TSB_I8_MR, TSB_I8_NV>(TSB_I8_KC),
#endif
#endif
    TSB_NS::int8_epilogue,
    TSB_NS::adamw,
    TSB_W,
    TSB_NS::dropout_streams,
};

}  // namespace tsbert
