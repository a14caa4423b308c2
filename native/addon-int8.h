// The N-API entry points of the int8 inference kernels (addon-int8.cc); addon.cc registers them.
#pragma once
#include <node_api.h>

namespace tsbert {

napi_value QuantizeRows(napi_env env, napi_callback_info info);
napi_value QuantizeRowsAsymmetric(napi_env env, napi_callback_info info);
napi_value Int8PackedWeightBytes(napi_env env, napi_callback_info info);
napi_value Int8PackWeight(napi_env env, napi_callback_info info);
napi_value Int8Gemm(napi_env env, napi_callback_info info);
napi_value Int8GemmDynamic(napi_env env, napi_callback_info info);

}  // namespace tsbert
