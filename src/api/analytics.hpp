#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/domain.hpp"
#include "storage/storage.hpp"
#include "target/expression.hpp"
#include "target/facts.hpp"

// Targeting and KPIs over the CRM (docs/TARGETING.md, docs/KPIS.md): a columnar snapshot of the
// stores and their events (target::Facts) read from storage in one read transaction, kept until
// the change sequence moves, shared by concurrent requests; the registry of fields expressions
// may name; and the refresh of saved segments (joins and leaves written as membership history).
namespace boucle::api {

// Reads every table targeting and KPIs need into a snapshot whose present is `now`. Sales are
// kept for the 104 complete weeks before the current one.
target::Facts load_facts(storage::Tx& tx, core::UnixSeconds now);

struct SegmentRefresh {
  core::Id segment_id = 0;
  std::int64_t joined = 0, left = 0, members = 0;
};

class Analytics {
 public:
  explicit Analytics(storage::Storage& db);

  // Other modules register their fields here before the server starts (the AI's risk, …).
  target::Registry& registry() { return registry_; }

  // The snapshot at the current change sequence (rebuilt if anything was written since the
  // last one was read). Callers keep the pointer for the whole request.
  std::shared_ptr<const target::Facts> facts();

  // Parses `text` against the registry and `facts` (unknown ranges and channels are errors);
  // a failure is a validation error on `field` with the position of the offending bytes.
  target::Expression parse(std::string_view text, const target::Facts& facts,
                           std::string_view field = "expression") const;

  // The rows an expression selects, sharing the column cache of `facts` across requests.
  std::vector<target::Row> select(const target::Expression& e, const target::Facts& facts);

  // Re-evaluates a saved segment on the current snapshot and records who joined and who left.
  // A dynamic segment evaluated on this snapshot already is left alone unless `force`; a
  // static one is only re-evaluated when forced (its explicit refresh).
  std::optional<SegmentRefresh> refresh(core::Id segment_id, bool force);
  // The scheduled refresh of every dynamic segment (`boucle serve` runs it periodically): one
  // snapshot for all of them.
  std::vector<SegmentRefresh> refresh_dynamic();

 private:
  std::optional<SegmentRefresh> refresh_on(const core::Segment& segment,
                                           const target::Facts& facts, bool force);

  storage::Storage& db_;
  target::Registry registry_;
  std::mutex mutex_;  // guards everything below
  std::shared_ptr<const target::Facts> facts_;
  target::EvalCache cache_;
  // The snapshot (seq, day) each segment was last evaluated on, so that a dynamic segment is
  // evaluated once per snapshot; membership is written only when it changed.
  std::unordered_map<core::Id, std::pair<std::int64_t, target::Day>> evaluated_;
};

// Whether a campaign holds `store_id` back as a control (a hash of the seed and the store id
// against control_share: stable as members come and go).
bool in_control_group(const core::Campaign& campaign, core::Id store_id);

}  // namespace boucle::api
