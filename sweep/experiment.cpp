#include "sweep/experiment.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <stdexcept>

#include <fmt/format.h>
#include <google/protobuf/text_format.h>

#include "base/error.hpp"
#include "base/random.hpp"
#include "base/text_util.hpp"
#include "base/textproto.hpp"
#include "catalog/catalog.hpp"
#include "reports/compare_report.hpp"
#include "scenario/metrics.hpp"
#include "scenario/scenario.pb.h"
#include "sweep/experiment.pb.h"

namespace evcsim::sweep {
namespace {

namespace pb = google::protobuf;
namespace fs = std::filesystem;

constexpr size_t kMaxTasks = 1'000'000;

// A value the field cannot take (the path itself is fine).
class BadValue : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

struct Segment {
  std::string field;
  bool has_index = false;
  size_t index = 0;
  std::string key, key_value;  // [key=value]
};

std::vector<Segment> split_path(const std::string& path) {
  if (path.empty()) throw std::invalid_argument("an empty path");
  std::vector<Segment> out;
  size_t i = 0;
  while (i <= path.size()) {
    Segment s;
    size_t j = i;
    while (j < path.size() && path[j] != '.' && path[j] != '[') ++j;
    s.field = path.substr(i, j - i);
    if (s.field.empty())
      throw std::invalid_argument(fmt::format("'{}' has an empty field name at character {}", path, i + 1));
    if (j < path.size() && path[j] == '[') {
      size_t close = path.find(']', j);
      if (close == std::string::npos) throw std::invalid_argument(fmt::format("'{}' has a '[' without ']'", path));
      std::string sel = path.substr(j + 1, close - j - 1);
      size_t eq = sel.find('=');
      if (eq != std::string::npos) {
        s.key = sel.substr(0, eq);
        s.key_value = sel.substr(eq + 1);
        if (s.key.empty()) throw std::invalid_argument(fmt::format("'[{}]' needs a field name before '='", sel));
      } else {
        char* end = nullptr;
        errno = 0;
        unsigned long long n = std::strtoull(sel.c_str(), &end, 10);
        if (sel.empty() || *end != '\0' || errno != 0 || sel[0] == '-')
          throw std::invalid_argument(fmt::format("'[{}]' is neither an index nor name=value", sel));
        s.index = static_cast<size_t>(n);
      }
      s.has_index = true;
      j = close + 1;
    }
    out.push_back(std::move(s));
    if (j >= path.size()) break;
    if (path[j] != '.') throw std::invalid_argument(fmt::format("'{}': expected '.' at character {}", path, j + 1));
    i = j + 1;
    if (i == path.size()) throw std::invalid_argument(fmt::format("'{}' ends with '.'", path));
  }
  return out;
}

std::string field_names(const pb::Descriptor* d) {
  std::vector<std::string> names;
  for (int k = 0; k < d->field_count(); ++k) names.push_back(d->field(k)->name());
  return fmt::format("{}", fmt::join(names, ", "));
}

[[noreturn]] void no_field(const pb::Descriptor* d, const std::string& name) {
  std::vector<std::string> names;
  for (int k = 0; k < d->field_count(); ++k) names.push_back(d->field(k)->name());
  auto near = nearest_names(name, names, 1);
  throw std::invalid_argument(
      near.empty() || edit_distance(near[0], name) > std::max<size_t>(2, name.size() / 3)
          ? fmt::format("{} has no field '{}' (its fields: {})", d->name(), name, field_names(d))
          : fmt::format("{} has no field '{}'; did you mean '{}'?", d->name(), name, near[0]));
}

double parse_number(const std::string& text, const pb::FieldDescriptor* fd) {
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || errno != 0 || !std::isfinite(v))
    throw BadValue(fmt::format("'{}' is not a number ({} is a {})", text, fd->name(), fd->type_name()));
  return v;
}

template <typename T>
T whole(const std::string& text, const pb::FieldDescriptor* fd) {
  double v = parse_number(text, fd);
  if (v != std::floor(v) || v < static_cast<double>(std::numeric_limits<T>::min()) ||
      v > static_cast<double>(std::numeric_limits<T>::max()))
    throw BadValue(fmt::format("'{}' is not a valid {} ({} is a whole number{})", text, fd->type_name(), fd->name(),
                               std::is_unsigned_v<T> ? " of 0 or more" : ""));
  return static_cast<T>(v);
}

void set_scalar(pb::Message& m, const pb::FieldDescriptor* fd, int index, const std::string& value) {
  const auto* r = m.GetReflection();
  bool rep = index >= 0;
  switch (fd->cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_STRING:
      rep ? r->SetRepeatedString(&m, fd, index, value) : r->SetString(&m, fd, value);
      return;
    case pb::FieldDescriptor::CPPTYPE_DOUBLE:
      rep ? r->SetRepeatedDouble(&m, fd, index, parse_number(value, fd))
          : r->SetDouble(&m, fd, parse_number(value, fd));
      return;
    case pb::FieldDescriptor::CPPTYPE_FLOAT: {
      auto v = static_cast<float>(parse_number(value, fd));
      rep ? r->SetRepeatedFloat(&m, fd, index, v) : r->SetFloat(&m, fd, v);
      return;
    }
    case pb::FieldDescriptor::CPPTYPE_INT32:
      rep ? r->SetRepeatedInt32(&m, fd, index, whole<int32_t>(value, fd))
          : r->SetInt32(&m, fd, whole<int32_t>(value, fd));
      return;
    case pb::FieldDescriptor::CPPTYPE_INT64:
      rep ? r->SetRepeatedInt64(&m, fd, index, whole<int64_t>(value, fd))
          : r->SetInt64(&m, fd, whole<int64_t>(value, fd));
      return;
    case pb::FieldDescriptor::CPPTYPE_UINT32:
      rep ? r->SetRepeatedUInt32(&m, fd, index, whole<uint32_t>(value, fd))
          : r->SetUInt32(&m, fd, whole<uint32_t>(value, fd));
      return;
    case pb::FieldDescriptor::CPPTYPE_UINT64:
      rep ? r->SetRepeatedUInt64(&m, fd, index, whole<uint64_t>(value, fd))
          : r->SetUInt64(&m, fd, whole<uint64_t>(value, fd));
      return;
    case pb::FieldDescriptor::CPPTYPE_BOOL: {
      if (value != "true" && value != "false")
        throw BadValue(fmt::format("'{}' is not true or false ({} is a bool)", value, fd->name()));
      rep ? r->SetRepeatedBool(&m, fd, index, value == "true") : r->SetBool(&m, fd, value == "true");
      return;
    }
    case pb::FieldDescriptor::CPPTYPE_ENUM: {
      const auto* ev = fd->enum_type()->FindValueByName(value);
      if (!ev) {
        std::vector<std::string> names;
        for (int k = 0; k < fd->enum_type()->value_count(); ++k) names.push_back(fd->enum_type()->value(k)->name());
        throw BadValue(fmt::format("'{}' is not one of {}", value, fmt::join(names, ", ")));
      }
      rep ? r->SetRepeatedEnum(&m, fd, index, ev) : r->SetEnum(&m, fd, ev);
      return;
    }
    case pb::FieldDescriptor::CPPTYPE_MESSAGE:
      break;
  }
  throw std::logic_error(fmt::format("{} is a message, not a value", fd->name()));
}

// The element of repeated message field `fd` of `m` that `s` selects.
int select_element(const pb::Message& m, const pb::FieldDescriptor* fd, const Segment& s) {
  const auto* r = m.GetReflection();
  int n = r->FieldSize(m, fd);
  if (!s.has_index)
    throw std::invalid_argument(
        fmt::format("'{}' is repeated: pick one element, {}[0] or {}[name=...]", fd->name(), fd->name(), fd->name()));
  if (s.key.empty()) {
    if (s.index >= static_cast<size_t>(n))
      throw std::invalid_argument(fmt::format("{}[{}]: the scenario has {} {}", fd->name(), s.index, n, fd->name()));
    return static_cast<int>(s.index);
  }
  const auto* kf = fd->message_type()->FindFieldByName(s.key);
  if (!kf || kf->is_repeated() || kf->cpp_type() != pb::FieldDescriptor::CPPTYPE_STRING)
    throw std::invalid_argument(
        fmt::format("{}[{}=...]: {} has no text field '{}'", fd->name(), s.key, fd->message_type()->name(), s.key));
  std::vector<std::string> have;
  for (int k = 0; k < n; ++k) {
    const auto& e = r->GetRepeatedMessage(m, fd, k);
    std::string v = e.GetReflection()->GetString(e, kf);
    if (v == s.key_value) return k;
    have.push_back(v);
  }
  throw std::invalid_argument(fmt::format("no {} with {} '{}' in the scenario (it has: {})", fd->name(), s.key,
                                          s.key_value, fmt::join(have, ", ")));
}

std::string safe_label(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) {
    if (!out.empty()) out += '_';
    for (char c : v) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-') ? c : '-';
  }
  return out.empty() ? "base" : out;
}

}  // namespace

void set_by_path(pb::Message& root, const std::string& path, const std::string& value) {
  auto segs = split_path(path);
  pb::Message* cur = &root;
  for (size_t i = 0; i < segs.size(); ++i) {
    const Segment& s = segs[i];
    const bool last = i + 1 == segs.size();
    const auto* fd = cur->GetDescriptor()->FindFieldByName(s.field);
    if (!fd) no_field(cur->GetDescriptor(), s.field);
    const auto* r = cur->GetReflection();
    if (fd->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE) {
      pb::Message* next = nullptr;
      if (fd->is_repeated()) {
        next = r->MutableRepeatedMessage(cur, fd, select_element(*cur, fd, s));
      } else {
        if (s.has_index) throw std::invalid_argument(fmt::format("'{}' is not repeated: no [...] after it", s.field));
        next = r->MutableMessage(cur, fd);
      }
      if (last) {  // `policy` is short for `policy.name`
        const auto* nf = next->GetDescriptor()->FindFieldByName("name");
        if (!nf)
          throw std::invalid_argument(fmt::format("'{}' is a message: name one of its fields ({})", s.field,
                                                  field_names(next->GetDescriptor())));
        set_scalar(*next, nf, -1, value);
        return;
      }
      cur = next;
      continue;
    }
    if (!last) throw std::invalid_argument(fmt::format("'{}' is a value, it has no fields", s.field));
    if (fd->is_repeated()) {
      if (!s.has_index || !s.key.empty())
        throw std::invalid_argument(fmt::format("'{}' is a list: pick one element, {}[0]", s.field, s.field));
      int n = r->FieldSize(*cur, fd);
      if (s.index >= static_cast<size_t>(n))
        throw std::invalid_argument(fmt::format("{}[{}]: the scenario has {} values", s.field, s.index, n));
      set_scalar(*cur, fd, static_cast<int>(s.index), value);
      return;
    }
    if (s.has_index) throw std::invalid_argument(fmt::format("'{}' is not repeated: no [...] after it", s.field));
    set_scalar(*cur, fd, -1, value);
  }
}

struct Experiment::Impl {
  std::string file, scenario_file, scenario_text;
  experiment::Experiment msg;
  scenario::Scenario base;
  std::vector<Factor> factors;
  std::vector<DesignPoint> points;
  std::vector<uint64_t> seeds;
  std::vector<std::string> metrics;

  std::string point_text(size_t p, uint64_t seed = 0) const {
    scenario::Scenario s = base;
    for (size_t f = 0; f < factors.size(); ++f) set_by_path(s, factors[f].path, points[p].values[f]);
    if (seed != 0) s.set_seed(seed);
    std::string out;
    pb::TextFormat::Printer printer;
    printer.PrintToString(s, &out);
    return out;
  }
};

Experiment::Experiment(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Experiment::Experiment(Experiment&&) noexcept = default;
Experiment& Experiment::operator=(Experiment&&) noexcept = default;
Experiment::~Experiment() = default;

const std::string& Experiment::name() const { return impl_->msg.name(); }
const std::string& Experiment::file() const { return impl_->file; }
const std::string& Experiment::scenario_file() const { return impl_->scenario_file; }
const std::vector<Factor>& Experiment::factors() const { return impl_->factors; }
const std::vector<DesignPoint>& Experiment::points() const { return impl_->points; }
const std::vector<uint64_t>& Experiment::seeds() const { return impl_->seeds; }
const std::vector<std::string>& Experiment::metrics() const { return impl_->metrics; }
size_t Experiment::task_count() const { return impl_->points.size() * impl_->seeds.size(); }

Task Experiment::task(size_t index) const {
  if (index >= task_count())
    throw InputError(fmt::format("task {} does not exist: the experiment has tasks 0..{}", index, task_count() - 1),
                     impl_->file, 0, "--index");
  Task t;
  t.index = index;
  t.point = index / impl_->seeds.size();
  t.seed = impl_->seeds[index % impl_->seeds.size()];
  t.dir = fmt::format("runs/{}-seed{}", impl_->points[t.point].label, t.seed);
  return t;
}

std::string Experiment::scenario_text(const Task& task) const {
  std::string out =
      fmt::format("# evcsim sweep {}, task {}: {} with", impl_->msg.name(), task.index, impl_->scenario_file);
  for (size_t f = 0; f < impl_->factors.size(); ++f)
    out += fmt::format(" {}={}", impl_->factors[f].path, impl_->points[task.point].values[f]);
  return out + fmt::format(", seed {}\n", task.seed) + impl_->point_text(task.point, task.seed);
}

ScenarioSpec Experiment::scenario(const Task& task, const Catalog& catalog) const {
  return parse_scenario(scenario_text(task), impl_->scenario_file, catalog);
}

std::string Experiment::normalized_text() const {
  experiment::Experiment m = impl_->msg;
  m.set_scenario(impl_->scenario_file);
  std::string out;
  pb::TextFormat::PrintToString(m, &out);
  return out;
}

Experiment Experiment::load(const std::string& path, const Catalog& catalog, bool every_point) {
  return parse(read_file(path), path, catalog, every_point);
}

Experiment Experiment::parse(const std::string& text, const std::string& file, const Catalog& catalog,
                             bool every_point) {
  auto impl = std::make_unique<Impl>();
  impl->file = file;
  TextprotoFile tp(file, text, &impl->msg);
  const auto& m = impl->msg;
  auto fail = [&](const pb::Message& msg, std::string_view field, int index, const pb::TextFormat::ParseInfoTree* tree,
                  const std::string& what,
                  const std::string& label) { tp.fail(tp.line(msg, field, index, tree), label, what); };

  // The base scenario, relative to the experiment file.
  if (m.scenario().empty()) fail(m, "name", -1, nullptr, "an experiment needs `scenario: \"FILE\"`", "scenario");
  fs::path sp = m.scenario();
  if (sp.is_relative()) sp = fs::path(file).parent_path() / sp;
  std::error_code ec;
  fs::path abs = fs::weakly_canonical(fs::absolute(sp), ec);
  impl->scenario_file = (ec ? sp : abs).string();
  if (!fs::is_regular_file(impl->scenario_file, ec))
    fail(m, "scenario", -1, nullptr, fmt::format("no scenario file {}", impl->scenario_file), "scenario");
  impl->scenario_text = read_file(impl->scenario_file);
  TextprotoFile base_tp(impl->scenario_file, impl->scenario_text, &impl->base);  // syntax errors name the scenario

  // Factors: paths and values checked on the base scenario.
  const bool lhs = m.design().kind() == "latin-hypercube";
  if (!m.design().kind().empty() && m.design().kind() != "full-factorial" && !lhs)
    fail(m, "design", -1, nullptr,
         fmt::format("unknown design '{}': full-factorial or latin-hypercube", m.design().kind()), "design.kind");
  std::set<std::string> names;
  for (int i = 0; i < m.factor_size(); ++i) {
    const auto& f = m.factor(i);
    const auto* tree = tp.nested(m, "factor", i);
    Factor out;
    out.path = f.path();
    out.name = f.name().empty() ? f.path() : f.name();
    out.line = tp.line(m, "factor", i);
    std::string where = fmt::format("factor[{}]", i);
    if (f.path().empty())
      fail(f, "value", 0, tree, "a factor needs a path (e.g. refresh.lifetime_years)", where + ".path");
    if (!names.insert(out.name).second) fail(f, "path", -1, tree, "two factors with this name", where + ".path");
    const bool range = f.min() != 0 || f.max() != 0;
    if (range && f.value_size() > 0)
      fail(f, "min", -1, tree, "a factor has either values or a min..max range, not both", where);
    if (!range && f.value_size() == 0) fail(f, "path", -1, tree, "a factor needs values or a min..max range", where);
    if (range && !(f.max() > f.min()))
      fail(f, "max", -1, tree, fmt::format("max {} must be above min {}", f.max(), f.min()), where + ".max");
    {
      scenario::Scenario probe = impl->base;
      try {
        set_by_path(probe, f.path(), range ? fmt::format("{}", f.min()) : f.value(0));
      } catch (const BadValue& e) {
        fail(f, range ? "min" : "value", range ? -1 : 0, tree, e.what(), where + (range ? ".min" : ".value[0]"));
      } catch (const std::invalid_argument& e) {
        fail(f, "path", -1, tree, e.what(), where + ".path");
      }
    }
    if (range) {
      uint32_t k = f.levels() ? f.levels() : 3;
      if (k < 2 && !lhs) fail(f, "levels", -1, tree, "a range needs at least 2 levels", where + ".levels");
      // Checked before anything is built: 4,000,000,000 levels took 10 s and 1 GiB to fail.
      if (k > kMaxTasks && !lhs)
        fail(f, "levels", -1, tree, fmt::format("{} levels; at most {} design points in all", k, kMaxTasks),
             where + ".levels");
      for (uint32_t j = 0; j < k && !lhs; ++j)
        out.levels.push_back(fmt::format("{:.6g}", f.min() + (f.max() - f.min()) * j / (k - 1)));
    } else {
      std::set<std::string> seen;
      for (int j = 0; j < f.value_size(); ++j) {
        if (!seen.insert(f.value(j)).second)
          fail(f, "value", j, tree, fmt::format("'{}' is listed twice", f.value(j)), where + ".value");
        scenario::Scenario probe = impl->base;
        try {
          set_by_path(probe, f.path(), f.value(j));
        } catch (const std::invalid_argument& e) {
          fail(f, "value", j, tree, e.what(), fmt::format("{}.value[{}]", where, j));
        }
        out.levels.push_back(f.value(j));
      }
    }
    impl->factors.push_back(std::move(out));
  }

  // The design points.
  if (!lhs) {
    size_t n = 1;
    for (const auto& f : impl->factors) {
      n *= f.levels.size();
      if (n > kMaxTasks) fail(m, "factor", 0, nullptr, "more than a million design points", "factor");
    }
    for (size_t p = 0; p < n; ++p) {
      DesignPoint d;
      size_t rest = p;
      std::vector<std::string> values(impl->factors.size());
      for (size_t f = impl->factors.size(); f-- > 0;) {  // the last factor varies fastest
        values[f] = impl->factors[f].levels[rest % impl->factors[f].levels.size()];
        rest /= impl->factors[f].levels.size();
      }
      d.values = std::move(values);
      impl->points.push_back(std::move(d));
    }
  } else {
    // Latin hypercube: each factor's range (or list) cut into `points`
    // strata, one point per stratum, strata paired by a seeded permutation.
    uint32_t n = m.design().points();
    if (n < 2) fail(m, "design", -1, nullptr, "a latin-hypercube design needs `points` of at least 2", "design.points");
    if (n > kMaxTasks)
      fail(m, "design", -1, nullptr, fmt::format("{} points; at most {} design points", n, kMaxTasks), "design.points");
    Rng rng(m.design().seed() ? m.design().seed() : 1, "latin-hypercube");
    impl->points.resize(n);
    for (int i = 0; i < m.factor_size(); ++i) {
      const auto& f = m.factor(i);
      std::vector<uint32_t> perm(n);
      for (uint32_t k = 0; k < n; ++k) perm[k] = k;
      for (uint32_t k = n - 1; k > 0; --k) std::swap(perm[k], perm[rng.next() % (k + 1)]);
      for (uint32_t p = 0; p < n; ++p) {
        std::string v;
        if (f.value_size() > 0) {
          v = f.value(static_cast<int>(static_cast<uint64_t>(perm[p]) * static_cast<uint64_t>(f.value_size()) / n));
        } else {
          double u = (perm[p] + rng.uniform()) / n;
          v = fmt::format("{:.6g}", f.min() + (f.max() - f.min()) * u);
        }
        impl->points[p].values.push_back(v);
      }
    }
  }
  for (auto& d : impl->points) d.label = safe_label(d.values);
  {  // labels name folders: they must differ
    std::set<std::string> labels;
    bool clash = false;
    for (const auto& d : impl->points) clash = clash || !labels.insert(d.label).second;
    if (clash)
      for (size_t p = 0; p < impl->points.size(); ++p)
        impl->points[p].label = fmt::format("p{}-{}", p, impl->points[p].label);
  }

  // Seeds and metrics.
  uint32_t seeds = m.seeds() ? m.seeds() : 3;
  if (seeds > 10000) fail(m, "seeds", -1, nullptr, "at most 10000 seeds", "seeds");
  uint64_t first = m.has_first_seed() ? m.first_seed() : impl->base.seed() ? impl->base.seed() : 1;
  for (uint32_t s = 0; s < seeds; ++s) impl->seeds.push_back(first + s);
  if (impl->points.size() * seeds > kMaxTasks) fail(m, "seeds", -1, nullptr, "more than a million runs", "seeds");
  for (int i = 0; i < m.metric_size(); ++i) {
    const auto& name = m.metric(i);
    if (!is_compared_metric(name))
      fail(m, "metric", i, nullptr, unknown_metric_text(name), fmt::format("metric[{}]", i));
    impl->metrics.push_back(name);
  }
  if (impl->metrics.empty()) impl->metrics = compared_metrics();

  // Every design point's scenario must load, before any run starts.
  Experiment e(std::move(impl));
  for (size_t p = 0; every_point && p < e.impl_->points.size(); ++p) {
    try {
      (void)parse_scenario(e.impl_->point_text(p), e.impl_->scenario_file, catalog);
    } catch (const InputError& err) {
      std::string values;
      for (size_t f = 0; f < e.impl_->factors.size(); ++f)
        values += fmt::format("{}{}={}", f ? ", " : "", e.impl_->factors[f].name, e.impl_->points[p].values[f]);
      throw InputError(
          fmt::format("design point {} ({}) makes a scenario evcsim rejects: {}", p, values, err.message()), file,
          e.impl_->factors.empty() ? 0 : e.impl_->factors.front().line, "factor");
    }
  }
  return e;
}

Experiment Experiment::of_levels(const std::string& scenario_file, const std::string& path,
                                 const std::vector<std::string>& levels, uint32_t seeds, const Catalog& catalog,
                                 const std::vector<std::string>& metrics,
                                 const std::vector<std::pair<std::string, std::string>>& fixed) {
  experiment::Experiment m;
  fs::path abs = fs::absolute(scenario_file);
  m.set_name(abs.stem().string());
  m.set_scenario(abs.string());
  auto* f = m.add_factor();
  f->set_path(path);
  for (const auto& l : levels) f->add_value(l);
  for (const auto& [fixed_path, value] : fixed) {  // one level: the same in every run
    auto* one = m.add_factor();
    one->set_path(fixed_path);
    one->add_value(value);
  }
  for (const auto& name : metrics) m.add_metric(name);
  m.set_seeds(seeds);
  std::string text;
  pb::TextFormat::PrintToString(m, &text);
  return parse(text, scenario_file, catalog);
}

}  // namespace evcsim::sweep
