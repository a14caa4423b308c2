// Instantiates every per-ISA kernel for the width and tile chosen by the including isa/<isa>.cc, which defines
// TSB_NS (namespace), TSB_W (float lanes), TSB_MR and TSB_NV (GEMM tile: TSB_MR rows x TSB_NV vectors) and
// TSB_TABLE (the exported table's name), then includes this file. The code lives in a namespace of its own per ISA
// so the linker can never swap one ISA's copy of an inline function for another's.
// (Standard headers are included here, at global scope, before the namespace opens.)
#include <cmath>
#include <cstdint>
#include <cstring>
#if defined(__AVX2__) || defined(__AVX512F__)
#include <immintrin.h>
#endif

#include "isa-kernels.h"
#include "../kernels.h"

namespace tsbert {
namespace TSB_NS {
#include "vec-math.h"
#include "gemm-tile.h"
#include "elementwise.h"
}  // namespace TSB_NS

extern const IsaKernels TSB_TABLE = {
    TSB_ISA_NAME,
    TSB_NS::MR,
    TSB_NS::NR,
    TSB_NS::gemm_tile,
    TSB_NS::pack_a_sliver,
    TSB_NS::pack_a_block_t,
    TSB_NS::pack_b_panel,
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
    TSB_NS::axpby,
    TSB_NS::multiply_accumulate,
    TSB_NS::sum_of_squares,
    TSB_NS::adamw,
};

}  // namespace tsbert
