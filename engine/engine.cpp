#include "engine/engine.hpp"

#include <csignal>
#include <exception>
#include <memory>
#include <queue>

#include <simgrid/s4u.hpp>

#include "engine/platform.hpp"
#include "world/world.hpp"

namespace evcsim {
namespace {

namespace sg4 = simgrid::s4u;

// A timer in the queue: its time, its order among timers of the same time,
// and the slot of its callback. The callbacks stay put in a slab; the heap
// moves only these 24 bytes (with the callbacks inside, popping a heap of
// 100,000 timers was a third of the controller's time in cache misses).
struct Pending {
  double at;
  uint64_t seq;
  uint32_t slot;
  bool operator>(const Pending& o) const { return at != o.at ? at > o.at : seq > o.seq; }
};

struct sigaction current_sigint() {
  struct sigaction now {};
  sigaction(SIGINT, nullptr, &now);
  return now;
}

class SimGridRun final : public SimServices {
 public:
  SimGridRun(const ScenarioSpec& spec, const Catalog& catalog, const std::vector<Listener*>& listeners)
      : spec_(spec),
        args_(simgrid_arguments()),
        argv_(make_argv(args_)),
        argc_(static_cast<int>(args_.size())),
        sigint_(current_sigint()),
        engine_(&argc_, argv_.data()),
        world_(spec, catalog, *this, listeners),
        idle_(spec.clusters.size()) {
    // SimGrid's engine takes SIGINT when it starts (it prints its status and
    // exits 1); the process's own handler (an interrupted run removes its
    // staging folder: reports/output_dir.hpp) is put back at once.
    sigaction(SIGINT, &sigint_, nullptr);
    platform_ = build_platform(spec_);
    mutex_ = sg4::Mutex::create();
    wake_ = sg4::ConditionVariable::create();
  }

  RunStats run() {
    sg4::Actor::create("evcsim-controller", platform_.control, [this] { guarded([this] { controller(); }); });
    engine_.run();
    if (error_) std::rethrow_exception(error_);
    stats_.end_s = sg4::Engine::get_clock();
    return stats_;
  }

  double now() const override { return sg4::Engine::get_clock(); }
  void schedule(double at, Callback cb) override {
    uint32_t slot;
    if (free_slots_.empty()) {
      slot = static_cast<uint32_t>(callbacks_.size());
      callbacks_.push_back(std::move(cb));
    } else {
      slot = free_slots_.back();
      free_slots_.pop_back();
      callbacks_[slot] = std::move(cb);
    }
    queue_.push(Pending{at, seq_++, slot});
    wake_->notify_all();
  }
  // Each migration runs on a worker actor of a pool: an idle worker takes it
  // (woken at this simulated instant), or a new worker joins the pool when
  // all are busy. Creating an actor (a context with its own stack) for
  // every migration cost about a tenth of a long run. Each worker sends
  // over its own Pipe, whose receiver it moves to the destination.
  void start_migration(const MigrationJob& job, MigrationDone done) override {
    ++stats_.migrations;
    ++in_flight_;
    std::vector<Worker*>& idle = idle_[static_cast<size_t>(spec_.hosts[static_cast<size_t>(job.src)].cluster)];
    if (!idle.empty()) {
      Worker* w = idle.back();
      idle.pop_back();
      w->job = job;
      w->done = std::move(done);
      w->started = stats_.migrations;
      w->has_job = true;
      w->cv->notify_one();
      return;
    }
    workers_.push_back(std::make_unique<Worker>(platform_.control));
    Worker* w = workers_.back().get();
    w->cv = sg4::ConditionVariable::create();
    w->job = job;
    w->done = std::move(done);
    w->started = stats_.migrations;
    w->has_job = true;
    ++stats_.migration_workers;
    sg4::Actor::create("migration", platform_.hosts[static_cast<size_t>(job.src)],
                       [this, w] { guarded([&] { work(w); }); });
  }

 private:
  static std::vector<char*> make_argv(std::vector<std::string>& args) {
    std::vector<char*> v;
    for (auto& a : args) v.push_back(a.data());
    v.push_back(nullptr);
    return v;
  }

  template <class F>
  void guarded(F&& f) {
    try {
      f();
    } catch (const simgrid::ForcefulKillException&) {
      throw;  // SimGrid unwinds killed actors with this; let it through
    } catch (...) {
      if (!error_) error_ = std::current_exception();
      stopping_ = true;
      wake_->notify_all();
    }
  }

  void controller() {
    std::unique_lock<sg4::Mutex> lock(*mutex_);
    world_.start();
    const double horizon = spec_.horizon_s;
    while (!stopping_) {
      double next = queue_.empty() ? horizon : std::min(queue_.top().at, horizon);
      if (now() < next) {
        if (queue_.empty() && world_.migrations_in_flight() == 0) {
          sg4::this_actor::sleep_until(horizon);  // nothing can happen any more
        } else {
          wake_->wait_until(lock, next);
        }
      }
      if (stopping_) break;
      finish_migrations(lock);
      while (!queue_.empty() && queue_.top().at <= now() && queue_.top().at <= horizon) {
        const uint32_t slot = queue_.top().slot;
        queue_.pop();
        Callback fire = std::move(callbacks_[slot]);
        free_slots_.push_back(slot);
        ++stats_.timers;
        fire();
        fired();
      }
      if (now() >= horizon) break;
    }
    if (!error_) world_.finish();
    sg4::Actor::kill_all();
  }

  struct Worker {
    explicit Worker(sg4::Host* home) : pipe(home) {}
    Pipe pipe;
    sg4::ConditionVariablePtr cv;
    MigrationJob job;
    MigrationDone done;
    uint64_t started = 0;  // its migration's number, in the order they started
    bool has_job = false;
  };
  // A migration the network carried to its end, waiting for the world to hear it.
  struct Finished {
    uint64_t started;
    MigrationJob job;
    MigrationOutcome outcome;
    MigrationDone done;
  };

  // The world hears the migrations that ended at this instant in the order
  // they started, then the instant's timers. SimGrid wakes the workers of
  // communications that end at one instant in an order that depends on every
  // other communication in flight, so hearing them as they woke would let
  // one cluster's history depend on the others' (issue 26: a split run must
  // equal the whole). The controller lets every worker of this instant run
  // first (they wait for the lock it gives up while it yields).
  void finish_migrations(std::unique_lock<sg4::Mutex>& lock) {
    if (in_flight_ == 0) return;
    lock.unlock();
    sg4::this_actor::yield();
    lock.lock();
    while (!finished_.empty()) {
      std::vector<Finished> now;
      now.swap(finished_);
      std::sort(now.begin(), now.end(), [](const Finished& a, const Finished& b) { return a.started < b.started; });
      for (Finished& f : now) {
        --in_flight_;
        f.done(f.job, f.outcome);
      }
    }
  }

  // A worker: runs its migration (pre-copy rounds on the network, then the
  // outcome under the world's lock), then waits, idle, for the next one.
  void work(Worker* w) {
    std::unique_lock<sg4::Mutex> lock(*mutex_, std::defer_lock);
    for (;;) {
      const MigrationJob job = w->job;
      MigrationDone done = std::move(w->done);
      w->has_job = false;
      w->pipe.connect(platform_.hosts[static_cast<size_t>(job.src)], platform_.hosts[static_cast<size_t>(job.dst)]);
      MigrationOutcome out = precopy(w->pipe, job, &stats_.communications);
      lock.lock();
      finished_.push_back(Finished{w->started, job, out, std::move(done)});
      wake_->notify_all();
      idle_[static_cast<size_t>(spec_.hosts[static_cast<size_t>(job.src)].cluster)].push_back(w);
      while (!w->has_job && !stopping_) w->cv->wait(lock);
      lock.unlock();
      if (stopping_) return;
    }
  }

  const ScenarioSpec& spec_;
  std::vector<std::string> args_;
  std::vector<char*> argv_;
  int argc_;
  struct sigaction sigint_;  // SIGINT's handler before the engine
  sg4::Engine engine_;
  World world_;
  Platform platform_;
  sg4::MutexPtr mutex_;
  sg4::ConditionVariablePtr wake_;
  std::priority_queue<Pending, std::vector<Pending>, std::greater<>> queue_;
  std::vector<Callback> callbacks_;  // by slot
  std::vector<uint32_t> free_slots_;
  std::vector<std::unique_ptr<Worker>> workers_;  // the migration pool
  // Idle workers by the cluster they last worked in: a worker stays with one
  // cluster, so which worker carries a migration never depends on other clusters.
  std::vector<std::vector<Worker*>> idle_;
  std::vector<Finished> finished_;  // migrations ended, not yet heard (finish_migrations)
  uint64_t in_flight_ = 0;          // migrations started and not yet heard
  uint64_t seq_ = 0;
  bool stopping_ = false;
  std::exception_ptr error_;
  RunStats stats_;
};

}  // namespace

RunStats run_simulation_ordered_by(const ScenarioSpec& spec, CanonicalOrder& order, const Catalog& catalog) {
  SimGridRun run(spec, catalog, {&order});
  return run.run();
}

RunStats run_simulation(const ScenarioSpec& spec, const std::vector<Listener*>& listeners, const Catalog& catalog) {
  CanonicalOrder order(spec, catalog, listeners);
  return run_simulation_ordered_by(spec, order, catalog);
}

}  // namespace evcsim
