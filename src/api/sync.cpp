#include <sodium.h>

#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdlib>

#include "api/app.hpp"
#include "api/changes.hpp"
#include "api/json_input.hpp"
#include "api/json_output.hpp"
#include "api/visit_rules.hpp"
#include "core/assert.hpp"
#include "core/time.hpp"

// Offline sync (docs/SYNC.md): push of numbered mutations applied exactly once, pull from the
// change sequence with the territory epoch, chunked content-addressed photo uploads, and the
// store-field conflicts a field-level merge leaves for people to settle.
namespace boucle::api {

using core::Error;
using core::ErrorCode;
namespace json = boost::json;

namespace {

constexpr std::size_t MAX_MUTATIONS = 200;
constexpr int PULL_DEFAULT = 500;
constexpr int PULL_MAX = 2000;
// A device clock further than this from the server's is corrected (docs/SYNC.md, clock skew).
constexpr core::UnixSeconds SKEW_TOLERANCE = 120;
constexpr std::array<std::string_view, 7> REP_EDITABLE_STORE_FIELDS{
    "name", "address", "postcode", "city", "opening_hours", "tags", "size_sqm"};

// A device time: Unix seconds (what the web app sends) or an ISO 8601 string like the REST API.
std::optional<core::UnixSeconds> device_timestamp(ObjectReader& in, const json::object& data,
                                                  std::string_view key, Need need) {
  const auto* v = data.if_contains(key);
  if (v && v->is_number()) return in.integer(key, need, 946'684'800, 32'503'680'000);
  return in.timestamp(key, need);
}

[[noreturn]] void reject(std::string field, std::string message) {
  throw Error(ErrorCode::validation, "invalid mutation", {{std::move(field), std::move(message)}});
}

// One pushed mutation, already checked for shape.
struct Mutation {
  std::int64_t n = 0;
  std::string kind;
  const json::object* data = nullptr;
};

// What a mutation handler needs: the caller, the transaction, and the device's clock offset.
struct Apply {
  RequestContext& ctx;
  storage::Tx& tx;
  core::UnixSeconds skew = 0;  // server time minus device time, 0 when within tolerance

  // A time the device reported, moved onto the server's clock and never in the future.
  core::UnixSeconds device_time(std::optional<core::UnixSeconds> at) const {
    const auto now = core::now_seconds();
    if (!at) return now;
    return std::min(*at + skew, now);
  }

  core::Store store(core::Id id) {
    auto s = tx.store(id, ctx.scope());
    if (!s) throw Error(ErrorCode::not_found, "store " + std::to_string(id) + " is not in your territory",
                        {{"store_id", "no such store in your territory"}});
    return *s;
  }

  core::Visit visit_by_client(const std::string& client_id, std::string_view field) {
    auto v = tx.visit_by_client_id(client_id);
    if (v && tx.visit(v->meta.id, ctx.scope())) return *v;
    // The visit's check-in of this device always comes first; one rejected makes this one
    // impossible too.
    throw Error(ErrorCode::not_found, "no visit with this client id",
                {{std::string(field), "no visit with this client id in your territory"}});
  }
};

json::object applied(std::string_view kind, core::Id id) {
  return json::object{{"status", "applied"}, {"kind", kind}, {"id", id}};
}

// visit.checkin: creates the visit (or checks in the planned one named by visit_id).
json::object visit_checkin(Apply& a, const json::object& data) {
  ObjectReader in(data, "data");
  auto client_id = in.string("client_id", Need::required, 64, 1);
  auto store_id = in.integer("store_id", Need::required, 1, INT64_MAX);
  auto visit_id = in.integer("visit_id", Need::optional, 1, INT64_MAX);
  auto type = in.enumeration<core::VisitType>("type", Need::optional, core::parse_visit_type,
                                              "deep, quick");
  CheckInInput c;
  // No position (GPS off or refused) is allowed with a reason: the check-in is then flagged far,
  // since nobody can tell.
  c.lat = in.number("lat", Need::optional, -90, 90);
  c.lon = in.number("lon", Need::optional, -180, 180);
  auto at = device_timestamp(in, data, "at", Need::required);
  c.reason = in.string("reason", Need::optional, 500);
  if (c.lat.has_value() != c.lon.has_value()) in.error(c.lat ? "lon" : "lat", "lat and lon go together");
  if (!c.lat && !c.reason) in.error("reason", "is required when there is no position");
  in.finish();
  c.at = a.device_time(at);

  if (auto existing = a.tx.visit_by_client_id(*client_id)) {
    if (!a.tx.visit(existing->meta.id, a.ctx.scope())) reject("data.client_id", "is already used");
    return applied("visit", existing->meta.id);  // the same visit, created before
  }
  auto store = a.store(*store_id);
  core::Visit v;
  if (visit_id) {
    auto planned = a.tx.visit(*visit_id, a.ctx.scope());
    if (!planned) reject("data.visit_id", "no such visit");
    if (planned->store_id != store.meta.id) reject("data.visit_id", "is a visit of another store");
    v = *planned;
  }
  // A planned visit checked in elsewhere meanwhile (or cancelled) gets a new visit instead: the
  // work done in the store is never refused.
  if (!visit_id || v.status != core::VisitStatus::planned) {
    v = core::Visit{};
    v.store_id = store.meta.id;
    const auto& me = a.ctx.who().user;
    v.rep_id = a.ctx.who().is_rep() || !store.assigned_rep_id ? me.meta.id : *store.assigned_rep_id;
  }
  v.client_id = client_id;
  if (type) v.type = *type;
  if (c.lat) {
    apply_check_in(a.tx, a.ctx.app.config(), v, c);
  } else {
    if (v.status != core::VisitStatus::planned) reject("data.visit_id", "is not planned");
    v.checkin_at = c.at;
    v.checkin_far = true;
    v.checkin_reason = *c.reason;
    v.status = core::VisitStatus::in_progress;
  }
  if (v.meta.id == 0) {
    a.tx.insert_visit(v);
  } else {
    a.tx.update_visit(v);
  }
  return applied("visit", v.meta.id);
}

json::object visit_checkout(Apply& a, const json::object& data) {
  ObjectReader in(data, "data");
  auto visit_client_id = in.string("visit_client_id", Need::required, 64, 1);
  CheckOutInput c;
  c.lat = in.number("lat", Need::optional, -90, 90);
  c.lon = in.number("lon", Need::optional, -180, 180);
  auto at = device_timestamp(in, data, "at", Need::required);
  c.report = in.string("report", Need::optional, 10'000);
  c.next_steps = in.string("next_steps", Need::optional, 10'000);
  if (c.lat.has_value() != c.lon.has_value()) in.error(c.lat ? "lon" : "lat", "lat and lon go together");
  in.finish();
  auto v = a.visit_by_client(*visit_client_id, "data.visit_client_id");
  // Check-in and check-out come from the same device clock, corrected alike; a check-out before
  // the check-in can only be a clock jump, so it is taken as the check-in time.
  c.at = std::max(a.device_time(at), v.checkin_at.value_or(0));
  apply_check_out(v, c, "data.at");
  a.tx.update_visit(v);
  return applied("visit", v.meta.id);
}

// audit.create: append-only; auditing a product already audited in the visit replaces that
// reading (the later one in server order wins).
json::object audit_create(Apply& a, const json::object& data) {
  ObjectReader in(data, "data");
  core::Audit au;
  auto client_id = in.string("client_id", Need::required, 64, 1);
  auto visit_client_id = in.string("visit_client_id", Need::required, 64, 1);
  auto product_id = in.integer("product_id", Need::required, 1, INT64_MAX);
  read_audit_fields(in, au, true);
  if (in.errors().empty()) {
    if (auto problem = audit_problem(au)) in.error("facings", std::move(*problem));
  }
  if (product_id && !a.tx.product(*product_id)) in.error("product_id", "no such product");
  in.finish();
  au.client_id = client_id;
  if (auto existing = a.tx.audit_by_client_id(*client_id)) {
    if (!a.tx.audit(existing->meta.id, a.ctx.scope())) reject("data.client_id", "is already used");
    return applied("audit", existing->meta.id);
  }
  auto v = a.visit_by_client(*visit_client_id, "data.visit_client_id");
  if (v.status == core::VisitStatus::cancelled) reject("data.visit_client_id", "the visit is cancelled");
  if (auto before = a.tx.audit_of(v.meta.id, *product_id)) {
    before->present = au.present;
    before->facings = au.facings;
    before->shelf_price = au.shelf_price;
    before->out_of_stock = au.out_of_stock;
    before->promo = au.promo;
    a.tx.update_audit(*before);
    return applied("audit", before->meta.id);
  }
  insert_audit(a.tx, v, *product_id, au, "data.");
  return applied("audit", au.meta.id);
}

json::object order_create(Apply& a, const json::object& data) {
  ObjectReader in(data, "data");
  core::Order o;
  auto client_id = in.string("client_id", Need::required, 64, 1);
  auto visit_client_id = in.string("visit_client_id", Need::optional, 64, 1);
  auto store_id = in.integer("store_id", Need::required, 1, INT64_MAX);
  o.lines = read_lines(a.tx, in, Need::required, "data.");
  in.finish();
  o.client_id = client_id;
  if (auto existing = a.tx.order_by_client_id(*client_id)) {
    if (!a.tx.order(existing->meta.id, a.ctx.scope())) reject("data.client_id", "is already used");
    return applied("order", existing->meta.id);
  }
  auto store = a.store(*store_id);
  if (visit_client_id) {
    auto v = a.visit_by_client(*visit_client_id, "data.visit_client_id");
    if (v.store_id != store.meta.id) reject("data.store_id", "is not the visit's store");
    attach_to_visit(o, v);
  } else {
    o.store_id = store.meta.id;
    o.rep_id = a.ctx.who().user.meta.id;
  }
  a.tx.insert_order(o);
  return applied("order", o.meta.id);
}

json::object attachment_create(Apply& a, const json::object& data) {
  ObjectReader in(data, "data");
  core::Attachment at;
  auto client_id = in.string("client_id", Need::required, 64, 1);
  auto visit_client_id = in.string("visit_client_id", Need::optional, 64, 1);
  auto store_id = in.integer("store_id", Need::required, 1, INT64_MAX);
  auto sha = in.string("sha256", Need::required, 64, 64);
  auto content_type = in.string("content_type", Need::required, 100, 1);
  auto size = in.integer("size_bytes", Need::required, 1, a.ctx.app.config().max_blob_bytes);
  auto filename = in.string("filename", Need::optional, 200);
  in.finish();
  if (auto existing = a.tx.attachment_by_client_id(*client_id)) {
    if (!a.tx.attachment(existing->meta.id, a.ctx.scope())) reject("data.client_id", "is already used");
    return applied("attachment", existing->meta.id);
  }
  auto store = a.store(*store_id);
  if (!a.tx.blob_exists(*sha)) {
    throw Error(ErrorCode::not_yet, "the photo's bytes have not been uploaded yet",
                {{"data.sha256", "upload it first (POST /api/v1/uploads)"}});
  }
  at.client_id = client_id;
  at.sha256 = *sha;
  at.content_type = *content_type;
  at.size_bytes = *size;
  at.filename = filename.value_or("");
  at.store_id = store.meta.id;
  at.rep_id = a.ctx.who().user.meta.id;
  if (visit_client_id) {
    auto v = a.visit_by_client(*visit_client_id, "data.visit_client_id");
    if (v.store_id != store.meta.id) reject("data.store_id", "is not the visit's store");
    at.visit_id = v.meta.id;
  }
  a.tx.insert_attachment(at);
  return applied("attachment", at.meta.id);
}

// Reads one rep-editable field of a store from {field: value} into `s`, with the rules of
// PATCH /stores (errors name `prefix` + field).
void read_store_field(const json::object& one, std::string_view prefix, core::Store& s) {
  ObjectReader in(one, std::string(prefix));
  if (auto v = in.string("name", Need::optional, 200, 1)) s.name = *v;
  if (auto v = in.string("address", Need::optional, 300)) s.address = *v;
  if (auto v = in.string("postcode", Need::optional, 16)) s.postcode = *v;
  if (auto v = in.string("city", Need::optional, 120)) s.city = *v;
  if (auto v = in.weekly_hours("opening_hours", Need::optional)) s.opening_hours = *v;
  if (auto v = in.integer("size_sqm", Need::optional, 0, 1'000'000)) s.size_sqm = int(*v);
  if (auto v = in.string_list("tags", Need::optional, 20, 40)) s.tags = *v;
  in.finish();
}

// store.update: field-level merge against what the rep saw; a field changed meanwhile by
// someone else keeps the server's value and becomes a conflict record.
json::object store_update(Apply& a, const json::object& data) {
  ObjectReader in(data, "data");
  auto store_id = in.integer("store_id", Need::required, 1, INT64_MAX);
  const auto* base = in.object("base", Need::required);
  const auto* changes = in.object("changes", Need::required);
  in.finish();
  if (changes->empty()) reject("data.changes", "must change at least one field");
  auto store = a.store(*store_id);
  const json::object current = to_json(store);
  core::Store wanted = store;
  json::array conflicts;
  bool changed = false;
  for (const auto& [key, value] : *changes) {
    const std::string field(key);
    if (std::find(REP_EDITABLE_STORE_FIELDS.begin(), REP_EDITABLE_STORE_FIELDS.end(), field) ==
        REP_EDITABLE_STORE_FIELDS.end()) {
      reject("data.changes." + field, "is not a field a rep may change");
    }
    const auto* seen = base->if_contains(key);
    if (!seen) reject("data.base." + field, "is required: the value the change was made from");
    // Normalise the wanted value through the store (hours, tags) so that comparisons are fair.
    core::Store probe = store;
    read_store_field(json::object{{key, value}}, "data.changes", probe);
    const json::value mine = to_json(probe).at(key);
    const json::value& theirs = current.at(key);
    if (theirs == mine) continue;  // already so
    if (theirs == *seen) {
      read_store_field(json::object{{key, value}}, "data.changes", wanted);
      changed = true;
      continue;
    }
    core::Conflict c;
    c.store_id = store.meta.id;
    c.field = field;
    c.base_value = json::serialize(*seen);
    c.client_value = json::serialize(mine);
    c.server_value = json::serialize(theirs);
    c.user_id = a.ctx.who().user.meta.id;
    a.tx.insert_conflict(c);
    conflicts.push_back(c.meta.id);
  }
  if (changed) a.tx.update_store(wanted);
  auto out = applied("store", store.meta.id);
  out["conflicts"] = std::move(conflicts);
  return out;
}

json::object note_put(Apply& a, const json::object& data) {
  ObjectReader in(data, "data");
  auto client_id = in.string("client_id", Need::required, 64, 1);
  auto store_id = in.integer("store_id", Need::required, 1, INT64_MAX);
  auto text = in.string("text", Need::required, 10'000);
  in.finish();
  auto store = a.store(*store_id);
  auto n = a.tx.note_by_client_id(*client_id);
  if (n && n->store_id != store.meta.id) reject("data.client_id", "is already used");
  if (!n) {
    n.emplace();
    n->client_id = *client_id;
    n->store_id = store.meta.id;
  }
  n->author_id = a.ctx.who().user.meta.id;
  n->text = *text;
  if (n->meta.id == 0) {
    a.tx.insert_note(*n);
  } else {
    a.tx.update_note(*n);
  }
  return applied("note", n->meta.id);
}

json::object task_put(Apply& a, const json::object& data) {
  ObjectReader in(data, "data");
  auto client_id = in.string("client_id", Need::required, 64, 1);
  auto store_id = in.integer("store_id", Need::required, 1, INT64_MAX);
  auto title = in.string("title", Need::required, 500, 1);
  auto done = in.boolean("done", Need::optional);
  auto due = in.date("due_date", Need::optional);
  in.finish();
  auto store = a.store(*store_id);
  auto t = a.tx.task_by_client_id(*client_id);
  if (t && t->store_id != store.meta.id) reject("data.client_id", "is already used");
  if (!t) {
    t.emplace();
    t->client_id = *client_id;
    t->store_id = store.meta.id;
  }
  t->author_id = a.ctx.who().user.meta.id;
  t->title = *title;
  t->done = done.value_or(false);
  t->due_date = due;
  if (t->meta.id == 0) {
    a.tx.insert_task(*t);
  } else {
    a.tx.update_task(*t);
  }
  return applied("task", t->meta.id);
}

// note.delete / task.delete: deleting what is already gone (or was never synced) does nothing.
json::object remove_by_client(Apply& a, const json::object& data, storage::EntityKind kind) {
  ObjectReader in(data, "data");
  auto client_id = in.string("client_id", Need::required, 64, 1);
  in.finish();
  std::optional<core::Id> id, store_id;
  if (kind == storage::EntityKind::note) {
    if (auto n = a.tx.note_by_client_id(*client_id)) id = n->meta.id, store_id = n->store_id;
  } else if (auto t = a.tx.task_by_client_id(*client_id)) {
    id = t->meta.id, store_id = t->store_id;
  }
  if (id) {
    a.store(*store_id);  // another territory's record is not this user's to delete
    a.tx.remove(kind, *id);
  }
  return json::object{{"status", "applied"}, {"kind", storage::to_string(kind)},
                      {"id", id ? json::value(*id) : json::value(nullptr)}};
}

json::object apply_mutation(Apply& a, const Mutation& m) {
  const auto& d = *m.data;
  if (m.kind == "visit.checkin") return visit_checkin(a, d);
  if (m.kind == "visit.checkout") return visit_checkout(a, d);
  if (m.kind == "audit.create") return audit_create(a, d);
  if (m.kind == "order.create") return order_create(a, d);
  if (m.kind == "attachment.create") return attachment_create(a, d);
  if (m.kind == "store.update") return store_update(a, d);
  if (m.kind == "note.put") return note_put(a, d);
  if (m.kind == "task.put") return task_put(a, d);
  if (m.kind == "note.delete") return remove_by_client(a, d, storage::EntityKind::note);
  if (m.kind == "task.delete") return remove_by_client(a, d, storage::EntityKind::task);
  reject("kind", "is not a known mutation kind");
}

bool valid_device_id(std::string_view s) {
  if (s.size() < 8 || s.size() > 64) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
  });
}

Response push(RequestContext& ctx) {
  auto body = ctx.body_object();
  ObjectReader in(body);
  auto device_id = in.string("device_id", Need::required, 64, 8);
  auto device_time = device_timestamp(in, body, "device_time", Need::optional);
  std::vector<Mutation> mutations;
  if (const auto* arr = in.array("mutations", Need::required, MAX_MUTATIONS)) {
    for (std::size_t i = 0; i < arr->size(); ++i) {
      const std::string prefix = "mutations[" + std::to_string(i) + "]";
      const auto* obj = (*arr)[i].if_object();
      if (!obj) {
        in.error(prefix, "must be an object");
        continue;
      }
      auto r = in.nested(*obj, prefix);
      Mutation m;
      auto n = r.integer("n", Need::required, 1, INT64_MAX);
      auto kind = r.string("kind", Need::required, 40, 1);
      m.data = r.object("data", Need::required);
      r.flag_unread();
      if (!n || !kind || !m.data) continue;
      m.n = *n;
      m.kind = *kind;
      if (!mutations.empty() && m.n <= mutations.back().n) {
        r.error("n", "must increase along the batch");
        continue;
      }
      mutations.push_back(std::move(m));
    }
  }
  if (device_id && !valid_device_id(*device_id)) {
    in.error("device_id", "must be 8 to 64 letters, digits or '-'");
  }
  in.finish();

  const core::UnixSeconds now = core::now_seconds();
  core::UnixSeconds skew = 0;
  if (device_time && std::llabs(now - *device_time) > SKEW_TOLERANCE) skew = now - *device_time;
  const auto me = ctx.who().user.meta.id;

  json::object out;
  storage::write(ctx.app.db(), [&](storage::Tx& tx) {
    auto device = tx.device(*device_id);
    if (device && device->user_id != me) {
      throw Error(ErrorCode::device_taken, "this device id belongs to another user; make a new one",
                  {{"device_id", "belongs to another user"}});
    }
    std::int64_t last = device ? device->last_applied : 0;
    Apply a{ctx, tx, skew};
    json::array results;
    for (const auto& m : mutations) {
      if (m.n <= last) {
        results.push_back(json::object{{"n", m.n}, {"status", "duplicate"}});
        continue;
      }
      if (m.n > last + 1) break;  // a gap: the reply's "expected" says where to resume
      json::object result;
      try {
        tx.savepoint([&] { result = apply_mutation(a, m); });
      } catch (const Error& e) {
        const int status = core::error_info(e.code()).http_status;
        if (status >= 500) throw;  // the database failed: nothing of this batch is kept
        json::value problem = json::parse(problem_response(e).body);
        if (e.code() == ErrorCode::not_yet) {
          results.push_back(json::object{{"n", m.n}, {"status", "retry"}, {"problem", problem}});
          break;
        }
        result = json::object{{"status", "rejected"}, {"problem", problem}};
      }
      result["n"] = m.n;
      results.push_back(std::move(result));
      last = m.n;
    }
    tx.put_device(storage::Device{*device_id, me, last});
    out["device_id"] = *device_id;
    out["last_applied"] = last;
    out["expected"] = last + 1;
    out["results"] = std::move(results);
    out["cursor"] = tx.last_seq();
    if (skew != 0) out["clock_offset_seconds"] = skew;
  });
  return json_response(200, out);
}

std::int64_t query_integer(RequestContext& ctx, std::string_view key, std::int64_t min,
                           std::int64_t max, std::int64_t fallback) {
  auto s = ctx.query(key);
  if (!s) return fallback;
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
  if (ec != std::errc{} || p != s->data() + s->size() || v < min || v > max) {
    throw Error(ErrorCode::bad_query, "bad query parameter",
                {{std::string(key), "must be an integer between " + std::to_string(min) +
                                        " and " + std::to_string(max)}});
  }
  return v;
}

Response pull(RequestContext& ctx) {
  const auto cursor = query_integer(ctx, "cursor", 0, INT64_MAX, 0);
  const auto limit = static_cast<int>(query_integer(ctx, "limit", 1, PULL_MAX, PULL_DEFAULT));
  std::optional<std::int64_t> epoch;
  if (ctx.query("epoch")) epoch = query_integer(ctx, "epoch", 0, INT64_MAX, 0);
  json::object out;
  storage::read(ctx.app.db(), [&](storage::Tx& tx) {
    const std::int64_t mine = ctx.who().is_rep() ? tx.territory_epoch(ctx.who().user.meta.id) : 0;
    // Reload when the territory moved, when deletes the cursor has not seen were purged, or
    // when the cursor is beyond the last sequence (it comes from another database: a restore).
    const bool reset = (cursor > 0 && epoch && *epoch != mine) ||
                       (cursor > 0 && cursor < tx.purged_through()) || cursor > tx.last_seq();
    if (reset) {
      out = json::object{{"items", json::array{}}, {"cursor", 0}, {"has_more", true},
                         {"epoch", mine}, {"reset", true}};
      return;
    }
    auto page = changes_page(tx, cursor, ctx.scope(), limit, false);
    out["items"] = std::move(page["items"]);
    out["cursor"] = page["next_since"];
    out["has_more"] = page["has_more"];
    out["epoch"] = mine;
    out["reset"] = false;
  });
  return json_response(200, out);
}

// Uploads -------------------------------------------------------------------------------------

std::string sha256_hex(std::string_view bytes) {
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(bytes.data()),
                     bytes.size());
  static constexpr char HEX[] = "0123456789abcdef";
  std::string out;
  out.reserve(64);
  for (unsigned char b : digest) {
    out.push_back(HEX[b >> 4]);
    out.push_back(HEX[b & 15]);
  }
  return out;
}

bool allowed_content_type(std::string_view t) {
  return t == "image/jpeg" || t == "image/png" || t == "image/webp" || t == "application/pdf";
}

json::object upload_state(std::string_view sha, std::int64_t received, bool complete) {
  return json::object{{"sha256", sha}, {"received", received}, {"complete", complete}};
}

Response start_upload(RequestContext& ctx) {
  auto body = ctx.body_object();
  ObjectReader in(body);
  auto sha = in.string("sha256", Need::required, 64, 64);
  auto size = in.integer("size", Need::required, 1, ctx.app.config().max_blob_bytes);
  auto type = in.string("content_type", Need::required, 100, 1);
  if (sha && !std::all_of(sha->begin(), sha->end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
      })) {
    in.error("sha256", "must be 64 lower-case hexadecimal digits");
  }
  if (type && !allowed_content_type(*type)) {
    in.error("content_type", "must be image/jpeg, image/png, image/webp or application/pdf");
  }
  in.finish();
  json::object out;
  storage::write(ctx.app.db(), [&](storage::Tx& tx) {
    if (tx.blob_exists(*sha)) {
      out = upload_state(*sha, *size, true);
      return;
    }
    auto up = tx.upload(*sha);
    // A quota per user and day: a phone takes a few hundred photos a week; a script filling
    // the disk is refused (deduplicated bytes above cost nothing and pass).
    if (!up) {
      const auto& config = ctx.app.config();
      const auto used = tx.bytes_uploaded_since(ctx.who().user.meta.id, core::now_seconds() - 86400);
      if (used + *size > config.max_upload_bytes_per_day) {
        throw Error(ErrorCode::rate_limited,
                    "more than " + std::to_string(config.max_upload_bytes_per_day >> 20) +
                        " MiB of photos in 24 hours; retry later",
                    {{"size", "over the daily quota"}});
      }
    }
    if (up && (up->size_bytes != *size || up->content_type != *type)) {
      // Another declaration of the same hash: the bytes decide; start over.
      tx.end_upload(*sha, false);
      up.reset();
    }
    if (!up) {
      up = storage::Upload{*sha, *type, *size, 0, ctx.who().user.meta.id};
      tx.put_upload(*up);
    }
    out = upload_state(*sha, up->received, false);
  });
  return json_response(200, out);
}

Response put_chunk(RequestContext& ctx) {
  const std::string& sha = ctx.match.hash;
  const auto offset = query_integer(ctx, "offset", 0, ctx.app.config().max_blob_bytes, -1);
  if (offset < 0) {
    throw Error(ErrorCode::bad_query, "bad query parameter", {{"offset", "is required"}});
  }
  const std::string& bytes = ctx.request.body;
  if (bytes.empty()) throw Error(ErrorCode::validation, "empty chunk", {{"body", "must not be empty"}});
  bool corrupt = false;
  json::object out;
  storage::write(ctx.app.db(), [&](storage::Tx& tx) {
    if (tx.blob_exists(sha)) {
      out = upload_state(sha, static_cast<std::int64_t>(bytes.size()) + offset, true);
      return;
    }
    auto up = tx.upload(sha);
    if (!up) throw Error(ErrorCode::not_found, "no upload of " + sha + "; start it with POST /api/v1/uploads");
    if (offset != up->received) {
      throw Error(ErrorCode::conflict, "the upload has " + std::to_string(up->received) + " bytes",
                  {{"offset", "must be " + std::to_string(up->received)}});
    }
    const auto end = offset + static_cast<std::int64_t>(bytes.size());
    if (end > up->size_bytes) {
      throw Error(ErrorCode::validation, "the chunk goes past the declared size",
                  {{"body", "goes past byte " + std::to_string(up->size_bytes)}});
    }
    tx.append_chunk(sha, offset, bytes);
    up->received = end;
    tx.put_upload(*up);
    if (end < up->size_bytes) {
      out = upload_state(sha, end, false);
      return;
    }
    // The last byte: the content must have the hash it was announced under.
    corrupt = sha256_hex(tx.upload_bytes(sha)) != sha;
    tx.end_upload(sha, !corrupt);
    out = upload_state(sha, corrupt ? 0 : end, !corrupt);
  });
  if (corrupt) {
    throw Error(ErrorCode::validation, "the bytes do not have this SHA-256; the upload was dropped",
                {{"sha256", "does not match the bytes sent"}});
  }
  return json_response(200, out);
}

Response get_blob(RequestContext& ctx) {
  const std::string& sha = ctx.match.hash;
  auto blob = storage::read(ctx.app.db(), [&](storage::Tx& tx) -> std::optional<storage::Blob> {
    if (!tx.blob_visible(sha, ctx.who().user.meta.id, ctx.scope())) return std::nullopt;
    return tx.blob(sha);
  });
  if (!blob) throw Error(ErrorCode::not_found, "no file " + sha);
  Response r;
  r.status = 200;
  r.content_type = blob->content_type;
  r.body = std::move(blob->data);
  r.headers.emplace_back("Cache-Control", "private, max-age=31536000, immutable");
  r.headers.emplace_back("ETag", "\"" + sha + "\"");
  return r;
}

Response list_attachments(RequestContext& ctx) {
  storage::AttachmentFilter f{ctx.query_id("visit_id"), ctx.query_id("store_id")};
  auto page = ctx.page();
  auto result = storage::read(ctx.app.db(), [&](storage::Tx& tx) {
    return tx.attachments(f, ctx.scope(), page);
  });
  return page_response(result);
}

// Conflicts -----------------------------------------------------------------------------------

Response list_conflicts(RequestContext& ctx) {
  std::optional<core::ConflictStatus> status;
  if (auto s = ctx.query("status")) {
    if (*s == "open") {
      status = core::ConflictStatus::open;
    } else if (*s == "resolved") {
      status = core::ConflictStatus::resolved;
    } else {
      throw Error(ErrorCode::bad_query, "bad query parameter", {{"status", "must be open or resolved"}});
    }
  }
  auto page = ctx.page();
  auto result = storage::read(ctx.app.db(), [&](storage::Tx& tx) {
    return tx.conflicts(status, ctx.scope(), page);
  });
  return page_response(result);
}

Response resolve_conflict(RequestContext& ctx) {
  auto body = ctx.body_object();
  ObjectReader in(body);
  auto keep = in.string("keep", Need::required, 10);
  if (keep && *keep != "client" && *keep != "server") in.error("keep", "must be client or server");
  in.finish();
  auto c = storage::write(ctx.app.db(), [&](storage::Tx& tx) {
    auto c = tx.conflict(ctx.id(), ctx.scope());
    if (!c) throw Error(ErrorCode::not_found, "no conflict " + std::to_string(ctx.id()));
    if (ctx.who().is_rep() && c->user_id != ctx.who().user.meta.id) {
      throw Error(ErrorCode::not_found, "no conflict " + std::to_string(ctx.id()));
    }
    if (c->status != core::ConflictStatus::open) {
      throw Error(ErrorCode::conflict, "the conflict is already resolved");
    }
    if (*keep == "client") {
      auto store = tx.store(c->store_id, storage::Scope{});
      if (!store) throw Error(ErrorCode::conflict, "the store no longer exists");
      read_store_field(json::object{{c->field, json::parse(c->client_value)}}, "", *store);
      tx.update_store(*store);
    }
    c->status = core::ConflictStatus::resolved;
    c->resolution = *keep;
    c->resolved_by = ctx.who().user.meta.id;
    tx.update_conflict(*c);
    return *c;
  });
  return item_response(200, to_json(c));
}

}  // namespace

void add_sync_routes(Router& r) {
  r.add({Method::post, "/api/v1/sync/push",
         "Applies a device's numbered mutations exactly once (docs/SYNC.md)", "sync", {},
         Body::json, {}, "SyncPush", "SyncPushResult", push});
  r.add({Method::get, "/api/v1/sync/pull",
         "Changes after a cursor that the caller may see, with the territory epoch (docs/SYNC.md)",
         "sync", {}, Body::none, {"cursor", "epoch", "limit"}, "", "SyncPull", pull});
  r.add({Method::post, "/api/v1/uploads",
         "Starts or resumes a photo upload by content hash; deduplicated", "sync", {}, Body::json,
         {}, "UploadStart", "UploadState", start_upload});
  r.add({Method::put, "/api/v1/uploads/{sha256}",
         "Appends one chunk (application/octet-stream, at most 1 MiB) at `offset`", "sync", {},
         Body::bytes, {"offset"}, "", "UploadState", put_chunk});
  r.add({Method::get, "/api/v1/blobs/{sha256}", "The bytes of a photo the caller may see",
         "sync", {}, Body::none, {}, "", "", get_blob});
  r.add({Method::get, "/api/v1/attachments", "Photos and files of visits (metadata; bytes at /blobs)",
         "sync", {}, Body::none, {"visit_id", "store_id", "limit", "cursor"}, "", "AttachmentList",
         list_attachments});
  r.add({Method::get, "/api/v1/conflicts", "Store-field conflicts left by offline edits",
         "sync", {}, Body::none, {"status", "limit", "cursor"}, "", "ConflictList",
         list_conflicts});
  r.add({Method::post, "/api/v1/conflicts/{id}/resolve",
         "Keeps the rep's value (client) or the current one (server)", "sync", {}, Body::json,
         {}, "ConflictResolve", "Conflict", resolve_conflict});
}

}  // namespace boucle::api
