# The tsbert native addon. Plain N-API (node_api.h, NAPI_VERSION 8), so one build serves every Node >= 20.
# Each instruction set gets its own static library compiled with its own flags; the addon picks one at start-up
# from cpuid, so a binary built here still runs (on the generic path) on a CPU without AVX-512 or AVX2.
{
  'target_defaults': {
    'defines': [ 'NAPI_VERSION=8', 'NAPI_DISABLE_CPP_EXCEPTIONS' ],
    # -ffp-contract=off: expressions round as written (like the JS reference); FMA only where vfma() asks for it.
    'cflags': [ '-O3', '-fPIC', '-fno-math-errno', '-ffp-contract=off', '-Wno-missing-field-initializers' ],
    'cflags_cc': [ '-std=gnu++17', '-fno-exceptions', '-fno-rtti' ],
    'cflags_cc!': [ '-std=gnu++20' ],
  },
  'targets': [
    {
      # Portable kernels: GCC vector extensions at the baseline ISA (SSE2 on x86-64, NEON on arm64).
      'target_name': 'tsbert_isa_generic',
      'type': 'static_library',
      'sources': [ 'native/isa/generic.cc' ],
    },
    {
      'target_name': 'tsbert_native',
      'sources': [
        'native/addon.cc',
        'native/addon-args.cc',
        'native/addon-fused.cc',
        'native/addon-int8.cc',
        'native/cpu-features.cc',
        'native/thread-pool.cc',
        'native/gemm.cc',
        'native/fused.cc',
        'native/attention.cc',
        'native/dropout.cc',
        'native/int8-gemm.cc',
      ],
      'dependencies': [ 'tsbert_isa_generic' ],
      'conditions': [
        [ 'target_arch=="x64"', {
          'defines': [ 'TSBERT_HAVE_X86_ISAS=1' ],
          'dependencies': [ 'tsbert_isa_avx2', 'tsbert_isa_avx2vnni', 'tsbert_isa_avx512', 'tsbert_isa_avx512vnni', 'tsbert_isa_avx512bf16', 'tsbert_isa_avx512amx' ],
        } ],
      ],
    },
  ],
  'conditions': [
    [ 'target_arch=="x64"', {
      'targets': [
        {
          'target_name': 'tsbert_isa_avx2',
          'type': 'static_library',
          'sources': [ 'native/isa/avx2.cc' ],
          'cflags': [ '-mavx2', '-mfma', '-mf16c' ],
        },
        {
          'target_name': 'tsbert_isa_avx2vnni',
          'type': 'static_library',
          'sources': [ 'native/isa/avx2-vnni.cc' ],
          'cflags': [ '-mavx2', '-mfma', '-mf16c', '-mavxvnni' ],
        },
        {
          'target_name': 'tsbert_isa_avx512',
          'type': 'static_library',
          'sources': [ 'native/isa/avx512.cc' ],
          # 512-bit vectors for the auto-vectorised loops too (GCC prefers 256 by default).
          'cflags': [ '-mavx512f', '-mavx512dq', '-mavx512bw', '-mavx512vl', '-mavx2', '-mfma',
                      '-mprefer-vector-width=512' ],
        },
        {
          'target_name': 'tsbert_isa_avx512vnni',
          'type': 'static_library',
          'sources': [ 'native/isa/avx512-vnni.cc' ],
          'cflags': [ '-mavx512f', '-mavx512dq', '-mavx512bw', '-mavx512vl', '-mavx512vnni', '-mavx2', '-mfma',
                      '-mprefer-vector-width=512' ],
        },
        {
          'target_name': 'tsbert_isa_avx512bf16',
          'type': 'static_library',
          'sources': [ 'native/isa/avx512-bf16.cc' ],
          'cflags': [ '-mavx512f', '-mavx512dq', '-mavx512bw', '-mavx512vl', '-mavx512vnni', '-mavx512bf16', '-mavx2',
                      '-mfma', '-mprefer-vector-width=512' ],
        },
        {
          'target_name': 'tsbert_isa_avx512amx',
          'type': 'static_library',
          'sources': [ 'native/isa/avx512-amx.cc' ],
          'cflags': [ '-mavx512f', '-mavx512dq', '-mavx512bw', '-mavx512vl', '-mavx512vnni', '-mamx-tile', '-mamx-int8', '-mamx-bf16',
                      '-mavx2', '-mfma', '-mprefer-vector-width=512' ],
        },
      ],
    } ],
  ],
}
