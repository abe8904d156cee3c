// The KPIs and segments the API serves, on a database the closed loop filled with realistic
// visits, audits, orders, plans and sales, against a recomputation written here straight from
// the definitions of src/target/kpi.hpp and docs/TARGETING.md, over the raw tables (SQL + C++,
// no target:: or api:: computation).
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <set>

#include "api/app.hpp"
#include "sim/crm.hpp"
#include "sim/loop.hpp"
#include "sim/policy.hpp"
#include "sim/scenario.hpp"
#include "sim/world.hpp"
#include "storage/sqlite_storage.hpp"

namespace boucle::sim {
namespace {

namespace json = boost::json;
using Id = std::int64_t;

std::int64_t day_of(std::int64_t t) { return t >= 0 ? t / 86400 : -((-t + 86399) / 86400); }

std::string civil(std::int64_t days) {
  const std::time_t t = static_cast<std::time_t>(days * 86400);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

std::int64_t parse_day(const std::string& date) {
  std::tm tm{};
  tm.tm_year = std::stoi(date.substr(0, 4)) - 1900;
  tm.tm_mon = std::stoi(date.substr(5, 2)) - 1;
  tm.tm_mday = std::stoi(date.substr(8, 2));
  return static_cast<std::int64_t>(timegm(&tm)) / 86400;
}

std::string url_encode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == ':' || c == ',') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The raw tables, as stored.
struct Raw {
  struct Store {
    Id id = 0, rep = 0;
    double potential = 0;
    int frequency = 0;
    std::string channel, postcode;
  };
  struct Visit {
    Id id = 0, store = 0;
    std::string status;
    std::int64_t planned_at = 0, checkin = 0, checkout = 0;  // 0: none
    bool ordered = false, from_plan = false;
    int category_facings = -1;
  };
  struct Audit {
    Id id = 0, visit = 0, store = 0, product = 0;
    std::int64_t at = 0;
    bool present = false, oos = false;
    int facings = 0;
    bool gain = false;  // present and in stock, the previous reading of the product absent or OOS
  };
  std::map<Id, Store> stores;
  std::map<Id, std::string> product_range;
  std::vector<Visit> visits;
  std::map<Id, std::size_t> visit_index;
  std::vector<Audit> audits;
  std::map<std::pair<Id, std::int64_t>, std::int64_t> drive;  // (rep, day) -> seconds

  explicit Raw(const std::string& path) {
    SQLite::Database db(path, SQLite::OPEN_READONLY);
    SQLite::Statement s(db, "SELECT id, COALESCE(assigned_rep_id, 0), potential, visit_frequency_days, "
                            "channel, postcode FROM stores WHERE deleted = 0");
    while (s.executeStep()) {
      Store st{s.getColumn(0).getInt64(), s.getColumn(1).getInt64(), s.getColumn(2).getDouble(),
               s.getColumn(3).getInt(), s.getColumn(4).getString(), s.getColumn(5).getString()};
      stores[st.id] = st;
    }
    SQLite::Statement p(db, "SELECT id, range FROM products WHERE deleted = 0");
    while (p.executeStep()) product_range[p.getColumn(0).getInt64()] = p.getColumn(1).getString();
    SQLite::Statement v(db,
                        "SELECT v.id, v.store_id, v.status, COALESCE(v.planned_at, 0), "
                        "COALESCE(v.checkin_at, 0), COALESCE(v.checkout_at, 0), v.checkout_at IS NULL, "
                        "(SELECT COUNT(*) FROM orders o WHERE o.visit_id = v.id AND o.deleted = 0 "
                        "   AND o.status = 'confirmed'), "
                        "(SELECT COUNT(*) FROM plan_stops ps WHERE ps.visit_id = v.id), "
                        "COALESCE(v.category_facings, -1) FROM visits v WHERE v.deleted = 0 ORDER BY v.id");
    while (v.executeStep()) {
      Visit x;
      x.id = v.getColumn(0).getInt64();
      x.store = v.getColumn(1).getInt64();
      if (!stores.contains(x.store)) continue;
      x.status = v.getColumn(2).getString();
      x.planned_at = v.getColumn(3).getInt64();
      x.checkin = v.getColumn(4).getInt64();
      x.checkout = v.getColumn(6).getInt() ? -1 : v.getColumn(5).getInt64();
      x.ordered = v.getColumn(7).getInt64() > 0;
      x.from_plan = v.getColumn(8).getInt64() > 0;
      x.category_facings = v.getColumn(9).getInt();
      visit_index[x.id] = visits.size();
      visits.push_back(x);
    }
    SQLite::Statement a(db,
                        "SELECT a.id, a.visit_id, a.product_id, a.present, a.out_of_stock, a.facings "
                        "FROM audits a WHERE a.deleted = 0 ORDER BY a.id");
    while (a.executeStep()) {
      Audit x;
      x.id = a.getColumn(0).getInt64();
      x.visit = a.getColumn(1).getInt64();
      x.product = a.getColumn(2).getInt64();
      auto vi = visit_index.find(x.visit);
      if (vi == visit_index.end() || !product_range.contains(x.product)) continue;
      const auto& vis = visits[vi->second];
      if (vis.status != "done") continue;
      x.store = vis.store;
      x.at = vis.checkin;
      x.present = a.getColumn(3).getInt() != 0;
      x.oos = a.getColumn(4).getInt() != 0;
      x.facings = a.getColumn(5).getInt();
      audits.push_back(x);
    }
    // Distribution gains: readings of one (store, product) in time order, ties by id.
    std::map<std::pair<Id, Id>, std::vector<std::size_t>> readings;
    for (std::size_t i = 0; i < audits.size(); ++i) readings[{audits[i].store, audits[i].product}].push_back(i);
    for (auto& [key, list] : readings) {
      std::sort(list.begin(), list.end(), [&](std::size_t x, std::size_t y) {
        return std::pair(audits[x].at, audits[x].id) < std::pair(audits[y].at, audits[y].id);
      });
      for (std::size_t k = 1; k < list.size(); ++k) {
        const auto& prev = audits[list[k - 1]];
        auto& cur = audits[list[k]];
        cur.gain = cur.present && !cur.oos && (!prev.present || prev.oos);
      }
    }
    // Driving: the latest published plan of each rep and date.
    SQLite::Statement d(db,
                        "SELECT p.id, p.rep_id, d.date, d.drive_seconds FROM plan_days d "
                        "JOIN plans p ON p.id = d.plan_id WHERE p.deleted = 0 AND p.published_at IS NOT NULL");
    std::map<std::pair<Id, std::int64_t>, std::pair<Id, std::int64_t>> latest;
    while (d.executeStep()) {
      const std::pair key{d.getColumn(1).getInt64(), parse_day(d.getColumn(2).getString())};
      const std::pair val{d.getColumn(0).getInt64(), d.getColumn(3).getInt64()};
      if (!latest.contains(key) || latest[key].first < val.first) latest[key] = val;
    }
    for (const auto& [key, val] : latest) drive[key] = val.second;
  }
};

struct Value {
  double num = 0, den = 0;
};

struct Query {
  std::set<Id> stores;
  std::set<Id> products;  // selected
  std::int64_t from = 0, to = 0, now = 0;
};

// Every KPI of docs/KPIS.md, by name.
std::map<std::string, Value> recompute(const Raw& raw, const Query& q) {
  std::map<std::string, Value> out;
  const std::int64_t t = std::min(q.to * 86400 + 86399, q.now);
  const std::int64_t today = day_of(q.now);
  std::set<Id> reps;
  for (Id s : q.stores) {
    if (raw.stores.at(s).rep) reps.insert(raw.stores.at(s).rep);
  }
  // States.
  std::map<std::pair<Id, Id>, const Raw::Audit*> latest;
  for (const auto& a : raw.audits) {
    if (a.at > t || !q.stores.contains(a.store) || !q.products.contains(a.product)) continue;
    auto& l = latest[{a.store, a.product}];
    if (!l || std::pair(a.at, a.id) > std::pair(l->at, l->id)) l = &a;
  }
  std::set<Id> distributed;
  for (const auto& [key, a] : latest) {
    if (a->present) distributed.insert(key.first);
  }
  std::map<Id, std::int64_t> last_visit;
  for (const auto& v : raw.visits) {
    if (v.status == "done" && v.checkin <= t && q.stores.contains(v.store)) {
      last_visit[v.store] = std::max(last_visit[v.store], v.checkin);
    }
  }
  for (Id s : q.stores) {
    const auto& st = raw.stores.at(s);
    out["dn"].den += 1;
    out["dv"].den += st.potential;
    if (distributed.contains(s)) {
      out["dn"].num += 1;
      out["dv"].num += st.potential;
    }
    if (st.frequency > 0) {
      out["coverage"].den += 1;
      auto it = last_visit.find(s);
      if (it != last_visit.end() && t - it->second <= std::int64_t{st.frequency} * 86400) out["coverage"].num += 1;
    }
  }
  // Flows.
  std::map<Id, std::vector<const Raw::Audit*>> audits_of;
  for (const auto& a : raw.audits) audits_of[a.visit].push_back(&a);
  double in_store = 0;
  for (const auto& v : raw.visits) {
    if (!q.stores.contains(v.store)) continue;
    if (v.from_plan && v.planned_at > 0 && v.planned_at < q.now && day_of(v.planned_at) >= q.from &&
        day_of(v.planned_at) <= q.to) {
      out["plan_adherence"].den += 1;
      out["plan_adherence"].num += v.status == "done";
    }
    if (v.status != "done" || day_of(v.checkin) < q.from || day_of(v.checkin) > q.to) continue;
    bool gain = false;
    std::int64_t facings = 0;
    for (const auto* a : audits_of[v.id]) {
      gain = gain || a->gain;
      if (!q.products.contains(a->product)) continue;
      facings += a->facings;
      if (a->present) {
        out["oos_rate"].den += 1;
        out["oos_rate"].num += a->oos;
      }
    }
    out["strike_rate"].den += 1;
    out["strike_rate"].num += v.ordered;
    out["blank_visit_rate"].den += 1;
    out["blank_visit_rate"].num += !v.ordered && !gain;
    if (v.category_facings >= 0) {
      out["share_of_shelf"].num += static_cast<double>(facings);
      out["share_of_shelf"].den += v.category_facings;
    }
    if (v.checkout >= 0) in_store += static_cast<double>(std::max<std::int64_t>(0, v.checkout - v.checkin));
  }
  double driving = 0;
  for (const auto& [key, seconds] : raw.drive) {
    if (reps.contains(key.first) && key.second >= q.from && key.second <= std::min(q.to, today)) {
      driving += static_cast<double>(seconds);
    }
  }
  out["time_in_store_share"] = {in_store / 3600, (in_store + driving) / 3600};
  for (const char* k : {"oos_rate", "share_of_shelf", "plan_adherence"}) out[k];  // present even if 0/0
  return out;
}

void expect_same(const json::value& kpi, const Value& mine, const std::string& where) {
  const std::string name(kpi.at("kpi").as_string());
  const double num = kpi.at("numerator").to_number<double>(), den = kpi.at("denominator").to_number<double>();
  const double tol = 0.0006 + 1e-9 * std::abs(mine.den);
  EXPECT_NEAR(num, mine.num, tol) << name << " numerator, " << where;
  EXPECT_NEAR(den, mine.den, tol) << name << " denominator, " << where;
  if (mine.den == 0) {
    EXPECT_TRUE(kpi.at("value").is_null()) << name << ", " << where << ": " << json::serialize(kpi);
  } else {
    ASSERT_TRUE(kpi.at("value").is_number()) << name << ", " << where;
    EXPECT_NEAR(kpi.at("value").to_number<double>(), 100 * mine.num / mine.den, 0.0051)
        << name << ", " << where;
  }
}

constexpr const char* ARA[] = {"01", "03", "07", "15", "26", "38", "42", "43", "63", "69", "73", "74"};

TEST(KpiCheck, ApiKpisAndSegmentsMatchARecomputationOverTheRawTables) {
  Scenario sc;
  sc.seed = 5;
  sc.stores = 300;
  sc.reps = 2;
  sc.weeks = 5;
  sc.start = "2026-01-05";  // a Monday in the past: every record is before the real clock
  sc.planner.iterations = 40;
  const auto world = build_world(sc);
  const auto db_path = (std::filesystem::temp_directory_path() /
                        ("boucle-kpi-check-" + std::to_string(::getpid()) + ".db"))
                           .string();
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db_path + suffix);
  {
    auto policy = make_policy("rules", world.scenario);
    RunOptions o;
    o.db_path = db_path;
    run_closed_loop(world, *policy, o);
  }
  const Raw raw(db_path);
  ASSERT_EQ(raw.stores.size(), 300u);
  std::int64_t first = std::numeric_limits<std::int64_t>::max(), last = 0;
  int done = 0, ordered = 0, planned = 0;
  for (const auto& v : raw.visits) {
    if (v.status != "done") continue;
    ++done;
    ordered += v.ordered;
    planned += v.from_plan;
    first = std::min(first, day_of(v.checkin));
    last = std::max(last, day_of(v.checkin));
  }
  ASSERT_GT(done, 50);
  ASSERT_GT(ordered, 0);
  ASSERT_GT(planned, 0);
  ASSERT_GT(raw.audits.size(), 100u);
  ASSERT_FALSE(raw.drive.empty());

  auto storage = storage::open_sqlite(db_path);
  api::App app(*storage, api::Config{});
  CrmClient client(app);
  const auto& admin = world.users.at(0);
  const std::string token = client.login(admin.user.email, admin.password);
  auto get = [&](const std::string& target) { return client.call(api::Method::get, target, token); };

  std::set<Id> all_products;
  std::map<std::string, std::set<Id>> by_range;
  for (const auto& [id, range] : raw.product_range) {
    all_products.insert(id);
    by_range[lower(range)].insert(id);
  }
  std::set<Id> all_stores;
  std::map<Id, std::set<Id>> by_rep;
  std::map<std::string, std::set<Id>> by_department;
  std::set<Id> ara;
  for (const auto& [id, s] : raw.stores) {
    all_stores.insert(id);
    if (s.rep) by_rep[s.rep].insert(id);
    const std::string dep = s.postcode.substr(0, 2);
    by_department[dep].insert(id);
    if (std::find(std::begin(ARA), std::end(ARA), dep) != std::end(ARA)) ara.insert(id);
  }
  ASSERT_EQ(by_rep.size(), 2u);
  std::string big_department;
  for (const auto& [dep, ids] : by_department) {
    if (big_department.empty() || ids.size() > by_department[big_department].size()) big_department = dep;
  }
  const std::string range_name = std::string(world.catalog.front().product.range);

  struct Case {
    std::string universe;
    std::set<Id> stores;
    std::string selection;  // "&range=…" or ""
    std::set<Id> products;
    std::int64_t from, to;
  };
  const Id rep0 = by_rep.begin()->first;
  std::vector<Case> cases = {
      {"all", all_stores, "", all_products, first, last},
      {"all", all_stores, "&range=" + url_encode(range_name), by_range.at(lower(range_name)), first, last},
      {"all", all_stores, "", all_products, first + 7, first + 20},  // states in the middle of the run
      {"rep:" + std::to_string(rep0), by_rep.at(rep0), "", all_products, first, last},
      {"rep:" + std::to_string(rep0), by_rep.at(rep0), "&range=" + url_encode(range_name),
       by_range.at(lower(range_name)), first + 3, last - 5},
      {"region:" + url_encode("Auvergne-Rhône-Alpes"), ara, "", all_products, first, last},
      {"department:" + big_department, by_department.at(big_department), "", all_products, first, last},
  };
  ASSERT_FALSE(ara.empty()) << "the default scenario's area is Auvergne-Rhône-Alpes";
  for (const auto& c : cases) {
    const std::string target = "/api/v1/kpis?universe=" + c.universe + c.selection + "&from=" + civil(c.from) +
                               "&to=" + civil(c.to);
    const auto now = std::time(nullptr);
    const auto answer = get(target);
    const auto mine = recompute(raw, {c.stores, c.products, c.from, c.to, now});
    EXPECT_EQ(answer.at("universe").at("stores").as_int64(), static_cast<std::int64_t>(c.stores.size())) << target;
    ASSERT_EQ(answer.at("kpis").as_array().size(), 9u);
    for (const auto& k : answer.at("kpis").as_array()) {
      const std::string name(k.at("kpi").as_string());
      ASSERT_TRUE(mine.contains(name)) << name;
      expect_same(k, mine.at(name), target);
    }
    // The values say something: a realistic run has distribution, orders and driving.
    if (c.universe == "all" && c.selection.empty() && c.from == first) {
      for (const auto& [name, v] : mine) std::printf("  %-20s %10.3f / %10.3f\n", name.c_str(), v.num, v.den);
      EXPECT_GT(mine.at("dn").num, 0);
      EXPECT_GT(mine.at("strike_rate").num, 0);
      EXPECT_GT(mine.at("time_in_store_share").den, mine.at("time_in_store_share").num);
      EXPECT_GT(mine.at("plan_adherence").den, 0);
    }
  }

  // The weekly series: each week equals the recomputation over its own days.
  for (const auto& c : {cases[0], cases[4]}) {
    const std::string target = "/api/v1/kpis/series?universe=" + c.universe + c.selection +
                               "&from=" + civil(c.from) + "&to=" + civil(c.to);
    const auto now = std::time(nullptr);
    const auto answer = get(target);
    const auto& weeks = answer.at("weeks").as_array();
    ASSERT_GE(weeks.size(), 2u) << target;
    const auto& series = answer.at("series").as_array();
    ASSERT_EQ(series.size(), 9u);
    for (std::size_t w = 0; w < weeks.size(); ++w) {
      const auto monday = parse_day(std::string(weeks[w].as_string()));
      EXPECT_EQ((monday + 3) % 7, 0) << weeks[w] << " is not a Monday";
      const auto mine = recompute(raw, {c.stores, c.products, std::max(c.from, monday), std::min(c.to, monday + 6), now});
      for (const auto& s : series) {
        const std::string name(s.at("kpi").as_string());
        json::object k{{"kpi", name},
                       {"value", s.at("values").at(w)},
                       {"numerator", s.at("numerators").at(w)},
                       {"denominator", s.at("denominators").at(w)}};
        expect_same(k, mine.at(name), target + " week " + std::string(weeks[w].as_string()));
      }
    }
  }

  // Segments: the members the API computes are those a brute-force pass over the tables finds.
  std::vector<double> potentials;
  for (const auto& [id, s] : raw.stores) potentials.push_back(s.potential);
  std::nth_element(potentials.begin(), potentials.begin() + 150, potentials.end());
  const int threshold = static_cast<int>(std::floor(potentials[150]));
  const std::int64_t today = day_of(std::time(nullptr));
  const std::int64_t days = today - last + 10;  // splits recently visited stores from the others
  std::map<Id, std::int64_t> last_day;
  for (const auto& v : raw.visits) {
    if (v.status == "done") last_day[v.store] = std::max(last_day[v.store], day_of(v.checkin));
  }
  struct SegmentCase {
    std::string expression;
    std::set<Id> expected;
  };
  std::vector<SegmentCase> segments = {
      {"channel in (\"hyper\",\"super\") and potential >= " + std::to_string(threshold), {}},
      {"days_since_visit > " + std::to_string(days), {}},
      {"not days_since_visit > " + std::to_string(days) + " or channel = \"proxi\"", {}}};
  for (const auto& [id, s] : raw.stores) {
    const bool big = (s.channel == "hyper" || s.channel == "super") && s.potential >= threshold;
    const bool stale = !last_day.contains(id) || today - last_day.at(id) > days;
    if (big) segments[0].expected.insert(id);
    if (stale) segments[1].expected.insert(id);
    if (!stale || s.channel == "proxi") segments[2].expected.insert(id);
  }
  int n = 0;
  for (const auto& seg : segments) {
    ASSERT_GT(seg.expected.size(), 5u) << seg.expression;
    ASSERT_LT(seg.expected.size(), 295u) << seg.expression;
    const auto created = client.post("/api/v1/segments", token,
                                     json::object{{"name", "check " + std::to_string(++n)},
                                                  {"expression", seg.expression}});
    EXPECT_EQ(created.at("member_count").as_int64(), static_cast<std::int64_t>(seg.expected.size()))
        << seg.expression;
    std::set<Id> members;
    for (const auto& m : client.all("/api/v1/segments/" + std::to_string(created.at("id").as_int64()) + "/members",
                                    token)) {
      members.insert(m.at("id").as_int64());
    }
    EXPECT_EQ(members, seg.expected) << seg.expression;
  }

  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db_path + suffix);
}

}  // namespace
}  // namespace boucle::sim
