#include "sim/controllers/drs.hpp"

#include <algorithm>
#include <cmath>

namespace evcsim {

namespace {
// Imbalance (std. deviation of host load) each DRS threshold level tolerates.
constexpr double kTarget[] = {0, 0.20, 0.15, 0.10, 0.07, 0.05};
}  // namespace

DrsController::DrsController(Env& env, Inventory& inv, Migrations& migrations, Rng& rng)
    : env_(env), spec_(env.spec), inv_(inv), migrations_(migrations), rng_(rng), clusters_(env.spec.clusters.size()) {}

void DrsController::start() {
  if (spec_.drs.balance) env_.schedule(spec_.drs.interval_s, [this] { pass(); });
}

double DrsController::imbalance_left() const {
  double m = 0;
  for (const ClusterLoad& c : clusters_) m = std::max(m, c.imbalance_left);
  return m;
}

void DrsController::pass() {
  for (size_t c = 0; c < clusters_.size(); ++c) balance(static_cast<int>(c));
  env_.schedule(env_.now() + spec_.drs.interval_s, [this] { pass(); });
}

void DrsController::balance(int cluster) {
  ClusterLoad& cs = clusters_[cluster];
  const double now = env_.now();
  std::vector<int> hs;
  for (int h : inv_.clusters[cluster].hosts)
    if (inv_.usable(h)) hs.push_back(h);
  if (hs.size() < 2) return;
  const double noise = spec_.workload.noise;
  if (noise > 0 && now - cs.noise_drawn_at >= 3600) {  // demand noise changes hourly
    cs.noise_drawn_at = now;
    for (int h : hs) inv_.hosts[h].noise = noise * (2 * rng_.uniform() - 1);
  }
  std::vector<double> loads;
  double sum = 0, sum2 = 0;
  const double f = inv_.demand_factor();
  for (int h : hs) {
    double l = inv_.load(h, f);
    loads.push_back(l);
    sum += l;
    sum2 += l * l;
  }
  const double n = static_cast<double>(hs.size());
  auto stddev = [&](double s, double s2) { return std::sqrt(std::max(0.0, s2 / n - (s / n) * (s / n))); };
  cs.imbalance = stddev(sum, sum2);
  const double target = kTarget[std::clamp(spec_.drs.threshold, 1, 5)];
  if (cs.imbalance <= target) {
    cs.imbalance_left = 0;
    return;
  }
  // Greedy moves from the most to the least loaded hosts, once as if every
  // move were admitted and once for real (only admitted moves): the
  // difference in the imbalance reached is what compatibility left.
  DrsPass pass{now, cluster, cs.imbalance, 0, 0, {}};
  double reached[2] = {cs.imbalance, cs.imbalance};
  // The real pass first; the pass that ignores compatibility is only needed
  // when the real one met a refused candidate.
  for (int real = 1; real >= 0; --real) {
    if (!real && pass.blocked.empty()) {
      reached[0] = reached[1];
      break;
    }
    std::vector<double> l = loads;
    double s = sum, s2 = sum2;
    std::vector<int> busy(hs.size(), 0);
    std::vector<int> moved;
    for (int step = 0; step < spec_.drs.max_moves_per_pass; ++step) {
      size_t src = 0;
      for (size_t i = 1; i < hs.size(); ++i)
        if (l[i] > l[src]) src = i;
      // The three least loaded hosts (a linear scan: passes are frequent).
      size_t order[3] = {src, src, src};
      size_t found = 0;
      for (size_t i = 0; i < hs.size(); ++i) {
        if (i == src) continue;
        size_t k = std::min<size_t>(found, 2);
        if (found < 3) ++found;
        else if (l[i] >= l[order[2]]) continue;
        order[k] = i;
        for (; k > 0 && l[order[k]] < l[order[k - 1]]; --k) std::swap(order[k], order[k - 1]);
      }
      double best_gain = 1e-4;
      int best_vm = -1;
      size_t best_dst = 0;
      Verdict best_verdict;
      const int h_src = hs[src];
      for (size_t k = 0; k < found; ++k) {
        size_t dst = order[k];
        if (dst == src) continue;
        const int h_dst = hs[dst];
        double cap_src = inv_.hosts[h_src].capacity, cap_dst = inv_.hosts[h_dst].capacity;
        int scanned = 0;
        for (int vm : inv_.hosts[h_src].vms) {
          if (++scanned > 24) break;  // enough candidates: the pass is a heuristic, like DRS's
          const VmRec& v = inv_.vms[vm];
          if (v.power != Power::running || v.migrating || std::find(moved.begin(), moved.end(), vm) != moved.end())
            continue;
          double d = spec_.vms[vm].cpu_demand * f;
          double ls = l[src] - d / cap_src, ld = l[dst] + d / cap_dst;
          double ns = s - l[src] - l[dst] + ls + ld;
          double ns2 = s2 - l[src] * l[src] - l[dst] * l[dst] + ls * ls + ld * ld;
          double gain = stddev(s, s2) - stddev(ns, ns2);
          if (gain <= best_gain) continue;
          if (!inv_.has_room(h_dst, vm) || !inv_.rules_allow(vm, h_dst)) continue;
          if (inv_.hosts[h_src].migrations + busy[src] >= spec_.drs.max_per_host ||
              inv_.hosts[h_dst].migrations + busy[dst] >= spec_.drs.max_per_host)
            continue;
          Verdict verdict;
          if (real) {
            verdict = migrations_.admit(vm, h_dst);
            if (!verdict.ok) {
              pass.blocked[verdict.code]++;
              continue;
            }
          }
          best_gain = gain, best_vm = vm, best_dst = dst, best_verdict = std::move(verdict);
        }
      }
      if (best_vm < 0) break;
      const int h_dst = hs[best_dst];
      double cap_src = inv_.hosts[h_src].capacity, cap_dst = inv_.hosts[h_dst].capacity;
      double d = spec_.vms[best_vm].cpu_demand * f;
      double ls = l[src] - d / cap_src, ld = l[best_dst] + d / cap_dst;
      s += ls + ld - l[src] - l[best_dst];
      s2 += ls * ls + ld * ld - l[src] * l[src] - l[best_dst] * l[best_dst];
      l[src] = ls;
      l[best_dst] = ld;
      moved.push_back(best_vm);
      if (!real) {  // the real pass counts its migrations on the hosts themselves
        ++busy[src];
        ++busy[best_dst];
      } else {
        migrations_.start_live(best_vm, h_dst, best_verdict);
        ++pass.moves;
      }
    }
    reached[real] = stddev(s, s2);
  }
  cs.imbalance_left = std::max(0.0, reached[1] - reached[0]);
  pass.left_by_compatibility = cs.imbalance_left;
  env_.emit(pass);
}

}  // namespace evcsim
