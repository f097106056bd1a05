// The world's random streams: each controller draws from its own named
// streams, one per cluster or VM group (world/random_streams.hpp), so
// changing one controller's timing moves no other controller's draws, and a
// cluster's history does not depend on the clusters beside it; on a FakeSim.

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "tests/world/fake_sim.hpp"
#include "world/random_streams.hpp"

namespace evcsim {
namespace {

using test::FakeRun;

// Each controller draws from its own named stream: changing how often DRS
// runs (and so how often it redraws load noise) moves no arrival, departure
// or host failure.
TEST(RandomStreams, DrsIntervalMovesNoArrivalNorFailure) {
  auto times = [](const char* interval) {
    std::string text = R"(horizon_s: 2592000
drs { balance: true interval_s: %s threshold: 5 }
workload { noise: 0.2 }
failures { mtbf_days: 5 repair_hours: 12 }
cluster { name: "c" hosts { cpu: "E5420" name: "h" count: 4 ram_gib: 256 } }
vm { name: "base" count: 8 cluster: "c" ram_mib: 2048 cpu_demand: 2 }
vm { name: "v" count: 0 cluster: "c" arrivals_per_day: 3 lifetime_days: 5 max_count: 200 }
)";
    text.replace(text.find("%s"), 2, interval);
    FakeRun run(text);
    run.run_until(2592000);
    std::vector<double> arrived, departed, failed;
    for (const auto& e : run.rec.all<VmArrived>()) arrived.push_back(e.t);
    for (const auto& e : run.rec.all<VmDeparted>()) departed.push_back(e.t);
    for (const auto& e : run.rec.all<HostFailed>()) failed.push_back(e.t);
    int moves = 0;
    for (const auto& p : run.rec.all<DrsPass>()) moves += p.moves;
    return std::make_tuple(arrived, departed, failed, moves);
  };
  auto [a1, d1, f1, m1] = times("300");
  auto [a2, d2, f2, m2] = times("1800");
  ASSERT_GT(a1.size(), 50u);
  ASSERT_GT(f1.size(), 5u);
  EXPECT_GT(m1, 0);
  EXPECT_EQ(a1, a2);
  EXPECT_EQ(f1, f2);
  // Departures are drawn at arrival; a VM migrating at its departure time stays.
  EXPECT_GT(d1.size(), 10u);
}

// A VM's stream is its group's, named after the group: found by the runs of
// indices a group's VMs take, even when a group's VMs are not listed together.
TEST(RandomStreams, AVmDrawsFromItsGroupsStreamNamedAfterTheGroup) {
  ScenarioSpec spec;
  spec.seed = 42;
  for (const char* group : {"web", "web", "db", "web"}) {
    VmSpec vm;
    vm.group = group;
    spec.vms.push_back(vm);
  }
  GroupStreams streams(spec, "workload");
  Rng web(42, "workload/web"), db(42, "workload/db");
  EXPECT_EQ(streams.of_vm(0).next(), web.next());
  EXPECT_EQ(streams.of_vm(3).next(), web.next());
  EXPECT_EQ(streams.of_vm(1).next(), web.next());
  EXPECT_EQ(streams.of_vm(2).next(), db.next());
}

// What happened to cluster "a" and its group "web", by name (indices move
// when another cluster comes first in the file): host failures, arrivals,
// departures, planned software restarts, DRS passes that moved VMs, and
// completed migrations, each with its time.
std::vector<std::string> history_of_cluster_a(bool with_cluster_b) {
  std::string text = R"(horizon_s: 2592000
drs { balance: true interval_s: 300 threshold: 5 }
workload { noise: 0.2 }
failures { mtbf_days: 5 repair_hours: 12 }
)";
  // Listed first, so its hosts and VMs take the lower indices.
  if (with_cluster_b)
    text += R"(cluster { name: "b" hosts { cpu: "E5420" name: "b-h" count: 4 ram_gib: 256 } }
vm { name: "db" count: 8 cluster: "b" ram_mib: 2048 cpu_demand: 2 arrivals_per_day: 3 lifetime_days: 5 max_count: 200
     software { name: "app" uses: ["sse4_1"] restarts_per_day: 2 } }
)";
  text += R"(cluster { name: "a" hosts { cpu: "E5420" name: "a-h" count: 4 ram_gib: 256 } }
vm { name: "web" count: 8 cluster: "a" ram_mib: 2048 cpu_demand: 2 arrivals_per_day: 3 lifetime_days: 5 max_count: 200
     software { name: "app" uses: ["sse4_1"] restarts_per_day: 2 } }
)";
  FakeRun run(text);
  run.run_until(2592000);
  const ScenarioSpec& s = run.spec;
  auto in_a = [&](int host) {
    return s.clusters[static_cast<size_t>(s.hosts[static_cast<size_t>(host)].cluster)].name == "a";
  };
  auto web = [&](int vm) { return s.vms[static_cast<size_t>(vm)].group == "web"; };
  std::vector<std::string> out;
  auto add = [&](double t, const std::string& what) { out.push_back(std::to_string(t) + " " + what); };
  for (const Event& e : run.rec.events) {
    if (const auto* f = std::get_if<HostFailed>(&e); f && in_a(f->host)) add(f->t, "failed " + s.host_name(f->host));
    if (const auto* a = std::get_if<VmArrived>(&e); a && web(a->vm)) add(a->t, "arrived " + s.vms[a->vm].name);
    if (const auto* d = std::get_if<VmDeparted>(&e); d && web(d->vm)) add(d->t, "departed " + s.vms[d->vm].name);
    if (const auto* st = std::get_if<SoftwareStarted>(&e); st && web(st->vm) && st->why == StartReason::restart)
      add(st->t, "restarted " + s.vms[st->vm].name);
    if (const auto* p = std::get_if<DrsPass>(&e); p && p->moves > 0 && s.clusters[p->cluster].name == "a")
      add(p->t, "drs moves " + std::to_string(p->moves));
    if (const auto* m = std::get_if<MigrationCompleted>(&e); m && web(m->vm))
      add(m->t, "moved " + s.vms[m->vm].name + " to " + s.host_name(m->dst));
  }
  return out;
}

// A run split by clusters into processes must merge to the whole run
// (issue 26): a cluster's host failures, its groups' arrivals, departures
// and restarts, and its DRS noise come from streams named after the cluster
// and the group, so another cluster in the scenario (listed before it,
// drawing on the same kinds of stream) changes none of them.
TEST(RandomStreams, AClusterHistoryIsTheSameWithOrWithoutAnotherCluster) {
  const std::vector<std::string> alone = history_of_cluster_a(false);
  const std::vector<std::string> beside_b = history_of_cluster_a(true);
  auto count = [&](const std::string& what) {
    return std::count_if(alone.begin(), alone.end(),
                         [&](const std::string& line) { return line.find(what) != std::string::npos; });
  };
  ASSERT_GT(count(" failed "), 5);
  ASSERT_GT(count(" arrived "), 50);
  ASSERT_GT(count(" departed "), 10);
  ASSERT_GT(count(" restarted "), 50);
  ASSERT_GT(count(" drs moves "), 0);
  EXPECT_EQ(alone, beside_b);
}

}  // namespace
}  // namespace evcsim
