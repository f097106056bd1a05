#include "world/controllers/drs.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "catalog/hypervisor_support.hpp"

namespace evcsim {

// The imbalance (standard deviation of host load) DRS tolerates in a
// cluster of `hosts` at migration threshold `threshold` (1 conservative ..
// 5 aggressive). vSphere 5-6 rate a recommendation's priority as
// 6 - ceil(imbalance / 0.1 x sqrt(hosts)) and apply priorities up to the
// threshold (VMware KB "Calculating the priority level of a VMware DRS
// migration recommendation", as Denneman and Epping's clustering deepdive
// explains it): a pass acts once the imbalance exceeds
// (5 - threshold) / (10 sqrt(hosts)) -- a larger cluster is balanced more
// tightly, not less.
double DrsController::target_imbalance(int threshold, size_t hosts) {
  return (5 - std::clamp(threshold, 1, 5)) / (10 * std::sqrt(static_cast<double>(std::max<size_t>(1, hosts))));
}

// vSphere 7.0 (GA 2020-04) replaced the balance by standard deviation with
// the per-VM DRS score (VMware vSphere blog, N. Hagoort 2020-05, "vSphere 7
// -- A Closer Look at the VM DRS Score"): the release in effect decides.
double DrsController::score_mode_from(const ScenarioSpec& spec) {
  const HypervisorSpec& h = spec.hypervisor;
  const std::string start = h.esxi.empty() ? std::string(newest_esxi_at(spec.start_date)) : h.esxi;
  if (compare_esxi(start, "7.0") >= 0) return 0;
  if (h.upgrade_at_s >= 0 && compare_esxi(h.upgrade_to, "7.0") >= 0) return h.upgrade_at_s;
  return std::numeric_limits<double>::infinity();
}

DrsController::DrsController(Env& env, Inventory& inv, Migrations& migrations)
    : env_(env),
      spec_(env.spec),
      inv_(inv),
      migrations_(migrations),
      score_(env, inv, migrations),
      score_from_s_(score_mode_from(env.spec)),
      rng_(env.spec.seed, "drs-noise"),
      clusters_(env.spec.clusters.size()),
      slot_(env.spec.hosts.size(), -1),
      touch_log_(inv.open_touch_log()) {
  vm_size_.reserve(spec_.vms.size());
  for (const VmSpec& v : spec_.vms)
    vm_size_.push_back({v.cpu_demand, static_cast<double>(v.demand_mib()), static_cast<double>(v.ram_mib)});
}

void DrsController::start() {
  if (spec_.drs.balance) env_.schedule(next_pass_at(0), [this] { pass(); });
}

double DrsController::next_pass_at(double t) const {
  // Every 60 s under vSphere 7 (Hagoort, ibid.: "calculated every minute"),
  // unless the scenario sets the interval.
  const bool by_score = t >= score_from_s_;
  const double next = t + (by_score && !spec_.drs.interval_set ? 60 : spec_.drs.interval_s);
  return !by_score && next > score_from_s_ ? score_from_s_ : next;
}

void DrsController::copy_in(ClusterLoad& cl, size_t i) {
  const HostRec& hr = inv_.hosts[cl.host[i]];
  const uint8_t usable = inv_.usable(cl.host[i]);
  if (cl.usable[i] != usable) cl.usable[i] = usable, cl.usable_stale = true;
  cl.demand[i] = hr.demand;
  cl.noise[i] = hr.noise;
  cl.capacity[i] = hr.capacity;
  cl.ram_load[i] = inv_.ram_load(cl.host[i]);
}

void DrsController::sync() {
  for (size_t c = 0; c < clusters_.size(); ++c) {
    ClusterLoad& cl = clusters_[c];
    if (cl.membership == inv_.membership(static_cast<int>(c))) continue;
    cl.membership = inv_.membership(static_cast<int>(c));
    for (int h : cl.host) slot_[h] = -1;
    cl.host = inv_.clusters[c].hosts;
    const size_t n = cl.host.size();
    cl.usable.assign(n, 2), cl.demand.resize(n), cl.noise.resize(n), cl.capacity.resize(n);
    cl.ram_load.resize(n);
    for (size_t i = 0; i < n; ++i) {
      slot_[cl.host[i]] = static_cast<int>(i);
      copy_in(cl, i);
    }
  }
  for (int h : inv_.take_touched(touch_log_))
    if (slot_[h] >= 0) copy_in(clusters_[spec_.hosts[h].cluster], static_cast<size_t>(slot_[h]));
}

void DrsController::check_loads() {
  sync();
  for (size_t c = 0; c < clusters_.size(); ++c) {
    const ClusterLoad& cl = clusters_[c];
    if (cl.host != inv_.clusters[c].hosts)
      throw std::logic_error("invariant: DRS's hosts of cluster " + spec_.clusters[c].name + " are not the cluster's");
    for (size_t i = 0; i < cl.host.size(); ++i) {
      const int h = cl.host[i];
      const HostRec& hr = inv_.hosts[h];
      if (cl.usable[i] != inv_.usable(h) || cl.demand[i] != hr.demand || cl.noise[i] != hr.noise ||
          cl.capacity[i] != hr.capacity || cl.ram_load[i] != inv_.ram_load(h))
        throw std::logic_error("invariant: host " + spec_.host_name(h) +
                               " changed without the inventory knowing (DRS's packed loads differ)");
    }
  }
}

void DrsController::pass() {
  const double f = inv_.demand_factor();  // the same instant for every cluster
  const bool by_score = env_.now() >= score_from_s_;
  for (size_t c = 0; c < clusters_.size(); ++c) balance(static_cast<int>(c), f, by_score);
  env_.schedule(next_pass_at(env_.now()), [this] { pass(); });
}

void DrsController::balance(int cluster, double f, bool by_score) {
  sync();  // the previous cluster's moves booked RAM
  ClusterLoad& cs = clusters_[cluster];
  const double now = env_.now();
  // Scratch buffers kept between passes (a pass per cluster every few
  // minutes for years: allocating them each time showed in the profile).
  std::vector<int>& hs = cs.usable_hosts;
  std::vector<int>& at = cs.usable_at;  // where each of hs is in the packed arrays
  if (cs.usable_stale) {
    cs.usable_stale = false;
    hs.clear(), at.clear();
    for (size_t i = 0; i < cs.host.size(); ++i)
      if (cs.usable[i]) hs.push_back(cs.host[i]), at.push_back(static_cast<int>(i));
  }
  std::vector<double>& cpu = cpu_;
  std::vector<double>& mem = mem_;
  const size_t count = hs.size();
  if (count < 2) return;
  const double noise = spec_.workload.noise;
  if (noise > 0 && now - cs.noise_drawn_at >= 3600) {  // demand noise changes hourly
    cs.noise_drawn_at = now;
    for (size_t i = 0; i < count; ++i) {
      cs.noise[at[i]] = inv_.hosts[hs[i]].noise = noise * (2 * rng_.uniform() - 1);
      inv_.touch(hs[i]);  // placement scores by load too
    }
  }
  cpu.resize(count);
  mem.resize(count);
  std::vector<double>& load = load_;
  load.resize(count);
  double sum = 0, sum2 = 0;
  for (size_t i = 0; i < count; ++i) {
    const size_t k = static_cast<size_t>(at[i]);
    // DRS weighs the demand that lasts: a move's benefit must outlive the
    // hourly noise (vSphere's cost-benefit counts a benefit over the time
    // it holds), so the noise moves placement's scores, not DRS's balance.
    cpu[i] = Inventory::cpu_load_of(cs.demand[k], f, 0, cs.capacity[k]);
    mem[i] = cs.ram_load[k];
    const double l = load[i] = std::max(cpu[i], mem[i]);  // Inventory::load
    sum += l;
    sum2 += l * l;
  }
  const double n = static_cast<double>(hs.size());
  auto stddev = [&](double s, double s2) { return std::sqrt(std::max(0.0, s2 / n - (s / n) * (s / n))); };
  cs.imbalance = stddev(sum, sum2);
  if (by_score) {  // vSphere 7: the VMs' scores decide, not the imbalance
    DrsPass p = score_.balance(cluster, hs, cpu, f);
    p.imbalance = cs.imbalance;
    cs.imbalance_left = 0;  // in the standard deviation's terms: none measured
    env_.emit(p);
    return;
  }
  const double target = target_imbalance(spec_.drs.threshold, count);
  if (cs.imbalance <= target) {
    cs.imbalance_left = 0;
    return;
  }
  // Greedy moves from the most to the least loaded hosts, planned twice from
  // the same state: once admitting only what Migrations admits (the real
  // pass), once as if every move were admitted. The difference in the
  // imbalance reached is what compatibility left. The real moves start only
  // after both plans, so neither sees the other's migrations.
  DrsPass pass{now, cluster, cs.imbalance, 0, 0, {}, -1, -1};
  Start start{hs, cpu, mem, load, sum, sum2, f, target};
  Plan real = plan(start, true, &pass.blocked);
  // The unconstrained plan differs only when the real one met a refused candidate.
  const double ideal = pass.blocked.empty() ? real.reached : plan(start, false, nullptr).reached;
  for (const Move& m : real.moves) migrations_.start_live(m.vm, m.dst, m.admission, Migrations::Priority::balancing);
  pass.moves = static_cast<int>(real.moves.size());
  cs.imbalance_left = std::max(0.0, real.reached - ideal);
  pass.left_by_compatibility = cs.imbalance_left;
  env_.emit(pass);
}

// The most loaded host (the first of equals) and the three least loaded
// others, by (load, place) -- in one scan: the four least loaded by (load,
// place), the most loaded dropped from them.
void DrsController::pick(const double* l, size_t n, size_t* src, size_t order[3], size_t* found) {
  size_t low[4];
  size_t kept = 0;
  *src = 0;
  for (size_t i = 0; i < n; ++i) {
    if (l[i] > l[*src]) *src = i;
    size_t k = std::min<size_t>(kept, 3);
    if (kept < 4) ++kept;
    else if (l[i] >= l[low[3]]) continue;
    low[k] = i;
    for (; k > 0 && l[low[k]] < l[low[k - 1]]; --k) std::swap(low[k], low[k - 1]);
  }
  *found = 0;
  for (size_t k = 0; k < kept && *found < 3; ++k)
    if (low[k] != *src) order[(*found)++] = low[k];
}

// Greedy: up to max_moves_per_pass moves, each the candidate (among the
// first 24 VMs of the most loaded host, to one of the three least loaded)
// that lowers the imbalance most, within each host's migration budget and RAM.
DrsController::Plan DrsController::plan(const Start& st, bool admitted_only,
                                        std::map<VerdictCode, int>* blocked) const {
  const std::vector<int>& hs = st.hosts;
  const double n = static_cast<double>(hs.size());
  auto variance = [&](double s, double s2) { return std::max(0.0, s2 / n - (s / n) * (s / n)); };
  auto stddev = [&](double s, double s2) { return std::sqrt(variance(s, s2)); };
  // Scratch kept between calls (two plans per pass that acts, millions of
  // passes in a long run). The loads are read from the start state until a
  // move is chosen and copied only then: in a large cluster most passes
  // above the target find no move worth its cost.
  Scratch& w = scratch_;
  const double* cpu = st.cpu.data();
  const double* mem = st.mem.data();
  const double* l = st.load.data();
  const int* busy = nullptr;        // planned moves per host (none yet)
  const int64_t* booked = nullptr;  // RAM of the planned moves, per destination
  double s = st.sum, s2 = st.sum2;
  std::vector<int>& moved = w.moved;
  moved.clear();
  // A move costs its transfer time against the pass interval (at the host link's speed).
  const double link_mib_per_s = spec_.network.host_link_gbps * 1e9 / 8 / (1024.0 * 1024.0);
  Plan out;
  for (int step = 0; step < spec_.drs.max_moves_per_pass && stddev(s, s2) > st.target; ++step) {
    size_t src = 0;
    size_t order[3];
    size_t found = 0;
    pick(l, hs.size(), &src, order, &found);
    double best_gain = 0;
    int best_vm = -1;
    size_t best_dst = 0;
    Verdict best_verdict;
    double best_cpu[2] = {0, 0}, best_mem[2] = {0, 0};
    const int h_src = hs[src];
    const HostRec& hsrc = inv_.hosts[h_src];
    for (size_t k = 0; k < found; ++k) {
      size_t dst = order[k];
      if (dst == src) continue;
      const int h_dst = hs[dst];
      if (excluded_ && excluded_(h_dst)) continue;
      const HostRec& hdst = inv_.hosts[h_dst];
      int scanned = 0;
      for (int vm : hsrc.vms) {
        if (++scanned > 24) break;  // enough candidates: the pass is a heuristic, like DRS's
        const double d = vm_size_[vm].cpu_demand * st.factor;
        const double r = vm_size_[vm].demand_mib;
        const double cs = cpu[src] - d / hsrc.capacity, cd = cpu[dst] + d / hdst.capacity;
        const double ms = mem[src] - r / static_cast<double>(std::max<int64_t>(1, hsrc.ram_mib));
        const double md = mem[dst] + r / static_cast<double>(std::max<int64_t>(1, hdst.ram_mib));
        const double ls = std::max(cs, ms), ld = std::max(cd, md);
        double ns = s - l[src] - l[dst] + ls + ld;
        double ns2 = s2 - l[src] * l[src] - l[dst] * l[dst] + ls * ls + ld * ld;
        const double cost = 1e-4 + 0.1 * l[src] * (vm_size_[vm].ram_mib / link_mib_per_s) / spec_.drs.interval_s;
        // The gain is measured on the two hosts the move changes (the gap
        // between them it closes, halved): a move's worth does not shrink
        // with the number of hosts, as a change in the cluster's standard
        // deviation does (every move in a 64-host cluster looked worthless).
        double gain = (l[src] - l[dst] - std::abs(ls - ld)) / 2 - cost;
        if (gain <= best_gain) continue;
        if (variance(ns, ns2) >= variance(s, s2)) continue;  // a move must lower the cluster's imbalance too
        const VmRec& v = inv_.vms[vm];
        if (v.power != Power::running || v.migrating || std::find(moved.begin(), moved.end(), vm) != moved.end())
          continue;
        Verdict verdict;
        if (!drs_move_allowed(inv_, migrations_, spec_.drs.max_per_host, vm, h_src, h_dst, busy ? busy[src] : 0,
                              busy ? busy[dst] : 0, booked ? booked[dst] : 0, booked ? w.configured[dst] : 0,
                              admitted_only, blocked, &verdict))
          continue;
        best_gain = gain, best_vm = vm, best_dst = dst, best_verdict = std::move(verdict);
        best_cpu[0] = cs, best_cpu[1] = cd, best_mem[0] = ms, best_mem[1] = md;
      }
    }
    if (best_vm < 0) break;
    if (busy == nullptr) {  // the first move: from here on the plan changes loads
      w.cpu.assign(st.cpu.begin(), st.cpu.end());
      w.mem.assign(st.mem.begin(), st.mem.end());
      w.load.assign(st.load.begin(), st.load.end());
      w.busy.assign(hs.size(), 0);
      w.booked.assign(hs.size(), 0);
      w.configured.assign(hs.size(), 0);
      cpu = w.cpu.data(), mem = w.mem.data(), l = w.load.data(), busy = w.busy.data(), booked = w.booked.data();
    }
    double* cpu_w = w.cpu.data();
    double* mem_w = w.mem.data();
    double* l_w = w.load.data();
    const int h_dst = hs[best_dst];
    cpu_w[src] = best_cpu[0], cpu_w[best_dst] = best_cpu[1];
    mem_w[src] = best_mem[0], mem_w[best_dst] = best_mem[1];
    double ls = std::max(cpu[src], mem[src]), ld = std::max(cpu[best_dst], mem[best_dst]);
    s += ls + ld - l[src] - l[best_dst];
    s2 += ls * ls + ld * ld - l[src] * l[src] - l[best_dst] * l[best_dst];
    l_w[src] = ls;
    l_w[best_dst] = ld;
    moved.push_back(best_vm);
    ++w.busy[src];
    ++w.busy[best_dst];
    w.booked[best_dst] += spec_.vms[best_vm].admit_mib();
    w.configured[best_dst] += spec_.vms[best_vm].ram_mib;
    out.moves.push_back(Move{best_vm, h_dst, std::move(best_verdict)});
  }
  out.reached = stddev(s, s2);
  return out;
}

}  // namespace evcsim
