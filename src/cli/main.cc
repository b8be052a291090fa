// cli/main.cc: the `bantay` command: parses arguments and runs one subcommand.
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string_view>

#ifdef BANTAY_MIMALLOC
#include <sys/mman.h>

#include <mimalloc.h>
#endif

#include "cli/commands.h"

#ifdef BANTAY_MIMALLOC
namespace {
// With BANTAY_HUGE_PAGES=1, gives the allocator an arena of address space backed by
// transparent huge pages (madvise mode, Debian's default). Off by default: which costs less,
// a run's first touches of fresh memory in 4 KiB pages or in huge pages, depends on the
// machine. On one VM (2026-12-06) 4 KiB faults were ~15-25% of a one-thread scan and the
// arena took them from 67 k to 10 k; on another (2026-12-07) a huge page the guest had not
// used before cost ~2 ms per MB to clear against ~0.3 ms per MB in 4 KiB pages, and the
// arena made meta ~15% and scan ~10% slower. Nothing is committed until touched; past the
// arena mimalloc takes memory from the OS as before. mimalloc's own MIMALLOC_LARGE_OS_PAGES
// is read before main, too late to set from here; when the user sets it, that decides.
void ReserveHugePageArena() {
  const char* want = std::getenv("BANTAY_HUGE_PAGES");
  if (want == nullptr || std::string_view(want) != "1") return;
  if (std::getenv("MIMALLOC_LARGE_OS_PAGES") != nullptr) return;
  constexpr size_t kAlign = size_t{64} << 20;  // a multiple of mimalloc's segment size
  constexpr size_t kSize = size_t{16} << 30;   // address space only
  void* raw = mmap(nullptr, kSize + kAlign, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (raw == MAP_FAILED) return;
  const uintptr_t base = reinterpret_cast<uintptr_t>(raw);
  const uintptr_t aligned = (base + kAlign - 1) & ~(kAlign - 1);
  if (aligned > base) munmap(raw, aligned - base);
  const uintptr_t tail = aligned + kSize;
  munmap(reinterpret_cast<void*>(tail), base + kSize + kAlign - tail);
  void* start = reinterpret_cast<void*>(aligned);
  madvise(start, kSize, MADV_HUGEPAGE);
  if (!mi_manage_os_memory(start, kSize, /*is_committed=*/true, /*is_large=*/false,
                           /*is_zero=*/true, /*numa_node=*/-1)) {
    munmap(start, kSize);
  }
}

// mimalloc hands memory that stayed free for 25 ms (its default) back to the OS, and a meta
// run then faults it in again: half of the run's ~500 k page faults, ~7% of its time
// (bench file, 2026-12-07: 4.36-4.48 s -> 4.08-4.11 s wall with 1 s, peak RSS +2%). A run
// reuses what it freed within a second or not at all; a server still returns idle memory.
// MIMALLOC_DECOMMIT_DELAY, when set, decides instead.
void KeepFreedMemoryASecond() {
  if (std::getenv("MIMALLOC_DECOMMIT_DELAY") != nullptr) return;
  mi_option_set(mi_option_decommit_delay, 1000);
}
}  // namespace
#endif

int main(int argc, char** argv) {
#ifdef BANTAY_MIMALLOC
  ReserveHugePageArena();
  KeepFreedMemoryASecond();
#endif
  bantay::cli::ConfigureInputs();
  CLI::App app{"bantay: finds live-streamed sexual exploitation of children in chats and calls"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "bantay 0.1.0");
  std::function<int()> run;
  bantay::cli::RegisterAll(app, &run);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? bantay::cli::kExitOk : bantay::cli::kExitUsage;
  }
  return run ? run() : bantay::cli::kExitUsage;
}
