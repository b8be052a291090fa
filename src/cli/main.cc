// cli/main.cc: the `bantay` command: parses arguments and runs one subcommand.
#include <cstdio>
#include <cstdlib>
#include <functional>

#ifdef BANTAY_MIMALLOC
#include <sys/mman.h>

#include <mimalloc.h>
#endif

#include "cli/commands.h"

#ifdef BANTAY_MIMALLOC
namespace {
// Gives the allocator an arena of address space backed by transparent huge pages
// (madvise mode, Debian's default): a scan or meta run fills hundreds of MB with small
// per-conversation or per-account state, and the first-touch faults of 4 KiB pages cost
// ~15-25% of a scan (1.1 GB bench, one thread: 67 k faults -> 11 k). Nothing is committed
// until touched; past the arena mimalloc takes memory from the OS as before. mimalloc's own
// MIMALLOC_LARGE_OS_PAGES is read before main, too late to set from here; when the user
// sets it, that decides instead.
void ReserveHugePageArena() {
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
}  // namespace
#endif

int main(int argc, char** argv) {
#ifdef BANTAY_MIMALLOC
  ReserveHugePageArena();
#endif
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
