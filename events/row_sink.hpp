// One event's fields as the event store binds them to its row: what
// to_record would set on a report::EventRecord, kept by events.proto's field
// number, without building the message. The store writes millions of rows;
// building, handing over and freeing a message per row (its strings, the
// reflection that read them back) was half of the store's cost.
//
// Filled by to_row (events/event_log.hpp) through the same setters as the
// message, so one Recorder serves both; a field set to its default ("", 0,
// false) reads as unset, as in proto3.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "events/events.pb.h"

namespace evcsim {

class RowSink {
 public:
  using R = report::EventRecord;
  static constexpr int kMaxField = R::kGuestOsFieldNumber;

  struct Slot {
    std::string text;   // strings; repeated strings joined with single spaces
    double number = 0;  // doubles, integers, bools (0 or 1)
  };

  void clear() {
    for (int f : touched_) {
      Slot& s = slots_[static_cast<size_t>(f)];
      s.text.clear();  // keeps its room for the next row
      s.number = 0;
    }
    touched_.clear();
    codes_.clear();
  }
  const std::string& type() const { return type_; }
  double t() const { return slots_[R::kTFieldNumber].number; }
  const Slot& slot(int field) const { return slots_[static_cast<size_t>(field)]; }
  // blocked_by_code as the store writes it (code_counts_text).
  const std::map<std::string, uint32_t>& codes() const { return codes_; }

  void set_type(std::string_view v) { type_.assign(v); }
  void set_t(double v) { number(R::kTFieldNumber, v); }
  void set_vm(std::string_view v) { text(R::kVmFieldNumber, v); }
  void set_host(std::string_view v) { text(R::kHostFieldNumber, v); }
  void set_src(std::string_view v) { text(R::kSrcFieldNumber, v); }
  void set_dst(std::string_view v) { text(R::kDstFieldNumber, v); }
  void set_software(std::string_view v) { text(R::kSoftwareFieldNumber, v); }
  void set_reason(std::string_view v) { text(R::kReasonFieldNumber, v); }
  void set_code(std::string_view v) { text(R::kCodeFieldNumber, v); }
  void set_cause(std::string_view v) { text(R::kCauseFieldNumber, v); }
  void set_cluster(std::string_view v) { text(R::kClusterFieldNumber, v); }
  void set_from(std::string_view v) { text(R::kFromFieldNumber, v); }
  void set_to(std::string_view v) { text(R::kToFieldNumber, v); }
  void set_operation(std::string_view v) { text(R::kOperationFieldNumber, v); }
  void set_why(std::string_view v) { text(R::kWhyFieldNumber, v); }
  void set_cpu(std::string_view v) { text(R::kCpuFieldNumber, v); }
  void set_locks_out(std::string_view v) { text(R::kLocksOutFieldNumber, v); }
  void set_memory_state(std::string_view v) { text(R::kMemoryStateFieldNumber, v); }
  void set_guest_os(std::string_view v) { text(R::kGuestOsFieldNumber, v); }
  void add_features(std::string_view v) { word(R::kFeaturesFieldNumber, v); }
  void add_lost(std::string_view v) { word(R::kLostFieldNumber, v); }
  void add_locks_out_missing(std::string_view v) { word(R::kLocksOutMissingFieldNumber, v); }
  void set_duration_s(double v) { number(R::kDurationSFieldNumber, v); }
  void set_downtime_s(double v) { number(R::kDowntimeSFieldNumber, v); }
  void set_mib_sent(double v) { number(R::kMibSentFieldNumber, v); }
  void set_outage_s(double v) { number(R::kOutageSFieldNumber, v); }
  void set_imbalance(double v) { number(R::kImbalanceFieldNumber, v); }
  void set_left_by_compatibility(double v) { number(R::kLeftByCompatibilityFieldNumber, v); }
  void set_possible_since(double v) { number(R::kPossibleSinceFieldNumber, v); }
  void set_raised_at(double v) { number(R::kRaisedAtFieldNumber, v); }
  void set_waited_s(double v) { number(R::kWaitedSFieldNumber, v); }
  void set_throttled_s(double v) { number(R::kThrottledSFieldNumber, v); }
  void set_lost_guest_cpu_s(double v) { number(R::kLostGuestCpuSFieldNumber, v); }
  void set_rounds(uint32_t v) { number(R::kRoundsFieldNumber, v); }
  void set_crashes(uint32_t v) { number(R::kCrashesFieldNumber, v); }
  void set_moves(uint32_t v) { number(R::kMovesFieldNumber, v); }
  void set_count(uint32_t v) { number(R::kCountFieldNumber, v); }
  void set_demand_mib(uint32_t v) { number(R::kDemandMibFieldNumber, v); }
  void set_configured_mib(uint32_t v) { number(R::kConfiguredMibFieldNumber, v); }
  void set_ram_mib(uint32_t v) { number(R::kRamMibFieldNumber, v); }
  void set_kernel(bool v) { number(R::kKernelFieldNumber, v ? 1 : 0); }
  void set_new_view(bool v) { number(R::kNewViewFieldNumber, v ? 1 : 0); }
  void set_over_downtime_target(bool v) { number(R::kOverDowntimeTargetFieldNumber, v ? 1 : 0); }
  std::map<std::string, uint32_t>* mutable_blocked_by_code() { return &codes_; }

 private:
  Slot& touch(int field) {
    touched_.push_back(field);
    return slots_[static_cast<size_t>(field)];
  }
  void text(int field, std::string_view v) { touch(field).text.assign(v); }
  void word(int field, std::string_view v) {
    Slot& s = touch(field);
    if (!s.text.empty()) s.text += ' ';
    s.text += v;
  }
  void number(int field, double v) { touch(field).number = v; }

  std::string type_;
  std::array<Slot, kMaxField + 1> slots_{};
  std::vector<int> touched_;
  std::map<std::string, uint32_t> codes_;
};

}  // namespace evcsim
