// The engine's services without SimGrid: a clock, a timer queue in the
// engine's order (time, then scheduling order), and live migrations that
// take a fixed time. Unit tests of the world's parts run on it in
// milliseconds; evcsim_world_tests links no SimGrid at all.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <queue>
#include <vector>

#include "catalog/catalog.hpp"
#include "scenario/scenario.hpp"
#include "world/services.hpp"
#include "world/world.hpp"

namespace evcsim::test {

class FakeSim final : public SimServices {
 public:
  explicit FakeSim(double migration_s = 10) : migration_s_(migration_s) {}

  double now() const override { return now_; }
  void schedule(double at, Callback cb) override { queue_.push(Pending{at, seq_++, std::move(cb)}); }
  void start_migration(const MigrationJob& job, MigrationDone done) override {
    ++migrations_started;
    schedule(now_ + migration_s_, [job, done = std::move(done), this] {
      MigrationOutcome out{migration_s_, 0.05, job.ram_bytes, 1};
      done(job, out);
    });
  }
  // Fires every timer due up to `until` in order; the clock ends at `until`.
  void run_until(double until) {
    while (!queue_.empty() && queue_.top().at <= until) {
      Pending p = queue_.top();
      queue_.pop();
      now_ = p.at;
      p.fire();
      fired();
    }
    now_ = until;
  }

  int migrations_started = 0;

 private:
  struct Pending {
    double at;
    uint64_t seq;
    Callback fire;
    bool operator>(const Pending& o) const { return at != o.at ? at > o.at : seq > o.seq; }
  };
  double migration_s_;
  double now_ = 0;
  uint64_t seq_ = 0;
  std::priority_queue<Pending, std::vector<Pending>, std::greater<>> queue_;
};

// Keeps every event of a run, by type, as the world emits them (not in
// world/event_order.hpp's order: a test sees an instant's events as soon as
// they happen), with a Snapshot assembled from each sampling's clusters.
class Recorder final : public Listener {
 public:
  explicit Recorder(const ScenarioSpec& spec)
      : clusters_(spec.clusters.size()), policy_(make_masking_policy(spec.policy)), assembler_(spec, *policy_) {}
  void on_event(const Event& e) override { events.push_back(e); }
  void on_sample(const ClusterSample& s) override {
    samples_.push_back(s);
    if (samples_.size() < clusters_) return;  // the sampler emits every cluster's at once
    events.emplace_back(assembler_.assemble(samples_));
    samples_.clear();
  }
  template <class T>
  std::vector<T> all() const {
    std::vector<T> out;
    for (const Event& e : events)
      if (const T* x = std::get_if<T>(&e)) out.push_back(*x);
    return out;
  }
  std::vector<Event> events;

 private:
  size_t clusters_;
  std::unique_ptr<MaskingPolicy> policy_;
  SnapshotAssembler assembler_;
  std::vector<ClusterSample> samples_;
};

// A scenario from text, a world on a FakeSim, and what it emitted.
struct FakeRun {
  explicit FakeRun(const std::string& text, double migration_s = 10)
      : spec(parse_scenario(text, "test.textproto", Catalog::builtin())),
        sim(migration_s),
        rec(spec),
        world(spec, Catalog::builtin(), sim, {&rec}) {
    world.start();
  }
  void run_until(double t) {
    sim.run_until(t);
    world.check_invariants();
  }
  ScenarioSpec spec;
  FakeSim sim;
  Recorder rec;
  World world;
};

}  // namespace evcsim::test
