#include "plan/mip.hpp"

#include <coin/Cbc_C_Interface.h>
#include <coin/CoinFinite.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <memory>

#include <fmt/format.h>
#include <string>

namespace evcsim::plan {

int Mip::var(std::string name, Kind kind, double lower, double upper, double objective) {
  if (kind == Kind::binary) lower = 0, upper = 1;
  vars_.push_back({std::move(name), kind, lower, upper, objective});
  return static_cast<int>(vars_.size()) - 1;
}

int Mip::row(std::string name, std::vector<std::pair<int, double>> terms, double lower, double upper) {
  rows_.push_back({std::move(name), std::move(terms), lower, upper});
  return static_cast<int>(rows_.size()) - 1;
}

size_t Mip::integers() const {
  size_t n = 0;
  for (const auto& v : vars_) n += v.kind != Kind::continuous;
  return n;
}

Mip::Solution Mip::maximize(double time_limit_s, double gap) const {
  // The matrix by columns, as Cbc_loadProblem takes it.
  const int n = static_cast<int>(vars_.size()), m = static_cast<int>(rows_.size());
  std::vector<std::vector<std::pair<int, double>>> columns(vars_.size());
  for (size_t i = 0; i < rows_.size(); ++i)
    for (const auto& [var, coef] : rows_[i].terms)
      if (coef != 0) columns[static_cast<size_t>(var)].emplace_back(static_cast<int>(i), coef);
  std::vector<CoinBigIndex> start{0};
  std::vector<int> index;
  std::vector<double> value, col_lb, col_ub, obj, row_lb, row_ub;
  for (size_t j = 0; j < vars_.size(); ++j) {
    for (const auto& [row, coef] : columns[j]) index.push_back(row), value.push_back(coef);
    start.push_back(static_cast<CoinBigIndex>(index.size()));
    col_lb.push_back(std::isfinite(vars_[j].lower) ? vars_[j].lower : -COIN_DBL_MAX);
    col_ub.push_back(std::isfinite(vars_[j].upper) ? vars_[j].upper : COIN_DBL_MAX);
    obj.push_back(-vars_[j].objective);  // CBC minimizes the negated objective (see below)
  }
  for (const auto& r : rows_) {
    row_lb.push_back(std::isfinite(r.lower) ? r.lower : -COIN_DBL_MAX);
    row_ub.push_back(std::isfinite(r.upper) ? r.upper : COIN_DBL_MAX);
  }
  std::unique_ptr<Cbc_Model, void (*)(Cbc_Model*)> model(Cbc_newModel(), Cbc_deleteModel);
  Cbc_Model* cbc = model.get();
  Cbc_loadProblem(cbc, n, m, start.data(), index.data(), value.data(), col_lb.data(), col_ub.data(), obj.data(),
                  row_lb.data(), row_ub.data());
  // Minimizing the negation rather than Cbc_setObjSense(-1): CBC 2.10 takes a
  // MIP start's cost with the wrong sign when maximizing, trusts it as the
  // incumbent and stops "optimal" at once with a worse solution.
  for (int j = 0; j < n; ++j)
    if (vars_[static_cast<size_t>(j)].kind != Kind::continuous) Cbc_setInteger(cbc, j);
  // EVCSIM_CBC_LOG=1 (or more) shows CBC's own log on stdout, for profiling a slow solve.
  const char* log = std::getenv("EVCSIM_CBC_LOG");  // NOLINT(concurrency-mt-unsafe): read before any thread
  Cbc_setLogLevel(cbc, log ? std::atoi(log) : 0);   // NOLINT(cert-err34-c): a bad value means 0
  Cbc_setMaximumSeconds(cbc, time_limit_s);
  Cbc_setAllowableGap(cbc, gap);  // absolute: a shortfall's penalty must not widen a relative gap
  // One thread and a node limit: the same answer on every machine that gets
  // there within the time limit (the limit is a safety net; hitting it is reported).
  // threads 0: CBC's serial code (threads 1 runs the threaded code with one
  // worker, and its main thread's waits cost wall time on a loaded machine).
  Cbc_setParameter(cbc, "threads", "0");
  Cbc_setParameter(cbc, "timeMode", "elapsed");  // the limit is wall time, as the user waits for it
  Cbc_setParameter(cbc, "maxNodes", std::to_string(max_nodes_).c_str());

  if (start_.size() == vars_.size()) {
    std::vector<int> cols(vars_.size());
    for (int j = 0; j < n; ++j) cols[static_cast<size_t>(j)] = j;
    Cbc_setMIPStartI(cbc, n, cols.data(), start_.data());
  }
  Solution s;
  const auto begin = std::chrono::steady_clock::now();
  Cbc_solve(cbc);
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  const double* best = Cbc_bestSolution(cbc);
  if (Cbc_isProvenInfeasible(cbc)) {
    s.status = Solution::Status::infeasible;
  } else if (!best) {
    s.status = Solution::Status::no_solution;
    s.message = Cbc_isSecondsLimitReached(cbc) ? "time limit" : "stopped";
  } else {
    const bool proven = Cbc_isProvenOptimal(cbc) != 0;
    s.status = proven ? Solution::Status::optimal : Solution::Status::feasible;
    s.message = Cbc_isSecondsLimitReached(cbc) ? "time limit" : proven ? "" : fmt::format("node limit {}", max_nodes_);
    s.objective = -Cbc_getObjValue(cbc);
    s.values.assign(best, best + n);
    const double bound = -Cbc_getBestPossibleObjValue(cbc);
    s.gap = std::abs(bound - s.objective);
    s.within_gap = proven && s.gap > 1e-9;
  }
  return s;
}

}  // namespace evcsim::plan
