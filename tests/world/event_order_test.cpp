// What listeners hear of one instant: the events by cluster, stably, then
// the Snapshot assembled from every cluster's sample; a bought host's slot
// named as its event is handed on (world/event_order.hpp).
#include <gtest/gtest.h>

#include "catalog/catalog.hpp"
#include "world/event_order.hpp"

namespace evcsim {
namespace {

const char* kTwoClusters = R"(horizon_s: 100
cluster { name: "a" hosts { cpu: "E5420" name: "a1" } hosts { cpu: "E5420" name: "a2" } }
cluster { name: "b" hosts { cpu: "E5310" name: "b1" } }
vm { name: "va" host: "a1" }
vm { name: "vb" host: "b1" }
)";

class Heard final : public Listener {
 public:
  void on_event(const Event& e) override { events.push_back(e); }
  void on_end(double t) override { ended_at = t; }
  std::vector<Event> events;
  double ended_at = -1;
};

ClusterSample sample(double t, int cluster, int vms_on) {
  ClusterSample s;
  s.t = t;
  s.cluster = cluster;
  s.vms_on = vms_on;
  s.baseline = "none";
  return s;
}

TEST(CanonicalOrder, AnInstantsEventsComeByClusterInTheOrderEachHappenedThenTheSnapshot) {
  const Catalog& cat = Catalog::builtin();
  const ScenarioSpec spec = parse_scenario(kTwoClusters, "t.textproto", cat);
  Heard heard;
  CanonicalOrder order(spec, cat, {&heard});
  order.on_event(VmPoweredOn{5, 1, 2, {}, true});  // vb, cluster b
  order.on_event(HostFailed{5, 1, 0});             // a2, cluster a
  order.on_sample(sample(5, 1, 1));
  order.on_event(VmPoweredOn{5, 0, 0, {}, true});  // va, cluster a, after a2 failed
  order.on_sample(sample(5, 0, 1));
  EXPECT_TRUE(heard.events.empty()) << "an instant is handed on only when it is over";
  order.on_event(HostRepaired{7, 1});
  ASSERT_EQ(heard.events.size(), 4u);
  EXPECT_TRUE(std::holds_alternative<HostFailed>(heard.events[0]));
  EXPECT_EQ(std::get<VmPoweredOn>(heard.events[1]).vm, 0);
  EXPECT_EQ(std::get<VmPoweredOn>(heard.events[2]).vm, 1);
  const auto& snap = std::get<Snapshot>(heard.events[3]);
  EXPECT_EQ(snap.vms_on, 2);
  EXPECT_EQ(snap.baselines, (std::vector<std::string>{"none", "none"}));
  order.on_end(9);
  EXPECT_EQ(heard.events.size(), 5u);
  EXPECT_EQ(heard.ended_at, 9);
}

TEST(CanonicalOrder, AnEventOfAnEarlierInstantIsAnError) {
  const Catalog& cat = Catalog::builtin();
  const ScenarioSpec spec = parse_scenario(kTwoClusters, "t.textproto", cat);
  Heard heard;
  CanonicalOrder order(spec, cat, {&heard});
  order.on_event(HostRepaired{7, 1});
  EXPECT_THROW(order.on_event(HostRepaired{6, 0}), std::logic_error);
}

TEST(CanonicalOrder, AVmInAFallbackClusterIsHeardWithIt) {
  const Catalog& cat = Catalog::builtin();
  const ScenarioSpec spec = parse_scenario(kTwoClusters, "t.textproto", cat);
  Heard heard;
  CanonicalOrder order(spec, cat, {&heard});
  order.on_event(VmPlacedInFallback{3, 0, 0, 1, {}});  // va now in b
  EXPECT_EQ(order.cluster_of(VmPoweredOn{3, 0, 2, {}, true}), 1);
  EXPECT_EQ(order.cluster_of(HostFailed{3, 0, 0}), 0);
}

TEST(CanonicalOrder, ABoughtHostsSlotIsNamedAsItsEventIsHandedOn) {
  const Catalog& cat = Catalog::builtin();
  const ScenarioSpec spec = parse_scenario(kTwoClusters, "t.textproto", cat);
  Heard heard;
  CanonicalOrder order(spec, cat, {&heard});
  const std::string part = cat.find_cpu("E5420")->name;  // as the catalog names it
  order.on_event(HostBought{4, 2, 1, part, PurchaseReason::replacement, "b-n01"});
  EXPECT_EQ(spec.host_name(2), "b1") << "named only when listeners hear it";
  order.on_end(4);
  EXPECT_EQ(spec.host_name(2), "b-n01");
  EXPECT_EQ(spec.host_part(2)->name, part);
}

}  // namespace
}  // namespace evcsim
