// Live migrations simulated per second of wall time: evcsim's engine against
// a bare SimGrid loop that replays the same migrations (same start times, same
// pre-copy transfers on the same platform) with no evcsim logic. Each run is
// its own process (SimGrid allows one engine per process).
//
//   ./build/bench/engine_bench [--hosts 100] [--vms 2000] [--hours 24] [--per-5min 50]
//
// Prints both wall times and their ratio (target: evcsim <= 2x the bare loop).
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <simgrid/s4u.hpp>

#include "catalog/catalog.hpp"
#include "engine/engine.hpp"
#include "engine/platform.hpp"

namespace {

namespace sg4 = simgrid::s4u;
using evcsim::Event;

struct Started {
  double t;
  int vm, src, dst;
};

struct Recorder final : evcsim::Listener {
  std::vector<Started> started;
  void on_event(const Event& e) override {
    if (auto* m = std::get_if<evcsim::MigrationStarted>(&e)) started.push_back({m->t, m->vm, m->src, m->dst});
  }
};

std::string make_scenario(int hosts, int vms, double hours, int per_5min) {
  std::string s =
      fmt::format("name: \"engine-bench\"\nhorizon_s: {}\npolicy {{ name: \"cluster-baseline\" }}\n", hours * 3600);
  s += fmt::format(
      "cluster {{ name: \"a\" baseline: \"intel-westmere\" hosts {{ cpu: \"X5670\" name: \"a\" count: {} }} }}\n",
      hosts / 2);
  s += fmt::format(
      "cluster {{ name: \"b\" baseline: \"intel-westmere\" hosts {{ cpu: \"E5-2670\" name: \"b\" count: {} }} }}\n",
      hosts - hosts / 2);
  s += fmt::format(
      "vm {{ name: \"va\" count: {} cluster: \"a\" ram_mib: 4096 software {{ name: \"app\" uses: [\"sse4_2\"] }} }}\n",
      vms / 2);
  s += fmt::format(
      "vm {{ name: \"vb\" count: {} cluster: \"b\" ram_mib: 4096 software {{ name: \"app\" uses: [\"sse4_2\"] }} }}\n",
      vms - vms / 2);
  uint64_t x = 12345;
  auto rnd = [&](uint64_t n) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    return (x >> 33) % n;
  };
  for (double t = 300; t < hours * 3600; t += 300)
    for (int j = 0; j < per_5min; ++j) {
      bool in_a = rnd(2) == 0;
      int vm = static_cast<int>(rnd(static_cast<uint64_t>(in_a ? vms / 2 : vms - vms / 2))) + 1;
      int host = static_cast<int>(rnd(static_cast<uint64_t>(hosts / 2))) + 1;
      s += fmt::format("at {{ at_s: {} migrate {{ vm: \"v{}-{}\" host: \"{}-{}\" }} }}\n", t + j * 5, in_a ? "a" : "b",
                       vm, rnd(4) == 0 ? (in_a ? "b" : "a") : (in_a ? "a" : "b"), host);
    }
  return s;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Runs f in a child process; returns what it wrote to the pipe.
template <class F>
std::string in_child(F f) {
  int fds[2];
  if (pipe(fds) != 0) return {};
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    std::string out = f();
    (void)!write(fds[1], out.data(), out.size());
    _exit(0);
  }
  close(fds[1]);
  std::string out;
  char buf[65536];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  waitpid(pid, nullptr, 0);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  int hosts = 100, vms = 2000, per_5min = 50;
  double hours = 24;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    if (k == "--hosts") hosts = std::atoi(argv[i + 1]);
    else if (k == "--vms") vms = std::atoi(argv[i + 1]);
    else if (k == "--hours") hours = std::atof(argv[i + 1]);
    else if (k == "--per-5min") per_5min = std::atoi(argv[i + 1]);
    else {
      std::fprintf(stderr, "usage: engine_bench [--hosts N] [--vms N] [--hours H] [--per-5min N]\n");
      return 2;
    }
  }
  const std::string text = make_scenario(hosts, vms, hours, per_5min);
  const auto& catalog = evcsim::Catalog::builtin();

  // 1. evcsim: the whole engine, its world and listeners.
  std::string a = in_child([&] {
    auto spec = evcsim::parse_scenario(text, "engine-bench", catalog);
    Recorder rec;
    auto t0 = std::chrono::steady_clock::now();
    evcsim::RunStats st = evcsim::run_simulation(spec, {&rec});
    double wall = seconds_since(t0);
    std::string out = fmt::format("{} {} {} {}\n", wall, st.migrations, st.communications, st.timers);
    for (const auto& m : rec.started) out += fmt::format("{} {} {} {}\n", m.t, m.vm, m.src, m.dst);
    return out;
  });
  double wall_a = 0;
  unsigned long long migrations = 0, comms_a = 0, timers = 0;
  std::vector<Started> started;
  {
    FILE* f = fmemopen(a.data(), a.size(), "r");
    if (!f || std::fscanf(f, "%lf %llu %llu %llu", &wall_a, &migrations, &comms_a, &timers) != 4) {
      std::fprintf(stderr, "engine_bench: the evcsim run failed\n");
      return 1;
    }
    Started s;
    while (std::fscanf(f, "%lf %d %d %d", &s.t, &s.vm, &s.src, &s.dst) == 4) started.push_back(s);
    fclose(f);
  }

  // 2. The bare loop: same platform, same migrations at the same times.
  std::string b = in_child([&] {
    auto spec = evcsim::parse_scenario(text, "engine-bench", catalog);
    auto args = evcsim::simgrid_arguments();
    std::vector<char*> av;
    for (auto& s : args) av.push_back(s.data());
    int ac = static_cast<int>(av.size());
    av.push_back(nullptr);
    auto t0 = std::chrono::steady_clock::now();
    sg4::Engine engine(&ac, av.data());
    evcsim::Platform p = evcsim::build_platform(spec);
    uint64_t comms = 0;
    sg4::Actor::create("replay", p.control, [&] {
      for (const auto& m : started) {
        sg4::this_actor::sleep_until(m.t);
        auto job = evcsim::make_migration_job(spec, m.vm, m.src, m.dst);
        sg4::Actor::create("migration", p.hosts[m.src], [&p, &comms, job] {
          evcsim::Pipe pipe(p.hosts[job.dst]);
          pipe.connect(p.hosts[job.src], p.hosts[job.dst]);
          evcsim::precopy(pipe, job, &comms);
        });
      }
    });
    engine.run();
    return fmt::format("{} {}\n", seconds_since(t0), comms);
  });
  double wall_b = 0;
  unsigned long long comms_b = 0;
  if (std::sscanf(b.c_str(), "%lf %llu", &wall_b, &comms_b) != 2) {
    std::fprintf(stderr, "engine_bench: the bare replay failed\n");
    return 1;
  }
  std::printf("scenario: %d hosts, %d VMs, %.0f h simulated, %d migrations requested per 5 min\n", hosts, vms, hours,
              per_5min);
  std::printf("%-22s %10s %12s %14s %12s %10s\n", "run", "wall s", "migrations", "migrations/s", "us/migration",
              "transfers");
  std::printf("%-22s %10.3f %12llu %14.0f %12.1f %10llu\n", "evcsim (full engine)", wall_a, migrations,
              migrations / wall_a, 1e6 * wall_a / std::max(1ull, migrations), comms_a);
  std::printf("%-22s %10.3f %12zu %14.0f %12.1f %10llu\n", "bare SimGrid replay", wall_b, started.size(),
              started.size() / wall_b, 1e6 * wall_b / std::max<size_t>(1, started.size()), comms_b);
  std::printf("ratio evcsim / bare: %.2fx (evcsim also fired %llu timers of its own)\n", wall_a / wall_b, timers);
  return 0;
}
