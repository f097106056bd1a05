#include "policy/placement/evacuation.hpp"

#include <algorithm>
#include <random>

#include <gtest/gtest.h>

namespace evcsim {
namespace {

TEST(Evacuation, MaxFlowFindsThePlanGreedyMisses) {
  // VM 0 may go to host 0 or 1; VM 1 only to host 0; each host takes one VM.
  std::vector<int64_t> ram = {4096, 4096}, free = {4096, 4096};
  auto allowed = [](int vm, int host) { return vm == 0 || host == 0; };
  EvacuationPlan greedy = plan_evacuation_greedy(ram, free, allowed);
  EXPECT_EQ(greedy.placed, 1);
  EXPECT_EQ(greedy.destination[1], -1);
  EvacuationPlan flow = plan_evacuation(ram, free, allowed);
  EXPECT_EQ(flow.placed, 2);
  EXPECT_EQ(flow.destination[0], 1);
  EXPECT_EQ(flow.destination[1], 0);
}

TEST(Evacuation, RespectsCapacityAndCompatibility) {
  std::vector<int64_t> ram = {2048, 2048, 2048, 8192}, free = {4096, 8192};
  auto allowed = [](int vm, int host) { return !(vm == 3 && host == 1); };  // VM 3 cannot go to host 1
  EvacuationPlan p = plan_evacuation(ram, free, allowed);
  // VM 3 fits nowhere it may go (host 0 has 4 GiB); the three small ones fit.
  EXPECT_EQ(p.placed, 3);
  EXPECT_EQ(p.destination[3], -1);
  int64_t used0 = 0, used1 = 0;
  for (size_t i = 0; i < ram.size(); ++i) {
    if (p.destination[i] == 0) used0 += ram[i];
    if (p.destination[i] == 1) used1 += ram[i];
  }
  EXPECT_LE(used0, 4096);
  EXPECT_LE(used1, 8192);
}

TEST(Evacuation, AtMostSoManyToAHostSpreadsTheVms) {
  // Three VMs, two hosts with room for all three each.
  std::vector<int64_t> ram = {1024, 1024, 1024}, free = {8192, 8192};
  auto any = [](int, int) { return true; };
  EXPECT_EQ(plan_evacuation(ram, free, any).placed, 3);
  EvacuationPlan one = plan_evacuation(ram, free, any, 1);
  EXPECT_EQ(one.placed, 2);  // one to each, the third left behind
  EXPECT_NE(one.destination[0], one.destination[1]);
  EXPECT_EQ(one.destination[2], -1);
  EvacuationPlan two = plan_evacuation(ram, free, any, 2);
  EXPECT_EQ(two.placed, 3);
  EXPECT_EQ(std::count(two.destination.begin(), two.destination.end(), 0) +
                std::count(two.destination.begin(), two.destination.end(), 1),
            3);
}

// plan_evacuation tries first fit before building the flow graph; the
// plans must be the flow's own, VM for VM, whether first fit placed them all
// or the flow took over.
TEST(Evacuation, FirstFitIsTheFlowsOwnPlanWhenItPlacesEveryVm) {
  std::mt19937 rng(25);
  int first_fit_sufficed = 0;
  for (int round = 0; round < 3000; ++round) {
    const int n = 1 + static_cast<int>(rng() % 12), m = 1 + static_cast<int>(rng() % 10);
    std::vector<int64_t> ram(static_cast<size_t>(n)), free(static_cast<size_t>(m));
    for (auto& r : ram) r = 1024 * (1 + static_cast<int64_t>(rng() % 8));
    for (auto& f : free) f = 1024 * static_cast<int64_t>(rng() % 40);
    std::vector<char> ok(static_cast<size_t>(n * m));
    for (auto& a : ok) a = rng() % 5 != 0;
    auto allowed = [&](int i, int h) {
      return ok[static_cast<size_t>(i) * static_cast<size_t>(m) + static_cast<size_t>(h)] != 0;
    };
    const int spread = rng() % 3 == 0 ? 1 + static_cast<int>(rng() % 3) : INT_MAX;
    EvacuationPlan fast = plan_evacuation(ram, free, allowed, spread);
    EvacuationPlan flow = plan_evacuation_max_flow(ram, free, allowed, spread);
    ASSERT_EQ(fast.destination, flow.destination) << "round " << round;
    ASSERT_EQ(fast.placed, flow.placed) << "round " << round;
    first_fit_sufficed += flow.placed == n;
  }
  EXPECT_GT(first_fit_sufficed, 300);  // both paths were taken many times
}

TEST(Evacuation, EmptyAndImpossible) {
  EXPECT_EQ(plan_evacuation({}, {1024}, [](int, int) { return true; }).placed, 0);
  EXPECT_EQ(plan_evacuation({1024}, {}, [](int, int) { return true; }).placed, 0);
  EXPECT_EQ(plan_evacuation({1024}, {4096}, [](int, int) { return false; }).placed, 0);
}

}  // namespace
}  // namespace evcsim
