// How QEMU and libvirt spell evcsim's features, and the named model that
// stands for each baseline. The spellings are this project's own table,
// written from the facts in QEMU's target/i386/cpu.c feature names and
// libvirt's cpu_map/x86_features.xml, and checked against the installed
// tools (`qemu-system-x86_64 -cpu help`, libvirt's cpu_map) by
// tests/fidelity/exports_accepted.sh. Spellings differ between the two and
// between versions; the table follows Debian 12's QEMU 7.2 and libvirt 9.0.
#pragma once

#include <string_view>

#include "catalog/baseline.hpp"
#include "catalog/catalog.hpp"
#include "cpu/feature_set.hpp"

namespace evcsim {

enum class Hypervisor { qemu, libvirt };

// The tool's name for the feature, or "" when the tool has none: the XSAVE
// state components (QEMU derives them from avx, avx512f, pku, ...) and
// features newer than the tool. An exporter leaves those out, with a comment.
std::string_view hypervisor_spelling(FeatureId id, Hypervisor h);

// The QEMU/libvirt named model closest to `b`: among the catalog's models of
// b's vendor (any vendor for levels), the one with the fewest features b
// lacks (none when a model lies below b), then the most features in common.
// nullptr when the catalog has no model of that vendor. libvirt knows QEMU's
// models by their unversioned names only.
const Baseline* closest_named_model(const Baseline& b, const Catalog& catalog, Hypervisor h);
// For a host as it is (host-model): the named model of its vendor that
// needs the fewest features added and disabled to equal the host's, then
// the one with the most in common -- as libvirt's host-model picks an Atom's
// Snowridge (disabling MPX) over a Westmere with twenty features added.
const Baseline* nearest_named_model(const FeatureSet& host, const std::string& vendor, const Catalog& catalog,
                                    Hypervisor h);

// The migratable features of libvirt's model of that name: libvirt's
// cpu_map defines some models otherwise than QEMU expands them (its
// Haswell-noTSX lacks f16c, rdrand, abm; its Skylake-Server keeps mpx).
FeatureSet libvirt_model_features(const Baseline& qemu_model);

}  // namespace evcsim
