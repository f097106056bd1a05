// Reproducible randomness: one seed per scenario, split into named streams
// (one per subsystem), and the project's own distributions, so the same
// scenario and seed give the same numbers with any standard library.
#pragma once

#include <cmath>
#include <cstdint>
#include <string_view>

namespace evcsim {

// xoshiro256** seeded through splitmix64 from (seed, stream name).
class Rng {
 public:
  Rng(uint64_t seed, std::string_view stream) {
    uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a of the stream name
    for (char c : stream) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ull;
    uint64_t x = seed ^ h;
    for (auto& s : s_) s = splitmix(x);
  }
  uint64_t next() {
    uint64_t result = rotl(s_[1] * 5, 7) * 9, t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, 1), 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  // Exponential with the given rate (events per unit); REQUIRES: rate > 0.
  double exponential(double rate) { return -std::log1p(-uniform()) / rate; }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static uint64_t splitmix(uint64_t& x) {
    uint64_t z = (x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  uint64_t s_[4];
};

}  // namespace evcsim
