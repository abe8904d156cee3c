// The targeting, segment and KPI commands (`boucle target|segment|kpi --db FILE`) work on the
// database of a running server (SQLite WAL lets a second process in) and answer exactly what
// the API answers over HTTP.
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "api_fixture.hpp"

namespace boucle::testing {

namespace {

namespace fs = std::filesystem;

struct CliRun {
  int exit_code = -1;
  std::string out, err;
  json::value json() const { return json::parse(out); }
};

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

CliRun boucle(const std::vector<std::string>& args) {
  const fs::path dir = fs::path(::testing::TempDir()) / ("cli_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::string cmd = quote(boucle_binary());
  for (const auto& a : args) cmd += " " + quote(a);
  cmd += " >" + quote((dir / "out").string()) + " 2>" + quote((dir / "err").string());
  const int status = std::system(cmd.c_str());
  CliRun r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(dir / "out");
  r.err = slurp(dir / "err");
  return r;
}

}  // namespace

using Cli = ApiTest;

TEST_F(Cli, TargetSegmentAndKpiCommandsAnswerWhatTheApiAnswers) {
  const std::string db = world_->db;
  auto admin = as(world_->admin_token);

  // A preview: the same JSON as POST /api/v1/targeting/preview.
  const std::string hyper = "channel = \"hyper\"";
  auto cli = boucle({"target", "preview", hyper, "--db", db, "--json"});
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  auto http = admin.post("/api/v1/targeting/preview", json::object{{"expression", hyper}});
  ASSERT_EQ(http.status, 200) << http.body;
  EXPECT_EQ(cli.json(), http.json());
  EXPECT_EQ(cli.json().at("count").as_int64(), 1);

  // A segment created from the command line is the API's, found by its name.
  cli = boucle({"segment", "create", "Supers", "channel in (\"super\", \"hyper\")", "--db", db,
                "--json", "--description", "from the CLI"});
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  const auto id = cli.json().at("id").as_int64();
  http = admin.get("/api/v1/segments/" + std::to_string(id));
  ASSERT_EQ(http.status, 200) << http.body;
  EXPECT_EQ(http.json().at("member_count").as_int64(), 3);
  EXPECT_EQ(http.json().at("description"), "from the CLI");
  cli = boucle({"segment", "show", "Supers", "--db", db, "--json"});
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  EXPECT_EQ(cli.json().at("counts"),
            admin.get("/api/v1/segments/" + std::to_string(id) + "/counts").json());

  // KPIs of the segment: the same values as GET /api/v1/kpis.
  const std::string universe = "segment:" + std::to_string(id);
  cli = boucle({"kpi", "--db", db, "--json", "--universe", universe, "--where",
                "potential >= 0"});
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  http = admin.get("/api/v1/kpis?universe=" + universe + "&where=potential%20%3E%3D%200");
  ASSERT_EQ(http.status, 200) << http.body;
  EXPECT_EQ(cli.json().at("kpis"), http.json().at("kpis"));
  EXPECT_EQ(cli.json().at("universe"), http.json().at("universe"));

  // A bad expression: exit 1, the API's message, the expression with a caret under the byte.
  const std::string bad = "potential >= 60 and chanel = \"hyper\"";
  http = admin.post("/api/v1/targeting/preview", json::object{{"expression", bad}});
  ASSERT_EQ(http.status, 422);
  const auto problem = http.json();
  const auto& error = problem.at("errors").at(0);
  const auto position = static_cast<std::size_t>(error.at("position").as_int64());
  cli = boucle({"target", "preview", bad, "--db", db});
  EXPECT_EQ(cli.exit_code, 1);
  EXPECT_NE(cli.err.find(std::string(error.at("message").as_string())), std::string::npos)
      << cli.err;
  EXPECT_NE(cli.err.find("    " + bad + "\n    " + std::string(position, ' ') + "^\n"),
            std::string::npos)
      << cli.err;

  // An unknown segment, a bad universe (the API's 400), a usage error.
  cli = boucle({"segment", "show", "Nope", "--db", db});
  EXPECT_EQ(cli.exit_code, 1);
  EXPECT_NE(cli.err.find("no segment named"), std::string::npos) << cli.err;
  cli = boucle({"kpi", "--db", db, "--universe", "galaxy"});
  EXPECT_EQ(cli.exit_code, 1);
  EXPECT_NE(cli.err.find("universe: must be all, team"), std::string::npos) << cli.err;
  cli = boucle({"kpi", "--db", db, "--svg", "x.svg"});
  EXPECT_EQ(cli.exit_code, 2) << cli.err;
}

}  // namespace boucle::testing
