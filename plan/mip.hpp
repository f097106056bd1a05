// A small mixed-integer program and its solution by COIN-OR CBC (Debian's
// coinor-libcbc-dev, through its C interface): variables with bounds, kinds
// and objective coefficients, linear rows with bounds. CBC's headers stay in
// mip.cpp.
#pragma once

#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace evcsim::plan {

class Mip {
 public:
  enum class Kind { continuous, integer, binary };
  static constexpr double kInf = std::numeric_limits<double>::infinity();

  // Returns the variable's index.
  int var(std::string name, Kind kind, double lower, double upper, double objective);
  void set_objective(int var, double objective) { vars_[static_cast<size_t>(var)].objective = objective; }
  // lower <= sum(coef * var) <= upper (either may be infinite). Returns the row's index.
  int row(std::string name, std::vector<std::pair<int, double>> terms, double lower, double upper);

  struct Solution {
    enum class Status { optimal, feasible, infeasible, no_solution } status = Status::no_solution;
    double objective = 0;
    std::vector<double> values;  // per variable
    double seconds = 0;
    double gap = 0;           // distance to the best bound at the end
    bool within_gap = false;  // optimal up to the gap asked for
    std::string message;
  };
  // Maximizes; stops at `time_limit_s`, the node limit, or when the best
  // bound is within `gap` (absolute, in objective units) of the best solution.
  Solution maximize(double time_limit_s, double gap) const;

  // A solution to start from (a value per variable); CBC checks it and ignores it when infeasible.
  void set_start(std::vector<double> values) { start_ = std::move(values); }

  // Branch-and-bound nodes at most (deterministic, unlike time).
  void set_max_nodes(int n) { max_nodes_ = n; }

  size_t vars() const { return vars_.size(); }
  size_t rows() const { return rows_.size(); }
  size_t integers() const;
  const std::string& var_name(int i) const { return vars_[static_cast<size_t>(i)].name; }
  const std::string& row_name(int i) const { return rows_[static_cast<size_t>(i)].name; }

 private:
  struct Var {
    std::string name;
    Kind kind;
    double lower, upper, objective;
  };
  struct Row {
    std::string name;
    std::vector<std::pair<int, double>> terms;
    double lower, upper;
  };
  std::vector<Var> vars_;
  std::vector<Row> rows_;
  int max_nodes_ = 2000;
  std::vector<double> start_;
};

}  // namespace evcsim::plan
