// Today's hosts as they really are (issue 22): TSX-off parts of modern
// generations, Atom and E-core Xeons, Hygon, new brand strings and a
// /proc/cpuinfo that cannot show an XSAVE component. The fixtures are
// written by the project (tests/fixtures/cpuid_r_*.txt, each saying how);
// each test failed before that work.
#include <gtest/gtest.h>

#include "tests/test_util.hpp"

namespace evcsim {
namespace {

using test::fixture;
using test::run_evcsim;

bool has(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

// Five TSX-off hosts of Cascade Lake and later: the EVC answer is held at
// Haswell only with TSX named as the reason, the mode it holds them from,
// and what Haswell costs; the libvirt host-model is their own generation's.
TEST(TodaysHosts, TsxOffHostsAreHeldBackWithTheReasonAndTheCost) {
  const std::string clx = fixture("cpuid_r_cascadelake_notsx.txt");
  auto r = run_evcsim("cpu baseline " + clx + " " + clx + " " + clx + " " + clx + " " + clx);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_TRUE(has(r.out, "Best EVC mode:       intel-haswell (held back from intel-cascadelake: see below)")) << r.out;
  EXPECT_TRUE(has(r.out, "5 of 5 host(s) have TSX (hle, rtm) off; turned on")) << r.out;
  EXPECT_TRUE(has(r.out, "the hosts join intel-cascadelake; intel-haswell hides 22 feature(s) their parts have"))
      << r.out;
  EXPECT_TRUE(has(r.out, "  cost        intel-haswell hides: 3dnowprefetch, adx, avx512_vnni, avx512bw")) << r.out;
  EXPECT_TRUE(has(r.out, "QEMU/libvirt host-model: Cascadelake-Server-noTSX")) << r.out;
  // The refusal of the mode names TSX as the single reason.
  auto show = run_evcsim("cpu show " + clx);
  EXPECT_TRUE(has(show.out, "part        cascadelake-sp: lacks hle, rtm (TSX (hle, rtm) off")) << show.out;
  EXPECT_TRUE(has(show.out,
                  "intel-cascadelake        refused: cpuid_r_cascadelake_notsx.txt lacks 2 of baseline "
                  "intel-cascadelake: hle, rtm -- TSX (hle, rtm) turned off on a part that has it"))
      << show.out;
  // Sapphire Rapids (w7-3465X, Bronze 3408U) the same, from its own mode.
  auto spr = run_evcsim("cpu baseline " + fixture("cpuid_r_sapphirerapids_notsx.txt") + " " +
                        fixture("cpuid_r_emeraldrapids_notsx.txt") + " " + fixture("cpuid_r_graniterapids_notsx.txt"));
  EXPECT_TRUE(has(spr.out, "(held back from intel-sapphirerapids: see below)")) << spr.out;
  EXPECT_TRUE(has(spr.out, "TSX (hle, rtm) off")) << spr.out;
  // A mix without TSX trouble is not held back.
  EXPECT_FALSE(has(run_evcsim("cpu baseline cascadelake-sp skylake-sp").out, "held back"));
}

TEST(TodaysHosts, TheExportOfAHostAsItIsStartsFromItsOwnGeneration) {
  auto q = run_evcsim("cpu export " + fixture("cpuid_r_cascadelake_notsx.txt") + " --as qemu");
  EXPECT_EQ(q.exit_code, 0) << q.out;
  EXPECT_TRUE(has(q.out, "-cpu Cascadelake-Server-v5,")) << q.out;
  EXPECT_FALSE(has(q.out, "+hle")) << q.out;
  auto l = run_evcsim("cpu export " + fixture("cpuid_r_cascadelake_notsx.txt") + " --as libvirt");
  EXPECT_TRUE(has(l.out, "<model fallback='forbid'>Cascadelake-Server-noTSX</model>")) << l.out;
  EXPECT_TRUE(has(run_evcsim("cpu export " + fixture("cpuid_r_sapphirerapids_notsx.txt") + " --as libvirt").out,
                  "<model fallback='forbid'>Icelake-Server-noTSX</model>"));
  // Atom (Snow Ridge) and an E-core Xeon: libvirt's Snowridge, not Nehalem or Haswell-noTSX.
  auto atom = run_evcsim("cpu export " + fixture("cpuid_r_atom_p5362.txt") + " --as qemu");
  EXPECT_TRUE(has(atom.out, "-cpu Snowridge,")) << atom.out;
  EXPECT_TRUE(has(atom.out, "-mpx,-pdpe1gb")) << atom.out;
  auto srf = run_evcsim("cpu export " + fixture("cpuid_r_sierraforest_6731e.txt") + " --as libvirt");
  EXPECT_TRUE(has(srf.out, "<model fallback='forbid'>Snowridge</model>")) << srf.out;
  EXPECT_FALSE(has(srf.out, "avx512")) << srf.out;
  // Genoa: QEMU 7.2 has no EPYC-Genoa; the export says so and starts from EPYC-Milan.
  auto genoa = run_evcsim("cpu export \"EPYC 9334\" --as qemu");
  EXPECT_TRUE(has(genoa.out, "QEMU 7.2 (Debian 12) has no EPYC-Genoa model")) << genoa.out;
  EXPECT_TRUE(has(genoa.out, "-cpu EPYC-Milan,")) << genoa.out;
}

// Westmere requires what VMware lists (AES, PCLMULQDQ), not the Westmere-EP
// sample's PCID and 1 GiB pages: an Atom P5362 joins it.
TEST(TodaysHosts, AnAtomJoinsTheWestmereMode) {
  auto r = run_evcsim("cpu baseline " + fixture("cpuid_r_atom_p5362.txt"));
  EXPECT_TRUE(has(r.out, "Best EVC mode:       intel-westmere")) << r.out;
  auto srf = run_evcsim("cpu baseline " + fixture("cpuid_r_sierraforest_6731e.txt"));
  EXPECT_TRUE(has(srf.out, "Best EVC mode:       intel-haswell")) << srf.out;
  EXPECT_TRUE(has(srf.out, "Best x86-64 level:   x86-64-v3")) << srf.out;
}

TEST(TodaysHosts, HygonHasLevelsAndItsModelButNoEvcMode) {
  const std::string h = fixture("cpuid_r_hygon_c86_7185.txt");
  auto r = run_evcsim("cpu baseline " + h);
  EXPECT_TRUE(has(r.out, "Best x86-64 level:   x86-64-v3")) << r.out;
  EXPECT_TRUE(has(r.out, "Best EVC mode:       none")) << r.out;
  auto show = run_evcsim("cpu show " + h);
  EXPECT_TRUE(has(show.out, "masking     AMD-V Extended Migration")) << show.out;
  EXPECT_TRUE(has(show.out, "EVC modes are Intel's or AMD's: vSphere has none for HygonGenuine")) << show.out;
  auto l = run_evcsim("cpu export " + h + " --as libvirt");
  EXPECT_TRUE(has(l.out, "<model fallback='forbid'>Dhyana</model>")) << l.out;
  EXPECT_TRUE(has(l.out, "<vendor>Hygon</vendor>")) << l.out;
}

TEST(TodaysHosts, NewBrandStringsResolveOrSayWhatIsMissing) {
  EXPECT_TRUE(has(run_evcsim("cpu show \"Intel(R) Xeon(R) w7-3465X\"").out, "sapphirerapids -- GenuineIntel"));
  EXPECT_TRUE(has(run_evcsim("cpu show \"Intel(R) Xeon(R) w5-2455X\"").out, "sapphirerapids -- GenuineIntel"));
  EXPECT_TRUE(has(run_evcsim("cpu show \"Intel(R) Xeon(R) 6788P\"").out, "graniterapids -- GenuineIntel"));
  EXPECT_TRUE(has(run_evcsim("cpu show \"AMD EPYC 9655 96-Core Processor\"").out, "turin -- AuthenticAMD"));
  EXPECT_TRUE(has(run_evcsim("cpu show \"AMD EPYC 8534P 64-Core Processor\"").out, "bergamo -- AuthenticAMD"));
  auto srf = run_evcsim("cpu show \"Intel(R) Xeon(R) 6731E\"");
  EXPECT_EQ(srf.exit_code, 2);
  EXPECT_TRUE(has(srf.out, "is a part of generation 'sierraforest', of which the catalog holds no reference CPUID"))
      << srf.out;
  EXPECT_TRUE(has(run_evcsim("cpu show \"Hygon C86 7185 32-core Processor\"").out, "generation 'dhyana'"));
}

// Each EVC mode says which vCenter introduced it and where that is written,
// or that it is not known; no vSphere 9 mode without a primary source.
TEST(TodaysHosts, ModesSayTheirVcenterReleaseOrThatItIsUnknown) {
  EXPECT_TRUE(has(run_evcsim("cpu show intel-skylake").out, "vCenter     vCenter 6.7 (joetietz.com 2018-07-24"));
  EXPECT_TRUE(has(run_evcsim("cpu show intel-icelake").out, "vCenter     unknown (KB 1003212"));
  EXPECT_EQ(run_evcsim("cpu show intel-graniterapids").exit_code, 2);
}

// Rome reports the PKRU XSAVE component without PKU: Linux's flags cannot
// show it, so /proc/cpuinfo took an EPYC 7502 to amd-zen only.
TEST(TodaysHosts, ProcCpuinfoTakesXsaveComponentsFromItsPart) {
  auto r = run_evcsim("cpu show " + fixture("proc_cpuinfo_epyc7502.txt"));
  EXPECT_TRUE(has(r.out, "XSAVE state components from its part rome (not visible in Linux's flags): xstate_pkru"))
      << r.out;
  EXPECT_TRUE(has(r.out, "amd-zen2                 by masking")) << r.out;
}

}  // namespace
}  // namespace evcsim
