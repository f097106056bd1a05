#include "session/split_part.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <fstream>
#include <map>

#include <fmt/format.h>

#include "base/error.hpp"
#include "base/io_error.hpp"
#include "base/textproto.hpp"
#include "engine/engine.hpp"
#include "events/event_codec.hpp"
#include "scenario/partition.hpp"
#include "session/run_outputs.hpp"
#include "world/event_order.hpp"

namespace evcsim {

namespace {

// A part file: the magic line, a header, then records, each a tag and its
// fields (events/event_codec.hpp's primitives), ending with the run's stats.
constexpr std::string_view kMagic = "evcsim-part 2\n";
enum class Tag : uint64_t { event = 1, sample = 2, cpu = 4, baseline = 5, end = 9 };

// What ties a part to its scenario: the scenario file's text, the seed and
// the policy (--seed and --policy override the file).
uint64_t fingerprint(const ScenarioSpec& spec) {
  const std::string text = read_file(spec.file);  // the loader's reader: a missing file is named
  uint64_t h = 0xcbf29ce484222325ull;
  auto mix = [&](std::string_view s) {
    for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ull;
    h = (h ^ 0xff) * 0x100000001b3ull;
  };
  mix(text);
  mix(std::to_string(spec.seed));
  mix(spec.policy.name);
  return h;
}

// Records what the part's listeners would hear, in canonical order, leaving
// out what concerns the clusters of other parts. Host CPUs and baselines of
// the samples are written once each and referred to by number.
class PartRecorder final : public Listener {
 public:
  PartRecorder(const ScenarioSpec& spec, std::ofstream& out, std::string path)
      : spec_(spec), out_(out), path_(std::move(path)) {
    keeps_unclustered_ = spec.cluster_active(0);
  }
  void set_order(const CanonicalOrder* order) { order_ = order; }

  void on_event(const Event& e) override {
    const int c = order_->cluster_of(e);
    if (c == static_cast<int>(spec_.clusters.size()) ? !keeps_unclustered_ : !spec_.cluster_active(c)) return;
    w_.u64(static_cast<uint64_t>(Tag::event));
    encode_event(e, w_);
    drain(false);
  }
  void on_sample(const ClusterSample& s) override {
    std::vector<std::pair<uint64_t, uint64_t>> ids;  // (cpu, baseline) per class
    for (const auto& k : s.classes) ids.emplace_back(cpu_id(k.cpu), baseline_id(k.baseline));
    w_.u64(static_cast<uint64_t>(Tag::sample));
    w_.f64(s.t);
    w_.i64(s.cluster);
    w_.boolean(s.graph);
    w_.i64(s.vms_on);
    w_.i64(s.vms_off);
    w_.u64(s.feature_counts.size());
    for (size_t i = 0; i < s.feature_counts.size(); ++i) w_.i64(s.feature_counts[i]), w_.i64(s.feature_in_use[i]);
    for (const auto* m : {&s.vms_by_level, &s.hosts_by_generation}) {
      w_.u64(m->size());
      for (const auto& [k, n] : *m) w_.str(k), w_.i64(n);
    }
    w_.str(s.baseline);
    w_.i64(s.baseline_features);
    for (double d : {s.demand, s.configured_mib, s.ram_mib, s.memory_overcommit_max, s.load_sum, s.load_sum2})
      w_.f64(d);
    w_.i64(s.present);
    w_.f64(s.imbalance_left);
    w_.u64(s.classes.size());
    for (size_t i = 0; i < s.classes.size(); ++i) {
      w_.u64(ids[i].first);
      w_.u64(ids[i].second);
      write_features(w_, s.classes[i].lcd);
      w_.i64(s.classes[i].hosts);
    }
    drain(false);
  }
  void finish(const RunStats& stats) {
    w_.u64(static_cast<uint64_t>(Tag::end));
    w_.f64(stats.end_s);
    for (uint64_t n : {stats.timers, stats.migrations, stats.communications, stats.migration_workers}) w_.u64(n);
    drain(true);
  }

 private:
  uint64_t cpu_id(const std::shared_ptr<const CpuModel>& cpu) {
    auto [it, added] = cpus_.emplace(cpu.get(), std::make_pair(cpus_.size() + 1, cpu));
    if (added) {
      w_.u64(static_cast<uint64_t>(Tag::cpu));
      w_.str(cpu->name);
      w_.str(cpu->state);
      for (const FeatureSet* f : {&cpu->features, &cpu->compared, &cpu->turned_off}) write_features(w_, *f);
    }
    return it->second.first;
  }
  uint64_t baseline_id(const std::shared_ptr<const Baseline>& b) {
    if (!b) return 0;
    BinaryWriter key;
    for (const std::string* s : {&b->name, &b->vendor, &b->label, &b->extends, &b->vcenter, &b->vcenter_source})
      key.str(*s);
    key.u64(static_cast<uint64_t>(b->kind));
    write_features(key, b->features);
    key.u64(b->check_cpus.size());
    for (const auto& c : b->check_cpus) key.str(c);
    auto [it, added] = baselines_.emplace(key.bytes(), baselines_.size() + 1);
    if (added) {
      w_.u64(static_cast<uint64_t>(Tag::baseline));
      w_.str(key.bytes());
    }
    return it->second;
  }
  void drain(bool all) {
    if (!all && w_.bytes().size() < (1u << 20)) return;
    out_.write(w_.bytes().data(), static_cast<std::streamsize>(w_.bytes().size()));
    if (!out_) throw InputError(fmt::format("cannot write the part file: {}", io_error_text(errno)), path_);
    w_.clear();
  }

  const ScenarioSpec& spec_;
  std::ofstream& out_;
  std::string path_;
  const CanonicalOrder* order_ = nullptr;
  bool keeps_unclustered_ = false;  // events of no cluster: recorded by the part with cluster 0
  BinaryWriter w_;
  std::map<const CpuModel*, std::pair<uint64_t, std::shared_ptr<const CpuModel>>> cpus_;
  std::map<std::string, uint64_t> baselines_;
};

// A part file mapped into memory, read record by record.
class PartFile {
 public:
  explicit PartFile(std::string path) : path_(std::move(path)) {
    errno = 0;
    const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw InputError(fmt::format("cannot read the part file: {}", io_error_text(errno)), path_);
    struct stat st {};
    ::fstat(fd, &st);
    size_ = static_cast<size_t>(st.st_size);
    if (size_ > 0) data_ = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    if (data_ == MAP_FAILED) throw InputError("cannot map the part file", path_);
    reader_ = BinaryReader(std::string_view(static_cast<const char*>(data_), size_));
  }
  ~PartFile() {
    if (data_ && data_ != MAP_FAILED) ::munmap(data_, size_);
  }
  PartFile(const PartFile&) = delete;
  PartFile& operator=(const PartFile&) = delete;

  const std::string& path() const { return path_; }
  BinaryReader& reader() { return reader_; }
  // Runs `f`, placing a reader's error in this file.
  template <class F>
  auto read(F&& f) {
    try {
      return f(reader_);
    } catch (const InputError& e) {
      throw InputError(e.message(), path_);
    }
  }

 private:
  std::string path_;
  void* data_ = nullptr;
  size_t size_ = 0;
  BinaryReader reader_{std::string_view()};
};

// The records of one part, decoded one instant at a time.
struct PartStream {
  std::unique_ptr<PartFile> file;
  std::vector<int> clusters;
  std::map<uint64_t, std::shared_ptr<const CpuModel>> cpus;
  std::map<uint64_t, std::shared_ptr<const Baseline>> baselines;
  // The next record, decoded: an event, a sample or the end.
  std::optional<Event> event;
  std::optional<ClusterSample> sample;
  std::optional<RunStats> end;
  double t() const { return event ? event_time(*event) : sample ? sample->t : 1e300; }
};

std::shared_ptr<const CpuModel> rebuild_cpu(const ScenarioSpec& spec, const Catalog& cat, BinaryReader& r) {
  std::string name = r.str(), state = r.str();
  FeatureSet features = read_features(r), compared = read_features(r), turned_off = read_features(r);
  // The part as the scenario lists it (a host of that part in the same
  // state first), else the catalog's; then what updates changed.
  const CpuModel* base = nullptr;
  for (const HostSpec& h : spec.hosts) {
    if (!h.cpu || h.cpu->name != name) continue;
    if (!base || (h.cpu->state == state && h.cpu->turned_off == turned_off)) base = h.cpu.get();
    if (h.cpu->state == state && h.cpu->turned_off == turned_off) break;
  }
  if (!base) base = cat.find_cpu(name);
  if (!base) r.fail(fmt::format("a host CPU the catalog has no part for: {}", name));
  auto m = std::make_shared<CpuModel>(*base);
  for (FeatureId id = 0; id < static_cast<FeatureId>(FeatureSet::kCapacity); ++id)
    if (features.test(id) != m->features.test(id)) set_feature(*m, id, features.test(id));
  m->compared = compared;
  m->turned_off = turned_off;
  m->state = std::move(state);
  return m;
}

std::shared_ptr<const Baseline> rebuild_baseline(BinaryReader& outer) {
  const std::string bytes = outer.str();
  BinaryReader r(bytes);
  auto b = std::make_shared<Baseline>();
  for (std::string* s : {&b->name, &b->vendor, &b->label, &b->extends, &b->vcenter, &b->vcenter_source}) *s = r.str();
  b->kind = static_cast<BaselineKind>(r.u64());
  b->features = read_features(r);
  const uint64_t n = r.u64();
  for (uint64_t i = 0; i < n; ++i) b->check_cpus.push_back(r.str());
  return b;
}

ClusterSample read_sample(PartStream& p, BinaryReader& r) {
  ClusterSample s;
  s.t = r.f64();
  s.cluster = r.i32();
  s.graph = r.boolean();
  s.vms_on = r.i32();
  s.vms_off = r.i32();
  const uint64_t features = r.u64();
  if (features > 4096) r.fail("a sample with too many features");
  for (uint64_t i = 0; i < features; ++i) s.feature_counts.push_back(r.i32()), s.feature_in_use.push_back(r.i32());
  for (auto* m : {&s.vms_by_level, &s.hosts_by_generation}) {
    const uint64_t n = r.u64();
    for (uint64_t i = 0; i < n; ++i) {
      std::string k = r.str();
      (*m)[k] = r.i32();
    }
  }
  s.baseline = r.str();
  s.baseline_features = r.i32();
  for (double* d : {&s.demand, &s.configured_mib, &s.ram_mib, &s.memory_overcommit_max, &s.load_sum, &s.load_sum2})
    *d = r.f64();
  s.present = r.i32();
  s.imbalance_left = r.f64();
  const uint64_t classes = r.u64();
  for (uint64_t i = 0; i < classes; ++i) {
    ClusterSample::HostClassSample k;
    const uint64_t cpu = r.u64(), baseline = r.u64();
    if (!p.cpus.count(cpu) || (baseline && !p.baselines.count(baseline))) r.fail("a sample names an unknown CPU");
    k.cpu = p.cpus[cpu];
    if (baseline) k.baseline = p.baselines[baseline];
    k.lcd = read_features(r);
    k.hosts = r.i32();
    s.classes.push_back(std::move(k));
  }
  return s;
}

// Decodes `p`'s records up to its next event, sample or end.
void advance(PartStream& p, const ScenarioSpec& spec, const Catalog& cat) {
  p.event.reset();
  p.sample.reset();
  p.file->read([&](BinaryReader& r) {
    for (;;) {
      if (r.done()) r.fail("the part file ends before its run did (a part that was killed?)");
      switch (static_cast<Tag>(r.u64())) {
        case Tag::event:
          p.event = decode_event(r);
          return;
        case Tag::sample:
          p.sample = read_sample(p, r);
          return;
        case Tag::cpu: {
          const uint64_t id = p.cpus.size() + 1;
          p.cpus[id] = rebuild_cpu(spec, cat, r);
          break;
        }
        case Tag::baseline: {
          const uint64_t id = p.baselines.size() + 1;
          p.baselines[id] = rebuild_baseline(r);
          break;
        }
        case Tag::end: {
          RunStats s;
          s.end_s = r.f64();
          s.timers = r.u64(), s.migrations = r.u64(), s.communications = r.u64(), s.migration_workers = r.u64();
          p.end = s;
          return;
        }
        default:
          r.fail("an unknown record");
      }
    }
  });
}

}  // namespace

void run_part(const ScenarioSpec& spec, const Catalog& catalog, const std::vector<int>& clusters,
              const std::string& part_file) {
  const ScenarioSpec part = part_scenario(spec, clusters);
  const std::string tmp = part_file + ".tmp";
  errno = 0;
  std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
  if (!out) throw InputError(fmt::format("cannot write here: {}", io_error_text(errno)), tmp);
  try {
    BinaryWriter header;
    header.raw(kMagic);
    header.u64(fingerprint(spec));
    header.str(spec.name);
    header.u64(spec.seed);
    header.u64(spec.clusters.size());
    header.u64(clusters.size());
    for (int c : clusters) header.i64(c);
    out.write(header.bytes().data(), static_cast<std::streamsize>(header.bytes().size()));
    PartRecorder recorder(part, out, tmp);
    CanonicalOrder order(part, catalog, {&recorder}, CanonicalOrder::Samples::forward);
    recorder.set_order(&order);
    recorder.finish(run_simulation_ordered_by(part, order, catalog));
    out.close();
    if (!out) throw InputError(fmt::format("cannot write the part file: {}", io_error_text(errno)), tmp);
  } catch (...) {
    std::remove(tmp.c_str());
    throw;
  }
  if (std::rename(tmp.c_str(), part_file.c_str()) != 0) {
    const int err = errno;
    std::remove(tmp.c_str());
    throw InputError(fmt::format("cannot write here: {}", io_error_text(err)), part_file);
  }
}

int merge_parts(const ScenarioSpec& spec, const Catalog& catalog, const std::vector<std::string>& part_files,
                const RunRequest& request) {
  if (part_files.empty()) throw InputError("no part files to merge", spec.file);
  // Open every part and check it belongs here before anything is written.
  const uint64_t print = fingerprint(spec);
  std::vector<PartStream> parts(part_files.size());
  std::vector<std::string> owner(spec.clusters.size());
  for (size_t i = 0; i < part_files.size(); ++i) {
    PartStream& p = parts[i];
    p.file = std::make_unique<PartFile>(part_files[i]);
    p.file->read([&](BinaryReader& r) {
      if (r.remaining() < kMagic.size() || r.raw(kMagic.size()) != kMagic)
        r.fail("not a part file of this evcsim (run its part again)");
      const uint64_t their_print = r.u64();
      const std::string name = r.str();
      const uint64_t seed = r.u64(), clusters = r.u64();
      if (their_print != print || seed != spec.seed || clusters != spec.clusters.size())
        throw InputError(
            fmt::format("a part of another run (scenario {}, seed {}), not of {} with seed {} as it is now "
                        "(the scenario file, the seed or the policy changed since it ran)",
                        name, seed, spec.name, spec.seed));
      const uint64_t n = r.u64();
      for (uint64_t k = 0; k < n; ++k) {
        const int c = r.i32();
        if (c < 0 || c >= static_cast<int>(spec.clusters.size())) r.fail("a cluster out of the scenario");
        if (!owner[static_cast<size_t>(c)].empty())
          r.fail(fmt::format("cluster {} is also in {}", spec.clusters[static_cast<size_t>(c)].name,
                             owner[static_cast<size_t>(c)]));
        owner[static_cast<size_t>(c)] = part_files[i];
        p.clusters.push_back(c);
      }
      return 0;
    });
  }
  for (size_t c = 0; c < owner.size(); ++c)
    if (owner[c].empty())
      throw InputError(fmt::format("no part has cluster {}: a part is missing", spec.clusters[c].name), spec.file);
  for (PartStream& p : parts) advance(p, spec, catalog);

  std::optional<RunFolder> dir;
  try {
    RunOutputs outputs(spec, request, dir);
    CanonicalOrder order(spec, catalog, outputs.listeners());
    // One instant at a time: each part's records of the instant, parts in
    // order; the canonical order sorts them by cluster, as in the whole run.
    for (;;) {
      double t = 1e300;
      for (const PartStream& p : parts) t = std::min(t, p.t());
      if (t == 1e300) break;
      for (PartStream& p : parts)
        while (p.t() == t) {
          if (p.event) order.on_event(*p.event);
          else order.on_sample(*p.sample);
          advance(p, spec, catalog);
        }
    }
    RunStats stats;
    for (const PartStream& p : parts) {
      if (!p.end) throw InputError("the part file has no end", p.file->path());
      stats.end_s = std::max(stats.end_s, p.end->end_s);
      stats.timers += p.end->timers;
      stats.migrations += p.end->migrations;
      stats.communications += p.end->communications;
      stats.migration_workers += p.end->migration_workers;
    }
    order.on_end(stats.end_s);
    return outputs.finish(stats);
  } catch (const InputError& e) {
    if (dir) throw dir->explain(e);
    throw;
  }
}

}  // namespace evcsim
