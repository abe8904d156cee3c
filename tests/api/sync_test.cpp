#include <sodium.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <thread>

#include <unistd.h>

#include "api_fixture.hpp"
#include "mutate.hpp"

// Offline sync against the real server (docs/SYNC.md): exactly-once push with duplicates, gaps,
// rejections and retries; pull scoped to the territory with resets when it moves; chunked,
// resumable, deduplicated photo uploads; store-field conflicts; server-sent events; and the
// web app's files served at "/".
namespace boucle::testing {

namespace {

std::string str(const json::value& v) { return std::string(v.as_string()); }

std::int64_t now() { return static_cast<std::int64_t>(std::time(nullptr)); }

// "YYYY-MM-DDTHH:MM:SSZ" as Unix seconds.
std::int64_t parse_time(const std::string& iso) {
  std::tm tm{};
  strptime(iso.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return static_cast<std::int64_t>(timegm(&tm));
}

json::object mutation(std::int64_t n, std::string_view kind, json::object data) {
  return json::object{{"n", n}, {"kind", kind}, {"data", std::move(data)}};
}

HttpResponse push(HttpClient& c, const std::string& device, json::array mutations,
                  std::optional<std::int64_t> device_time = std::nullopt) {
  json::object body{{"device_id", device}, {"mutations", std::move(mutations)}};
  if (device_time) body["device_time"] = *device_time;
  return c.post("/api/v1/sync/push", body);
}

// Every item of a full pull from `cursor`, following has_more.
std::vector<json::object> pull_all(HttpClient& c, std::int64_t cursor = 0,
                                   std::int64_t* epoch = nullptr) {
  std::vector<json::object> out;
  for (int guard = 0; guard < 1000; ++guard) {
    auto r = c.get("/api/v1/sync/pull?cursor=" + std::to_string(cursor) + "&limit=50");
    EXPECT_EQ(r.status, 200) << r.body;
    auto page = r.json().as_object();
    EXPECT_FALSE(page.at("reset").as_bool());
    for (auto& item : page.at("items").as_array()) out.push_back(item.as_object());
    cursor = page.at("cursor").as_int64();
    if (epoch) *epoch = page.at("epoch").as_int64();
    if (!page.at("has_more").as_bool()) break;
  }
  return out;
}

bool has(const std::vector<json::object>& items, std::string_view kind, std::int64_t id) {
  return std::any_of(items.begin(), items.end(), [&](const json::object& i) {
    return i.at("kind").as_string() == kind && i.at("id").as_int64() == id && !i.at("deleted").as_bool();
  });
}

std::string hex_sha256(const std::string& bytes) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  static const char* HEX = "0123456789abcdef";
  std::string out;
  for (unsigned char b : digest) {
    out += HEX[b >> 4];
    out += HEX[b & 15];
  }
  return out;
}

HttpResponse put_chunk(HttpClient& c, const std::string& sha, std::int64_t offset,
                       const std::string& bytes) {
  return c.request("PUT", "/api/v1/uploads/" + sha + "?offset=" + std::to_string(offset), bytes,
                   {{"Content-Type", "application/octet-stream"},
                    {"Authorization", "Bearer " + c.token}});
}

}  // namespace

class Sync : public ApiTest {};

TEST_F(Sync, PushIsAppliedExactlyOnceAndPullConverges) {
  auto& w = *world_;
  auto rep = as(w.rep_a_token);
  const std::string device = "device-a-0001";
  const auto t = now();
  json::array batch{
      mutation(1, "visit.checkin",
               {{"client_id", "v-1"}, {"store_id", w.store_a}, {"type", "deep"}, {"at", t - 600},
                {"lat", 45.7641}, {"lon", 4.8358}}),
      mutation(2, "audit.create",
               {{"client_id", "a-1"}, {"visit_client_id", "v-1"}, {"product_id", w.product},
                {"present", true}, {"facings", 4}, {"shelf_price_cents", 259},
                {"out_of_stock", false}, {"promo", true}}),
      mutation(3, "order.create",
               {{"client_id", "o-1"}, {"visit_client_id", "v-1"}, {"store_id", w.store_a},
                {"lines", json::array{{{"product_id", w.product}, {"quantity", 12}}}}}),
      mutation(4, "visit.checkout",
               {{"visit_client_id", "v-1"}, {"at", t - 60}, {"report", "Rayon refait"},
                {"next_steps", "Revenir avec la PLV"}})};

  auto r = push(rep, device, batch);
  ASSERT_EQ(r.status, 200) << r.body;
  auto out = r.json().as_object();
  EXPECT_EQ(out.at("last_applied").as_int64(), 4);
  EXPECT_EQ(out.at("expected").as_int64(), 5);
  const auto& results = out.at("results").as_array();
  ASSERT_EQ(results.size(), 4u);
  for (const auto& res : results) EXPECT_EQ(res.at("status"), "applied") << res;
  const auto visit_id = results[0].at("id").as_int64();

  // The reply was lost: the device sends the same batch again. Nothing is applied twice.
  const auto seq_before = last_seq();
  r = push(rep, device, batch);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto again = r.json();
  for (const auto& res : again.at("results").as_array()) EXPECT_EQ(res.at("status"), "duplicate");
  EXPECT_EQ(last_seq(), seq_before);
  auto visits = rep.get("/api/v1/visits?store_id=" + std::to_string(w.store_a)).json();
  int with_client_id = 0;
  for (const auto& v : visits.at("items").as_array()) {
    if (v.at("client_id") == "v-1") {
      ++with_client_id;
      EXPECT_EQ(v.at("status"), "done");
      EXPECT_EQ(v.at("report"), "Rayon refait");
    }
  }
  EXPECT_EQ(with_client_id, 1);
  auto audits = rep.get("/api/v1/audits?visit_id=" + std::to_string(visit_id)).json();
  ASSERT_EQ(audits.at("items").as_array().size(), 1u);
  EXPECT_EQ(audits.at("items").as_array()[0].at("facings").as_int64(), 4);

  // A gap is refused: nothing after the missing number is applied.
  r = push(rep, device, json::array{mutation(6, "note.put", {{"client_id", "n-6"},
                                                              {"store_id", w.store_a},
                                                              {"text", "too early"}})});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("expected").as_int64(), 5);
  EXPECT_TRUE(r.json().at("results").as_array().empty());

  // A mutation that can never succeed is rejected with its reason and does not block the next.
  r = push(rep, device,
           json::array{mutation(5, "audit.create",
                                {{"client_id", "a-bad"}, {"visit_client_id", "v-1"},
                                 {"product_id", 999999}, {"present", false}, {"facings", 2}}),
                       mutation(6, "note.put", {{"client_id", "n-6"}, {"store_id", w.store_a},
                                                {"text", "Chef de rayon absent le lundi"}}),
                       mutation(7, "visit.checkin",
                                {{"client_id", "v-b"}, {"store_id", w.store_b}, {"at", t},
                                 {"lat", 44.9}, {"lon", 4.9}})});
  ASSERT_EQ(r.status, 200) << r.body;
  out = r.json().as_object();
  EXPECT_EQ(out.at("last_applied").as_int64(), 7);
  const auto& res2 = out.at("results").as_array();
  ASSERT_EQ(res2.size(), 3u);
  EXPECT_EQ(res2[0].at("status"), "rejected");
  EXPECT_EQ(res2[0].at("problem").at("status").as_int64(), 422);
  const auto& errors = res2[0].at("problem").at("errors").as_array();
  std::set<std::string> fields;
  for (const auto& e : errors) fields.insert(str(e.at("field")));
  EXPECT_TRUE(fields.count("data.product_id") && fields.count("data.facings")) << res2[0];
  EXPECT_EQ(res2[1].at("status"), "applied");
  EXPECT_EQ(res2[2].at("status"), "rejected");  // another rep's store: not in the territory
  EXPECT_EQ(res2[2].at("problem").at("status").as_int64(), 404);
  EXPECT_EQ(rep.get("/api/v1/audits?visit_id=" + std::to_string(visit_id)).json().at("items").as_array().size(), 1u);

  // A photo whose bytes have not arrived: retry, the batch stops there, nothing consumed.
  r = push(rep, device,
           json::array{mutation(8, "attachment.create",
                                {{"client_id", "p-1"}, {"visit_client_id", "v-1"},
                                 {"store_id", w.store_a}, {"sha256", std::string(64, 'a')},
                                 {"content_type", "image/jpeg"}, {"size_bytes", 10}}),
                       mutation(9, "note.put", {{"client_id", "n-9"}, {"store_id", w.store_a},
                                                {"text", "after the photo"}})});
  ASSERT_EQ(r.status, 200) << r.body;
  out = r.json().as_object();
  EXPECT_EQ(out.at("last_applied").as_int64(), 7);
  ASSERT_EQ(out.at("results").as_array().size(), 1u);
  EXPECT_EQ(out.at("results").as_array()[0].at("status"), "retry");

  // The device id belongs to rep A: rep B may not push with it.
  auto other = as(w.rep_b_token);
  r = push(other, device, json::array{});
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(r.json().at("type"), "https://boucle.dev/problems/device-taken") << r.body;

  // No position: allowed with a reason, and flagged far since nobody can tell; without one, not.
  r = push(rep, "device-a-nogps",
           json::array{mutation(1, "visit.checkin", {{"client_id", "v-nogps-1"}, {"store_id", w.store_a},
                                                     {"at", t - 30}}),
                       mutation(2, "visit.checkin", {{"client_id", "v-nogps-2"}, {"store_id", w.store_a},
                                                     {"at", t - 20}, {"reason", "GPS refusé"}})});
  ASSERT_EQ(r.status, 200) << r.body;
  const auto nogps = r.json();
  EXPECT_EQ(nogps.at("results").as_array()[0].at("status"), "rejected") << r.body;
  ASSERT_EQ(nogps.at("results").as_array()[1].at("status"), "applied") << r.body;
  auto nogps_visit = rep.get("/api/v1/visits/" +
                             std::to_string(nogps.at("results").as_array()[1].at("id").as_int64())).json();
  EXPECT_TRUE(nogps_visit.at("checkin").at("far").as_bool()) << nogps_visit;
  EXPECT_EQ(nogps_visit.at("checkin").at("reason"), "GPS refusé");

  // A malformed envelope changes nothing.
  r = rep.post("/api/v1/sync/push",
               json::object{{"device_id", device},
                            {"mutations", json::array{{{"n", 9}, {"kind", "note.put"}},
                                                      {{"n", 8}, {"kind", "x"}, {"data", 1}}}}});
  EXPECT_EQ(r.status, 422) << r.body;
  r = rep.post("/api/v1/sync/push", json::object{{"device_id", "bad id!"}, {"mutations", json::array{}}});
  EXPECT_EQ(r.status, 422) << r.body;

  // 48 hours of clock skew: times are moved onto the server's clock, never into the future.
  const std::string skewed = "device-a-skewed";
  const auto device_now = t + 48 * 3600;
  r = push(rep, skewed,
           json::array{mutation(1, "visit.checkin",
                                {{"client_id", "v-skew"}, {"store_id", w.store_a},
                                 {"at", device_now - 300}, {"lat", 45.7641}, {"lon", 4.8358}})},
           device_now);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("results").as_array()[0].at("status"), "applied") << r.body;
  auto skew_visit = rep.get("/api/v1/visits/" +
                            std::to_string(r.json().at("results").as_array()[0].at("id").as_int64()))
                        .json();
  // Recorded 300 s before the device's now: 300 s before the server's, not two days ahead.
  const auto checkin_at = parse_time(str(skew_visit.at("checkin").at("at")));
  EXPECT_LE(checkin_at, now());
  EXPECT_NEAR(static_cast<double>(checkin_at), static_cast<double>(t - 300), 30.0) << skew_visit;

  // Pull: the rep's records come back with their client ids; another territory's do not; the
  // ERP sales facts stay on the server.
  auto items = pull_all(rep);
  EXPECT_TRUE(has(items, "visit", visit_id));
  EXPECT_TRUE(has(items, "store", w.store_a));
  EXPECT_FALSE(has(items, "store", w.store_b));
  for (const auto& i : items) EXPECT_NE(i.at("kind"), "sales");
  bool note_seen = false;
  for (const auto& i : items) {
    if (i.at("kind") == "note" && !i.at("deleted").as_bool()) {
      note_seen = note_seen || i.at("data").at("client_id") == "n-6";
    }
  }
  EXPECT_TRUE(note_seen);

  // Notes are last-writer-wins in server order; a delete leaves a tombstone in the pull.
  const auto cursor = last_seq();
  r = push(rep, device,
           json::array{mutation(8, "note.put", {{"client_id", "n-6"}, {"store_id", w.store_a},
                                                {"text", "Chef de rayon présent le mardi"}}),
                       mutation(9, "note.delete", {{"client_id", "n-6"}})});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("last_applied").as_int64(), 9);
  auto after = pull_all(rep, cursor);
  ASSERT_FALSE(after.empty());
  EXPECT_EQ(after.back().at("kind"), "note");
  EXPECT_TRUE(after.back().at("deleted").as_bool());

  // Once old tombstones are purged, a cursor from before them may have missed a delete: reload.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  const std::string cmd = "'" + boucle_binary() + "' purge-tombstones --days 0 --db '" + w.db + "' >/dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  r = rep.get("/api/v1/sync/pull?cursor=" + std::to_string(cursor));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.json().at("reset").as_bool()) << r.body;
  r = rep.get("/api/v1/sync/pull?cursor=" + std::to_string(last_seq()));
  EXPECT_FALSE(r.json().at("reset").as_bool()) << r.body;
}

TEST_F(Sync, PhotosUploadInResumableChunksDeduplicatedAndChecked) {
  auto& w = *world_;
  auto rep = as(w.rep_a_token);
  std::mt19937 rng(42);
  std::string bytes(2 * 1024 * 1024 + 12345, '\0');
  for (auto& b : bytes) b = static_cast<char>(rng() & 0xff);
  const std::string sha = hex_sha256(bytes);
  const std::int64_t size = static_cast<std::int64_t>(bytes.size());
  const std::int64_t chunk = 1 << 20;

  auto start = [&](HttpClient& c, const std::string& h, std::int64_t n) {
    return c.post("/api/v1/uploads",
                  json::object{{"sha256", h}, {"size", n}, {"content_type", "image/jpeg"}});
  };
  auto r = start(rep, sha, size);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("received").as_int64(), 0);
  EXPECT_FALSE(r.json().at("complete").as_bool());
  r = put_chunk(rep, sha, 0, bytes.substr(0, chunk));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("received").as_int64(), chunk);
  // The connection dropped; the device resends the first chunk: refused with where to resume.
  r = put_chunk(rep, sha, 0, bytes.substr(0, chunk));
  EXPECT_EQ(r.status, 409) << r.body;
  r = start(rep, sha, size);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json().at("received").as_int64(), chunk);
  r = put_chunk(rep, sha, chunk, bytes.substr(chunk, chunk));
  ASSERT_EQ(r.status, 200) << r.body;
  // A chunk larger than the limit is refused by the transport.
  r = put_chunk(rep, sha, 2 * chunk, std::string(chunk + 1, 'x'));
  EXPECT_EQ(r.status, 413) << r.body;
  r = put_chunk(rep, sha, 2 * chunk, bytes.substr(2 * chunk));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.json().at("complete").as_bool());

  r = push(rep, "device-photo-01",
           json::array{mutation(1, "visit.checkin",
                                {{"client_id", "v-photo"}, {"store_id", w.store_a}, {"at", now() - 100},
                                 {"lat", 45.0}, {"lon", 4.0}, {"reason", "GPS imprécis"}}),
                       mutation(2, "attachment.create",
                                {{"client_id", "p-photo"}, {"visit_client_id", "v-photo"},
                                 {"store_id", w.store_a}, {"sha256", sha},
                                 {"content_type", "image/jpeg"}, {"size_bytes", size},
                                 {"filename", "rayon.jpg"}})});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("last_applied").as_int64(), 2) << r.body;
  const auto visit_id = r.json().at("results").as_array()[0].at("id").as_int64();
  auto visit = rep.get("/api/v1/visits/" + std::to_string(visit_id)).json();
  EXPECT_TRUE(visit.at("checkin").at("far").as_bool()) << visit;  // 85 km away: flagged, kept

  auto blob = rep.request("GET", "/api/v1/blobs/" + sha, "", {{"Authorization", "Bearer " + rep.token}});
  ASSERT_EQ(blob.status, 200);
  EXPECT_EQ(blob.body, bytes);
  EXPECT_EQ(blob.header("content-type"), "image/jpeg");
  auto stranger = as(w.rep_b_token);
  blob = stranger.request("GET", "/api/v1/blobs/" + sha, "", {{"Authorization", "Bearer " + stranger.token}});
  EXPECT_EQ(blob.status, 404);

  // The visit's photos are listed for those who may see them.
  auto listed = rep.get("/api/v1/attachments?visit_id=" + std::to_string(visit_id)).json();
  ASSERT_EQ(listed.at("items").as_array().size(), 1u) << listed;
  EXPECT_EQ(str(listed.at("items").as_array()[0].at("sha256")), sha);
  EXPECT_EQ(listed.at("items").as_array()[0].at("client_id"), "p-photo");
  EXPECT_TRUE(stranger.get("/api/v1/attachments?visit_id=" + std::to_string(visit_id))
                  .json().at("items").as_array().empty());

  // The same bytes again, from anyone: already there, nothing to send.
  r = start(stranger, sha, size);
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(r.json().at("complete").as_bool());

  // Bytes that do not have the announced hash are dropped when the last one arrives.
  const std::string liar(64, 'b');
  ASSERT_EQ(start(rep, liar, 1000).status, 200);
  r = put_chunk(rep, liar, 0, std::string(1000, 'z'));
  EXPECT_EQ(r.status, 422) << r.body;
  r = start(rep, liar, 1000);
  EXPECT_EQ(r.json().at("received").as_int64(), 0);
  EXPECT_FALSE(r.json().at("complete").as_bool());

  // Hostile declarations.
  EXPECT_EQ(start(rep, "ABC", 10).status, 422);
  EXPECT_EQ(start(rep, std::string(64, 'c'), 11 << 20).status, 422);
  r = rep.post("/api/v1/uploads", json::object{{"sha256", std::string(64, 'd')}, {"size", 5},
                                               {"content_type", "text/html"}});
  EXPECT_EQ(r.status, 422);
  r = put_chunk(rep, std::string(64, 'e'), 0, "abc");
  EXPECT_EQ(r.status, 404);

  // A daily quota per user: declared uploads count, a second 600 KiB photo passes 1 MiB.
  {
    ServerProcess quota(w.db, {"--upload-mib-per-day", "1"});
    HttpClient q(quota.port());
    q.token = w.rep_b_token;
    auto first = q.post("/api/v1/uploads", json::object{{"sha256", std::string(64, '7')},
                                                         {"size", 600 << 10}, {"content_type", "image/jpeg"}});
    EXPECT_EQ(first.status, 200) << first.body;
    auto second = q.post("/api/v1/uploads", json::object{{"sha256", std::string(64, '8')},
                                                          {"size", 600 << 10}, {"content_type", "image/jpeg"}});
    EXPECT_EQ(second.status, 429) << second.body;
    // Bytes the server already holds cost nothing.
    auto known = q.post("/api/v1/uploads", json::object{{"sha256", sha}, {"size", size},
                                                         {"content_type", "image/jpeg"}});
    EXPECT_EQ(known.status, 200) << known.body;
    EXPECT_TRUE(known.json().at("complete").as_bool());
  }
  r = rep.request("PUT", "/api/v1/uploads/" + std::string(64, 'e') + "?offset=0", "abc",
                  {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + rep.token}});
  EXPECT_EQ(r.status, 415);
}

TEST_F(Sync, TerritoryMovesConflictsEventsAndTheWebApp) {
  auto& w = *world_;
  auto rep_a = as(w.rep_a_token);
  auto rep_b = as(w.rep_b_token);
  auto manager = as(w.manager_token);

  // Rep A works at store A; rep B has a copy of their own territory.
  auto r = push(rep_a, "device-move-a",
                json::array{mutation(1, "visit.checkin", {{"client_id", "v-move"}, {"store_id", w.store_a},
                                                          {"at", now() - 50}, {"lat", 45.7641},
                                                          {"lon", 4.8358}})});
  ASSERT_EQ(r.status, 200) << r.body;
  const auto visit_id = r.json().at("results").as_array()[0].at("id").as_int64();
  std::int64_t epoch_a = -1, epoch_b = -1;
  auto items_a = pull_all(rep_a, 0, &epoch_a);
  auto items_b = pull_all(rep_b, 0, &epoch_b);
  EXPECT_TRUE(has(items_a, "store", w.store_a));
  EXPECT_FALSE(has(items_b, "store", w.store_a));
  const auto cursor = last_seq();

  // The manager moves store A to rep B.
  auto store = manager.get("/api/v1/stores/" + std::to_string(w.store_a)).json().as_object();
  r = manager.patch("/api/v1/stores/" + std::to_string(w.store_a),
                    json::object{{"assigned_rep_id", w.rep_b}},
                    "\"" + std::to_string(store.at("version").as_int64()) + "\"");
  ASSERT_EQ(r.status, 200) << r.body;

  // Both devices are told to reload; after it, the store (with its history) is on B's only.
  for (auto* c : {&rep_a, &rep_b}) {
    const auto epoch = c == &rep_a ? epoch_a : epoch_b;
    r = c->get("/api/v1/sync/pull?cursor=" + std::to_string(cursor) + "&epoch=" + std::to_string(epoch));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(r.json().at("reset").as_bool()) << r.body;
    EXPECT_NE(r.json().at("epoch").as_int64(), epoch);
  }
  items_a = pull_all(rep_a);
  items_b = pull_all(rep_b);
  EXPECT_FALSE(has(items_a, "store", w.store_a));
  EXPECT_FALSE(has(items_a, "visit", visit_id));
  EXPECT_TRUE(has(items_b, "store", w.store_a));
  EXPECT_TRUE(has(items_b, "visit", visit_id));

  // Rep A's work done offline at the store after it moved: rejected with a reason, not lost
  // silently and not blocking.
  r = push(rep_a, "device-move-a",
           json::array{mutation(2, "visit.checkout", {{"visit_client_id", "v-move"}, {"at", now()}}),
                       mutation(3, "note.put", {{"client_id", "n-move"}, {"store_id", w.store_a},
                                                {"text", "x"}})});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("last_applied").as_int64(), 3);
  const auto moved = r.json();
  for (const auto& res : moved.at("results").as_array()) EXPECT_EQ(res.at("status"), "rejected");

  // Field-level merge: rep B fixes the address and the name from what they saw; meanwhile
  // the office renamed the store. The address applies; the name becomes a conflict.
  store = manager.get("/api/v1/stores/" + std::to_string(w.store_a)).json().as_object();
  const json::value seen_name = store.at("name");
  const json::value seen_address = store.at("address");
  r = manager.patch("/api/v1/stores/" + std::to_string(w.store_a),
                    json::object{{"name", "Super A1 (siège)"}},
                    "\"" + std::to_string(store.at("version").as_int64()) + "\"");
  ASSERT_EQ(r.status, 200) << r.body;
  r = push(rep_b, "device-move-b",
           json::array{mutation(1, "store.update",
                                {{"store_id", w.store_a},
                                 {"base", {{"name", seen_name}, {"address", seen_address}}},
                                 {"changes", {{"name", "Super A1 (terrain)"},
                                              {"address", "12 rue de la République"}}}}),
                       mutation(2, "store.update",
                                {{"store_id", w.store_a}, {"base", {{"code", "A-1"}}},
                                 {"changes", {{"code", "HACK"}}}})});
  ASSERT_EQ(r.status, 200) << r.body;
  const auto merged = r.json();
  const auto& results = merged.at("results").as_array();
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].at("status"), "applied");
  ASSERT_EQ(results[0].at("conflicts").as_array().size(), 1u);
  const auto conflict_id = results[0].at("conflicts").as_array()[0].as_int64();
  EXPECT_EQ(results[1].at("status"), "rejected");  // not a field a rep may change
  store = manager.get("/api/v1/stores/" + std::to_string(w.store_a)).json().as_object();
  EXPECT_EQ(store.at("name"), "Super A1 (siège)");
  EXPECT_EQ(store.at("address"), "12 rue de la République");
  EXPECT_EQ(store.at("code"), "A-1");

  auto open = manager.get("/api/v1/conflicts?status=open").json();
  bool listed = false;
  for (const auto& c : open.at("items").as_array()) {
    if (c.at("id").as_int64() != conflict_id) continue;
    listed = true;
    EXPECT_EQ(c.at("field"), "name");
    EXPECT_EQ(c.at("client_value"), "Super A1 (terrain)");
    EXPECT_EQ(c.at("server_value"), "Super A1 (siège)");
    EXPECT_EQ(c.at("base"), seen_name);
  }
  EXPECT_TRUE(listed) << open;
  // Rep A no longer sees the store, nor its conflicts.
  EXPECT_EQ(rep_a.post("/api/v1/conflicts/" + std::to_string(conflict_id) + "/resolve",
                       json::object{{"keep", "client"}}).status, 404);
  r = rep_b.post("/api/v1/conflicts/" + std::to_string(conflict_id) + "/resolve",
                 json::object{{"keep", "client"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("status"), "resolved");
  EXPECT_EQ(manager.get("/api/v1/stores/" + std::to_string(w.store_a)).json().at("name"),
            "Super A1 (terrain)");
  EXPECT_EQ(manager.post("/api/v1/conflicts/" + std::to_string(conflict_id) + "/resolve",
                         json::object{{"keep", "server"}}).status, 409);

  // Server-sent events: rep A hears of a change in their territory, not of one elsewhere.
  std::int64_t note_seq = 0;
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    auto b = as(w.rep_b_token);  // rep B writes in their territory: rep A is not told
    push(b, "device-move-b", json::array{mutation(3, "note.put", {{"client_id", "n-b"},
                                                                   {"store_id", w.store_b},
                                                                   {"text", "B"}})});
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    auto a = as(w.rep_a_token);
    auto stores = a.get("/api/v1/stores").json();
    const auto mine = stores.at("items").as_array()[0].at("id").as_int64();
    auto res = push(a, "device-move-a", json::array{mutation(4, "note.put", {{"client_id", "n-a"},
                                                                              {"store_id", mine},
                                                                              {"text", "A"}})});
    note_seq = res.json().at("cursor").as_int64();
  });
  auto stream = anonymous().raw_until("GET /api/v1/events?token=" + w.rep_a_token +
                                          " HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n",
                                      "}\n\n");
  writer.join();
  EXPECT_NE(stream.find("200 OK"), std::string::npos) << stream;
  EXPECT_NE(stream.find("text/event-stream"), std::string::npos);
  const std::string data_prefix = "data: {\"seq\":";
  const auto at = stream.find(data_prefix);
  ASSERT_NE(at, std::string::npos) << stream;
  EXPECT_GE(std::stoll(stream.substr(at + data_prefix.size())), note_seq) << "told before its own change: " << stream;
  auto refused = anonymous().raw("GET /api/v1/events?token=nope HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(refused.find("401"), std::string::npos) << refused;

  // The web app's files at "/": the page for any route, hashed assets cached, gzip when asked.
  namespace fs = std::filesystem;
  const fs::path root = fs::temp_directory_path() / ("boucle-web-" + std::to_string(::getpid()));
  fs::create_directories(root / "assets");
  std::ofstream(root / "index.html") << "<!doctype html><title>Boucle</title>";
  std::ofstream(root / "assets" / "app-1234.js") << "console.log(1)";
  std::ofstream(root / "assets" / "app-1234.js.gz") << "GZ";
  ServerProcess web(w.db, {"--web-root", root.string()});
  HttpClient c(web.port());
  auto page = c.get("/");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("Boucle"), std::string::npos);
  EXPECT_EQ(page.header("cache-control"), "no-cache");
  EXPECT_EQ(c.get("/week/3").body, page.body);  // an app route
  auto js = c.get("/assets/app-1234.js");
  EXPECT_EQ(js.body, "console.log(1)");
  EXPECT_NE(js.header("cache-control").find("immutable"), std::string::npos);
  EXPECT_NE(js.header("content-type").find("javascript"), std::string::npos);
  js = c.request("GET", "/assets/app-1234.js", "", {{"Accept-Encoding", "gzip, br"}});
  EXPECT_EQ(js.body, "GZ");
  EXPECT_EQ(js.header("content-encoding"), "gzip");
  EXPECT_EQ(c.get("/assets/missing.js").status, 404);
  EXPECT_EQ(c.get("/../etc/passwd").status, 404);
  EXPECT_EQ(c.get("/assets/%2e%2e/%2e%2e/etc/passwd").status, 404);
  EXPECT_EQ(c.get("/api/v1/nothing").status, 404);
  EXPECT_EQ(c.get("/api/v1/nothing").header("content-type"), "application/problem+json");
  fs::remove_all(root);
}

// Hostile mutations: fields removed, retyped, oversized or unknown, and envelopes mangled byte by
// byte. Never a 5xx; every mutation is applied, rejected with a problem or told to retry; a
// rejected one writes nothing (the change sequence does not move); the server stays healthy.
TEST_F(Sync, HostileMutationsAreRejectedAndWriteNothing) {
  auto& w = *world_;
  auto rep = as(w.rep_a_token);
  std::mt19937_64 rng(7);
  const auto t = now();
  const std::string store = std::to_string(w.store_a);
  // Valid data for each kind; visit "v-h" is checked in first so that the others can name it.
  auto r = push(rep, "hostile-setup", json::array{mutation(1, "visit.checkin",
      {{"client_id", "v-h"}, {"store_id", w.store_a}, {"at", t - 100}, {"lat", 45.7641}, {"lon", 4.8358}})});
  ASSERT_EQ(r.status, 200) << r.body;
  const std::vector<std::pair<std::string, json::object>> seeds = {
      {"visit.checkin", {{"client_id", "x"}, {"store_id", w.store_a}, {"type", "deep"}, {"at", t - 50},
                         {"lat", 45.7641}, {"lon", 4.8358}, {"reason", "r"}}},
      {"visit.checkout", {{"visit_client_id", "v-h"}, {"at", t}, {"report", "ok"}, {"next_steps", "n"}}},
      {"audit.create", {{"client_id", "x"}, {"visit_client_id", "v-h"}, {"product_id", w.product},
                        {"present", true}, {"facings", 2}, {"shelf_price_cents", 199},
                        {"out_of_stock", false}, {"promo", false}}},
      {"order.create", {{"client_id", "x"}, {"visit_client_id", "v-h"}, {"store_id", w.store_a},
                        {"lines", json::array{{{"product_id", w.product}, {"quantity", 3}}}}}},
      {"attachment.create", {{"client_id", "x"}, {"store_id", w.store_a}, {"sha256", std::string(64, '1')},
                             {"content_type", "image/jpeg"}, {"size_bytes", 10}}},
      {"store.update", {{"store_id", w.store_a}, {"base", {{"city", ""}}}, {"changes", {{"city", "Lyon"}}}}},
      {"note.put", {{"client_id", "x"}, {"store_id", w.store_a}, {"text", "t"}}},
      {"task.put", {{"client_id", "x"}, {"store_id", w.store_a}, {"title", "t"}, {"done", false},
                    {"due_date", "2026-12-24"}}},
      {"note.delete", {{"client_id", "x"}}},
      {"task.delete", {{"client_id", "x"}}},
  };
  std::vector<json::value> poison;
  for (json::value v : {json::value(nullptr), json::value(-1), json::value(0), json::value(1e308),
                        json::value(INT64_MIN + 1), json::value(true), json::value(""),
                        json::value(std::string(20'000, 'x')),
                        json::value("\xF0\x9F\x92\xA5' OR 1=1 --"), json::value(json::array{}),
                        json::value(json::object{}), json::value(json::array{nullptr, 1}),
                        json::value("2026-02-30T25:61:00Z"), json::value("NaN"),
                        json::value(w.store_b), json::value(999'999'999)}) {
    poison.push_back(std::move(v));
  }
  std::string device = "hostile-0";
  std::int64_t n = 1;
  int rejected = 0, applied = 0, retried = 0, mangled = 0;
  for (int i = 0; i < 600; ++i) {
    const auto& [kind, valid] = seeds[rng() % seeds.size()];
    json::object data = valid;
    if (data.contains("client_id")) data["client_id"] = "h-" + std::to_string(i);
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits; ++e) {
      auto it = data.begin() + static_cast<std::ptrdiff_t>(rng() % data.size());
      switch (rng() % 4) {
        case 0: data.erase(it); break;
        case 1: it->value() = poison[rng() % poison.size()]; break;
        case 2: data["unknown_" + std::to_string(e)] = poison[rng() % poison.size()]; break;
        default: break;  // this edit leaves the data valid
      }
      if (data.empty()) break;
    }
    json::object body{{"device_id", device},
                      {"mutations", json::array{mutation(n, kind, std::move(data))}}};
    std::string text = json::serialize(body);
    const bool mangle = rng() % 8 == 0;
    if (mangle) text = mutate(text, rng, "{}[]\",:0123456789-tfn\\ ", 4);
    const auto before = last_seq();
    r = rep.request("POST", "/api/v1/sync/push", text,
                    {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + rep.token}});
    ASSERT_LT(r.status, 500) << text << " -> " << r.body;
    if (r.status != 200) {
      ++mangled;
      ASSERT_EQ(r.header("content-type"), "application/problem+json") << r.body;
      EXPECT_EQ(last_seq(), before) << "a refused push wrote something: " << text;
      continue;
    }
    const auto reply = r.json();
    const auto& results = reply.at("results").as_array();
    if (results.empty()) continue;  // a mangled n made a gap: nothing applied
    const std::string status = str(results[0].at("status"));
    if (status == "rejected") {
      ++rejected;
      const auto& problem = results[0].at("problem");
      EXPECT_GE(problem.at("status").as_int64(), 400);
      EXPECT_LT(problem.at("status").as_int64(), 500);
      EXPECT_EQ(last_seq(), before) << "a rejected mutation wrote something: " << text << " -> " << r.body;
    } else if (status == "applied") {
      ++applied;
    } else if (status == "retry") {
      ++retried;
      device = "hostile-" + std::to_string(i + 1);  // its queue waits for the photo: start another
      n = 1;
      continue;
    } else {
      ADD_FAILURE() << "unexpected status " << status << " for " << text;
    }
    n = reply.at("expected").as_int64();
  }
  EXPECT_GT(rejected, 200);
  EXPECT_GT(applied, 20);
  EXPECT_GT(mangled, 20);
  EXPECT_EQ(anonymous().get("/healthz").status, 200);
  // The device's count is exact: what it was answered is what the server recorded.
  r = push(rep, device, json::array{});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json().at("expected").as_int64(), n);
  (void)retried;
}

}  // namespace boucle::testing
