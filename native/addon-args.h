// Argument checking for the N-API glue: every helper either fills its output or throws a JS error naming the
// kernel and the argument, and returns false. The glue never touches memory the checks did not prove in range.
#pragma once
#include <node_api.h>

#include <cstddef>
#include <cstdint>

namespace tsbert {

struct F32 {
  float* data = nullptr;
  size_t length = 0;  // elements
};
struct I32 {
  int32_t* data = nullptr;
  size_t length = 0;
};
struct I8 {
  int8_t* data = nullptr;
  size_t length = 0;
};
// bfloat16 bits.
struct U16 {
  uint16_t* data = nullptr;
  size_t length = 0;
};

// The JS `undefined` (what a kernel entry point returns).
inline napi_value undefined(napi_env env) {
  napi_value v;
  napi_get_undefined(env, &v);
  return v;
}

class Args {
 public:
  // Reads the call's arguments; throws if fewer than `expected` were passed.
  Args(napi_env env, napi_callback_info info, const char* kernel, size_t expected);
  bool ok() const { return ok_; }

  bool f32(size_t i, const char* name, F32* out);
  // A Float32Array or null (null gives data == nullptr).
  bool f32_or_null(size_t i, const char* name, F32* out);
  bool i32(size_t i, const char* name, I32* out);
  bool i8(size_t i, const char* name, I8* out);
  bool i8_or_null(size_t i, const char* name, I8* out);
  bool i32_or_null(size_t i, const char* name, I32* out);
  bool u16(size_t i, const char* name, U16* out);
  // A non-negative integer below 2^53 (a size, leading dimension or stride).
  bool size(size_t i, const char* name, long* out);
  bool integer(size_t i, const char* name, long* out);  // any safe integer (ignore_index, padding_idx)
  bool number(size_t i, const char* name, double* out);
  bool boolean(size_t i, const char* name, bool* out);
  // `array` must hold at least `needed` elements.
  bool covers(const char* name, size_t length, double needed);

  napi_env env() const { return env_; }
  bool fail(const char* message);

 private:
  bool typed(size_t i, const char* name, napi_typedarray_type want, const char* what, void** data, size_t* length);
  // Whether argument i is null (the optional arrays).
  bool is_null(size_t i) const;

  napi_env env_;
  const char* kernel_;
  napi_value argv_[24];
  size_t argc_ = 24;
  bool ok_ = true;
};

}  // namespace tsbert
