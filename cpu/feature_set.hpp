// FeatureSet: a set of CPUID features as a fixed-width bitset value.
//
// Copyable, comparable, hashable, no virtuals, no allocation. Feature ids are
// indices into the registry (feature_registry.hpp); this header does not
// depend on it, so hot code that only does set algebra stays light.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <utility>

namespace evcsim {

using FeatureId = uint16_t;

class FeatureSet {
 public:
  static constexpr size_t kWords = 5;
  static constexpr size_t kCapacity = kWords * 64;

  constexpr FeatureSet() = default;

  constexpr void set(FeatureId id) { w_[id >> 6] |= uint64_t{1} << (id & 63); }
  constexpr void reset(FeatureId id) { w_[id >> 6] &= ~(uint64_t{1} << (id & 63)); }
  constexpr bool test(FeatureId id) const { return (w_[id >> 6] >> (id & 63)) & 1; }

  constexpr bool empty() const {
    uint64_t acc = 0;
    for (uint64_t x : w_) acc |= x;
    return acc == 0;
  }
  constexpr size_t count() const {
    size_t n = 0;
    for (uint64_t x : w_) n += static_cast<size_t>(std::popcount(x));
    return n;
  }
  // True when every feature of `other` is in this set.
  constexpr bool contains(const FeatureSet& other) const {
    return contains_impl(other, std::make_index_sequence<kWords>{});
  }
  constexpr bool intersects(const FeatureSet& other) const {
    uint64_t acc = 0;
    for (size_t i = 0; i < kWords; ++i) acc |= other.w_[i] & w_[i];
    return acc != 0;
  }

  constexpr FeatureSet& operator|=(const FeatureSet& o) {
    for (size_t i = 0; i < kWords; ++i) w_[i] |= o.w_[i];
    return *this;
  }
  constexpr FeatureSet& operator&=(const FeatureSet& o) {
    for (size_t i = 0; i < kWords; ++i) w_[i] &= o.w_[i];
    return *this;
  }
  // Set difference: the features of this set that `o` does not have.
  constexpr FeatureSet& operator-=(const FeatureSet& o) {
    for (size_t i = 0; i < kWords; ++i) w_[i] &= ~o.w_[i];
    return *this;
  }
  friend constexpr FeatureSet operator|(FeatureSet a, const FeatureSet& b) { return a |= b; }
  friend constexpr FeatureSet operator&(FeatureSet a, const FeatureSet& b) { return a &= b; }
  friend constexpr FeatureSet operator-(FeatureSet a, const FeatureSet& b) { return a -= b; }
  constexpr bool operator==(const FeatureSet&) const = default;

  // Calls f(id) for each member, in id order.
  template <class F>
  void for_each(F&& f) const {
    for (size_t i = 0; i < kWords; ++i) {
      uint64_t x = w_[i];
      while (x) {
        int b = std::countr_zero(x);
        f(static_cast<FeatureId>(i * 64 + static_cast<size_t>(b)));
        x &= x - 1;
      }
    }
  }

  const std::array<uint64_t, kWords>& words() const { return w_; }
  size_t hash() const {
    uint64_t h = 0xcbf29ce484222325ull;
    for (uint64_t x : w_) h = (h ^ x) * 0x100000001b3ull;
    return static_cast<size_t>(h);
  }

 private:
  // Unrolled: one branch-free OR of ANDs, as a hand-written check would be.
  template <size_t... I>
  constexpr bool contains_impl(const FeatureSet& other, std::index_sequence<I...>) const {
    return ((other.w_[I] & ~w_[I]) | ...) == 0;
  }

  std::array<uint64_t, kWords> w_{};
};

// What `a` lacks that `b` has: b - a. Named for the question callers ask.
constexpr FeatureSet lacking(const FeatureSet& a, const FeatureSet& b) { return b - a; }

}  // namespace evcsim

template <>
struct std::hash<evcsim::FeatureSet> {
  size_t operator()(const evcsim::FeatureSet& s) const noexcept { return s.hash(); }
};
