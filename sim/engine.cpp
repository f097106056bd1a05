#include "sim/engine.hpp"

#include <exception>
#include <queue>

#include <fmt/format.h>
#include <simgrid/s4u.hpp>

#include "sim/world.hpp"

namespace evcsim {
namespace {

namespace sg4 = simgrid::s4u;

struct Pending {
  double at;
  uint64_t seq;
  Timer timer;
  bool operator>(const Pending& o) const { return at != o.at ? at > o.at : seq > o.seq; }
};

class SimGridRun final : public SimServices {
 public:
  SimGridRun(const ScenarioSpec& spec, const std::vector<Listener*>& listeners)
      : spec_(spec), engine_(&argc_, argv_), world_(spec, *this, listeners) {
    build_platform();
    mutex_ = sg4::Mutex::create();
    wake_ = sg4::ConditionVariable::create();
  }

  RunStats run() {
    sg4::Actor::create("evcsim-controller", control_host_, [this] { guarded([this] { controller(); }); });
    engine_.run();
    if (error_) std::rethrow_exception(error_);
    stats_.end_s = sg4::Engine::get_clock();
    return stats_;
  }

  double now() const override { return sg4::Engine::get_clock(); }
  void schedule(double at, const Timer& timer) override {
    queue_.push(Pending{at, seq_++, timer});
    wake_->notify_all();
  }
  void start_migration(const MigrationJob& job) override {
    ++stats_.migrations;
    sg4::Actor::create("migration", hosts_[static_cast<size_t>(job.src)],
                       [this, job] { guarded([this, job] { migrate(job); }); });
  }

 private:
  // SimGrid's configuration: quiet, and the CM02 network model without TCP
  // window or bandwidth factors, so a transfer on an idle link takes exactly
  // latency + size / bandwidth (the closed form the tests check).
  static inline int argc_ = 4;
  static inline char arg0_[] = "evcsim", arg1_[] = "--log=root.thres:critical",
                     arg2_[] = "--cfg=network/model:CM02", arg3_[] = "--cfg=network/TCP-gamma:0";
  static inline char* argv_[] = {arg0_, arg1_, arg2_, arg3_, nullptr};

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

  void build_platform() {
    auto* root = sg4::create_star_zone("evcsim");
    const auto& net = spec_.network;
    hosts_.resize(spec_.hosts.size());
    for (size_t c = 0; c < spec_.clusters.size(); ++c) {
      std::string cname = fmt::format("cluster-{}", c);
      auto* zone = sg4::create_star_zone(cname);
      zone->set_parent(root);
      auto* gateway = zone->create_router(cname + "-switch");
      for (size_t h = 0; h < spec_.hosts.size(); ++h) {
        if (spec_.hosts[h].cluster != static_cast<int>(c)) continue;
        const HostSpec& hs = spec_.hosts[h];
        auto* host = zone->create_host(hs.name, 1e9 * std::max(0.01, hs.cpu->relative_speed));
        host->set_core_count(std::max(1, hs.cores));
        auto* link = zone->create_split_duplex_link(hs.name + "-nic", net.host_link_gbps * 1e9 / 8)
                         ->set_latency(net.host_link_latency_us * 1e-6);
        zone->add_route(host->get_netpoint(), nullptr, nullptr, nullptr,
                        {{link, sg4::LinkInRoute::Direction::UP}}, true);
        hosts_[h] = host;
      }
      zone->seal();
      auto* uplink = root->create_split_duplex_link(cname + "-uplink", net.uplink_gbps * 1e9 / 8)
                         ->set_latency(net.uplink_latency_us * 1e-6);
      root->add_route(zone->get_netpoint(), nullptr, gateway, nullptr,
                      {{uplink, sg4::LinkInRoute::Direction::UP}}, true);
    }
    control_host_ = root->create_host("evcsim-control", 1e9);
    root->seal();
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
      while (!queue_.empty() && queue_.top().at <= now() && queue_.top().at <= horizon) {
        Timer t = queue_.top().timer;
        queue_.pop();
        ++stats_.timers;
        world_.handle(t);
      }
      if (now() >= horizon) break;
    }
    if (!error_) world_.finish();
    sg4::Actor::kill_all();
  }

  // Pre-copy: send all memory, then re-send what was dirtied during the last
  // round (dirty rate x round time, capped by the working set) until the rest
  // would go within the maximum downtime (at the bandwidth the last round
  // saw) or the round limit is reached; then stop and copy the rest: that
  // last transfer's time is the downtime.
  void migrate(const MigrationJob& job) {
    sg4::Host* src = hosts_[static_cast<size_t>(job.src)];
    sg4::Host* dst = hosts_[static_cast<size_t>(job.dst)];
    MigrationOutcome out;
    const double start = now();
    double bytes = job.ram_bytes;
    for (;;) {
      double t0 = now();
      sg4::Comm::sendto(src, dst, static_cast<uint64_t>(bytes));
      ++stats_.communications;
      double dt = std::max(now() - t0, 1e-9);
      out.bytes_sent += bytes;
      ++out.rounds;
      double dirty = std::min(job.dirty_bytes_per_s * dt, job.working_set_bytes);
      double bandwidth = bytes / dt;
      if (dirty / bandwidth <= job.max_downtime_s || out.rounds >= job.max_rounds) {
        double s0 = now();
        if (dirty >= 1) {
          sg4::Comm::sendto(src, dst, static_cast<uint64_t>(dirty));
          ++stats_.communications;
          out.bytes_sent += dirty;
        }
        out.downtime_s = now() - s0;
        break;
      }
      bytes = dirty;
    }
    out.duration_s = now() - start;
    std::unique_lock<sg4::Mutex> lock(*mutex_);
    world_.migration_done(job, out);
    wake_->notify_all();
  }

  const ScenarioSpec& spec_;
  sg4::Engine engine_;
  World world_;
  std::vector<sg4::Host*> hosts_;
  sg4::Host* control_host_ = nullptr;
  sg4::MutexPtr mutex_;
  sg4::ConditionVariablePtr wake_;
  std::priority_queue<Pending, std::vector<Pending>, std::greater<>> queue_;
  uint64_t seq_ = 0;
  bool stopping_ = false;
  std::exception_ptr error_;
  RunStats stats_;
};

}  // namespace

RunStats run_simulation(const ScenarioSpec& spec, const std::vector<Listener*>& listeners) {
  SimGridRun run(spec, listeners);
  return run.run();
}

}  // namespace evcsim
