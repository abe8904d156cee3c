// The simulator: scenario files, the world and its hidden truth, the dynamics, the policies and
// the closed loop through the real API and SQLite.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <filesystem>
#include <set>

#include "api/analytics.hpp"
#include "sim/dynamics.hpp"
#include "sim/loop.hpp"
#include "sim/policy.hpp"
#include "sim/scenario.hpp"
#include "sim/world.hpp"
#include "storage/sqlite_storage.hpp"

namespace boucle::sim {
namespace {

namespace json = boost::json;

Scenario small(std::uint64_t seed = 3) {
  Scenario s;
  s.seed = seed;
  s.stores = 150;
  s.reps = 2;
  s.weeks = 4;
  s.planner.iterations = 40;
  return s;
}

// Everything drawn about the stores, hidden or not, as text.
std::string fingerprint(const World& w) {
  std::string out;
  for (const auto& s : w.stores) {
    out += s.store.code + s.store.name + std::to_string(s.store.location.lat) +
           std::to_string(s.store.location.lon) + std::to_string(s.rep) +
           std::to_string(s.truth.potential) + std::to_string(s.truth.responsiveness) +
           std::to_string(s.truth.delist_hazard) + std::to_string(s.assortment.size()) + ";";
  }
  for (const auto& u : w.users) out += u.user.email + u.user.name + ";";
  return out;
}

std::size_t new_listed(const World& w, const WorldState& st) {
  std::size_t n = 0;
  for (std::size_t s = 0; s < w.stores.size(); ++s) {
    for (std::size_t i = 0; i < w.stores[s].assortment.size(); ++i) {
      n += w.is_new(w.stores[s].assortment[i]) && st.stores[s].shelf[i].present ? 1 : 0;
    }
  }
  return n;
}

TEST(Scenario, DefaultsRoundTripAndStrictFields) {
  Scenario s;
  s.name = "round trip";
  s.truth.oos_hazard = 0.1;
  s.regime.week = 10;
  const auto back = scenario_from_json(to_json(s));
  EXPECT_EQ(json::serialize(to_json(back)), json::serialize(to_json(s)));

  auto err = [](const char* text) {
    try {
      scenario_from_json(json::parse(text).as_object());
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_EQ(err(R"({"truth": {"oos_hazard": 2}})"), "truth.oos_hazard: must be in [0, 1]");
  EXPECT_EQ(err(R"({"truth": {"colour": 1}})"), "truth.colour: is not a known field");
  EXPECT_EQ(err(R"({"stores": "many"})"), "stores: must be an integer");
  EXPECT_EQ(err(R"({"start": "2027-01-05"})"), "start: must be a Monday, YYYY-MM-DD");
  EXPECT_EQ(err(R"({"new_range": "XYZ"})"), "new_range: must be one of `ranges`");
  EXPECT_EQ(err(R"({"weeks": 12, "seed": 9})"), "accepted");
}

TEST(Scenario, ShippedFilesParseAndBuild) {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(BOUCLE_SCENARIOS_DIR)) {
    if (entry.path().extension() != ".json") continue;
    Scenario s = scenario_from_file(entry.path().string());
    s.stores = std::min(s.stores, 200);  // the world's shape, quickly
    s.reps = std::min(s.reps, 2);
    const auto w = build_world(s);
    EXPECT_EQ(w.stores.size(), static_cast<std::size_t>(s.stores)) << entry.path();
    EXPECT_GT(w.new_range_last, w.new_range_first) << entry.path();
    ++files;
  }
  EXPECT_GE(files, 3);
  EXPECT_THROW(scenario_from_file("/nonexistent/scenario.json"), std::invalid_argument);
}

TEST(World, SameSeedSameWorldOtherSeedOtherWorld) {
  const auto a = build_world(small(5));
  const auto b = build_world(small(5));
  const auto c = build_world(small(6));
  EXPECT_EQ(fingerprint(a), fingerprint(b));
  EXPECT_NE(fingerprint(a), fingerprint(c));
  EXPECT_EQ(a.stores.size(), 150u);
  EXPECT_EQ(a.reps(), 2);
}

TEST(World, HiddenTruthIsPartlyCorrelatedWithTheCrm) {
  Scenario sc = small();
  sc.stores = 600;
  const auto w = build_world(sc);
  int unresponsive = 0;
  double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
  for (const auto& s : w.stores) {
    unresponsive += s.truth.responsiveness == 0 ? 1 : 0;
    const double x = std::log(s.store.potential), y = std::log(s.truth.potential);
    sx += x, sy += y, sxx += x * x, syy += y * y, sxy += x * y;
  }
  const double n = static_cast<double>(w.stores.size());
  const double r = (sxy - sx * sy / n) / std::sqrt((sxx - sx * sx / n) * (syy - sy * sy / n));
  EXPECT_GT(r, 0.6) << "the CRM's potential says something about the truth";
  EXPECT_LT(r, 0.99) << "but not everything";
  const double share = unresponsive / n;
  EXPECT_GT(share, 0.2);
  EXPECT_LT(share, 0.5);
}

TEST(Dynamics, WithoutVisitsDistributionDecays) {
  Scenario sc = small();
  sc.stores = 400;
  sc.weeks = 30;
  const auto w = build_world(sc);
  auto st = initial_state(w);
  const double before = true_dn(w, st, "PDJ");
  for (int week = 0; week < 30; ++week) step_week(w, st, week, nullptr);
  const double after = true_dn(w, st, "PDJ");
  EXPECT_GT(before, 0.6);
  EXPECT_LT(after, before - 0.1) << "core products get delisted when nobody visits";
}

TEST(Dynamics, TheRightActionRaisesDistributionInExpectation) {
  Scenario sc = small();
  sc.stores = 400;
  const auto w = build_world(sc);
  const auto start = initial_state(w);
  auto visited = start;
  auto untouched = start;
  double expected = 0;
  int placed = 0;
  for (std::size_t s = 0; s < w.stores.size(); ++s) {
    int slots = 3;
    for (std::size_t i = 0; i < w.stores[s].assortment.size(); ++i) {
      if (w.is_new(w.stores[s].assortment[i]) && slots-- > 0) {
        expected += action_chance(sc.actions.place_new, visited.stores[s]);
      }
    }
    placed +=
        visit_store(w, static_cast<int>(s), visited.stores[s], 0, 0, core::VisitType::deep, false)
            .placed_new;
  }
  EXPECT_GT(new_listed(w, visited), new_listed(w, untouched) + 50);
  // The placements match their probabilities (a binomial sum: within five standard deviations).
  EXPECT_NEAR(placed, expected, 5 * std::sqrt(expected));
  for (int week = 0; week < 8; ++week) {
    step_week(w, visited, week, nullptr);
    step_week(w, untouched, week, nullptr);
  }
  EXPECT_GT(true_dn(w, visited, "PRO"), true_dn(w, untouched, "PRO") + 0.1);
}

TEST(Dynamics, UnresponsiveStoresDoNotRespond) {
  Scenario sc = small();
  sc.stores = 300;
  const auto w = build_world(sc);
  auto visited = initial_state(w);
  auto untouched = visited;
  int checked = 0;
  for (int week = 0; week < 6; ++week) {
    for (std::size_t s = 0; s < w.stores.size(); ++s) {
      if (visited.stores[s].responsiveness != 0) continue;
      const auto r = visit_store(w, static_cast<int>(s), visited.stores[s], week, 0,
                                 core::VisitType::deep, false);
      EXPECT_TRUE(r.blank());
      ++checked;
    }
    step_week(w, visited, week, nullptr);
    step_week(w, untouched, week, nullptr);
  }
  ASSERT_GT(checked, 100);
  for (std::size_t s = 0; s < w.stores.size(); ++s) {
    if (visited.stores[s].responsiveness != 0) continue;
    for (std::size_t i = 0; i < visited.stores[s].shelf.size(); ++i) {
      EXPECT_EQ(visited.stores[s].shelf[i].present, untouched.stores[s].shelf[i].present);
      EXPECT_EQ(visited.stores[s].shelf[i].facings, untouched.stores[s].shelf[i].facings);
    }
  }
}

TEST(Dynamics, RegimeChangeCutsTheNewRangeAndReshufflesResponsiveness) {
  Scenario with = small();
  with.regime.week = 2;
  with.regime.new_range_demand = 0.5;
  with.regime.reshuffle_share = 0.5;
  Scenario without = with;
  without.regime.week = -1;
  const auto wa = build_world(with);
  const auto wb = build_world(without);
  auto sa = initial_state(wa);
  for (std::size_t s = 0; s < wa.stores.size(); ++s) {  // the launch everywhere on the shelf
    for (std::size_t i = 0; i < wa.stores[s].assortment.size(); ++i) {
      if (!wa.is_new(wa.stores[s].assortment[i])) continue;
      sa.stores[s].shelf[i].present = true;
      sa.stores[s].shelf[i].facings = wa.stores[s].truth.base_facings;
    }
  }
  auto sb = sa;
  for (int week = 0; week < 2; ++week) {
    EXPECT_EQ(step_week(wa, sa, week, nullptr), step_week(wb, sb, week, nullptr)) << week;
  }
  int changed = 0;
  for (std::size_t s = 0; s < wa.stores.size(); ++s) {
    changed += sa.stores[s].responsiveness != sb.stores[s].responsiveness ? 1 : 0;
    EXPECT_EQ(sb.stores[s].responsiveness, wb.stores[s].truth.responsiveness);
  }
  EXPECT_GT(changed, 30) << "half the stores redraw their responsiveness";
  std::vector<std::vector<double>> ua, ub;
  step_week(wa, sa, 2, &ua);
  step_week(wb, sb, 2, &ub);
  double new_a = 0, new_b = 0;
  for (std::size_t s = 0; s < wa.stores.size(); ++s) {
    for (std::size_t i = 0; i < wa.stores[s].assortment.size(); ++i) {
      if (!wa.is_new(wa.stores[s].assortment[i])) continue;
      new_a += ua[s][i];
      new_b += ub[s][i];
    }
  }
  EXPECT_NEAR(new_a, 0.5 * new_b, 1e-6 * new_b) << "the same luck, half the demand";
}

TEST(Dynamics, SameLuckInBothWorlds) {
  const auto w = build_world(small());
  auto a = initial_state(w);
  auto b = a;
  for (int week = 0; week < 5; ++week) {
    EXPECT_EQ(step_week(w, a, week, nullptr), step_week(w, b, week, nullptr));
  }
}

TEST(Policies, OracleSkipsUnresponsiveStoresAndFrequencyWaitsItsTurn) {
  const auto w = build_world(small());
  const auto st = initial_state(w);
  std::vector<Observed> observed(w.stores.size());
  std::vector<int> all;
  for (std::size_t s = 0; s < w.stores.size(); ++s) all.push_back(static_cast<int>(s));
  PolicyInput in;
  in.stores = all;
  in.crm = CrmView{w.stores, w.catalog, observed, w.new_range_first, w.new_range_last};
  in.world = &w;
  in.truth = &st;
  auto oracle = make_policy("oracle", w.scenario);
  const auto picks = oracle->choose(in, 1000);
  ASSERT_FALSE(picks.empty());
  for (const auto& p : picks)
    EXPECT_GT(st.stores[static_cast<std::size_t>(p.store)].responsiveness, 0);
  for (std::size_t i = 1; i < picks.size(); ++i)
    EXPECT_GE(picks[i - 1].value_eur, picks[i].value_eur);

  auto frequency = make_policy("frequency", w.scenario);
  for (auto& o : observed) o.last_visit_week = 0;
  in.week = w.scenario.policy.frequency_weeks - 1;
  EXPECT_TRUE(frequency->choose(in, 1000).empty());
  in.week = w.scenario.policy.frequency_weeks;
  EXPECT_EQ(frequency->choose(in, 1000).size(), w.stores.size());
  EXPECT_THROW(make_policy("random", w.scenario), std::invalid_argument);
}

class ClosedLoop : public ::testing::Test {
 protected:
  static std::string temp_db(const char* name) {
    auto p = std::filesystem::temp_directory_path() /
             (std::string("boucle-sim-test-") + name + std::to_string(::getpid()) + ".db");
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(p.string() + suffix);
    return p.string();
  }
};

TEST_F(ClosedLoop, SameSeedSameRunAndTheCrmSeesNothingHidden) {
  const auto world = build_world(small());
  auto run = [&](const std::string& db) {
    auto policy = make_policy("rules", world.scenario);
    RunOptions o;
    o.db_path = db;
    auto r = run_closed_loop(world, *policy, o);
    r.at("summary").as_object().erase("seconds");
    return r;
  };
  const auto db = temp_db("a");
  const auto first = run(db);
  const auto second = run(temp_db("b"));
  EXPECT_EQ(json::serialize(first), json::serialize(second));

  const auto& weeks = first.at("weeks").as_array();
  ASSERT_EQ(weeks.size(), 4u);
  std::int64_t done = 0, cancelled = 0;
  for (const auto& w : weeks) {
    done += w.at("visits_done").as_int64();
    cancelled += w.at("cancelled").as_int64();
    const double dn = w.at("dn_new_range").as_double();
    EXPECT_GE(dn, w.at("baseline_dn_new_range").as_double());
    EXPECT_TRUE(w.as_object().contains("incremental_margin"));
    EXPECT_GE(w.at("crm_dn_new_range").as_double(), 0.0);
    EXPECT_LE(w.at("crm_dn_new_range").as_double(), 1.0);
  }
  EXPECT_GT(done, 20);
  EXPECT_GT(weeks.back().at("crm_dn_new_range").as_double(), 0.0) << "audits saw some placements";

  // What the CRM holds: the visits done with their audits, the CRM's own potentials; none of
  // the truth (true potential, responsiveness, hazards) appears in any stored record.
  auto storage = storage::open_sqlite(db);
  storage->read([&](storage::Tx& tx) {
    std::int64_t visits_done = 0, visits_cancelled = 0;
    storage::Page page{0, 500};
    while (true) {
      auto r = tx.visits({}, {}, page);
      for (const auto& v : r.items) {
        visits_done += v.status == core::VisitStatus::done ? 1 : 0;
        visits_cancelled += v.status == core::VisitStatus::cancelled ? 1 : 0;
      }
      if (!r.next_after) break;
      page.after = *r.next_after;
    }
    EXPECT_EQ(visits_done, done);
    EXPECT_EQ(visits_cancelled, cancelled);
    for (const auto& s : world.stores) {
      const auto stored = tx.store_by_code(s.store.code);
      ASSERT_TRUE(stored);
      EXPECT_NEAR(stored->potential, s.store.potential, 0.006);
    }
    EXPECT_GT(tx.counts().sales, 0);
  });
  // Read the file raw: no column is named after the truth, and no stored number is one of the
  // hidden values (true potentials, responsiveness, relationship, hazards are random doubles:
  // an exact match would be a leak).
  std::set<double> hidden;
  for (const auto& s : world.stores) {
    for (double v : {s.truth.potential, s.truth.responsiveness, s.truth.relationship,
                     s.truth.delist_hazard, s.truth.oos_hazard, s.truth.price_markup}) {
      if (v != 0) hidden.insert(v);
    }
  }
  SQLite::Database raw(db, SQLite::OPEN_READONLY);
  SQLite::Statement tables(raw, "SELECT name FROM sqlite_master WHERE type = 'table'");
  int tables_read = 0, reals = 0;
  while (tables.executeStep()) {
    const std::string table = tables.getColumn(0).getString();
    SQLite::Statement rows(raw, "SELECT * FROM \"" + table + "\"");
    for (int c = 0; c < rows.getColumnCount(); ++c) {
      const std::string column = rows.getColumnName(c);
      for (const char* word : {"respons", "relationship", "hazard", "truth", "markup"}) {
        EXPECT_EQ(column.find(word), std::string::npos) << table << "." << column;
      }
    }
    while (rows.executeStep()) {
      for (int c = 0; c < rows.getColumnCount(); ++c) {
        if (rows.getColumn(c).getType() != SQLITE_FLOAT) continue;
        ++reals;
        EXPECT_FALSE(hidden.contains(rows.getColumn(c).getDouble())) << table;
      }
    }
    ++tables_read;
  }
  EXPECT_GT(tables_read, 8);
  EXPECT_GT(reals, 100);
}

// A campaign run through the CRM: its segment and control group come from the API, its treated
// members carry its value into the priorities, and its progress is measured from the audits the
// loop wrote, next to the hidden truth of both groups.
TEST_F(ClosedLoop, CampaignProgressIsMeasuredAgainstItsControlGroup) {
  Scenario sc = small();
  sc.weeks = 6;
  sc.campaign.enabled = true;
  sc.campaign.expression = "potential >= 0.3";
  sc.campaign.start_week = 1;
  sc.campaign.weeks = 4;
  sc.campaign.control_share = 0.4;
  sc.campaign.visit_value_eur = 60;
  const auto world = build_world(sc);
  auto policy = make_policy("frequency", world.scenario);
  RunOptions o;
  o.db_path = temp_db("campaign");
  const auto run = run_closed_loop(world, *policy, o);

  const auto& campaign = run.at("campaign").as_object();
  const auto& progress = campaign.at("progress").as_object();
  const auto& weeks = progress.at("weeks").as_array();
  ASSERT_EQ(weeks.size(), 4u) << "one point per campaign week";
  EXPECT_EQ(progress.at("treated").as_array().size(), 4u);
  EXPECT_EQ(progress.at("control").as_array().size(), 4u);
  EXPECT_EQ(progress.at("goal_line").as_array().size(), 4u);
  const auto& summary = progress.at("summary").as_object();
  const auto treated = summary.at("stores_treated").as_int64();
  const auto control = summary.at("stores_control").as_int64();
  EXPECT_GT(treated, 10);
  EXPECT_GT(control, 10);
  EXPECT_EQ(campaign.at("truth").as_array().size(), 5u) << "truth from the start week on";

  // The campaign's value moved visits to its treated members: more visits per treated store
  // than per control store during the campaign, read back from the database.
  SQLite::Database raw(o.db_path, SQLite::OPEN_READONLY);
  SQLite::Statement q(raw,
                      "SELECT COUNT(*) FROM visits v JOIN segment_members m ON m.store_id = "
                      "v.store_id WHERE v.status = 'done' AND m.store_id = ?1");
  std::int64_t treated_visits = 0, control_visits = 0;
  SQLite::Statement members(raw, "SELECT store_id FROM segment_members");
  core::Campaign c;
  c.seed = static_cast<std::int64_t>(sc.seed % 1'000'000'000);
  c.control_share = sc.campaign.control_share;
  std::int64_t n_treated = 0, n_control = 0;
  while (members.executeStep()) {
    const auto id = members.getColumn(0).getInt64();
    q.reset();
    q.bind(1, static_cast<int64_t>(id));
    q.executeStep();
    const auto n = q.getColumn(0).getInt64();
    if (api::in_control_group(c, id)) {
      control_visits += n, ++n_control;
    } else {
      treated_visits += n, ++n_treated;
    }
  }
  EXPECT_EQ(n_treated, treated);
  EXPECT_EQ(n_control, control);
  EXPECT_GT(static_cast<double>(treated_visits) / static_cast<double>(n_treated),
            1.2 * static_cast<double>(control_visits) / static_cast<double>(n_control));
}

}  // namespace
}  // namespace boucle::sim
