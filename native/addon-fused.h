// The N-API entry points of the fused and elementwise kernels (addon-fused.cc); addon.cc registers them.
#pragma once
#include <node_api.h>

namespace tsbert {

napi_value AddBiasInPlace(napi_env env, napi_callback_info info);
napi_value SumRowsAccumulate(napi_env env, napi_callback_info info);
napi_value Axpby(napi_env env, napi_callback_info info);
napi_value MultiplyAccumulate(napi_env env, napi_callback_info info);
napi_value SumOfSquares(napi_env env, napi_callback_info info);
napi_value SumOfSquaresRows(napi_env env, napi_callback_info info);
napi_value ArgmaxRows(napi_env env, napi_callback_info info);
napi_value GeluForward(napi_env env, napi_callback_info info);
napi_value GeluBackward(napi_env env, napi_callback_info info);
napi_value TanhForward(napi_env env, napi_callback_info info);
napi_value TanhBackward(napi_env env, napi_callback_info info);
napi_value LayerNormForward(napi_env env, napi_callback_info info);
napi_value LayerNormBackward(napi_env env, napi_callback_info info);
napi_value SoftmaxForward(napi_env env, napi_callback_info info);
napi_value SoftmaxBackward(napi_env env, napi_callback_info info);
napi_value AttentionForward(napi_env env, napi_callback_info info);
napi_value AttentionForwardPacked(napi_env env, napi_callback_info info);
napi_value AttentionTrainForward(napi_env env, napi_callback_info info);
napi_value AttentionBackward(napi_env env, napi_callback_info info);
napi_value EmbeddingForward(napi_env env, napi_callback_info info);
napi_value EmbeddingBackward(napi_env env, napi_callback_info info);
napi_value CrossEntropyForward(napi_env env, napi_callback_info info);
napi_value CrossEntropyBackward(napi_env env, napi_callback_info info);
napi_value DropoutForward(napi_env env, napi_callback_info info);
napi_value AdamwStep(napi_env env, napi_callback_info info);

}  // namespace tsbert
