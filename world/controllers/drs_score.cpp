#include "world/controllers/drs_score.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace evcsim {

// Assumed (drs_score.hpp): VMware publishes that ballooned and swapped
// memory lower the score, not by how much.
double VmHappiness::memory(int memory_state) {
  switch (static_cast<MemoryState>(memory_state)) {
    case MemoryState::normal:
      return 1;
    case MemoryState::soft:
      return 0.9;
    case MemoryState::hard:
      return 0.5;
    case MemoryState::low:
      return 0.2;
  }
  return 1;
}

// Level 1 makes no load-balancing moves (Denneman, "DRS Migration Threshold
// in vSphere 7"); from 2 (a bucket's width of one VM's score) the gain asked
// halves per level (assumed).
double VmHappiness::min_gain(int threshold) {
  switch (std::clamp(threshold, 1, 5)) {
    case 1:
      return std::numeric_limits<double>::infinity();
    case 2:
      return 0.2;
    case 3:
      return 0.1;
    case 4:
      return 0.05;
    default:
      return 0.01;
  }
}

bool drs_move_allowed(const Inventory& inv, const Migrations& migrations, int max_per_host, int vm, int h_src,
                      int h_dst, int busy_src, int busy_dst, int64_t booked_mib, int64_t configured_mib,
                      bool admitted_only, std::map<VerdictCode, int>* blocked, Verdict* verdict) {
  if (!inv.fit(h_dst, vm, booked_mib, configured_mib).ok || !inv.rules_allow(vm, h_dst)) return false;
  if (inv.hosts[h_src].migrations + busy_src >= max_per_host || inv.hosts[h_dst].migrations + busy_dst >= max_per_host)
    return false;
  if (!admitted_only) return true;
  *verdict = migrations.admit(vm, h_dst);
  if (!verdict->ok) (*blocked)[verdict->code]++;
  return verdict->ok;
}

DrsScoreBalancer::DrsScoreBalancer(Env& env, Inventory& inv, Migrations& migrations)
    : env_(env), spec_(env.spec), inv_(inv), migrations_(migrations) {}

DrsPass DrsScoreBalancer::balance(int cluster, const std::vector<int>& hs, const std::vector<double>& cpu,
                                  double factor) {
  State start;
  const size_t n = hs.size();
  start.cpu = cpu;
  start.score.resize(n);
  start.demand_mib.resize(n);
  start.vms.resize(n);
  double sum = 0, lowest = 1;
  int vms = 0;
  for (size_t i = 0; i < n; ++i) {
    const HostRec& hr = inv_.hosts[hs[i]];
    start.demand_mib[i] = hr.ram_demand_mib;
    start.vms[i] = static_cast<int>(hr.vms.size());
    start.score[i] = VmHappiness::of(cpu[i], memory_state_of(hr.ram_demand_mib, hr.ram_mib));
    sum += start.score[i] * start.vms[i];
    vms += start.vms[i];
    if (start.vms[i] > 0) lowest = std::min(lowest, start.score[i]);
  }
  DrsPass pass{env_.now(), cluster, 0, 0, 0, {}, 100, 100};
  pass.drs_score = vms > 0 ? 100 * sum / vms : 100;
  pass.drs_score_min = 100 * lowest;
  if (lowest >= 1) return pass;  // every VM happy: nothing to gain
  Plan real = plan(hs, start, factor, true, &pass.blocked);
  if (!pass.blocked.empty())
    pass.left_by_compatibility = std::max(0.0, plan(hs, start, factor, false, nullptr).reached - real.reached);
  for (const Move& m : real.moves) migrations_.start_live(m.vm, m.dst, m.admission, Migrations::Priority::balancing);
  pass.moves = static_cast<int>(real.moves.size());
  return pass;
}

// Greedy: up to max_moves_per_pass moves, each the one with the largest gain
// among the first 24 VMs of the three least happy hosts, to any host.
DrsScoreBalancer::Plan DrsScoreBalancer::plan(const std::vector<int>& hs, const State& start, double factor,
                                              bool admitted_only, std::map<VerdictCode, int>* blocked) const {
  State& w = work_;
  w.cpu = start.cpu, w.score = start.score, w.demand_mib = start.demand_mib, w.vms = start.vms;
  const size_t n = hs.size();
  w.busy.assign(n, 0), w.booked_mib.assign(n, 0), w.configured_mib.assign(n, 0);
  const double min_gain = VmHappiness::min_gain(spec_.drs.threshold);
  const double link_mib_per_s = spec_.network.host_link_gbps * 1e9 / 8 / (1024.0 * 1024.0);
  std::vector<int> moved;
  std::vector<size_t> order(n);
  Plan out;
  for (int step = 0; step < spec_.drs.max_moves_per_pass; ++step) {
    for (size_t i = 0; i < n; ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return w.score[a] < w.score[b]; });
    double best_gain = min_gain;
    int best_vm = -1;
    size_t best_src = 0, best_dst = 0;
    double best_cpu[2] = {0, 0}, best_score[2] = {0, 0};
    Verdict best_verdict;
    for (size_t k = 0; k < std::min<size_t>(3, n); ++k) {
      const size_t src = order[k];
      if (w.score[src] >= 1 || w.vms[src] == 0) break;  // the rest are happy
      const int h_src = hs[src];
      const HostRec& hsrc = inv_.hosts[h_src];
      int scanned = 0;
      for (int vm : hsrc.vms) {
        if (++scanned > 24) break;  // enough candidates: the pass is a heuristic, like DRS's
        const VmRec& v = inv_.vms[vm];
        if (v.power != Power::running || v.migrating || std::find(moved.begin(), moved.end(), vm) != moved.end())
          continue;
        const VmSpec& vs = spec_.vms[vm];
        const double d = vs.cpu_demand * factor;
        const int64_t r = vs.demand_mib();
        const double cs = w.cpu[src] - d / hsrc.capacity;
        const double es = VmHappiness::of(cs, memory_state_of(w.demand_mib[src] - r, hsrc.ram_mib));
        const double cost = static_cast<double>(vs.ram_mib) / link_mib_per_s / 3600;
        for (size_t dst = 0; dst < n; ++dst) {
          if (dst == src) continue;
          const int h_dst = hs[dst];
          const HostRec& hdst = inv_.hosts[h_dst];
          const double cd = w.cpu[dst] + d / hdst.capacity;
          const double ed = VmHappiness::of(cd, memory_state_of(w.demand_mib[dst] + r, hdst.ram_mib));
          if (ed <= w.score[src]) continue;  // the VM itself must gain
          const double gain = (w.vms[src] - 1) * es + (w.vms[dst] + 1) * ed - w.vms[src] * w.score[src] -
                              w.vms[dst] * w.score[dst] - cost;
          if (gain <= best_gain) continue;
          if (excluded_ && excluded_(h_dst)) continue;
          Verdict verdict;
          if (!drs_move_allowed(inv_, migrations_, spec_.drs.max_per_host, vm, h_src, h_dst, w.busy[src], w.busy[dst],
                                w.booked_mib[dst], w.configured_mib[dst], admitted_only, blocked, &verdict))
            continue;
          best_gain = gain, best_vm = vm, best_src = src, best_dst = dst, best_verdict = std::move(verdict);
          best_cpu[0] = cs, best_cpu[1] = cd, best_score[0] = es, best_score[1] = ed;
        }
      }
    }
    if (best_vm < 0) break;
    const VmSpec& vs = spec_.vms[best_vm];
    w.cpu[best_src] = best_cpu[0], w.cpu[best_dst] = best_cpu[1];
    w.score[best_src] = best_score[0], w.score[best_dst] = best_score[1];
    w.demand_mib[best_src] -= vs.demand_mib(), w.demand_mib[best_dst] += vs.demand_mib();
    --w.vms[best_src], ++w.vms[best_dst];
    ++w.busy[best_src], ++w.busy[best_dst];
    w.booked_mib[best_dst] += vs.admit_mib();
    w.configured_mib[best_dst] += vs.ram_mib;
    moved.push_back(best_vm);
    out.moves.push_back(Move{best_vm, hs[best_dst], std::move(best_verdict)});
  }
  double sum = 0;
  int vms = 0;
  for (size_t i = 0; i < n; ++i) sum += w.score[i] * w.vms[i], vms += w.vms[i];
  out.reached = vms > 0 ? sum / vms : 1;
  return out;
}

}  // namespace evcsim
