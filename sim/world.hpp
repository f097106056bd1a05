// The evcsim world: hosts, VMs and the software in them, and the rules of
// DESIGN §5 -- guest views fixed at power-on, active sets captured when
// software starts, migrations admitted by the policy, crashes where a host
// lacks a feature in use. The World knows nothing of SimGrid: the engine
// gives it a clock, timers and network transfers through SimServices.
//
// Operations over time (DRS, maintenance, failures and HA, workload, hardware
// refresh and baseline policies) live in world_ops.cpp. Capacity for
// placement is RAM; CPU demand drives load balancing (vCPUs may overcommit).
#pragma once

#include <cstdint>
#include <memory>
#include <variant>
#include <vector>

#include "models/policy.hpp"
#include "models/scenario.hpp"
#include "sim/events.hpp"
#include "sim/random.hpp"

namespace evcsim {

// Timers the world asks the engine for. Stale ones (epoch changed) are ignored.
struct OpDue { int op; };
struct PowerOnDue { int vm; };
struct BootDone { int vm; uint32_t epoch; bool new_view; };
struct ColdMoveDone { int vm; uint32_t epoch; int dst; };
struct SoftwareRestartDue { int vm; int sw; uint32_t epoch; bool after_crash; };
struct FaultDue { int vm; int sw; uint32_t epoch; };
struct SampleDue { bool graph; };
struct DrsDue {};
struct DailyDue {};                      // refresh: retirements, procurement
struct WindowDue {};                     // maintenance window: baseline policy, retries, patches
struct HostFailDue { int host; uint32_t epoch; };
struct HostRepairDue { int host; uint32_t epoch; };
struct ArrivalDue { int arrival; };
struct DepartureDue { int vm; uint32_t epoch; };
struct PatchDue { int slot; bool power_cycle; };   // the VMs with index % 240 == slot
using Timer = std::variant<OpDue, PowerOnDue, BootDone, ColdMoveDone, SoftwareRestartDue, FaultDue, SampleDue, DrsDue,
                           DailyDue, WindowDue, HostFailDue, HostRepairDue, ArrivalDue, DepartureDue, PatchDue>;

// The features whose availability to VMs the time series follow.
const std::vector<std::string>& notable_features();

// A live migration for the engine to carry out (pre-copy over the network).
struct MigrationJob {
  int vm, src, dst;
  double ram_bytes, dirty_bytes_per_s, working_set_bytes;
  double max_downtime_s;
  int max_rounds;
};
MigrationJob make_migration_job(const ScenarioSpec& spec, int vm, int src, int dst);

struct MigrationOutcome {
  double duration_s = 0, downtime_s = 0, bytes_sent = 0;
  int rounds = 0;
};

class SimServices {
 public:
  virtual ~SimServices() = default;
  virtual double now() const = 0;
  virtual void schedule(double at, const Timer& timer) = 0;
  virtual void start_migration(const MigrationJob& job) = 0;
};

class World {
 public:
  World(const ScenarioSpec& spec, SimServices& sim, std::vector<Listener*> listeners);

  void start();                  // hosts join, power-ons and operations are scheduled
  void handle(const Timer& t);
  void migration_done(const MigrationJob& job, const MigrationOutcome& out);
  void finish();                 // at the horizon: final checks, listeners' on_end
  // Each VM on exactly one host's list or powered off, never on two; RAM
  // books balance. Throws std::logic_error naming the first violation.
  void check_invariants() const;

  const Policy& policy() const { return *policy_; }
  int migrations_in_flight() const { return in_flight_; }

 private:
  enum class Power { off, booting, running };
  struct SoftwareState {
    bool running = false;
    bool gave_up = false;
    FeatureSet active;
    uint32_t epoch = 0;
    int crash_streak = 0;
    uint32_t restart_token = 0;    // the pending planned restart
    bool restart_pending = false;
    // The migration that brought the pending fault, for the crash report.
    int fault_src = -1, fault_dst = -1;
  };
  struct VmState {
    Power power = Power::off;
    int host = -1;                 // where it runs (or boots); -1 when off
    bool migrating = false;
    int migration_dst = -1;
    bool cold_moving = false;
    int cold_dst = -1;
    FeatureSet guest_view;
    bool has_view = false;
    VmMasks custom_masks;          // configured (may differ from what the guest saw at power-on)
    VmMasks effective_masks;       // custom_masks over the policy's default masks
    uint32_t epoch = 0;
    int crash_streak = 0;
    bool arrived = false;          // arrival slots: taken
    std::vector<SoftwareState> sw;
  };
  struct HostState {
    bool present = false;
    std::vector<int> vms;          // running or booting here
    int64_t ram_reserved_mib = 0;  // resident VMs plus incoming migrations / cold moves
    std::shared_ptr<const CpuModel> cpu;  // bays get theirs when bought
    YearMonth purchased;
    int64_t ram_mib = 0;
    bool up = true;
    uint32_t epoch = 0;            // failures
    bool maintenance = false;
    bool retiring = false;
    int migrations = 0;            // in flight, in or out
    double demand = 0;             // sum of the base CPU demand of the VMs here
    double noise = 0;              // relative load noise, redrawn hourly
    double capacity = 1;           // cores x relative speed
    double retry_after = 0;        // a failed retirement waits for the next window
    bool replaced = false;         // its replacement was bought
    bool replaced_by_purchase = false;  // the bay holds a bought machine now
  };
  struct RaiseTrack {
    int cluster;
    std::string to;
    double raised_at;
    std::vector<char> waiting;     // per VM: running at the raise with a view below it
    int remaining = 0;
  };
  struct ClusterState {
    double noise_drawn_at = -1e18;
    std::optional<Baseline> baseline;
    std::vector<int> hosts;        // present hosts, in join order
    FeatureSet lcd;
    std::string vendor;            // what procurement buys
    double raise_possible_since = -1;
    double imbalance = 0, imbalance_left = 0;
    double refusal_reported_at = -1e18;  // procurement that no market part can satisfy
  };

  void emit(const Event& e);
  double now() const { return sim_.now(); }
  HostView host_view(int host) const;
  VmView vm_view(int vm) const;
  void recompute_lcd(int cluster);
  bool has_room(int host, int vm) const;
  void place(int vm, int host);      // adds to the host's list and books RAM
  void unplace(int vm);              // removes from its host
  void join_host(int host, int cluster);

  void power_on(int vm, int preferred_host);
  void boot_on(int vm, int host, bool new_view);
  void boot_done(int vm, bool new_view);
  void power_off(int vm, const std::string& reason);
  void guest_reboot(int vm, bool power_cycle);
  void start_software(int vm, int sw, const std::string& why);
  void stop_all_software(int vm);
  void arm_fault_if_missing(int vm, int sw, int src, int dst);
  void fault(int vm, int sw);
  void planned_restart(int vm, int sw, bool after_crash);
  void schedule_planned_restart(int vm, int sw);
  std::string crash_cause(int vm, int sw, const FeatureSet& missing) const;

  void run_operation(int op);
  void refuse(int op, std::string reason);
  void migrate(int op, int vm, int dst);
  void cold_migrate(int op, int vm, int dst);
  void cold_move_done(int vm, int dst);
  void set_baseline(int op);
  bool apply_baseline(int cluster, const std::optional<Baseline>& to, std::string* why_not);
  void sample(bool graph);

  // ---- world_ops.cpp ----
  const CpuModel& cpu_of(int host) const { return *hosts_[host].cpu; }
  bool usable(int host) const { return hosts_[host].present && hosts_[host].up && !hosts_[host].maintenance; }
  double demand_factor() const;             // diurnal wave x growth at now()
  double load(int host) const;              // max(CPU, RAM) load, 0..
  double load(int host, double factor) const;
  bool rules_allow(int vm, int host) const;
  Verdict admit_move(int vm, int dst) const;  // vendor rule + policy check
  int choose_host(int vm, const std::vector<int>& candidates, std::string* why_not, FeatureSet* missing);
  void start_operations();
  void drs_pass();
  void balance_cluster(int cluster);
  bool start_live_migration(int vm, int dst);  // checks done; true when started
  void enter_maintenance(int host, const std::string& why, bool retire);
  void evacuate(int host);
  void check_maintenance_done(int host);
  void host_fails(int host);
  void host_repaired(int host);
  void daily();
  void window();
  void buy_hosts(int cluster, int count, const std::string& why);
  // The part to buy, from what the market sells now and can join the
  // cluster's baseline; nullptr (and *why) when nothing can.
  const CpuModel* market_choice(int cluster, std::string* why, FeatureSet* missing) const;
  std::vector<const CpuModel*> market(int cluster) const;
  void apply_baseline_policy(int cluster);
  void note_view_change(int vm);            // raise tracking after a power cycle
  void arrival(int a);
  void departure(int vm);
  void patch(int slot, bool power_cycle);
  const ScenarioSpec& spec_;
  SimServices& sim_;
  std::vector<Listener*> listeners_;
  std::unique_ptr<Policy> policy_;
  Rng fault_rng_, restart_rng_, workload_rng_, failure_rng_;
  std::vector<RaiseTrack> raises_;
  std::vector<const Baseline*> levels_;   // x86-64 levels, for VMs by guest-view level
  std::vector<HostState> hosts_;
  std::vector<VmState> vms_;
  std::vector<ClusterState> clusters_;
  int in_flight_ = 0;
  uint64_t events_ = 0;
};

}  // namespace evcsim
