// The feature table. Bit positions: Intel SDM vol. 2A "CPUID", AMD APM vol. 3
// appendix E; names: Linux arch/x86/include/asm/cpufeatures.h.
#include "cpu/feature_registry.hpp"

#include <algorithm>
#include <array>
#include <unordered_map>

#include <fmt/format.h>

#include "base/error.hpp"
#include "base/text_util.hpp"

namespace evcsim {
namespace {

constexpr bool U = true;   // user-visible
constexpr bool K = false;  // kernel-only
constexpr bool M = true;   // migratable
constexpr bool N = false;  // not migratable
constexpr Reg A = Reg::eax, B = Reg::ebx, C = Reg::ecx, D = Reg::edx;
constexpr uint32_t X1 = 0x80000001, X7 = 0x80000007, X8 = 0x80000008, X21 = 0x80000021;

constexpr FeatureInfo kTable[] = {
    // ---- CPUID.1:EDX ----
    {"fpu", 1, 0, D, 0, U, M, "", ""},
    {"vme", 1, 0, D, 1, K, M, "", ""},
    {"de", 1, 0, D, 2, K, M, "", ""},
    {"pse", 1, 0, D, 3, K, M, "", ""},
    {"tsc", 1, 0, D, 4, U, M, "", ""},
    {"msr", 1, 0, D, 5, K, M, "", ""},
    {"pae", 1, 0, D, 6, K, M, "", ""},
    {"mce", 1, 0, D, 7, K, M, "", ""},
    {"cx8", 1, 0, D, 8, U, M, "cmpxchg8b", ""},
    {"apic", 1, 0, D, 9, K, M, "", ""},
    {"sep", 1, 0, D, 11, U, M, "sysenter", ""},
    {"mtrr", 1, 0, D, 12, K, N, "", ""},  // every hypervisor emulates MTRRs; some hide the bit
    {"pge", 1, 0, D, 13, K, M, "", ""},
    {"mca", 1, 0, D, 14, K, M, "", ""},
    {"cmov", 1, 0, D, 15, U, M, "", ""},
    {"pat", 1, 0, D, 16, K, M, "", ""},
    {"pse36", 1, 0, D, 17, K, M, "pse-36", "pse36"},
    {"pn", 1, 0, D, 18, K, N, "psn", ""},
    {"clflush", 1, 0, D, 19, U, M, "clfsh", ""},
    {"dts", 1, 0, D, 21, K, N, "ds", "ds"},
    {"acpi", 1, 0, D, 22, K, N, "", ""},
    {"mmx", 1, 0, D, 23, U, M, "", ""},
    {"fxsr", 1, 0, D, 24, U, M, "", ""},
    {"sse", 1, 0, D, 25, U, M, "", ""},
    {"sse2", 1, 0, D, 26, U, M, "", ""},
    {"ss", 1, 0, D, 27, K, N, "selfsnoop", ""},
    {"ht", 1, 0, D, 28, K, N, "htt", ""},
    {"tm", 1, 0, D, 29, K, N, "", ""},
    {"ia64", 1, 0, D, 30, K, N, "", ""},
    {"pbe", 1, 0, D, 31, K, N, "", ""},
    // ---- CPUID.1:ECX ----
    {"sse3", 1, 0, C, 0, U, M, "pni", "pni"},
    {"pclmulqdq", 1, 0, C, 1, U, M, "pclmuldq clmul", "pclmuldq"},
    {"dtes64", 1, 0, C, 2, K, N, "", ""},
    {"monitor", 1, 0, C, 3, K, N, "mwait", ""},
    {"ds_cpl", 1, 0, C, 4, K, N, "ds-cpl", "ds-cpl"},
    {"vmx", 1, 0, C, 5, K, N, "", ""},
    {"smx", 1, 0, C, 6, K, N, "", ""},
    {"est", 1, 0, C, 7, K, N, "eist", ""},
    {"tm2", 1, 0, C, 8, K, N, "", ""},
    {"ssse3", 1, 0, C, 9, U, M, "", ""},
    {"cid", 1, 0, C, 10, K, N, "cnxt-id cnxt_id", "cid"},
    {"sdbg", 1, 0, C, 11, K, N, "", ""},
    {"fma", 1, 0, C, 12, U, M, "fma3", ""},
    {"cx16", 1, 0, C, 13, U, M, "cmpxchg16b", ""},
    {"xtpr", 1, 0, C, 14, K, N, "", ""},
    {"pdcm", 1, 0, C, 15, K, N, "", ""},
    {"pcid", 1, 0, C, 17, K, M, "", ""},
    {"dca", 1, 0, C, 18, K, N, "", ""},
    {"sse4_1", 1, 0, C, 19, U, M, "sse41", "sse4.1"},
    {"sse4_2", 1, 0, C, 20, U, M, "sse42", "sse4.2"},
    {"x2apic", 1, 0, C, 21, K, N, "", ""},  // emulated by hypervisors; firmware-dependent on AMD
    {"movbe", 1, 0, C, 22, U, M, "", ""},
    {"popcnt", 1, 0, C, 23, U, M, "", ""},
    {"tsc_deadline_timer", 1, 0, C, 24, K, M, "tsc-deadline tsc_deadline", "tsc-deadline"},
    {"aes", 1, 0, C, 25, U, M, "aes-ni aesni", ""},
    {"xsave", 1, 0, C, 26, U, M, "", ""},
    {"osxsave", 1, 0, C, 27, U, N, "", ""},
    {"avx", 1, 0, C, 28, U, M, "", ""},
    {"f16c", 1, 0, C, 29, U, M, "", ""},
    {"rdrand", 1, 0, C, 30, U, M, "rdrnd", ""},
    {"hypervisor", 1, 0, C, 31, K, N, "", ""},
    // ---- CPUID.6:EAX ----
    {"arat", 6, 0, A, 2, K, M, "", ""},
    // ---- CPUID.7.0:EBX ----
    {"fsgsbase", 7, 0, B, 0, U, M, "", ""},
    {"tsc_adjust", 7, 0, B, 1, K, M, "tsc-adjust", "tsc-adjust"},
    {"sgx", 7, 0, B, 2, K, N, "", ""},
    {"bmi1", 7, 0, B, 3, U, M, "bmi", ""},
    {"hle", 7, 0, B, 4, U, M, "", ""},
    {"avx2", 7, 0, B, 5, U, M, "", ""},
    {"fdp_excptn_only", 7, 0, B, 6, K, N, "", ""},
    {"smep", 7, 0, B, 7, K, M, "", ""},
    {"bmi2", 7, 0, B, 8, U, M, "", ""},
    {"erms", 7, 0, B, 9, U, M, "", ""},
    {"invpcid", 7, 0, B, 10, K, M, "", ""},
    {"rtm", 7, 0, B, 11, U, M, "", ""},
    {"cqm", 7, 0, B, 12, K, N, "pqm rdt_m", ""},
    {"zero_fcs_fds", 7, 0, B, 13, K, N, "fpu_csds_deprecated", ""},
    {"mpx", 7, 0, B, 14, U, M, "", ""},
    {"rdt_a", 7, 0, B, 15, K, N, "pqe", ""},
    {"avx512f", 7, 0, B, 16, U, M, "avx512-f", ""},
    {"avx512dq", 7, 0, B, 17, U, M, "", ""},
    {"rdseed", 7, 0, B, 18, U, M, "", ""},
    {"adx", 7, 0, B, 19, U, M, "", ""},
    {"smap", 7, 0, B, 20, K, M, "", ""},
    {"avx512ifma", 7, 0, B, 21, U, M, "avx512_ifma", ""},
    {"pcommit", 7, 0, B, 22, U, M, "", ""},
    {"clflushopt", 7, 0, B, 23, U, M, "", ""},
    {"clwb", 7, 0, B, 24, U, M, "", ""},
    {"intel_pt", 7, 0, B, 25, K, N, "pt", ""},
    {"avx512pf", 7, 0, B, 26, U, M, "", ""},
    {"avx512er", 7, 0, B, 27, U, M, "", ""},
    {"avx512cd", 7, 0, B, 28, U, M, "", ""},
    {"sha_ni", 7, 0, B, 29, U, M, "sha", "sha-ni"},
    {"avx512bw", 7, 0, B, 30, U, M, "", ""},
    {"avx512vl", 7, 0, B, 31, U, M, "", ""},
    // ---- CPUID.7.0:ECX ----
    {"prefetchwt1", 7, 0, C, 0, U, M, "", ""},
    {"avx512vbmi", 7, 0, C, 1, U, M, "avx512_vbmi", ""},
    {"umip", 7, 0, C, 2, K, M, "", ""},
    {"pku", 7, 0, C, 3, U, M, "", ""},
    {"ospke", 7, 0, C, 4, U, N, "", ""},
    {"waitpkg", 7, 0, C, 5, U, M, "", ""},
    {"avx512_vbmi2", 7, 0, C, 6, U, M, "avx512vbmi2", "avx512vbmi2"},
    {"shstk", 7, 0, C, 7, K, M, "cet_ss user_shstk", "cet-ss"},
    {"gfni", 7, 0, C, 8, U, M, "", ""},
    {"vaes", 7, 0, C, 9, U, M, "", ""},
    {"vpclmulqdq", 7, 0, C, 10, U, M, "", ""},
    {"avx512_vnni", 7, 0, C, 11, U, M, "avx512vnni", "avx512vnni"},
    {"avx512_bitalg", 7, 0, C, 12, U, M, "avx512bitalg", "avx512bitalg"},
    {"tme", 7, 0, C, 13, K, N, "", ""},
    {"avx512_vpopcntdq", 7, 0, C, 14, U, M, "avx512vpopcntdq", "avx512-vpopcntdq"},
    {"la57", 7, 0, C, 16, K, M, "", ""},
    {"rdpid", 7, 0, C, 22, U, M, "", ""},
    {"keylocker", 7, 0, C, 23, K, N, "kl", ""},
    {"bus_lock_detect", 7, 0, C, 24, K, M, "", "bus-lock-detect"},
    {"cldemote", 7, 0, C, 25, U, M, "", ""},
    {"movdiri", 7, 0, C, 27, U, M, "", ""},
    {"movdir64b", 7, 0, C, 28, U, M, "", ""},
    {"enqcmd", 7, 0, C, 29, U, N, "", ""},
    {"sgx_lc", 7, 0, C, 30, K, N, "sgxlc", "sgxlc"},
    {"pks", 7, 0, C, 31, K, M, "", ""},
    // ---- CPUID.7.0:EDX ----
    {"avx512_4vnniw", 7, 0, D, 2, U, M, "avx512-4vnniw", "avx512-4vnniw"},
    {"avx512_4fmaps", 7, 0, D, 3, U, M, "avx512-4fmaps", "avx512-4fmaps"},
    {"fsrm", 7, 0, D, 4, U, M, "", ""},
    {"uintr", 7, 0, D, 5, U, M, "", ""},
    {"avx512_vp2intersect", 7, 0, D, 8, U, M, "", "avx512-vp2intersect"},
    {"srbds_ctrl", 7, 0, D, 9, K, N, "", ""},
    {"md_clear", 7, 0, D, 10, K, N, "", "md-clear"},
    {"rtm_always_abort", 7, 0, D, 11, K, N, "", ""},
    {"tsx_force_abort", 7, 0, D, 13, K, N, "", ""},
    {"serialize", 7, 0, D, 14, U, M, "", ""},
    {"hybrid_cpu", 7, 0, D, 15, K, N, "hybrid", ""},
    {"tsxldtrk", 7, 0, D, 16, U, M, "", "tsx-ldtrk"},
    {"pconfig", 7, 0, D, 18, K, N, "", ""},
    {"arch_lbr", 7, 0, D, 19, K, N, "", "arch-lbr"},
    {"ibt", 7, 0, D, 20, K, M, "cet_ibt", ""},
    {"amx_bf16", 7, 0, D, 22, U, M, "", "amx-bf16"},
    {"avx512_fp16", 7, 0, D, 23, U, M, "", "avx512-fp16"},
    {"amx_tile", 7, 0, D, 24, U, M, "", "amx-tile"},
    {"amx_int8", 7, 0, D, 25, U, M, "", "amx-int8"},
    {"spec_ctrl", 7, 0, D, 26, K, N, "", "spec-ctrl"},
    {"intel_stibp", 7, 0, D, 27, K, N, "stibp", "stibp"},
    {"flush_l1d", 7, 0, D, 28, K, N, "", ""},
    {"arch_capabilities", 7, 0, D, 29, K, N, "", "arch-capabilities"},
    {"core_capabilities", 7, 0, D, 30, K, N, "", "core-capability"},
    {"spec_ctrl_ssbd", 7, 0, D, 31, K, N, "ssbd", "ssbd"},
    // ---- CPUID.7.2:EDX (Intel speculation controls) ----
    {"psfd", 7, 2, D, 0, K, N, "", ""},
    {"ipred_ctrl", 7, 2, D, 1, K, N, "", "ipred-ctrl"},
    {"rrsba_ctrl", 7, 2, D, 2, K, N, "", "rrsba-ctrl"},
    {"ddpd_u", 7, 2, D, 3, K, N, "", "ddpd-u"},
    {"bhi_ctrl", 7, 2, D, 4, K, N, "", "bhi-ctrl"},
    {"mcdt_no", 7, 2, D, 5, K, N, "", "mcdt-no"},
    // ---- CPUID.7.1:EAX ----
    {"sha512", 7, 1, A, 0, U, M, "", ""},
    {"sm3", 7, 1, A, 1, U, M, "", ""},
    {"sm4", 7, 1, A, 2, U, M, "", ""},
    {"rao_int", 7, 1, A, 3, U, M, "", "rao-int"},
    {"avx_vnni", 7, 1, A, 4, U, M, "", "avx-vnni"},
    {"avx512_bf16", 7, 1, A, 5, U, M, "", "avx512-bf16"},
    {"lass", 7, 1, A, 6, K, M, "", ""},
    {"cmpccxadd", 7, 1, A, 7, U, M, "", ""},
    {"fzrm", 7, 1, A, 10, U, M, "", ""},
    {"fsrs", 7, 1, A, 11, U, M, "", ""},
    {"fsrc", 7, 1, A, 12, U, M, "", ""},
    {"fred", 7, 1, A, 17, K, M, "", ""},
    {"lkgs", 7, 1, A, 18, K, M, "", ""},
    {"wrmsrns", 7, 1, A, 19, K, M, "", ""},
    {"amx_fp16", 7, 1, A, 21, U, M, "", "amx-fp16"},
    {"hreset", 7, 1, A, 22, K, N, "", ""},
    {"avx_ifma", 7, 1, A, 23, U, M, "", "avx-ifma"},
    {"lam", 7, 1, A, 26, K, M, "", ""},
    {"msrlist", 7, 1, A, 27, K, M, "", ""},
    // ---- CPUID.7.1:EDX ----
    {"avx_vnni_int8", 7, 1, D, 4, U, M, "", "avx-vnni-int8"},
    {"avx_ne_convert", 7, 1, D, 5, U, M, "", "avx-ne-convert"},
    {"amx_complex", 7, 1, D, 8, U, M, "", "amx-complex"},
    {"avx_vnni_int16", 7, 1, D, 10, U, M, "", "avx-vnni-int16"},
    {"prefetchiti", 7, 1, D, 14, U, M, "prefetchi", ""},
    {"user_msr", 7, 1, D, 15, U, M, "", "user-msr"},
    {"avx10", 7, 1, D, 19, U, M, "", ""},
    {"apx_f", 7, 1, D, 21, U, M, "apx", "apx"},
    // ---- CPUID.0xD.0:EAX -- XSAVE state components the CPU supports ----
    {"xstate_x87", 0xD, 0, A, 0, U, M, "", ""},
    {"xstate_sse", 0xD, 0, A, 1, U, M, "", ""},
    {"xstate_avx", 0xD, 0, A, 2, U, M, "xstate_ymm", ""},
    {"xstate_bndregs", 0xD, 0, A, 3, U, M, "", ""},
    {"xstate_bndcsr", 0xD, 0, A, 4, U, M, "", ""},
    {"xstate_opmask", 0xD, 0, A, 5, U, M, "", ""},
    {"xstate_zmm_hi256", 0xD, 0, A, 6, U, M, "", ""},
    {"xstate_hi16_zmm", 0xD, 0, A, 7, U, M, "", ""},
    {"xstate_pkru", 0xD, 0, A, 9, U, M, "", ""},
    {"xstate_xtilecfg", 0xD, 0, A, 17, U, M, "", ""},
    {"xstate_xtiledata", 0xD, 0, A, 18, U, M, "", ""},
    {"xstate_apx", 0xD, 0, A, 19, U, M, "", ""},
    // ---- CPUID.0xD.1:EAX ----
    {"xsaveopt", 0xD, 1, A, 0, U, M, "", ""},
    {"xsavec", 0xD, 1, A, 1, U, M, "", ""},
    {"xgetbv1", 0xD, 1, A, 2, U, M, "", ""},
    {"xsaves", 0xD, 1, A, 3, K, M, "", ""},
    {"xfd", 0xD, 1, A, 4, K, M, "", ""},
    // ---- CPUID.24:EBX -- AVX10 vector lengths (the version, EBX[7:0], is a number) ----
    {"avx10_128", 0x24, 0, B, 16, U, M, "", "avx10-128"},
    {"avx10_256", 0x24, 0, B, 17, U, M, "", "avx10-256"},
    {"avx10_512", 0x24, 0, B, 18, U, M, "", "avx10-512"},
    // ---- CPUID.80000001:EDX (AMD-defined; Intel reports syscall only in 64-bit mode) ----
    {"syscall", X1, 0, D, 11, U, N, "", ""},  // Intel: 64-bit mode only; every x86-64 part has it there
    {"mp", X1, 0, D, 19, K, N, "", ""},
    {"nx", X1, 0, D, 20, K, M, "xd", ""},
    {"mmxext", X1, 0, D, 22, U, M, "", ""},
    {"fxsr_opt", X1, 0, D, 25, U, M, "ffxsr", "fxsr-opt"},
    {"pdpe1gb", X1, 0, D, 26, K, M, "page1gb", ""},
    {"rdtscp", X1, 0, D, 27, U, M, "", ""},
    {"lm", X1, 0, D, 29, U, M, "x86-64 em64t", ""},
    {"3dnowext", X1, 0, D, 30, U, M, "", ""},
    {"3dnow", X1, 0, D, 31, U, M, "", ""},
    // ---- CPUID.80000001:ECX ----
    {"lahf_lm", X1, 0, C, 0, U, M, "lahf-lm", "lahf-lm"},
    {"cmp_legacy", X1, 0, C, 1, K, N, "", "cmp-legacy"},
    {"svm", X1, 0, C, 2, K, N, "", ""},
    {"extapic", X1, 0, C, 3, K, N, "", ""},
    {"cr8_legacy", X1, 0, C, 4, K, M, "cr8legacy", "cr8legacy"},
    {"abm", X1, 0, C, 5, U, M, "lzcnt", ""},
    {"sse4a", X1, 0, C, 6, U, M, "", ""},
    {"misalignsse", X1, 0, C, 7, U, M, "", ""},
    {"3dnowprefetch", X1, 0, C, 8, U, M, "prefetchw", ""},
    {"osvw", X1, 0, C, 9, K, N, "", ""},
    {"ibs", X1, 0, C, 10, K, N, "", ""},
    {"xop", X1, 0, C, 11, U, M, "", ""},
    {"skinit", X1, 0, C, 12, K, N, "", ""},
    {"wdt", X1, 0, C, 13, K, N, "", ""},
    {"lwp", X1, 0, C, 15, U, N, "", ""},
    {"fma4", X1, 0, C, 16, U, M, "", ""},
    {"tce", X1, 0, C, 17, K, N, "", ""},
    {"nodeid_msr", X1, 0, C, 19, K, N, "", "nodeid-msr"},
    {"tbm", X1, 0, C, 21, U, M, "", ""},
    {"topoext", X1, 0, C, 22, K, N, "", ""},
    {"perfctr_core", X1, 0, C, 23, K, N, "", "perfctr-core"},
    {"perfctr_nb", X1, 0, C, 24, K, N, "", "perfctr-nb"},
    {"bpext", X1, 0, C, 26, K, N, "", ""},
    {"ptsc", X1, 0, C, 27, K, N, "", ""},
    {"perfctr_llc", X1, 0, C, 28, K, N, "", ""},
    {"mwaitx", X1, 0, C, 29, K, N, "", ""},
    // ---- CPUID.80000007:EDX -- advanced power management ----
    {"ts", X7, 0, D, 0, K, N, "", ""},
    {"fid", X7, 0, D, 1, K, N, "", ""},
    {"vid", X7, 0, D, 2, K, N, "", ""},
    {"ttp", X7, 0, D, 3, K, N, "", ""},
    {"hw_thermal", X7, 0, D, 4, K, N, "tm_amd", ""},
    {"stc", X7, 0, D, 5, K, N, "", ""},
    {"100mhzsteps", X7, 0, D, 6, K, N, "", ""},
    {"hwpstate", X7, 0, D, 7, K, N, "", ""},
    {"invtsc", X7, 0, D, 8, U, N, "constant_tsc nonstop_tsc", ""},
    {"cpb", X7, 0, D, 9, K, N, "", ""},
    {"eff_freq_ro", X7, 0, D, 10, K, N, "", ""},
    {"proc_feedback", X7, 0, D, 11, K, N, "", ""},
    {"acc_power", X7, 0, D, 12, K, N, "", ""},
    // ---- CPUID.80000021:EAX (AMD, Zen 3 and later) ----
    {"no_nested_data_bp", X21, 0, A, 0, K, M, "", "no-nested-data-bp"},
    {"lfence_always_serializing", X21, 0, A, 2, K, M, "", "lfence-always-serializing"},
    {"null_sel_clr_base", X21, 0, A, 6, K, M, "", "null-sel-clr-base"},
    {"auto_ibrs", X21, 0, A, 8, K, N, "", "auto-ibrs"},
    {"sbpb", X21, 0, A, 27, K, N, "", "sbpb"},
    {"ibpb_brtype", X21, 0, A, 28, K, N, "", "ibpb-brtype"},
    {"srso_no", X21, 0, A, 29, K, N, "", "srso-no"},
    // ---- CPUID.80000008:EBX ----
    {"clzero", X8, 0, B, 0, U, M, "", ""},
    {"irperf", X8, 0, B, 1, K, N, "", ""},
    {"xsaveerptr", X8, 0, B, 2, U, M, "xsaveerr", ""},
    {"invlpgb", X8, 0, B, 3, K, M, "", ""},
    {"rdpru", X8, 0, B, 4, U, M, "", ""},
    {"mcommit", X8, 0, B, 8, U, M, "", ""},
    {"wbnoinvd", X8, 0, B, 9, K, M, "", ""},
    {"amd_ibpb", X8, 0, B, 12, K, N, "ibpb ibpb_amd", "ibpb"},
    {"amd_ibrs", X8, 0, B, 14, K, N, "ibrs", "ibrs"},
    {"amd_stibp", X8, 0, B, 15, K, N, "", "amd-stibp"},
    {"amd_stibp_always_on", X8, 0, B, 17, K, N, "", ""},
    {"amd_ibrs_pref", X8, 0, B, 18, K, N, "", ""},
    {"amd_ppin", X8, 0, B, 23, K, N, "", ""},
    {"amd_ssbd", X8, 0, B, 24, K, N, "", "amd-ssbd"},
    {"virt_ssbd", X8, 0, B, 25, K, N, "", "virt-ssbd"},
    {"amd_ssb_no", X8, 0, B, 26, K, N, "", "amd-no-ssb"},
    {"cppc", X8, 0, B, 27, K, N, "", ""},
    {"amd_psfd", X8, 0, B, 28, K, N, "", "amd-psfd"},
    {"btc_no", X8, 0, B, 29, K, N, "", ""},
};

static_assert(std::size(kTable) <= FeatureSet::kCapacity, "raise FeatureSet::kWords");

std::string normalize(std::string_view name) {
  std::string out = to_lower(trim(name));
  for (char& c : out)
    if (c == '.' || c == '-') c = '_';
  return out;
}

struct Index {
  std::unordered_map<std::string, FeatureId> by_name;
  FeatureSet migratable, user_visible;
  std::vector<RegisterRef> registers;
  Index() {
    for (size_t i = 0; i < std::size(kTable); ++i) {
      const FeatureInfo& f = kTable[i];
      auto id = static_cast<FeatureId>(i);
      by_name.emplace(normalize(f.name), id);
      for (auto alias : split_ws(f.aliases)) by_name.emplace(normalize(alias), id);
      if (!f.qemu.empty()) by_name.emplace(normalize(f.qemu), id);
      if (f.migratable) migratable.set(id);
      if (f.user_visible) user_visible.set(id);
      if (std::find(registers.begin(), registers.end(), f.where()) == registers.end()) registers.push_back(f.where());
    }
  }
};

const Index& index() {
  static const Index idx;
  return idx;
}

}  // namespace

std::span<const FeatureInfo> all_features() { return kTable; }
const FeatureInfo& feature_info(FeatureId id) { return kTable[id]; }

std::optional<FeatureId> find_feature(std::string_view name) {
  const auto& m = index().by_name;
  auto it = m.find(normalize(name));
  if (it == m.end()) return std::nullopt;
  return it->second;
}

FeatureId feature_id(std::string_view name) {
  if (auto id = find_feature(name)) return *id;
  throw InputError(fmt::format("unknown CPU feature '{}' (see `evcsim cpu features`)", name));
}

FeatureSet parse_feature_list(std::string_view names) {
  std::string text(names);
  std::replace(text.begin(), text.end(), ',', ' ');
  FeatureSet s;
  for (auto w : split_ws(text)) s.set(feature_id(w));
  return s;
}

FeatureSet make_feature_set(std::initializer_list<std::string_view> names) {
  FeatureSet s;
  for (auto n : names) s.set(feature_id(n));
  return s;
}

const FeatureSet& migratable_features() { return index().migratable; }
const FeatureSet& user_visible_features() { return index().user_visible; }

FeatureSet features_in(const RegisterRef& r) {
  FeatureSet s;
  for (size_t i = 0; i < std::size(kTable); ++i)
    if (kTable[i].where() == r) s.set(static_cast<FeatureId>(i));
  return s;
}

std::span<const RegisterRef> feature_registers() { return index().registers; }

FeatureSet decode(const CpuidDump& dump) {
  FeatureSet s;
  for (size_t i = 0; i < std::size(kTable); ++i) {
    const FeatureInfo& f = kTable[i];
    if ((dump.get(f.where()) >> f.bit) & 1u) s.set(static_cast<FeatureId>(i));
  }
  return s;
}

uint32_t encode_register(const FeatureSet& features, const RegisterRef& r) {
  uint32_t v = 0;
  for (size_t i = 0; i < std::size(kTable); ++i)
    if (kTable[i].where() == r && features.test(static_cast<FeatureId>(i))) v |= 1u << kTable[i].bit;
  return v;
}

void encode(const FeatureSet& features, CpuidDump& dump) {
  for (const RegisterRef& r : feature_registers()) {
    uint32_t known = encode_register(features_in(r), r);
    uint32_t value = (dump.get(r) & ~known) | encode_register(features, r);
    if (value != 0 || dump.has(r.leaf, r.subleaf)) dump.set_register(r, value);
  }
}

std::vector<std::string> feature_names(const FeatureSet& s) {
  std::vector<std::string> out;
  s.for_each([&](FeatureId id) { out.emplace_back(kTable[id].name); });
  std::sort(out.begin(), out.end());
  return out;
}

std::string join_names(const FeatureSet& s, std::string_view sep) {
  return fmt::format("{}", fmt::join(feature_names(s), sep));
}

std::vector<RegisterGroup> group_by_register(const FeatureSet& s) {
  std::vector<RegisterGroup> out;
  for (const RegisterRef& r : feature_registers()) {
    FeatureSet in = s & features_in(r);
    if (!in.empty()) out.push_back({r, feature_names(in)});
  }
  return out;
}

const FeatureSet& os_enabled_features() {
  static const FeatureSet set = [] {
    static constexpr std::string_view kNamed[] = {"xsave", "xsaveopt",   "xsavec", "xsaves",  // CR4.OSXSAVE
                                                  "avx",   "f16c",       "fma",    "fma4",     "xop",  "avx2",
                                                  "vaes",  "vpclmulqdq", "sha512",  // XCR0 YMM
                                                  "mpx",   "lwp",        "pku",    "fsgsbase", "umip", "apx_f"};
    FeatureSet s;
    for (std::string_view n : kNamed)
      if (auto id = find_feature(n)) s.set(*id);
    for (size_t i = 0; i < all_features().size(); ++i) {
      std::string_view n = all_features()[i].name;
      if (n.starts_with("avx512") || n.starts_with("avx_") || n.starts_with("avx10") || n.starts_with("amx_"))
        s.set(static_cast<FeatureId>(i));
    }
    return s;
  }();
  return set;
}

const std::vector<std::string>& notable_features() {
  static const std::vector<std::string> names = {"sse4_1", "sse4_2", "aes", "avx", "avx2", "avx512f", "amx_tile"};
  return names;
}

FeatureSet xsave_components_of(const FeatureSet& f) {
  static const std::pair<const char*, std::vector<const char*>> kNeeds[] = {
      {"xsave", {"xstate_x87", "xstate_sse"}},
      {"avx", {"xstate_avx"}},
      {"mpx", {"xstate_bndregs", "xstate_bndcsr"}},
      {"avx512f", {"xstate_opmask", "xstate_zmm_hi256", "xstate_hi16_zmm"}},
      {"pku", {"xstate_pkru"}},
      {"amx_tile", {"xstate_xtilecfg", "xstate_xtiledata"}},
  };
  FeatureSet out;
  for (const auto& [feature, components] : kNeeds)
    if (f.test(feature_id(feature)))
      for (const char* c : components) out.set(feature_id(c));
  return out;
}

const FeatureSet& xsave_state_components() {
  static const FeatureSet s = features_in(RegisterRef{0xD, 0, Reg::eax});
  return s;
}

}  // namespace evcsim
