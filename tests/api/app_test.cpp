#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "api/app.hpp"
#include "api/json_input.hpp"
#include "api/router.hpp"

// In-process checks of the pieces under the HTTP API: routing, problem documents, input reading.
namespace boucle::api {

TEST(Router, MatchesIdsAndReportsAllowedMethods) {
  Router r;
  r.add({Method::get, "/a/{id}", "", "", {}, Body::none, {}, "", "", nullptr});
  r.add({Method::patch, "/a/{id}", "", "", {}, Body::none, {}, "", "", nullptr});
  r.add({Method::get, "/a/{id}/b/{id}", "", "", {}, Body::none, {}, "", "", nullptr});
  std::vector<Method> allowed;
  auto m = r.match(Method::get, "/a/42/b/7", allowed);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->ids, (std::vector<core::Id>{42, 7}));
  EXPECT_FALSE(r.match(Method::get, "/a/0", allowed));
  EXPECT_TRUE(allowed.empty());
  EXPECT_FALSE(r.match(Method::get, "/a/1x", allowed));
  EXPECT_FALSE(r.match(Method::get, "/a/42/", allowed));
  EXPECT_FALSE(r.match(Method::del, "/a/42", allowed));
  EXPECT_EQ(allowed, (std::vector<Method>{Method::get, Method::patch}));
  EXPECT_TRUE(r.match(Method::head, "/a/42", allowed));
}

TEST(Problem, CarriesStatusTypeAndFieldErrors) {
  auto res = problem_response(core::Error(core::ErrorCode::bad_csv, "2 rows are invalid",
                                          {{"lat", "must be a number", 3}}));
  EXPECT_EQ(res.status, 422);
  EXPECT_EQ(res.content_type, "application/problem+json");
  auto body = boost::json::parse(res.body);
  EXPECT_EQ(body.at("type"), "https://boucle.dev/problems/bad-csv");
  EXPECT_EQ(body.at("errors").at(0).at("line"), 3);
  EXPECT_EQ(body.at("code"), static_cast<int>(core::ErrorCode::bad_csv));
}

TEST(ObjectReader, CollectsEveryProblemThenThrows) {
  auto obj = boost::json::parse(R"({"n": 1.5, "s": 3, "extra": true, "big": 18446744073709551615})").as_object();
  ObjectReader in(obj);
  EXPECT_FALSE(in.integer("n", Need::required, 0, 10));
  EXPECT_FALSE(in.string("s", Need::required));
  EXPECT_FALSE(in.string("missing", Need::required));
  EXPECT_FALSE(in.integer("big", Need::required, 0, INT64_MAX));
  try {
    in.finish();
    FAIL();
  } catch (const core::Error& e) {
    EXPECT_EQ(e.code(), core::ErrorCode::validation);
    EXPECT_EQ(e.errors().size(), 5u);  // n, s, missing, big, extra
  }
}

TEST(BodyLimit, ImportsMayBeLarger) {
  Config c;
  EXPECT_EQ(body_limit_for(c, "/api/v1/imports/sales"), c.max_csv_body);
  EXPECT_EQ(body_limit_for(c, "/api/v1/stores"), c.max_json_body);
}

}  // namespace boucle::api
