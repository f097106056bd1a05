#include "world/random_streams.hpp"

#include <string>
#include <unordered_map>

namespace evcsim {

namespace {
Rng named_stream(uint64_t seed, std::string_view kind, const std::string& name) {
  std::string stream(kind);
  stream += '/';
  stream += name;
  return Rng(seed, stream);
}
}  // namespace

std::vector<Rng> cluster_streams(const ScenarioSpec& spec, std::string_view kind) {
  std::vector<Rng> out;
  out.reserve(spec.clusters.size());
  for (const ClusterSpec& c : spec.clusters) out.push_back(named_stream(spec.seed, kind, c.name));
  return out;
}

GroupStreams::GroupStreams(const ScenarioSpec& spec, std::string_view kind) {
  std::unordered_map<std::string, int> index;
  for (size_t vm = 0; vm < spec.vms.size(); ++vm) {
    const std::string& group = spec.vms[vm].group;
    if (vm > 0 && spec.vms[vm - 1].group == group) continue;  // the same run
    auto [it, added] = index.try_emplace(group, static_cast<int>(streams_.size()));
    if (added) streams_.push_back(named_stream(spec.seed, kind, group));
    run_first_vm_.push_back(static_cast<int>(vm));
    run_group_.push_back(it->second);
  }
}

}  // namespace evcsim
