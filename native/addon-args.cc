#include "addon-args.h"

#include <cmath>
#include <cstdio>

namespace tsbert {

Args::Args(napi_env env, napi_callback_info info, const char* kernel, size_t expected) : env_(env), kernel_(kernel) {
  if (napi_get_cb_info(env, info, &argc_, argv_, nullptr, nullptr) != napi_ok) {
    fail("could not read the arguments");
    return;
  }
  if (argc_ < expected) {
    char msg[96];
    std::snprintf(msg, sizeof msg, "expected %zu arguments, got %zu", expected, argc_);
    fail(msg);
  }
}

bool Args::fail(const char* message) {
  if (ok_) {
    char msg[320];
    std::snprintf(msg, sizeof msg, "tsbert native %s: %s", kernel_, message);
    napi_throw_type_error(env_, nullptr, msg);
  }
  ok_ = false;
  return false;
}

static bool typed_array(napi_env env, napi_value v, napi_typedarray_type want, void** data, size_t* length) {
  bool is_typed = false;
  if (napi_is_typedarray(env, v, &is_typed) != napi_ok || !is_typed) return false;
  napi_typedarray_type type;
  napi_value buffer;
  size_t offset;
  // data already includes the view's byteOffset, so subarrays work.
  if (napi_get_typedarray_info(env, v, &type, length, data, &buffer, &offset) != napi_ok) return false;
  return type == want;
}

// The typed array at argument i, of type `want` (`what` names it in the error).
bool Args::typed(size_t i, const char* name, napi_typedarray_type want, const char* what, void** data, size_t* length) {
  if (!ok_) return false;
  if (!typed_array(env_, argv_[i], want, data, length)) {
    char msg[128];
    std::snprintf(msg, sizeof msg, "%s must be %s", name, what);
    return fail(msg);
  }
  return true;
}

bool Args::f32(size_t i, const char* name, F32* out) {
  void* data = nullptr;
  if (!typed(i, name, napi_float32_array, "a Float32Array", &data, &out->length)) return false;
  out->data = static_cast<float*>(data);
  return true;
}

bool Args::is_null(size_t i) const {
  napi_valuetype t;
  return napi_typeof(env_, argv_[i], &t) == napi_ok && t == napi_null;
}

bool Args::f32_or_null(size_t i, const char* name, F32* out) {
  if (!ok_) return false;
  if (is_null(i)) {
    *out = F32{};
    return true;
  }
  return f32(i, name, out);
}

bool Args::i32(size_t i, const char* name, I32* out) {
  void* data = nullptr;
  if (!typed(i, name, napi_int32_array, "an Int32Array", &data, &out->length)) return false;
  out->data = static_cast<int32_t*>(data);
  return true;
}

bool Args::i8(size_t i, const char* name, I8* out) {
  void* data = nullptr;
  if (!typed(i, name, napi_int8_array, "an Int8Array", &data, &out->length)) return false;
  out->data = static_cast<int8_t*>(data);
  return true;
}

bool Args::u16(size_t i, const char* name, U16* out) {
  void* data = nullptr;
  if (!typed(i, name, napi_uint16_array, "a Uint16Array", &data, &out->length)) return false;
  out->data = static_cast<uint16_t*>(data);
  return true;
}

bool Args::i32_or_null(size_t i, const char* name, I32* out) {
  if (!ok_) return false;
  if (is_null(i)) {
    *out = I32{};
    return true;
  }
  return i32(i, name, out);
}

bool Args::i8_or_null(size_t i, const char* name, I8* out) {
  if (!ok_) return false;
  if (is_null(i)) {
    *out = I8{};
    return true;
  }
  return i8(i, name, out);
}

bool Args::number(size_t i, const char* name, double* out) {
  if (!ok_) return false;
  if (napi_get_value_double(env_, argv_[i], out) != napi_ok) {
    char msg[128];
    std::snprintf(msg, sizeof msg, "%s must be a number", name);
    return fail(msg);
  }
  return true;
}

bool Args::integer(size_t i, const char* name, long* out) {
  double v;
  if (!number(i, name, &v)) return false;
  if (!(std::fabs(v) <= 9007199254740991.0) || v != std::floor(v)) {
    char msg[128];
    std::snprintf(msg, sizeof msg, "%s must be an integer, got %g", name, v);
    return fail(msg);
  }
  *out = static_cast<long>(v);
  return true;
}

bool Args::size(size_t i, const char* name, long* out) {
  if (!integer(i, name, out)) return false;
  if (*out < 0) {
    char msg[128];
    std::snprintf(msg, sizeof msg, "%s must be >= 0, got %ld", name, *out);
    return fail(msg);
  }
  return true;
}

bool Args::boolean(size_t i, const char* name, bool* out) {
  if (!ok_) return false;
  if (napi_get_value_bool(env_, argv_[i], out) != napi_ok) {
    char msg[128];
    std::snprintf(msg, sizeof msg, "%s must be a boolean", name);
    return fail(msg);
  }
  return true;
}

bool Args::covers(const char* name, size_t length, double needed) {
  if (!ok_) return false;
  if (static_cast<double>(length) < needed) {
    char msg[160];
    std::snprintf(msg, sizeof msg, "%s has %zu elements, the sizes need %.0f", name, length, needed);
    return fail(msg);
  }
  return true;
}

}  // namespace tsbert
