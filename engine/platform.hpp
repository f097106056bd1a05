// The SimGrid side of a scenario: its platform and the pre-copy transfer of
// one live migration. Shared by the engine and by bench/'s bare replay, so
// both move exactly the same bytes over exactly the same network.
#pragma once

#include <cstdint>
#include <vector>

#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Host.hpp>
#include <simgrid/s4u/Mailbox.hpp>

#include "scenario/scenario.hpp"
#include "world/services.hpp"

namespace evcsim {

struct Platform {
  std::vector<simgrid::s4u::Host*> hosts;  // by scenario host index
  simgrid::s4u::Host* control = nullptr;   // runs the controller actor
};

// Clusters are star zones behind a switch (one split-duplex NIC link per
// host), joined through one uplink per cluster. REQUIRES: an s4u::Engine.
Platform build_platform(const ScenarioSpec& spec);

// The SimGrid configuration evcsim runs with (quiet, CM02, no TCP window).
std::vector<std::string> simgrid_arguments();

// The path one migration's rounds take from its source host to its
// destination: a private mailbox between the sending actor, moved to the
// source, and a receiving actor of the pipe's own, moved to the destination.
// Why not Comm::sendto: SimGrid 3.32 keeps every such detached transfer in
// one list of its maestro and removes each at its end with std::list::remove,
// so with thousands of transfers in flight (a retirement wave of a 10,000-host
// fleet) every end walked thousands of nodes -- three quarters of such a run.
// A mailbox transfer is listed only with its own two actors. The bytes, the
// route and so the timing are the same.
class Pipe {
 public:
  explicit Pipe(simgrid::s4u::Host* home);  // REQUIRES: an s4u::Engine; starts the receiver on `home`
  // From the actor that will send: moves it to `src` and the receiver to `dst`.
  void connect(simgrid::s4u::Host* src, simgrid::s4u::Host* dst);
  void send(uint64_t bytes);  // blocks the sender until the bytes arrived

 private:
  simgrid::s4u::Mailbox* mailbox_;
  simgrid::s4u::ActorPtr receiver_;
};

// Pre-copy over a connected pipe, from its sending actor: all memory, then
// what was dirtied during the previous round (dirty rate x its duration,
// capped by the working set) until the rest would go within the maximum
// downtime at the bandwidth that round saw, or the round limit is hit; then
// stop-and-copy. `communications` counts the SimGrid transfers used.
MigrationOutcome precopy(Pipe& pipe, const MigrationJob& job, uint64_t* communications);

}  // namespace evcsim
