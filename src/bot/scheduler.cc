// bot/scheduler.cc: the engine's clock and delayed work: a real one with its own thread, and
// a manual one that tests advance by hand.
#include <condition_variable>
#include <mutex>
#include <queue>
#include <thread>

#include "bot/bot.h"

namespace bantay::bot {

namespace {
struct Task {
  int64_t at_ms;
  uint64_t order;  // FIFO among tasks due at the same time
  std::function<void()> fn;
  bool operator>(const Task& o) const {
    return at_ms != o.at_ms ? at_ms > o.at_ms : order > o.order;
  }
};
using TaskQueue = std::priority_queue<Task, std::vector<Task>, std::greater<>>;

int64_t SystemNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}
}  // namespace

struct RealScheduler::Impl {
  std::mutex mu;
  std::condition_variable cv;
  TaskQueue tasks;
  uint64_t order = 0;
  bool stop = false;
  std::thread thread;

  void Run() {
    std::unique_lock lock(mu);
    while (!stop) {
      if (tasks.empty()) {
        cv.wait(lock);
        continue;
      }
      int64_t now = SystemNowMs();
      if (tasks.top().at_ms > now) {
        cv.wait_for(lock, std::chrono::milliseconds(tasks.top().at_ms - now));
        continue;
      }
      auto fn = std::move(const_cast<Task&>(tasks.top()).fn);
      tasks.pop();
      lock.unlock();
      fn();
      lock.lock();
    }
  }
};

RealScheduler::RealScheduler() : impl_(std::make_unique<Impl>()) {
  impl_->thread = std::thread([this] { impl_->Run(); });
}

RealScheduler::~RealScheduler() {
  {
    std::lock_guard lock(impl_->mu);
    impl_->stop = true;
  }
  impl_->cv.notify_all();
  impl_->thread.join();
}

int64_t RealScheduler::NowMs() const { return SystemNowMs(); }

void RealScheduler::At(int64_t at_ms, std::function<void()> task) {
  {
    std::lock_guard lock(impl_->mu);
    impl_->tasks.push(Task{at_ms, impl_->order++, std::move(task)});
  }
  impl_->cv.notify_all();
}

struct ManualScheduler::Impl {
  mutable std::mutex mu;
  int64_t now = 0;
  TaskQueue tasks;
  uint64_t order = 0;

  // Pops the next task due by `limit`, moving time to it. False when none.
  bool PopDue(int64_t limit, std::function<void()>* fn) {
    std::lock_guard lock(mu);
    if (tasks.empty() || tasks.top().at_ms > limit) return false;
    now = std::max(now, tasks.top().at_ms);
    *fn = std::move(const_cast<Task&>(tasks.top()).fn);
    tasks.pop();
    return true;
  }
};

ManualScheduler::ManualScheduler(int64_t start_ms) : impl_(std::make_unique<Impl>()) {
  impl_->now = start_ms;
}
ManualScheduler::~ManualScheduler() = default;

int64_t ManualScheduler::NowMs() const {
  std::lock_guard lock(impl_->mu);
  return impl_->now;
}

void ManualScheduler::At(int64_t at_ms, std::function<void()> task) {
  std::lock_guard lock(impl_->mu);
  impl_->tasks.push(Task{at_ms, impl_->order++, std::move(task)});
}

void ManualScheduler::AdvanceTo(int64_t to_ms) {
  std::function<void()> fn;
  while (impl_->PopDue(to_ms, &fn)) fn();
  std::lock_guard lock(impl_->mu);
  impl_->now = std::max(impl_->now, to_ms);
}

size_t ManualScheduler::RunAll() {
  size_t n = 0;
  std::function<void()> fn;
  while (impl_->PopDue(INT64_MAX, &fn)) {
    fn();
    ++n;
  }
  return n;
}

size_t ManualScheduler::pending() const {
  std::lock_guard lock(impl_->mu);
  return impl_->tasks.size();
}

}  // namespace bantay::bot
