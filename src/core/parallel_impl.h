// core/parallel_impl.h: template body of OrderedParallelMap (included by core.h only).
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

namespace bantay {

template <class In, class Out>
void OrderedParallelMap(int threads, const std::function<bool(In*)>& produce,
                        const std::function<void(In&, Out*)>& work,
                        const std::function<void(In&, Out&)>& consume) {
  if (threads <= 1) {
    In in;
    while (produce(&in)) {
      Out out;
      work(in, &out);
      consume(in, out);
      in = In();
    }
    return;
  }
  struct Slot {
    In in;
    Out out;
    bool done = false;
  };
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::shared_ptr<Slot>> pending;  // in production order
  std::deque<std::shared_ptr<Slot>> todo;
  bool producing = true;
  const size_t max_in_flight = static_cast<size_t>(threads) * 2;

  std::vector<std::thread> workers;
  for (int i = 0; i < threads; ++i) {
    workers.emplace_back([&] {
      for (;;) {
        std::shared_ptr<Slot> slot;
        {
          std::unique_lock lock(mu);
          cv.wait(lock, [&] { return !todo.empty() || !producing; });
          if (todo.empty()) return;
          slot = todo.front();
          todo.pop_front();
        }
        work(slot->in, &slot->out);
        {
          std::lock_guard lock(mu);
          slot->done = true;
        }
        cv.notify_all();
      }
    });
  }
  auto drain = [&](bool all) {
    for (;;) {
      std::shared_ptr<Slot> slot;
      {
        std::unique_lock lock(mu);
        if (pending.empty()) return;
        if (!all && pending.size() < max_in_flight) return;
        cv.wait(lock, [&] { return pending.front()->done; });
        slot = pending.front();
        pending.pop_front();
      }
      cv.notify_all();
      consume(slot->in, slot->out);
    }
  };
  for (;;) {
    auto slot = std::make_shared<Slot>();
    if (!produce(&slot->in)) break;
    {
      std::lock_guard lock(mu);
      pending.push_back(slot);
      todo.push_back(slot);
    }
    cv.notify_all();
    drain(false);
  }
  {
    std::lock_guard lock(mu);
    producing = false;
  }
  cv.notify_all();
  drain(true);
  for (auto& w : workers) w.join();
}

}  // namespace bantay
