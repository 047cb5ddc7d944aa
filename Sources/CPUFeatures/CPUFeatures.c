// The one question the kernel families need answered at start-up, asked through the
// compiler's CPU model (`__builtin_cpu_supports` checks CPUID and, for the AVX and
// AVX-512 registers, that the OS saves them: XGETBV). Swift has no equivalent.
#include "CPUFeatures.h"

int gradsweep_cpu_has_avx2_fma(void) {
#if defined(__x86_64__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  return 0;
#endif
}

int gradsweep_cpu_has_avx512(void) {
#if defined(__x86_64__)
  __builtin_cpu_init();
  return gradsweep_cpu_has_avx2_fma() && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
#else
  return 0;
#endif
}
