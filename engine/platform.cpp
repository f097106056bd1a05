#include "engine/platform.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <simgrid/s4u.hpp>

namespace evcsim {

namespace sg4 = simgrid::s4u;

std::vector<std::string> simgrid_arguments() {
  return {"evcsim", "--log=root.thres:critical", "--cfg=network/model:CM02", "--cfg=network/TCP-gamma:0"};
}

Platform build_platform(const ScenarioSpec& spec) {
  Platform p;
  auto* root = sg4::create_star_zone("evcsim");
  const auto& net = spec.network;
  p.hosts.resize(spec.hosts.size());
  for (size_t c = 0; c < spec.clusters.size(); ++c) {
    // A part of a split run builds only its own clusters: SimGrid's
    // platform build grows faster than its hosts (each new name is checked
    // against every zone), ~150 s for 102,400 hosts.
    if (!spec.cluster_active(static_cast<int>(c))) continue;
    std::string cname = fmt::format("cluster-{}", c);
    auto* zone = sg4::create_star_zone(cname);
    zone->set_parent(root);
    auto* gateway = zone->create_router(cname + "-switch");
    for (size_t h = 0; h < spec.hosts.size(); ++h) {
      if (spec.hosts[h].cluster != static_cast<int>(c)) continue;
      const HostSpec& hs = spec.hosts[h];
      auto* host = zone->create_host(hs.name, 1e9 * (hs.cpu ? std::max(0.01, hs.cpu->relative_speed) : 1.0));
      host->set_core_count(std::max(1, hs.cores));
      auto* link = zone->create_split_duplex_link(hs.name + "-nic", net.host_link_gbps * 1e9 / 8)
                       ->set_latency(net.host_link_latency_us * 1e-6);
      zone->add_route(host->get_netpoint(), nullptr, nullptr, nullptr, {{link, sg4::LinkInRoute::Direction::UP}}, true);
      p.hosts[h] = host;
    }
    zone->seal();
    auto* uplink = root->create_split_duplex_link(cname + "-uplink", net.uplink_gbps * 1e9 / 8)
                       ->set_latency(net.uplink_latency_us * 1e-6);
    root->add_route(zone->get_netpoint(), nullptr, gateway, nullptr, {{uplink, sg4::LinkInRoute::Direction::UP}}, true);
  }
  p.control = root->create_host("evcsim-control", 1e9);
  root->seal();
  return p;
}

Pipe::Pipe(sg4::Host* home) {
  static uint64_t pipes = 0;
  mailbox_ = sg4::Mailbox::by_name(fmt::format("evcsim-pipe-{}", pipes++));
  sg4::Mailbox* mailbox = mailbox_;
  receiver_ = sg4::Actor::create("pipe-receiver", home, [mailbox] {
    for (;;) mailbox->get<char>();  // until the run's end kills it
  });
  receiver_->daemonize();
}

void Pipe::connect(sg4::Host* src, sg4::Host* dst) {
  if (sg4::this_actor::get_host() != src) sg4::this_actor::set_host(src);
  if (receiver_->get_host() != dst) receiver_->set_host(dst);
}

void Pipe::send(uint64_t bytes) {
  static char payload;
  mailbox_->put(&payload, bytes);
}

MigrationOutcome precopy(Pipe& pipe, const MigrationJob& job, uint64_t* communications) {
  MigrationOutcome out;
  const double start = sg4::Engine::get_clock();
  double bytes = job.ram_bytes;
  double throttle = 0;  // share of the guest's time taken away (auto-converge, SDPS)
  for (;;) {
    double t0 = sg4::Engine::get_clock();
    pipe.send(static_cast<uint64_t>(bytes));
    ++*communications;
    double dt = std::max(sg4::Engine::get_clock() - t0, 1e-9);
    out.bytes_sent += bytes;
    ++out.rounds;
    if (throttle > 0) {
      out.throttled_s += dt;
      out.lost_guest_cpu_s += throttle * dt * job.vcpus;
    }
    double bandwidth = bytes / dt;
    double dirty = std::min(job.dirty_bytes_per_s * (1 - throttle) * dt, job.working_set_bytes);
    bool converged = dirty / bandwidth <= job.max_downtime_s;
    bool give_up = out.rounds >= job.max_rounds;
    switch (job.convergence) {
      case Convergence::precopy:  // vMotion before SDPS: only the round limit
        break;
      case Convergence::stop_and_copy:  // Xen: also stop once 3x the RAM went over the wire
        give_up = give_up || out.bytes_sent >= 3 * job.ram_bytes;
        break;
      case Convergence::auto_converge:  // QEMU: 20% first, then 10% more per round that does not converge
        if (!converged && out.rounds >= 2) throttle = throttle == 0 ? 0.2 : std::min(0.99, throttle + 0.1);
        break;
      case Convergence::sdps:  // vMotion: stun the vCPUs so pages are dirtied at most at half the send rate
        if (!converged && job.dirty_bytes_per_s > 0.5 * bandwidth)
          throttle = std::max(throttle, 1 - 0.5 * bandwidth / job.dirty_bytes_per_s);
        break;
    }
    if (converged || give_up) {
      double s0 = sg4::Engine::get_clock();
      if (dirty >= 1) {
        pipe.send(static_cast<uint64_t>(dirty));
        ++*communications;
        out.bytes_sent += dirty;
      }
      out.downtime_s = sg4::Engine::get_clock() - s0;
      break;
    }
    bytes = dirty;
  }
  out.duration_s = sg4::Engine::get_clock() - start;
  return out;
}

}  // namespace evcsim
