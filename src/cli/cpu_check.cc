// cli/cpu_check.cc: a bantay built for x86-64-v3 (CMakeLists.txt, BANTAY_ARCH) stops with a
// message on a CPU without it, before any code that could use its instructions runs. This
// file alone is compiled for the x86-64 baseline, and its check runs as the first of the
// binary's own static initialisers.
#if defined(BANTAY_BUILT_FOR_X86_64_V3) && defined(__x86_64__)
#include <unistd.h>

namespace {

__attribute__((constructor(101))) void RequireX86_64V3() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi2") &&
      __builtin_cpu_supports("fma")) {
    return;
  }
  static constexpr char kMessage[] =
      "bantay: this binary was built for x86-64-v3 (AVX2, BMI2, FMA), which this CPU lacks; "
      "build it again on this machine, or with cmake -DBANTAY_ARCH=x86-64\n";
  // write(2) and _exit: nothing else of the program, nor of the C++ runtime, is needed.
  if (write(STDERR_FILENO, kMessage, sizeof kMessage - 1) < 0) _exit(2);
  _exit(2);
}

}  // namespace
#endif
