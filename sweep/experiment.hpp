// An experiment (`evcsim sweep`): a base scenario, factors that set scenario
// fields by path, seeds, metrics and a design. Loading validates everything a
// run would reject (bad paths, values, unknown metrics, and the scenario of
// every design point) before any run starts; a task is one design point at
// one seed, numbered 0..task_count()-1 in the same order on every machine.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "scenario/scenario.hpp"

namespace google::protobuf {
class Message;
}
namespace evcsim {
class Catalog;
}

namespace evcsim::sweep {

struct Factor {
  std::string name;                 // the column in sweep.csv
  std::string path;                 // as written in the experiment
  std::vector<std::string> levels;  // full factorial: the values, in order
  int line = 0;                     // in the experiment file
};

struct DesignPoint {
  std::vector<std::string> values;  // one per factor, as scenario text
  std::string label;                // a file-name-safe summary of the values
};

struct Task {
  size_t index = 0;
  size_t point = 0;
  uint64_t seed = 0;
  std::string dir;  // relative to the sweep's --out: runs/LABEL-seedN
};

// Sets the scenario field at `path` (see sweep/experiment.proto) of `root` to
// the text `value`; throws std::invalid_argument saying what is wrong.
void set_by_path(google::protobuf::Message& root, const std::string& path, const std::string& value);

class Experiment {
 public:
  // Throws InputError naming the experiment file, line and field.
  // `every_point`: also load the scenario of every design point (a sweep
  // does, once; its tasks, which read the sweep's checked copy, need not).
  static Experiment load(const std::string& path, const Catalog& catalog, bool every_point = true);
  static Experiment parse(const std::string& text, const std::string& file, const Catalog& catalog,
                          bool every_point = true);
  // One factor over a scenario file, as `evcsim compare` asks for it, with
  // `fixed` paths set to one value in every run and the metrics reported
  // (default: compare's set).
  static Experiment of_levels(const std::string& scenario_file, const std::string& path,
                              const std::vector<std::string>& levels, uint32_t seeds, const Catalog& catalog,
                              const std::vector<std::string>& metrics = {},
                              const std::vector<std::pair<std::string, std::string>>& fixed = {});

  Experiment(Experiment&&) noexcept;
  Experiment& operator=(Experiment&&) noexcept;
  ~Experiment();

  const std::string& name() const;
  const std::string& file() const;
  const std::string& scenario_file() const;  // absolute
  const std::vector<Factor>& factors() const;
  const std::vector<DesignPoint>& points() const;
  const std::vector<uint64_t>& seeds() const;
  const std::vector<std::string>& metrics() const;
  size_t task_count() const;
  Task task(size_t index) const;
  // The task's scenario as text: the base with the point's values and the
  // task's seed (comments dropped; a first comment line says where from).
  std::string scenario_text(const Task& task) const;
  // The task's scenario, parsed: scenario_text(task) read as the base
  // scenario's file (dump paths resolve next to it).
  ScenarioSpec scenario(const Task& task, const Catalog& catalog) const;
  // The experiment as text with the scenario's absolute path: what a sweep
  // keeps in its --out folder, so its tasks and merge read one fixed copy.
  std::string normalized_text() const;

 private:
  struct Impl;
  explicit Experiment(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace evcsim::sweep
