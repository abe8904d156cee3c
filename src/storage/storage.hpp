#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/domain.hpp"
#include "core/units.hpp"

// The storage interface. SQLite implements it today; PostgreSQL will implement it later and
// must pass the same test suite (tests/storage). Storage knows nothing of HTTP or JSON.
//
// Every write goes through Storage::write, one transaction: either all of it is committed
// (durably, before write() returns) or none of it. Every inserted, updated or deleted record
// gets the next value of one global change sequence; deletes keep a tombstone.
namespace boucle::storage {

using core::Cents;
using core::Id;
using core::Seq;

enum class EntityKind {
  user, store, product, assortment_rule, visit, audit, order, attachment, sales, segment, campaign,
  note, task, conflict
};
std::string_view to_string(EntityKind kind);

// Cursor pagination by ascending id: the next page starts after `after`.
struct Page {
  Id after = 0;
  int limit = 50;
};

template <typename T>
struct PageResult {
  std::vector<T> items;
  std::optional<Id> next_after;  // set when more items may follow
};

// Restricts what a caller sees. `rep_id` set: only that rep's territory (stores assigned to
// them and the records of those stores). Tombstones are never listed, only pulled as changes.
struct Scope {
  std::optional<Id> rep_id;
};

struct StoreFilter {
  std::optional<Id> assigned_rep_id;
  std::optional<core::Channel> channel;
};

struct VisitFilter {
  std::optional<Id> store_id;
  std::optional<Id> rep_id;
  std::optional<core::VisitStatus> status;
};

struct AuditFilter {
  std::optional<Id> visit_id;
  std::optional<Id> store_id;
};

using AttachmentFilter = AuditFilter;  // by visit, by store

struct OrderFilter {
  std::optional<Id> visit_id;
  std::optional<Id> store_id;
};

struct SalesFilter {
  std::optional<Id> store_id;
  std::optional<Id> product_id;
};

// Plans of a rep. `overlaps_*` (dates, inclusive) keep the plans whose period meets that range.
struct PlanFilter {
  std::optional<Id> rep_id;
  std::optional<core::PlanStatus> status;
  std::optional<std::string> overlaps_from;
  std::optional<std::string> overlaps_until;
};

// A visit that a published plan made, with the stop (of the latest plan naming it) and the
// candidate that explain it: one event of the rep's calendar feed.
struct CalendarEntry {
  core::Visit visit;
  core::Store store;
  Id plan_id = 0;
  core::PlanStop stop;
  core::PlanCandidate candidate;
};

// Flat rows for analytics (targeting and KPIs, docs/TARGETING.md): every live record of a kind,
// read in one pass to fill target::Facts. Instants absent in the record are 0.
struct VisitFact {
  Id id = 0, store_id = 0, rep_id = 0;
  core::VisitStatus status = core::VisitStatus::planned;
  core::UnixSeconds planned_at = 0, checkin_at = 0, checkout_at = 0;
  bool from_plan = false;  // a plan stop names it
  bool ordered = false;    // a confirmed, live order was taken in it
  std::optional<int> category_facings;
};

// A shelf reading of a done visit, at the visit's check-in.
struct AuditFact {
  Id visit_id = 0, store_id = 0, product_id = 0;
  core::UnixSeconds at = 0;
  bool present = false, out_of_stock = false, promo = false;
  int facings = 0;
};

// A day of a published plan (the latest published plan of that rep covering that date).
struct PlanDayFact {
  Id rep_id = 0;
  std::string date;
  std::int64_t drive_seconds = 0;
};

// The revenue of one sales fact (a store, a product, a week); callers sum what they need.
struct SalesRevenue {
  Id store_id = 0;
  std::string week;
  Cents revenue = 0;
};

struct Change {
  Seq seq = 0;
  EntityKind kind = EntityKind::store;
  Id id = 0;
  bool deleted = false;
};

struct Counts {
  std::int64_t users = 0, stores = 0, products = 0, visits = 0, audits = 0, orders = 0,
               sales = 0;
};

// One transaction. Lookups of records outside `scope` behave as if the record did not exist.
// Sync (docs/SYNC.md): a device's last applied mutation number, and photos' bytes.
struct Device {
  std::string device_id;
  Id user_id = 0;
  std::int64_t last_applied = 0;
};

struct Upload {
  std::string sha256;
  std::string content_type;
  std::int64_t size_bytes = 0;
  std::int64_t received = 0;  // bytes stored so far, in order from 0
  Id user_id = 0;
};

struct Blob {
  std::string content_type;
  std::string data;
};

// insert_* fill meta (id, version 1, seq, timestamps); update_* expect the record to exist,
// bump its version, give it a new seq and set updated_at; callers check versions first.
class Tx {
 public:
  virtual ~Tx() = default;

  virtual Seq last_seq() = 0;

  virtual std::optional<core::User> user(Id id) = 0;
  virtual std::optional<core::User> user_by_email(std::string_view email) = 0;
  virtual PageResult<core::User> users(const Page& page) = 0;
  virtual void insert_user(core::User& user) = 0;
  virtual void update_user(core::User& user) = 0;

  virtual std::optional<core::Store> store(Id id, const Scope& scope) = 0;
  virtual std::optional<core::Store> store_by_code(std::string_view code) = 0;  // tombstones too
  virtual PageResult<core::Store> stores(const StoreFilter& filter, const Scope& scope,
                                         const Page& page) = 0;
  virtual void insert_store(core::Store& store) = 0;
  virtual void update_store(core::Store& store) = 0;

  virtual std::optional<core::Product> product(Id id) = 0;
  virtual std::optional<core::Product> product_by_sku(std::string_view sku) = 0;  // tombstones too
  virtual PageResult<core::Product> products(const Page& page) = 0;
  virtual void insert_product(core::Product& product) = 0;
  virtual void update_product(core::Product& product) = 0;

  virtual std::optional<core::AssortmentRule> assortment_rule(Id id) = 0;
  virtual PageResult<core::AssortmentRule> assortment_rules(std::optional<core::Channel> channel,
                                                            const Page& page) = 0;
  virtual void insert_assortment_rule(core::AssortmentRule& rule) = 0;

  virtual std::optional<core::Visit> visit(Id id, const Scope& scope) = 0;
  virtual std::optional<core::Visit> visit_by_client_id(std::string_view client_id) = 0;
  virtual PageResult<core::Visit> visits(const VisitFilter& filter, const Scope& scope,
                                         const Page& page) = 0;
  virtual void insert_visit(core::Visit& visit) = 0;
  virtual void update_visit(core::Visit& visit) = 0;

  virtual std::optional<core::Audit> audit(Id id, const Scope& scope) = 0;
  virtual std::optional<core::Audit> audit_by_client_id(std::string_view client_id) = 0;
  virtual std::optional<core::Audit> audit_of(Id visit_id, Id product_id) = 0;
  virtual PageResult<core::Audit> audits(const AuditFilter& filter, const Scope& scope,
                                         const Page& page) = 0;
  virtual void insert_audit(core::Audit& audit) = 0;
  virtual void update_audit(core::Audit& audit) = 0;

  virtual std::optional<core::Order> order(Id id, const Scope& scope) = 0;
  virtual std::optional<core::Order> order_by_client_id(std::string_view client_id) = 0;
  virtual PageResult<core::Order> orders(const OrderFilter& filter, const Scope& scope,
                                         const Page& page) = 0;
  virtual void insert_order(core::Order& order) = 0;
  virtual void update_order(core::Order& order) = 0;  // replaces the lines too

  // Upsert on (store, product, week); true when a new fact was created.
  virtual bool put_sales(core::SalesFact& fact) = 0;
  virtual PageResult<core::SalesFact> sales(const SalesFilter& filter, const Scope& scope,
                                            const Page& page) = 0;
  virtual std::optional<core::SalesFact> sales_fact(Id id, const Scope& scope) = 0;

  virtual std::optional<core::Attachment> attachment(Id id, const Scope& scope) = 0;
  virtual std::optional<core::Attachment> attachment_by_client_id(std::string_view client_id) = 0;
  virtual PageResult<core::Attachment> attachments(const AttachmentFilter& filter, const Scope& scope,
                                                   const Page& page) = 0;
  virtual void insert_attachment(core::Attachment& attachment) = 0;

  // Runs `fn` so that if it throws, its writes are undone and the transaction goes on (the
  // exception propagates). Sequence values it took are skipped, never reused.
  virtual void savepoint(const std::function<void()>& fn) = 0;

  // Sync: devices, territory epochs, notes, tasks, conflicts and content-addressed blobs.
  virtual std::optional<Device> device(std::string_view device_id) = 0;
  virtual void put_device(const Device& device) = 0;  // insert or update; stamps seen_at
  // Moves when a store enters or leaves the user's territory (update_store does it).
  virtual std::int64_t territory_epoch(Id user_id) = 0;

  virtual std::optional<core::Note> note(Id id, const Scope& scope) = 0;
  virtual std::optional<core::Note> note_by_client_id(std::string_view client_id) = 0;  // tombstones too
  virtual void insert_note(core::Note& note) = 0;
  virtual void update_note(core::Note& note) = 0;  // revives a tombstone
  virtual std::optional<core::Task> task(Id id, const Scope& scope) = 0;
  virtual std::optional<core::Task> task_by_client_id(std::string_view client_id) = 0;  // tombstones too
  virtual void insert_task(core::Task& task) = 0;
  virtual void update_task(core::Task& task) = 0;  // revives a tombstone

  virtual std::optional<core::Conflict> conflict(Id id, const Scope& scope) = 0;
  virtual PageResult<core::Conflict> conflicts(std::optional<core::ConflictStatus> status,
                                               const Scope& scope, const Page& page) = 0;
  virtual void insert_conflict(core::Conflict& conflict) = 0;
  virtual void update_conflict(core::Conflict& conflict) = 0;

  virtual bool blob_exists(std::string_view sha256) = 0;
  virtual std::optional<Blob> blob(std::string_view sha256) = 0;
  // True when `user_id` uploaded these bytes or an attachment in `scope` names them.
  virtual bool blob_visible(std::string_view sha256, Id user_id, const Scope& scope) = 0;
  virtual std::optional<Upload> upload(std::string_view sha256) = 0;
  virtual void put_upload(const Upload& upload) = 0;  // insert or update `received`
  virtual void append_chunk(std::string_view sha256, std::int64_t offset, std::string_view bytes) = 0;
  virtual std::string upload_bytes(std::string_view sha256) = 0;  // the chunks, in order
  // Stores the blob and drops the upload and its chunks; `complete` false drops them only.
  virtual void end_upload(std::string_view sha256, bool complete) = 0;
  // Bytes of the blobs `user_id` stored since `since`, plus those of their uploads in progress.
  virtual std::int64_t bytes_uploaded_since(Id user_id, core::UnixSeconds since) = 0;
  // Drops the uploads started before `before` and never finished; returns how many.
  virtual int drop_stale_uploads(core::UnixSeconds before) = 0;

  // Deletes the tombstones written before `before` of the records nothing refers to (audits,
  // orders, attachments, notes, tasks, conflicts, assortment rules; the others stay) and moves
  // the sync horizon to the newest sequence deleted. Returns how many went.
  virtual std::int64_t purge_tombstones(core::UnixSeconds before) = 0;
  // A cursor older than this may have missed a delete: its device must reload (docs/SYNC.md).
  virtual Seq purged_through() = 0;

  // Plans. A rep's scope sees only their own plans. `plan` loads routes, stops and candidates;
  // `plans` (lists) leaves them empty. update_plan replaces routes, stops and candidates.
  virtual std::optional<core::Plan> plan(Id id, const Scope& scope) = 0;
  virtual PageResult<core::Plan> plans(const PlanFilter& filter, const Scope& scope,
                                       const Page& page) = 0;
  virtual void insert_plan(core::Plan& plan) = 0;
  virtual void update_plan(core::Plan& plan) = 0;

  // The rep's planned visits with planned_at in [from, to) at stores of their territory that no
  // plan made (appointments agreed by hand, even once a plan kept them), by planned_at.
  virtual std::vector<core::Visit> appointments(Id rep_id, core::UnixSeconds from,
                                                core::UnixSeconds to) = 0;
  // For each store of the rep's territory that has one, the time of its latest visit made
  // (done or in progress; the check-in time).
  virtual std::vector<std::pair<Id, core::UnixSeconds>> last_visits(Id rep_id) = 0;
  // The live (not cancelled, not deleted) visits of the rep that plans made, planned at or after
  // `since`, by planned time; at most `limit`.
  virtual std::vector<CalendarEntry> calendar_entries(Id rep_id, core::UnixSeconds since,
                                                      int limit) = 0;

  // The rep's calendar-feed key, stored hashed; putting one replaces the previous one.
  virtual void put_calendar_key(Id rep_id, std::string_view key_hash, core::UnixSeconds now) = 0;
  virtual bool calendar_key_matches(Id rep_id, std::string_view key_hash) = 0;

  // Marks a record deleted (tombstone) with a new seq. Returns false if it did not exist or
  // was already deleted.
  virtual bool remove(EntityKind kind, Id id) = 0;

  // Changes with seq > since that `scope` may see, by ascending seq, at most `limit`. Without
  // `with_sales`, ERP sales facts are left out (devices do not keep them).
  virtual std::vector<Change> changes_since(Seq since, const Scope& scope, int limit,
                                            bool with_sales = true) = 0;

  virtual void insert_session(const core::Session& session) = 0;
  virtual std::optional<core::Session> session(std::string_view token_hash) = 0;
  virtual bool revoke_session(std::string_view token_hash) = 0;
  virtual int delete_expired_sessions(core::UnixSeconds now) = 0;

  virtual Counts counts() = 0;

  // Analytics: whole tables in flat rows (live records only, stores of every territory).
  virtual std::vector<core::Store> all_stores() = 0;  // by id
  virtual std::vector<core::Product> all_products() = 0;
  virtual std::vector<core::AssortmentRule> all_assortment_rules() = 0;
  virtual std::vector<VisitFact> visit_facts() = 0;
  virtual std::vector<AuditFact> audit_facts() = 0;  // of done visits
  virtual std::vector<PlanDayFact> plan_day_facts() = 0;
  // Every sales fact of the weeks from `from_week` on (unsorted: summing needs no order).
  virtual std::vector<SalesRevenue> sales_revenue(std::string_view from_week) = 0;

  // Segments. Members are store ids; apply_membership records each join and leave as an event
  // at `at` and keeps member_count in step (it does not touch the segment's other fields).
  virtual std::optional<core::Segment> segment(Id id) = 0;
  virtual std::optional<core::Segment> segment_by_name(std::string_view name) = 0;
  virtual PageResult<core::Segment> segments(const Page& page) = 0;
  virtual void insert_segment(core::Segment& segment) = 0;
  virtual void update_segment(core::Segment& segment) = 0;
  virtual std::vector<Id> segment_member_ids(Id segment_id) = 0;  // ascending
  // Members in `scope` (a rep sees the members of their territory), by store id.
  virtual PageResult<core::SegmentMember> segment_members(Id segment_id, const Scope& scope,
                                                          const Page& page) = 0;
  virtual void apply_membership(Id segment_id, const std::vector<Id>& joined,
                                const std::vector<Id>& left, core::UnixSeconds at) = 0;
  // Joins and leaves, oldest first; of one store when `store_id` is set.
  virtual PageResult<core::SegmentEvent> segment_events(Id segment_id,
                                                        std::optional<Id> store_id,
                                                        const Page& page) = 0;

  virtual std::optional<core::Campaign> campaign(Id id) = 0;
  virtual std::optional<core::Campaign> campaign_by_name(std::string_view name) = 0;
  virtual PageResult<core::Campaign> campaigns(const Page& page) = 0;
  virtual void insert_campaign(core::Campaign& campaign) = 0;
  virtual void update_campaign(core::Campaign& campaign) = 0;
};

class Storage {
 public:
  virtual ~Storage() = default;
  // Runs `fn` in a read transaction over one consistent snapshot.
  virtual void read(const std::function<void(Tx&)>& fn) = 0;
  // Runs `fn` in a write transaction; writes are serialised. Commits durably if `fn` returns,
  // rolls back everything if it throws (the exception propagates).
  virtual void write(const std::function<void(Tx&)>& fn) = 0;
  virtual int schema_version() = 0;
  virtual std::string describe() const = 0;
};

// Convenience forms returning the function's result.
template <typename F>
auto read(Storage& s, F&& fn) -> std::invoke_result_t<F, Tx&> {
  using R = std::invoke_result_t<F, Tx&>;
  if constexpr (std::is_void_v<R>) {
    s.read([&](Tx& tx) { fn(tx); });
  } else {
    std::optional<R> out;
    s.read([&](Tx& tx) { out.emplace(fn(tx)); });
    return std::move(*out);
  }
}

template <typename F>
auto write(Storage& s, F&& fn) -> std::invoke_result_t<F, Tx&> {
  using R = std::invoke_result_t<F, Tx&>;
  if constexpr (std::is_void_v<R>) {
    s.write([&](Tx& tx) { fn(tx); });
  } else {
    std::optional<R> out;
    s.write([&](Tx& tx) { out.emplace(fn(tx)); });
    return std::move(*out);
  }
}

}  // namespace boucle::storage
