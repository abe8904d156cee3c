#include <atomic>
#include <set>
#include <thread>

#include "api_fixture.hpp"

// kill -9 during a stream of writes: every write the server acknowledged is there after a
// restart, and the database opens cleanly.
namespace boucle::testing {

TEST(Durability, AcknowledgedWritesSurviveKill9) {
  const auto db = temp_database("durability");
  ASSERT_EQ(add_user(db, "admin", "admin@test.fr", "admin-password-1"), 0);
  std::set<std::int64_t> acknowledged;
  std::int64_t store_id = 0;
  std::string token;
  {
    auto server = std::make_unique<ServerProcess>(db);
    HttpClient setup(server->port());
    token = login(setup, "admin@test.fr", "admin-password-1");
    setup.token = token;
    auto rep = setup.post("/api/v1/users", json::object{{"email", "r@test.fr"}, {"name", "R"}, {"role", "rep"},
                                                        {"password", "rep-password-1"}});
    ASSERT_EQ(rep.status, 201);
    auto store = setup.post("/api/v1/stores", json::object{{"code", "D-1"}, {"name", "D"}, {"lat", 45}, {"lon", 5},
                                                           {"assigned_rep_id", rep.json().at("id")}});
    ASSERT_EQ(store.status, 201);
    store_id = store.json().at("id").as_int64();

    // Two writers on their own connections; the server is killed while they write.
    std::mutex mutex;
    std::atomic<bool> stop{false};
    std::atomic<int> count{0};
    auto writer = [&](int w) {
      HttpClient c(server->port());
      c.token = token;
      for (int i = 0; !stop; ++i) {
        try {
          auto r = c.post("/api/v1/visits",
                          json::object{{"store_id", store_id},
                                       {"client_id", "w" + std::to_string(w) + "-" + std::to_string(i)}});
          if (r.status == 201) {
            std::lock_guard lock(mutex);
            acknowledged.insert(r.json().at("id").as_int64());
            ++count;
          }
        } catch (const std::exception&) {
          return;  // the server is gone
        }
      }
    };
    std::thread t1(writer, 1), t2(writer, 2);
    while (count < 150) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    server->kill_hard();
    stop = true;
    t1.join();
    t2.join();
  }
  ASSERT_GE(acknowledged.size(), 150u);

  ServerProcess restarted(db);
  HttpClient c(restarted.port());
  c.token = token;  // sessions are stored too
  std::set<std::int64_t> found;
  std::string cursor;
  do {
    auto r = c.get("/api/v1/visits?limit=500&store_id=" + std::to_string(store_id) +
                   (cursor.empty() ? "" : "&cursor=" + cursor));
    ASSERT_EQ(r.status, 200) << r.body;
    auto body = r.json();
    for (auto& v : body.at("items").as_array()) found.insert(v.at("id").as_int64());
    cursor = body.at("next_cursor").is_null() ? "" : std::string(body.at("next_cursor").as_string());
  } while (!cursor.empty());
  for (auto id : acknowledged) EXPECT_TRUE(found.contains(id)) << "acknowledged visit " << id << " lost";
  EXPECT_EQ(c.get("/healthz").status, 200);
  restarted.terminate();
  remove_database(db);
}

}  // namespace boucle::testing
