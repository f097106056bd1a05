// `evcsim cpu ...`: the questions `virsh cpu-compare` / `cpu-baseline` and
// vCenter's EVC wizard answer, for catalog CPUs and imported dumps.
#include <iostream>
#include <memory>
#include <optional>

#include "base/error.hpp"
#include "cli/commands.hpp"
#include "interop/cpu_export.hpp"
#include "reports/cpu_report.hpp"

namespace evcsim::cli {
namespace {

struct CommonOptions {
  std::string format = "text";
  std::string catalog_dir;

  void add_to(CLI::App* sub) {
    sub->add_option("--format", format, "Output format")->check(CLI::IsMember({"text", "json"}))->capture_default_str();
    sub->add_option("--catalog", catalog_dir,
                    "A directory of catalog *.textproto files extending the built-in "
                    "catalog (an entry named like a built-in one replaces it)");
  }
  const Catalog& catalog() {
    if (catalog_dir.empty()) return Catalog::builtin();
    if (!loaded_) {
      loaded_ = std::make_unique<Catalog>(Catalog::load_directory(catalog_dir));
      for (const auto& w : loaded_->warnings()) std::cerr << w << "\n";
    }
    return *loaded_;
  }
  template <class Msg>
  void print(const Msg& msg) const {
    std::cout << (format == "json" ? to_json(msg) + "\n" : render_text(msg));
  }

 private:
  std::unique_ptr<Catalog> loaded_;
};

constexpr const char* kCpuArgHelp = "a catalog name, code name or SKU (case-insensitive), or a dump file";

}  // namespace

void add_cpu_command(CLI::App& app, Runner* runner) {
  auto* cpu =
      app.add_subcommand("cpu", "CPU tools: list, modes, show, compare, baseline, mask, import, export, features");
  cpu->require_subcommand(1);
  auto opts = std::make_shared<CommonOptions>();

  auto* list = cpu->add_subcommand("list", "List the catalog's CPU generations");
  opts->add_to(list);
  list->callback([=] {
    *runner = [=] {
      opts->print(list_cpus(opts->catalog()));
      return 0;
    };
  });

  auto* features = cpu->add_subcommand("features", "List the CPUID features evcsim knows, with bit positions");
  opts->add_to(features);
  features->callback([=] {
    *runner = [=] {
      opts->print(feature_list());
      return 0;
    };
  });

  auto* modes = cpu->add_subcommand(
      "modes",
      "List the named baselines (EVC modes, x86-64 levels, QEMU models): what each adds over the one "
      "below and which catalog CPUs can join");
  opts->add_to(modes);
  modes->callback([=] {
    *runner = [=] {
      opts->print(list_modes(opts->catalog()));
      return 0;
    };
  });

  auto show_arg = std::make_shared<std::string>();
  auto* show = cpu->add_subcommand(
      "show", "Show a CPU's features by register, its masking and the baselines it can join; or a named baseline");
  show->add_option("CPU", *show_arg, std::string(kCpuArgHelp) + "; or a baseline name (intel-skylake)")->required();
  opts->add_to(show);
  show->callback([=] {
    *runner = [=] {
      const Catalog& cat = opts->catalog();
      if (!cat.find_cpu(*show_arg) && cat.find_baseline(*show_arg)) {
        opts->print(describe_mode(*cat.find_baseline(*show_arg), cat));
        return 0;
      }
      opts->print(show_cpu(resolve_cpu(cat, *show_arg), cat));
      return 0;
    };
  });

  auto pair = std::make_shared<std::vector<std::string>>();
  auto* compare = cpu->add_subcommand(
      "compare", "Compare CPU A with CPU B: identical, superset, subset or incompatible (A relative to B)");
  compare->add_option("A B", *pair, kCpuArgHelp)->required()->expected(2);
  opts->add_to(compare);
  compare->footer(
      "Exit code: 0 when A is identical to or a superset of B (a VM started on B can move to A), "
      "1 otherwise, 2 on bad input.");
  compare->callback([=] {
    *runner = [=] {
      const Catalog& cat = opts->catalog();
      auto r = compare_report(resolve_cpu(cat, (*pair)[0]), resolve_cpu(cat, (*pair)[1]));
      opts->print(r);
      return (r.result() == "identical" || r.result() == "superset") ? 0 : 1;
    };
  });

  auto many = std::make_shared<std::vector<std::string>>();
  auto* baseline = cpu->add_subcommand(
      "baseline", "The lowest common denominator, best EVC mode and best x86-64 level of a set of hosts");
  baseline->add_option("CPU", *many, kCpuArgHelp)->required();
  opts->add_to(baseline);
  baseline->footer("Exit code: 0 when an EVC mode exists that every host joins, 1 otherwise, 2 on bad input.");
  baseline->callback([=] {
    *runner = [=] {
      const Catalog& cat = opts->catalog();
      std::vector<CpuModel> cpus;
      for (const auto& a : *many) cpus.push_back(resolve_cpu(cat, a));
      auto r = baseline_report(cpus, cat);
      opts->print(r);
      return r.best_mode().empty() ? 1 : 0;
    };
  });

  struct MaskArgs {
    std::string default_mask, reg;
    std::vector<std::string> pair;
  };
  auto margs = std::make_shared<MaskArgs>();
  auto* mask = cpu->add_subcommand(
      "mask", "The minimal custom VMware mask that lets a VM move between hosts A and B under a default mask");
  mask->add_option("--default", margs->default_mask,
                   "The default (guest OS) mask: 32 letters of 0 1 R H T F X, bit 31 first")
      ->required();
  mask->add_option(
      "--register", margs->reg,
      "The register, as LEAF[.SUBLEAF]:REG (1:ecx, 81:edx, 7.0:ebx); default: every register that differs");
  mask->add_option("A B", margs->pair, kCpuArgHelp)->required()->expected(2);
  opts->add_to(mask);
  mask->callback([=] {
    *runner = [=] {
      const Catalog& cat = opts->catalog();
      RegisterMask def;
      try {
        def = RegisterMask::parse(margs->default_mask);
      } catch (const InputError& e) {
        throw InputError(e.message(), "", 0, "--default");
      }
      if (def.has_defaults()) throw InputError("a default mask cannot contain '-'", "", 0, "--default");
      std::optional<RegisterRef> reg;
      if (!margs->reg.empty()) {
        try {
          reg = parse_register(margs->reg);
        } catch (const InputError& e) {
          throw InputError(e.message(), "", 0, "--register");
        }
      }
      opts->print(mask_report(resolve_cpu(cat, margs->pair[0]), resolve_cpu(cat, margs->pair[1]), def, reg));
      return 0;
    };
  });

  auto file = std::make_shared<std::string>();
  auto* import = cpu->add_subcommand(
      "import",
      "Read a dump (AIDA64/EVEREST, cpuid -r, /proc/cpuinfo, VMware ID1ECX lines) and print it as a "
      "catalog entry");
  import->add_option("FILE", *file, "the dump file")->required();
  opts->add_to(import);
  import->callback([=] {
    *runner = [=] {
      opts->print(import_report(import_dump_file(*file), *file));
  return 0;
};
}  // namespace evcsim::cli
);

struct ExportArgs {
  std::string cpu, baseline, as;
};
auto eargs = std::make_shared<ExportArgs>();
auto* exp = cpu->add_subcommand(
    "export", "The per-VM masks (.vmx), libvirt <cpu> element or QEMU -cpu string presenting a baseline on a host");
exp->add_option("CPU", eargs->cpu, kCpuArgHelp)->required();
exp->add_option("--baseline", eargs->baseline,
                "the baseline (EVC mode or x86-64 level); without it, the host as it is (libvirt's host-model: the "
                "closest named model of its own generation, plus and minus features)");
exp->add_option("--as", eargs->as,
                "vmx (legacy masks and per-VM EVC), libvirt (a custom named model), qemu (a -cpu string), "
                "libvirt-features (the baseline's features in libvirt's spelling)")
    ->required();
opts->add_to(exp);
exp->callback([=] {
  *runner = [=] {
    const Catalog& cat = opts->catalog();
    ExportFormat f = parse_export_format(eargs->as);
    CpuModel host = resolve_cpu(cat, eargs->cpu);
    const Baseline b = eargs->baseline.empty() ? host_model_baseline(host) : cat.baseline(eargs->baseline);
    std::string text = export_baseline(host, b, f, cat);
    if (opts->format == "json") {
      report::ExportReport r;
      r.set_cpu(host.name);
      r.set_baseline(b.name);
      r.set_as(eargs->as);
      r.set_text(text);
      std::cout << to_json(r) << "\n";
    } else {
      std::cout << text;
    }
    return 0;
  };
});
}

}  // namespace evcsim::cli
