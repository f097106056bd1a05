#include "events/event_codec.hpp"

#include <array>
#include <bit>
#include <cstring>
#include <limits>
#include <map>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <vector>

#include "base/error.hpp"
#include "events/event_fields.hpp"

namespace evcsim {

static_assert(std::endian::native == std::endian::little,
              "part files store doubles and feature-set words in the machine's byte order, assumed little-endian");

void BinaryWriter::f64(double v) {
  auto bits = std::bit_cast<uint64_t>(v);
  out_.append(reinterpret_cast<const char*>(&bits), sizeof bits);
}

void BinaryReader::fail(std::string_view what) const {
  throw InputError("part file truncated or corrupt: " + std::string(what) + " at byte " + std::to_string(pos_));
}

int BinaryReader::i32() {
  int64_t v = i64();
  if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max()) fail("an int out of range");
  return static_cast<int>(v);
}

double BinaryReader::f64() {
  uint64_t bits = 0;
  std::memcpy(&bits, raw(sizeof bits).data(), sizeof bits);
  return std::bit_cast<double>(bits);
}

bool BinaryReader::boolean() {
  if (pos_ == in_.size()) fail("truncated");
  char c = in_[pos_++];
  if (c != '\0' && c != '\1') fail("a bool that is neither 0 nor 1");
  return c == '\1';
}

std::string BinaryReader::str() {
  uint64_t n = u64();
  return std::string(raw(n));
}

std::string_view BinaryReader::raw(size_t n) {
  if (n > remaining()) fail("truncated");
  std::string_view s = in_.substr(pos_, n);
  pos_ += n;
  return s;
}

namespace {

// A count of elements that each take at least `min_bytes`: more than the
// bytes left is a corrupt length (checked before anything is reserved).
size_t read_count(BinaryReader& r, size_t min_bytes) {
  uint64_t n = r.u64();
  if (n > r.remaining() / min_bytes) r.fail("a length past the end");
  return static_cast<size_t>(n);
}

void put(BinaryWriter& w, const FeatureSet& s) {
  const auto& words = s.words();
  uint8_t present = 0;
  for (size_t i = 0; i < FeatureSet::kWords; ++i)
    if (words[i]) present |= static_cast<uint8_t>(1u << i);
  w.raw(std::string_view(reinterpret_cast<const char*>(&present), 1));
  for (uint64_t word : words)
    if (word) w.raw(std::string_view(reinterpret_cast<const char*>(&word), sizeof word));
}

void get(BinaryReader& r, FeatureSet& s) {
  static_assert(FeatureSet::kWords <= 8, "the presence mask is one byte");
  auto present = static_cast<uint8_t>(r.raw(1)[0]);
  if (present >> FeatureSet::kWords) r.fail("a feature set with too many words");
  s = FeatureSet();
  for (size_t i = 0; i < FeatureSet::kWords; ++i) {
    if (!(present & (1u << i))) continue;
    uint64_t word = 0;
    std::memcpy(&word, r.raw(sizeof word).data(), sizeof word);
    for (; word; word &= word - 1) s.set(static_cast<FeatureId>(i * 64 + static_cast<size_t>(std::countr_zero(word))));
  }
}

template <class T>
void put(BinaryWriter& w, const T& v);
template <class T>
void get(BinaryReader& r, T& v);

template <class T>
void put(BinaryWriter& w, const std::vector<T>& v) {
  w.u64(v.size());
  for (const T& x : v) put(w, x);
}
template <class T>
void get(BinaryReader& r, std::vector<T>& v) {
  v.resize(read_count(r, 1));
  for (T& x : v) get(r, x);
}

template <class K, class V>
void put(BinaryWriter& w, const std::map<K, V>& m) {
  w.u64(m.size());
  for (const auto& [k, v] : m) {
    put(w, k);
    put(w, v);
  }
}
template <class K, class V>
void get(BinaryReader& r, std::map<K, V>& m) {
  m.clear();
  for (size_t n = read_count(r, 2); n > 0; --n) {
    K k{};
    V v{};
    get(r, k);
    get(r, v);
    m.emplace_hint(m.end(), std::move(k), std::move(v));
  }
}

template <class T>
void put(BinaryWriter& w, const T& v) {
  if constexpr (std::is_same_v<T, bool>) w.boolean(v);
  else if constexpr (std::is_same_v<T, double>) w.f64(v);
  else if constexpr (std::is_same_v<T, std::string>) w.str(v);
  else if constexpr (std::is_enum_v<T>) w.i64(static_cast<int64_t>(v));
  else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) w.i64(v);
  else if constexpr (std::is_integral_v<T>) w.u64(v);
  else if constexpr (HasEventFields<T>) for_each_event_field(v, [&](const auto& member) { put(w, member); });
  else static_assert(sizeof(T) == 0, "events/event_codec.cpp cannot write this member type: add it");
}

template <class T>
void get(BinaryReader& r, T& v) {
  if constexpr (std::is_same_v<T, bool>) {
    v = r.boolean();
  } else if constexpr (std::is_same_v<T, double>) {
    v = r.f64();
  } else if constexpr (std::is_same_v<T, std::string>) {
    v = r.str();
  } else if constexpr (std::is_enum_v<T>) {
    static_assert(std::is_same_v<std::underlying_type_t<T>, int>, "event enums are int-sized");
    v = static_cast<T>(r.i32());
  } else if constexpr (std::is_same_v<T, int>) {
    v = r.i32();
  } else if constexpr (std::is_same_v<T, int64_t>) {
    v = r.i64();
  } else if constexpr (std::is_same_v<T, uint64_t>) {
    v = r.u64();
  } else if constexpr (HasEventFields<T>) {
    for_each_event_field(v, [&](auto& member) { get(r, member); });
  } else {
    static_assert(sizeof(T) == 0, "events/event_codec.cpp cannot read this member type: add it");
  }
}

template <size_t I>
Event decode_alternative(BinaryReader& r) {
  using S = std::variant_alternative_t<I, Event>;
  if constexpr (std::is_same_v<S, Snapshot>) {
    r.fail("a Snapshot (never recorded)");
  } else {
    Event e(std::in_place_index<I>);
    get(r, *std::get_if<I>(&e));
    return e;
  }
}

// One decoder per variant index: a new Event alternative gets its decoder
// here as soon as events/event_fields.hpp lists it (else that header fails).
constexpr auto kDecoders = []<size_t... I>(std::index_sequence<I...>) {
  return std::array<Event (*)(BinaryReader&), sizeof...(I)>{&decode_alternative<I>...};
}
(std::make_index_sequence<std::variant_size_v<Event>>{});

}  // namespace

void encode_event(const Event& e, BinaryWriter& w) {
  std::visit(
      [&](const auto& x) {
        using S = std::remove_cvref_t<decltype(x)>;
        if constexpr (std::is_same_v<S, Snapshot>) {
          throw std::logic_error("encode_event: a Snapshot is never recorded");
        } else {
          w.u64(e.index());
          put(w, x);
        }
      },
      e);
}

Event decode_event(BinaryReader& r) {
  uint64_t tag = r.u64();
  if (tag >= kDecoders.size()) r.fail("an unknown event tag " + std::to_string(tag));
  return kDecoders[tag](r);
}

}  // namespace evcsim
