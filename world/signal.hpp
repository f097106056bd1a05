// A signal in the style of SimGrid's xbt::signal: parts of the world
// announce what happened (a migration completed, a host retired) and the
// parts that care connect to it; the announcer knows none of them. Slots run
// in the order they were connected.
//
// Leaves out: disconnection and priorities (no part needs them).
#pragma once

#include <functional>
#include <utility>
#include <vector>

namespace evcsim {

template <class... Args>
class Signal {
 public:
  void connect(std::function<void(Args...)> slot) { slots_.push_back(std::move(slot)); }
  void operator()(Args... args) const {
    for (const auto& s : slots_) s(args...);
  }

 private:
  std::vector<std::function<void(Args...)>> slots_;
};

}  // namespace evcsim
