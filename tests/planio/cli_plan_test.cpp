// Runs the built `boucle plan` on the example week and checks what a user relies on.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

const fs::path EXAMPLE = fs::path(BOUCLE_SOURCE_DIR) / "docs/examples/week-problem.json";

struct Run {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Run run_boucle(const std::string& args, const std::string& name) {
  const fs::path dir = fs::path(testing::TempDir()) / "cli_plan";
  fs::create_directories(dir);
  const auto out = dir / (name + ".out");
  const auto err = dir / (name + ".err");
  const std::string cmd = std::string("'") + BOUCLE_BINARY + "' " + args + " >'" + out.string() +
                          "' 2>'" + err.string() + "'";
  const int status = std::system(cmd.c_str());
  Run r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

std::string plan_args(const std::string& extra = "") {
  return "plan --input '" + EXAMPLE.string() + "' --iterations 400 --time-limit 120 --seed 7 " +
         extra;
}

TEST(CliPlan, PlansTheExampleWeek) {
  const auto r = run_boucle(plan_args(), "week");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("improved: iteration"), std::string::npos) << r.err;
  const auto plan = json::parse(r.out);
  const auto problem = json::parse(slurp(EXAMPLE));

  // Every visit exactly once: planned in one stop or listed as unplanned.
  std::map<std::string, int> seen;
  for (const auto& route : plan.at("routes").as_array()) {
    for (const auto& stop : route.at("stops").as_array())
      ++seen[json::value_to<std::string>(stop.at("visit"))];
  }
  for (const auto& u : plan.at("unplanned").as_array()) {
    ++seen[json::value_to<std::string>(u.at("visit"))];
    EXPECT_FALSE(u.at("reason").as_string().empty());
  }
  const auto& visits = problem.at("visits").as_array();
  EXPECT_EQ(seen.size(), visits.size());
  for (const auto& v : visits) {
    const auto id = json::value_to<std::string>(v.at("id"));
    EXPECT_EQ(seen[id], 1) << id;
  }
  // Mandatory visits and appointments are planned.
  std::map<std::string, bool> planned;
  for (const auto& route : plan.at("routes").as_array()) {
    for (const auto& stop : route.at("stops").as_array()) {
      planned[json::value_to<std::string>(stop.at("visit"))] = true;
    }
  }
  for (const auto& v : visits) {
    const auto* kind = v.as_object().if_contains("kind");
    if (kind && kind->as_string() != "optional") {
      EXPECT_TRUE(planned[json::value_to<std::string>(v.at("id"))]) << v.at("id");
    }
  }
  const auto& objective = plan.at("objective");
  EXPECT_EQ(objective.at("mandatory_planned"), objective.at("mandatory_total"));
  EXPECT_EQ(plan.at("stats").at("iterations").to_number<std::int64_t>() > 0, true);
}

TEST(CliPlan, SameInputAndSeedGiveTheSameBytes) {
  const auto a = run_boucle(plan_args("--no-timing --quiet"), "same_a");
  const auto b = run_boucle(plan_args("--no-timing --quiet --output -"), "same_b");
  ASSERT_EQ(a.exit_code, 0) << a.err;
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_EQ(a.out, b.out);
  EXPECT_TRUE(a.err.empty()) << a.err;
}

TEST(CliPlan, WritesTheOutputFile) {
  const auto file = fs::path(testing::TempDir()) / "cli_plan" / "written.json";
  fs::remove(file);
  const auto r = run_boucle(plan_args("--quiet --output '" + file.string() + "'"), "file");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.empty());
  EXPECT_NO_THROW(json::parse(slurp(file)));
}

TEST(CliPlan, InvalidProblemExitsWithItsErrors) {
  const auto dir = fs::path(testing::TempDir()) / "cli_plan";
  fs::create_directories(dir);
  auto problem = json::parse(slurp(EXAMPLE));
  problem.at("visits").at(2).as_object()["duration_minutes"] = -3;
  problem.at("reps").at(0).as_object()["colour"] = "blue";
  std::ofstream(dir / "bad.json") << json::serialize(problem);
  const auto r = run_boucle("plan --input '" + (dir / "bad.json").string() + "'", "bad");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(r.out.empty());
  EXPECT_NE(r.err.find("visits[2].duration_minutes"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("reps[0].colour"), std::string::npos) << r.err;

  std::ofstream(dir / "broken.json") << "{\"horizon\": [1,\n 2,,]}";
  const auto b = run_boucle("plan --input '" + (dir / "broken.json").string() + "'", "broken");
  EXPECT_EQ(b.exit_code, 1);
  EXPECT_NE(b.err.find("line 2"), std::string::npos) << b.err;
}

TEST(CliPlan, ListsTheLocationsForMatrixAuthors) {
  const auto r = run_boucle("plan --list-locations --input '" + EXAMPLE.string() + "'", "list");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("0\thome:R1\thome\t45.771900\t4.890200\n", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("visit:V01a visit:V01b\tCarrefour Vénissieux"), std::string::npos) << r.out;
}

}  // namespace
