#ifndef GRADSWEEP_CPU_FEATURES_H
#define GRADSWEEP_CPU_FEATURES_H

/// 1 when this CPU (and the OS, which must save the wider registers) runs AVX2 and FMA
/// (x86-64-v3, what the 8-lane kernels are compiled for on x86-64), else 0.
int gradsweep_cpu_has_avx2_fma(void);

/// 1 when this CPU runs AVX-512 F, BW, DQ and VL (the `-target-cpu skylake-avx512` set of
/// the 16-lane kernels: Intel since Skylake-SP, AMD since Zen 4), else 0.
int gradsweep_cpu_has_avx512(void);

#endif
