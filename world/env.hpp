// The services every part of the world shares: the scenario, the catalog it
// was resolved against, the clock and timers, and the event bus to the
// listeners (reports/). The world owns one; parts hold a reference.
//
// Leaves out: anything of its own -- it only holds what the parts share.
#pragma once

#include <cstdint>
#include <vector>

#include "catalog/catalog.hpp"
#include "scenario/scenario.hpp"
#include "world/events.hpp"
#include "world/services.hpp"

namespace evcsim {

class Env {
 public:
  Env(const ScenarioSpec& spec, const Catalog& catalog, SimServices& sim, std::vector<Listener*> listeners)
      : spec(spec), catalog(catalog), sim_(sim), listeners_(std::move(listeners)) {}

  double now() const { return sim_.now(); }
  // A timer; after it fires the services run `after_each_timer` (the world's
  // invariant checks, set with on_each_timer).
  void schedule(double at, Callback cb) { sim_.schedule(at, std::move(cb)); }
  void on_each_timer(Callback hook) { sim_.after_each_timer = std::move(hook); }
  void start_migration(const MigrationJob& job, MigrationDone done) { sim_.start_migration(job, std::move(done)); }
  void emit(const Event& e) const {
    for (Listener* l : listeners_) l->on_event(e);
  }
  void emit_sample(const ClusterSample& s) const {
    for (Listener* l : listeners_) l->on_sample(s);
  }
  void end() const {
    for (Listener* l : listeners_) l->on_end(now());
  }

  const ScenarioSpec& spec;
  const Catalog& catalog;

 private:
  SimServices& sim_;
  std::vector<Listener*> listeners_;
};

}  // namespace evcsim
