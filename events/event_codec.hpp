// A lossless binary form of world events, for the part files of a split run:
// each part records the events its listeners would hear, and the merge reads
// them back and replays them into the same listeners.
//
// BinaryWriter and BinaryReader are the format's primitives, for other
// records too: unsigned integers as LEB128 varints, signed ones zigzagged
// first, doubles as their 8 bytes (little-endian, so NaN payloads, infinities
// and -0.0 come back bit for bit), strings as a varint length and the bytes.
// An event is its variant index as a varint, then its struct's members in the
// order events/event_fields.hpp lists them; a FeatureSet is a byte saying
// which of its words are not zero, then those words (8 bytes each).
//
// Leaves out: Snapshot (it holds the compatibility graph; never recorded),
// versioning and checksums (a file header's job), and any tolerance of byte
// orders: the writer and the reader are the same build on the same machine.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "world/events.hpp"

namespace evcsim {

// Appends to one growing string: no allocation per value once it has grown.
class BinaryWriter {
 public:
  void u64(uint64_t v) {
    char buf[10];
    size_t n = 0;
    while (v >= 0x80) {
      buf[n++] = static_cast<char>(v | 0x80);
      v >>= 7;
    }
    buf[n++] = static_cast<char>(v);
    out_.append(buf, n);
  }
  void i64(int64_t v) { u64((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63)); }
  void f64(double v);
  void boolean(bool v) { out_.push_back(v ? '\1' : '\0'); }
  void str(std::string_view s) {
    u64(s.size());
    out_.append(s);
  }
  // Bytes as they are, no length: fixed-size fields (a magic number).
  void raw(std::string_view s) { out_.append(s); }

  const std::string& bytes() const { return out_; }
  // Empties the buffer and keeps its capacity (for writing in batches).
  void clear() { out_.clear(); }

 private:
  std::string out_;
};

// Reads what a BinaryWriter wrote, in the same order. Every read past the end
// or of a malformed value throws InputError "part file truncated or corrupt:
// ..." (the caller places it in its file with InputError::located).
class BinaryReader {
 public:
  explicit BinaryReader(std::string_view in) : in_(in) {}

  uint64_t u64() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ == in_.size()) fail("truncated");
      auto byte = static_cast<uint8_t>(in_[pos_++]);
      if (shift == 63 && byte > 1) fail("a varint past 64 bits");
      v |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return v;
    }
    fail("a varint longer than 10 bytes");
  }
  int64_t i64() {
    uint64_t z = u64();
    return static_cast<int64_t>((z >> 1) ^ (~(z & 1) + 1));
  }
  // An i64 that must fit an int.
  int i32();
  double f64();
  bool boolean();
  std::string str();
  // `n` bytes as they are (what raw() wrote).
  std::string_view raw(size_t n);

  bool done() const { return pos_ == in_.size(); }
  size_t position() const { return pos_; }
  size_t remaining() const { return in_.size() - pos_; }

  // Throws the reader's InputError with `what` (at the current offset).
  [[noreturn]] void fail(std::string_view what) const;

 private:
  std::string_view in_;
  size_t pos_ = 0;
};

// Appends e. Throws std::logic_error for a Snapshot (never recorded).
void encode_event(const Event& e, BinaryWriter& w);
// Reads the next event; throws InputError when the bytes are not one.
Event decode_event(BinaryReader& r);

}  // namespace evcsim
