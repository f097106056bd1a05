// DRS load balancing (DESIGN §7): every `interval_s`, per cluster, greedy
// moves from the most loaded host to one of the three least loaded while
// they lower the imbalance (standard deviation of host load) below the
// threshold's target, each move admitted by Migrations. The same pass as if
// every move were admitted tells what compatibility left unbalanced.
// Owns the hourly load noise and, per cluster, the imbalance it last saw.
//
// Cost: O(hosts + max_moves x 3 x 24) per cluster and pass.
#pragma once

#include "sim/migrations.hpp"

namespace evcsim {

class DrsController {
 public:
  DrsController(Env& env, Inventory& inv, Migrations& migrations, Rng& rng);

  void start();
  // The largest imbalance any cluster's last pass could not fix because of compatibility.
  double imbalance_left() const;

 private:
  struct ClusterLoad {
    double noise_drawn_at = -1e18;
    double imbalance = 0, imbalance_left = 0;
  };
  void pass();
  void balance(int cluster);

  Env& env_;
  const ScenarioSpec& spec_;
  Inventory& inv_;
  Migrations& migrations_;
  Rng& rng_;
  std::vector<ClusterLoad> clusters_;
};

}  // namespace evcsim
