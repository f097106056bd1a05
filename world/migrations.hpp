// Migrations: the one admission rule (the vendor rule, then the masking
// policy), shared by operations, DRS, evacuation and the compatibility
// graph; the live life cycle (RAM booked at the destination, the engine
// moves the memory, the VM switches hosts or the move is aborted) and the
// cold one (powered off, moved, powered on at the destination with a new
// guest view). Pre-copy converges by the scenario's policy (or the masking
// policy's hypervisor default; world/services.hpp). Like vCenter, at most max_per_host vMotions run at once at
// each host (source and destination counted); the rest queue, evacuations
// before operations before DRS moves, and start as slots free up.
//
// Units: simulated seconds, MiB.
//
// Leaves out: storage vMotion, encrypted vMotion, cross-vCenter moves,
// vMotion's per-NIC streams (one transfer per migration). The guest CPU time
// convergence throttling takes is reported per migration (lost_guest_cpu_s).
#pragma once

#include <map>

#include "world/guest_model.hpp"
#include "world/inventory.hpp"
#include "world/signal.hpp"

namespace evcsim {

class Migrations {
 public:
  Migrations(Env& env, Inventory& inv, GuestModel& guests, const MaskingPolicy& policy);

  // May `vm` live-migrate from where it runs to `dst`? Vendor rule first.
  Verdict admit(int vm, int dst) const;
  enum class Priority { evacuation, operation, balancing };
  // REQUIRES: `admission` admits it, room at dst. Books the RAM, records the
  // admission on the VM and starts the transfer, or queues it.
  void start_live(int vm, int dst, const Verdict& admission, Priority priority = Priority::operation);
  // Powers the VM off (cold_migration or cold_evacuation), moves it and
  // powers it on at dst.
  void start_cold(int vm, int dst, PowerOffReason reason);
  int in_flight() const { return in_flight_; }
  // What can end a queued move: its VM powered off, rebooted or moved, or
  // its destination failed. Looked at when the next transfer ends.
  void vm_changed(int vm);
  void host_failed(int host);

  Signal<const MigrationJob&> completed;  // the VM runs at dst now
  Signal<const MigrationJob&> aborted;    // the VM stopped or dst failed meanwhile

 private:
  struct Queued {
    int vm, src, dst;
    Priority priority;
    double since;
  };
  using Key = std::pair<int, uint64_t>;  // (priority, arrival): the queue's order
  bool has_slot(int src, int dst) const;
  void transfer(int vm, int src, int dst, double waited_s);
  void start_queued(int src, int dst);
  void suspect(const Key& key);
  void dequeue(const Key& key);
  void live_done(const MigrationJob& job, const MigrationOutcome& out);
  void finish(const MigrationJob& job, const MigrationOutcome& out, bool ran);
  void cold_arrived(int vm, int dst);

  Env& env_;
  const ScenarioSpec& spec_;
  Inventory& inv_;
  GuestModel& guests_;
  const MaskingPolicy& policy_;
  int in_flight_ = 0;
  Convergence convergence_;  // the scenario's, or the masking policy's hypervisor default
  int limit_;                // vMotions at once per host
  std::vector<int> active_;  // per host: transfers running
  // The queue, evacuations first, oldest first within a priority. Looked at
  // only where something changed: a queued move can start only when a
  // transfer at one of its hosts ends (every queued move lacks a slot,
  // otherwise it would have started), and it can die only when its VM or
  // its destination changes -- not by a scan of the whole queue at every
  // transfer's end, which a retirement wave of thousands of queued moves
  // made quadratic.
  std::map<Key, Queued> queue_;
  std::vector<std::vector<Key>> queued_at_;  // per host: the queued moves from or to it
  std::vector<Key> queued_vm_;               // per VM: its queued move (priority -1: none)
  std::vector<std::vector<Key>> suspects_;   // per cluster: queued moves whose VM or destination changed
  uint64_t arrivals_ = 0;
};

}  // namespace evcsim
