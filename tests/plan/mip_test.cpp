// The small mixed-integer programs of the planner (plan/mip.hpp), solved by
// CBC: problems small enough that their optimum is known by hand.
#include "plan/mip.hpp"

#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace evcsim::plan {
namespace {

using Kind = Mip::Kind;
using Status = Mip::Solution::Status;

// A knapsack of capacity 10: values 10, 13, 7, 8 for weights 5, 6, 3, 4.
// The best pick is items 1 and 3 (21); the relaxation takes items 1 and 2
// and a fifth of item 0 or a quarter of item 3 (22).
Mip knapsack(Kind kind) {
  Mip mip;
  const double value[] = {10, 13, 7, 8}, weight[] = {5, 6, 3, 4};
  std::vector<std::pair<int, double>> terms;
  for (int i = 0; i < 4; ++i) terms.emplace_back(mip.var("item" + std::to_string(i), kind, 0, 1, value[i]), weight[i]);
  mip.row("capacity", terms, -Mip::kInf, 10);
  return mip;
}

TEST(Mip, AKnapsackReachesItsIntegerOptimum) {
  Mip mip = knapsack(Kind::binary);
  EXPECT_EQ(mip.vars(), 4u);
  EXPECT_EQ(mip.rows(), 1u);
  EXPECT_EQ(mip.integers(), 4u);
  EXPECT_EQ(mip.var_name(2), "item2");
  EXPECT_EQ(mip.row_name(0), "capacity");
  Mip::Solution s = mip.maximize(30, 0);
  ASSERT_EQ(s.status, Status::optimal) << s.message;
  EXPECT_NEAR(s.objective, 21, 1e-6);
  ASSERT_EQ(s.values.size(), 4u);
  const double expected[] = {0, 1, 0, 1};
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(s.values[static_cast<size_t>(i)], expected[i], 1e-6) << mip.var_name(i);
  EXPECT_LT(s.gap, 1e-6);
  EXPECT_FALSE(s.within_gap);  // proven with no gap left
  EXPECT_EQ(s.message, "");
  EXPECT_GE(s.seconds, 0);
}

// A feasible but poor start (item 0 alone, worth 10): the solve goes on
// from it to the optimum (21). CBC 2.10 took a maximizing start's cost with
// the wrong sign, kept it as the incumbent and called it optimal.
TEST(Mip, AStartIsImprovedUpon) {
  Mip mip = knapsack(Kind::binary);
  mip.set_start({1, 0, 0, 0});
  Mip::Solution s = mip.maximize(30, 0);
  ASSERT_EQ(s.status, Status::optimal) << s.message;
  EXPECT_NEAR(s.objective, 21, 1e-6);
  EXPECT_NEAR(s.values[1], 1, 1e-6);
  EXPECT_NEAR(s.values[3], 1, 1e-6);
}

// An infeasible start (all four items: weight 18 > 10) is ignored.
TEST(Mip, AnInfeasibleStartIsIgnored) {
  Mip mip = knapsack(Kind::binary);
  mip.set_start({1, 1, 1, 1});
  Mip::Solution s = mip.maximize(30, 0);
  ASSERT_EQ(s.status, Status::optimal) << s.message;
  EXPECT_NEAR(s.objective, 21, 1e-6);
}

// A node limit of 0 stops at the root: a stopped solve reports the distance to its bound.
TEST(Mip, AStoppedSolveReportsItsGap) {
  Mip mip = knapsack(Kind::binary);
  mip.set_start({1, 0, 0, 0});
  mip.set_max_nodes(0);
  Mip::Solution s = mip.maximize(30, 0);
  if (s.status == Status::feasible) {
    EXPECT_GE(s.gap, 0);
    EXPECT_NE(s.message, "");
  } else {
    EXPECT_EQ(s.status, Status::optimal);
  }
  EXPECT_GE(s.objective, 10 - 1e-6);
}

// Continuous items beside an integer variable (fixed at 0, worth nothing):
// the items take the relaxation's fractions.
TEST(Mip, ContinuousVariablesTakeFractions) {
  Mip mip = knapsack(Kind::continuous);
  EXPECT_EQ(mip.integers(), 0u);
  mip.var("unused", Kind::integer, 0, 0, 0);
  EXPECT_EQ(mip.integers(), 1u);
  Mip::Solution s = mip.maximize(30, 0);
  ASSERT_EQ(s.status, Status::optimal) << s.message;
  EXPECT_NEAR(s.objective, 22, 1e-6);
  EXPECT_NEAR(s.values[1], 1, 1e-6);
  EXPECT_NEAR(s.values[2], 1, 1e-6);
  EXPECT_NEAR(10 * s.values[0] + 8 * s.values[3], 2, 1e-6);  // the last unit of capacity, split
}

// An integer x >= 0 and 0 <= y <= 1.2 with 2x + 2y <= 7: x + y is at most
// 3.5, reached only at x = 3, y = 0.5 (x = 2 leaves y capped at 1.2).
TEST(Mip, IntegerAndContinuousVariablesMix) {
  Mip mip;
  int x = mip.var("x", Kind::integer, 0, 10, 1);
  int y = mip.var("y", Kind::continuous, 0, 1.2, 1);
  mip.row("budget", {{x, 2}, {y, 2}}, -Mip::kInf, 7);
  EXPECT_EQ(mip.integers(), 1u);
  Mip::Solution s = mip.maximize(30, 0);
  ASSERT_EQ(s.status, Status::optimal) << s.message;
  EXPECT_NEAR(s.objective, 3.5, 1e-6);
  EXPECT_NEAR(s.values[static_cast<size_t>(x)], 3, 1e-6);
  EXPECT_NEAR(s.values[static_cast<size_t>(y)], 0.5, 1e-6);
}

// Minimizing an integer x (maximizing -x) with x + y >= 2.5 and y <= 1:
// x = 2. A row's lower bound, no upper, and an objective below zero.
TEST(Mip, ALowerBoundedRowAndANegativeObjective) {
  Mip mip;
  int x = mip.var("x", Kind::integer, 0, Mip::kInf, -1);
  int y = mip.var("y", Kind::continuous, 0, 1, 0);
  mip.row("cover", {{x, 1}, {y, 1}}, 2.5, Mip::kInf);
  Mip::Solution s = mip.maximize(30, 0);
  ASSERT_EQ(s.status, Status::optimal) << s.message;
  EXPECT_NEAR(s.objective, -2, 1e-6);
  EXPECT_NEAR(s.values[static_cast<size_t>(x)], 2, 1e-6);
  EXPECT_GE(s.values[static_cast<size_t>(y)], 0.5 - 1e-6);
}

// A binary variable is 0 or 1 whatever bounds it is given.
TEST(Mip, BinaryBoundsAreZeroAndOne) {
  Mip up;
  up.var("b", Kind::binary, -5, 5, 1);
  Mip::Solution s = up.maximize(30, 0);
  ASSERT_EQ(s.status, Status::optimal) << s.message;
  EXPECT_NEAR(s.values[0], 1, 1e-6);
  Mip down;
  down.var("b", Kind::binary, -5, 5, -1);
  Mip::Solution d = down.maximize(30, 0);
  ASSERT_EQ(d.status, Status::optimal) << d.message;
  EXPECT_NEAR(d.values[0], 0, 1e-6);
}

TEST(Mip, AnInfeasibleProgramIsSaidToBe) {
  Mip mip;
  int a = mip.var("a", Kind::binary, 0, 1, 1);
  int b = mip.var("b", Kind::binary, 0, 1, 1);
  mip.row("both-and-more", {{a, 1}, {b, 1}}, 3, Mip::kInf);
  Mip::Solution s = mip.maximize(30, 0);
  EXPECT_EQ(s.status, Status::infeasible);
  EXPECT_TRUE(s.values.empty());

  // Integrality alone makes it infeasible: 2a = 1 has only a = 0.5.
  Mip half;
  int h = half.var("h", Kind::integer, 0, 10, 1);
  half.row("odd", {{h, 2}}, 1, 1);
  Mip::Solution hs = half.maximize(30, 0);
  EXPECT_NE(hs.status, Status::optimal);
  EXPECT_NE(hs.status, Status::feasible);
}

}  // namespace
}  // namespace evcsim::plan
