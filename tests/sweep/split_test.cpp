// A split run's plan and its parts as a batch of the sweep's backends: the
// plan names the parts, their sizes and what couples clusters; parts that
// differ by more than an index go into the job array's script one by one.
#include "sweep/split.hpp"

#include <gtest/gtest.h>

#include "catalog/catalog.hpp"

namespace evcsim::sweep {
namespace {

ScenarioSpec three_clusters() {
  return parse_scenario(R"(name: "three"
horizon_s: 60
cluster { name: "a" hosts { cpu: "E5420" name: "a" count: 4 } }
cluster { name: "b" hosts { cpu: "E5420" name: "b" count: 2 } }
cluster { name: "c" hosts { cpu: "E5420" name: "c" count: 1 } }
vm { name: "web" count: 3 cluster: "b" fallback_clusters: ["c"] }
vm { name: "db" count: 2 cluster: "a" })",
                        "three.textproto", Catalog::builtin());
}

TEST(Split, ThePlanNamesThePartsTheirSizesAndWhyClustersRunTogether) {
  const ScenarioSpec spec = three_clusters();
  const SplitPlan plan = plan_split(spec, 4);
  ASSERT_EQ(plan.parts, (std::vector<std::vector<int>>{{0}, {1, 2}}));  // two groups: two parts, not four
  const std::string text = plan_text(spec, plan);
  EXPECT_EQ(
      text,
      "evcsim split run of three (seed 1): 3 clusters in 2 coupled groups, dealt into 2 parts by work (host slots "
      "x 20 + VM slots; a slot is a host or a bay for one bought later, a VM or room for one that arrives "
      "later; largest group first)\n"
      "part 0: 1 cluster (a), 4 host slots, 2 VM slots\n"
      "part 1: 2 clusters (b, c), 3 host slots, 3 VM slots\n"
      "clusters that run together, and why:\n"
      "  b, c (3 host slots, 3 VM slots):\n"
      "    VM group web falls back over b and c\n");
  EXPECT_NE(plan_text(spec, plan_split(spec, 1)).find("\npart 0: 3 clusters (a, b, c), 7 host slots, 5 VM slots\n"),
            std::string::npos);
}

TEST(Split, AutoMakesOnePartPerCoreLocallyAndPerGroupOnAQueue) {
  EXPECT_EQ(auto_parts("slurm", 16), 16);
  EXPECT_EQ(auto_parts("slurm", 500), 64);
  EXPECT_EQ(auto_parts("manifest", 3), 3);
  EXPECT_LE(auto_parts("local", 500), 500);
  EXPECT_GE(auto_parts("local", 500), 1);
  EXPECT_EQ(auto_parts("local", 1), 1);
}

TEST(Split, ABatchWhoseCommandsDifferHasOneCaseLinePerTaskInItsScript) {
  TaskBatch b;
  b.name = "split-three";
  b.about = "two parts";
  b.slurm_output = "/d/split/part-%a.log";
  b.commands = {{"/bin/evcsim", "run-part", "/s/three.textproto", "--clusters", "0", "--part-file", "/d/p 0"},
                {"/bin/evcsim", "run-part", "/s/three.textproto", "--clusters", "1,2", "--part-file", "/d/p1"}};
  const std::string script = slurm_script(b, {"--mem=4G"});
  EXPECT_NE(script.find("#SBATCH --job-name=evcsim-split-three\n#SBATCH --output=/d/split/part-%a.log\n"),
            std::string::npos)
      << script;
  EXPECT_NE(script.find("#SBATCH --mem=4G\n"), std::string::npos) << script;
  EXPECT_NE(script.find("case \"$index\" in\n"
                        "  0) exec /bin/evcsim run-part /s/three.textproto --clusters 0 --part-file '/d/p 0' ;;\n"
                        "  1) exec /bin/evcsim run-part /s/three.textproto --clusters 1,2 --part-file /d/p1 ;;\n"
                        "  *) echo \"no task $index\" >&2; exit 2 ;;\nesac\n"),
            std::string::npos)
      << script;
  EXPECT_EQ(manifest(b, {1}), "/bin/evcsim run-part /s/three.textproto --clusters 1,2 --part-file /d/p1\n");
}

TEST(Split, PartFilesAndLogsAreNumberedInTheSplitFolder) {
  EXPECT_EQ(part_file("/d/split", 3), "/d/split/part-3.evpart");
  EXPECT_EQ(part_log("/d/split", 3), "/d/split/part-3.log");
}

}  // namespace
}  // namespace evcsim::sweep
