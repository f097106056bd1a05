// Each event struct's members, listed once as pointers to members: the event
// codec (events/event_codec.cpp) writes and reads them in this order, and its
// tests compare and fill events through them.
//
// A list is checked at compile time against its struct: it names each member
// once (no pointer twice) and as many members as the struct has (counted by
// aggregate initialization), so a member added to a struct in
// world/events.hpp without a line here does not build.
//
// Leaves out: Snapshot (it holds the compatibility graph and is never recorded).
#pragma once

#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>

#include "world/events.hpp"

namespace evcsim {

// EventFields<S>::members: a tuple of S's pointers to members, in the order
// they are encoded. Undefined for types that have no list.
template <class S>
struct EventFields;

template <class S>
concept HasEventFields = requires {
  EventFields<S>::members;
};

// A macro only to say each struct's name once per line.
#define EVCSIM_EVENT_FIELDS(S, ...)                   \
  template <>                                         \
  struct EventFields<S> {                             \
    using X = S;                                      \
    static constexpr std::tuple members{__VA_ARGS__}; \
  }

EVCSIM_EVENT_FIELDS(PlacementRefusal, &X::code, &X::host, &X::free_mib, &X::need_mib, &X::detail, &X::over_limit,
                    &X::guest_os);
EVCSIM_EVENT_FIELDS(Refusal, &X::code, &X::vm, &X::host, &X::cluster, &X::free_mib, &X::need_mib, &X::baseline,
                    &X::detail, &X::vms, &X::over_limit);
EVCSIM_EVENT_FIELDS(HostJoined, &X::t, &X::host, &X::cluster);
EVCSIM_EVENT_FIELDS(HostJoinRefused, &X::t, &X::host, &X::cluster, &X::missing, &X::code, &X::detail, &X::vendor,
                    &X::month, &X::short_by);
EVCSIM_EVENT_FIELDS(HostRemoved, &X::t, &X::host);
EVCSIM_EVENT_FIELDS(BaselineChanged, &X::t, &X::cluster, &X::from, &X::to, &X::to_features);
EVCSIM_EVENT_FIELDS(VmPoweredOn, &X::t, &X::vm, &X::host, &X::guest_view, &X::new_view);
EVCSIM_EVENT_FIELDS(PowerOnRefused, &X::t, &X::vm, &X::host, &X::missing, &X::why, &X::ha, &X::waits);
EVCSIM_EVENT_FIELDS(VmPlacedInFallback, &X::t, &X::vm, &X::home, &X::cluster, &X::why);
EVCSIM_EVENT_FIELDS(VmPoweredOff, &X::t, &X::vm, &X::host, &X::reason, &X::other_host, &X::count, &X::detail);
EVCSIM_EVENT_FIELDS(SoftwareStarted, &X::t, &X::vm, &X::sw, &X::active, &X::why);
EVCSIM_EVENT_FIELDS(SoftwareRefused, &X::t, &X::vm, &X::sw, &X::missing);
EVCSIM_EVENT_FIELDS(SoftwareGaveUp, &X::t, &X::vm, &X::sw, &X::crashes);
EVCSIM_EVENT_FIELDS(MigrationStarted, &X::t, &X::vm, &X::src, &X::dst, &X::waited_s);
EVCSIM_EVENT_FIELDS(MigrationBlocked, &X::t, &X::vm, &X::src, &X::dst, &X::code, &X::missing, &X::reason);
EVCSIM_EVENT_FIELDS(MigrationAborted, &X::t, &X::vm, &X::src, &X::dst, &X::vm_stopped);
EVCSIM_EVENT_FIELDS(MigrationCompleted, &X::t, &X::vm, &X::src, &X::dst, &X::duration_s, &X::downtime_s, &X::rounds,
                    &X::mib_sent, &X::throttled_s, &X::lost_guest_cpu_s, &X::over_downtime_target);
EVCSIM_EVENT_FIELDS(Crash, &X::t, &X::vm, &X::sw, &X::kernel, &X::host, &X::missing, &X::src, &X::dst, &X::cause);
EVCSIM_EVENT_FIELDS(ColdMigration, &X::t, &X::vm, &X::src, &X::dst, &X::outage_s, &X::why);
EVCSIM_EVENT_FIELDS(MaskChanged, &X::t, &X::vm);
EVCSIM_EVENT_FIELDS(VmRebooted, &X::t, &X::vm, &X::host, &X::power_cycle, &X::picks_up, &X::operation);
EVCSIM_EVENT_FIELDS(OperationRefused, &X::t, &X::op, &X::why);
EVCSIM_EVENT_FIELDS(DrsPass, &X::t, &X::cluster, &X::imbalance, &X::left_by_compatibility, &X::moves, &X::blocked,
                    &X::drs_score, &X::drs_score_min);
EVCSIM_EVENT_FIELDS(MaintenanceStarted, &X::t, &X::host, &X::kind, &X::age_years);
EVCSIM_EVENT_FIELDS(MaintenanceDone, &X::t, &X::host, &X::outcome);
EVCSIM_EVENT_FIELDS(MaintenanceFailed, &X::t, &X::host, &X::stranded, &X::missing, &X::detail);
EVCSIM_EVENT_FIELDS(HostFailed, &X::t, &X::host, &X::vms);
EVCSIM_EVENT_FIELDS(HostRepaired, &X::t, &X::host);
EVCSIM_EVENT_FIELDS(HaRestart, &X::t, &X::vm, &X::from, &X::to, &X::gained, &X::lost);
EVCSIM_EVENT_FIELDS(HostBought, &X::t, &X::host, &X::cluster, &X::cpu, &X::why);
EVCSIM_EVENT_FIELDS(BaselineRaised, &X::t, &X::cluster, &X::from, &X::to, &X::possible_since, &X::gained,
                    &X::vms_to_cycle, &X::locks_out, &X::locks_out_missing, &X::vms_below);
EVCSIM_EVENT_FIELDS(BaselineRaiseSeen, &X::t, &X::cluster, &X::to, &X::raised_at);
EVCSIM_EVENT_FIELDS(VmArrived, &X::t, &X::vm);
EVCSIM_EVENT_FIELDS(ArrivalWithoutSlot, &X::t, &X::arrival);
EVCSIM_EVENT_FIELDS(VmDeparted, &X::t, &X::vm);
EVCSIM_EVENT_FIELDS(VmReplacedAtEndOfSupport, &X::t, &X::vm, &X::from, &X::to);
EVCSIM_EVENT_FIELDS(OsUpgraded, &X::t, &X::vm, &X::from, &X::to);
EVCSIM_EVENT_FIELDS(OsUpgradeRefused, &X::t, &X::vm, &X::cluster, &X::from, &X::to, &X::missing, &X::not_running);
EVCSIM_EVENT_FIELDS(HostUpdated, &X::t, &X::host, &X::cluster, &X::op, &X::added, &X::removed, &X::refused);
EVCSIM_EVENT_FIELDS(MemoryPressure, &X::t, &X::host, &X::state, &X::demand_mib, &X::configured_mib, &X::ram_mib);
EVCSIM_EVENT_FIELDS(RetirementDeferred, &X::t, &X::host, &X::cluster, &X::memory_share, &X::cpu_share);
EVCSIM_EVENT_FIELDS(PatchCycle, &X::t, &X::cluster, &X::phase, &X::hosts);

#undef EVCSIM_EVENT_FIELDS

// Calls f(member) for each listed member of x (S may be const).
template <class S, class F>
requires HasEventFields<std::remove_const_t<S>>
constexpr void for_each_event_field(S& x, F&& f) {
  std::apply([&](auto... member) { (f(x.*member), ...); }, EventFields<std::remove_const_t<S>>::members);
}

namespace event_fields_check {

// Converts to any member type: S{AnyMember{}...} compiles with as many of
// them as S has members, and no more (never evaluated).
struct AnyMember {
  template <class T>
  operator T() const;  // NOLINT(google-explicit-constructor): the counting needs it implicit
};

template <class S, size_t... I>
constexpr bool brace_initializable(std::index_sequence<I...>) {
  return requires { S{(void(I), AnyMember{})...}; };
}

// The number of members of the aggregate S.
template <class S, size_t N = 0>
constexpr size_t member_count() {
  if constexpr (brace_initializable<S>(std::make_index_sequence<N + 1>{})) return member_count<S, N + 1>();
  else return N;
}

template <class P, class Q>
constexpr bool same_member(P p, Q q) {
  if constexpr (std::is_same_v<P, Q>) return p == q;
  else return false;
}

// The pairs (i, j) of S's list, I = i * n + j, that name the same member.
template <class S, size_t... I>
constexpr size_t same_member_pairs(std::index_sequence<I...>) {
  constexpr auto& members = EventFields<S>::members;
  constexpr size_t n = std::tuple_size_v<std::remove_cvref_t<decltype(members)>>;
  return (0 + ... + (same_member(std::get<I / n>(members), std::get<I % n>(members)) ? 1 : 0));
}

// True when no pointer to member appears twice in S's list.
template <class S>
constexpr bool listed_once() {
  constexpr size_t n = std::tuple_size_v<std::remove_cvref_t<decltype(EventFields<S>::members)>>;
  return same_member_pairs<S>(std::make_index_sequence<n * n>{}) == n;
}

template <class S>
constexpr bool lists_every_member() {
  static_assert(HasEventFields<S>, "events/event_fields.hpp: the struct has no list");
  static_assert(member_count<S>() == std::tuple_size_v<std::remove_cvref_t<decltype(EventFields<S>::members)>>,
                "events/event_fields.hpp: the list has more or fewer members than the struct");
  static_assert(listed_once<S>(), "events/event_fields.hpp: a member is listed twice");
  return true;
}

static_assert(lists_every_member<PlacementRefusal>() && lists_every_member<Refusal>());

template <class S>
constexpr bool listed_unless_snapshot() {
  if constexpr (std::is_same_v<S, Snapshot>) return true;
  else return lists_every_member<S>();
}

template <size_t... I>
constexpr bool every_event_listed(std::index_sequence<I...>) {
  return (listed_unless_snapshot<std::variant_alternative_t<I, Event>>() && ...);
}
static_assert(every_event_listed(std::make_index_sequence<std::variant_size_v<Event>>{}),
              "every Event alternative but Snapshot needs a list in events/event_fields.hpp");

}  // namespace event_fields_check
}  // namespace evcsim
