#include "api/calendar.hpp"

#include <libical/ical.h>

#include <boost/json.hpp>
#include <memory>

#include "api/app.hpp"
#include "api/auth.hpp"
#include "api/plans.hpp"
#include "core/time.hpp"

// The calendar feed. Calendar applications cannot send a bearer token, so the feed's URL carries
// a per-rep secret (256 random bits, stored hashed like session tokens): whoever has the URL can
// read that rep's agenda, nothing else. A wrong key answers 404, like an unknown rep.
namespace boucle::api {

using core::Error;
using core::ErrorCode;
using core::Id;
namespace json = boost::json;

namespace {

constexpr core::UnixSeconds HISTORY = 60 * 86'400;  // past events kept in the feed
constexpr int MAX_EVENTS = 2'000;
constexpr std::size_t MAX_KEY = 128;

struct ComponentFree {
  void operator()(icalcomponent* c) const { icalcomponent_free(c); }
};
using Component = std::unique_ptr<icalcomponent, ComponentFree>;

struct BufferFree {
  void operator()(char* s) const { icalmemory_free_buffer(s); }
};

icaltimetype utc_time(core::UnixSeconds t) {
  return icaltime_from_timet_with_zone(static_cast<time_t>(t), 0, icaltimezone_get_utc_timezone());
}

void add_x(icalcomponent* c, const char* name, const std::string& value) {
  icalproperty* p = icalproperty_new_x(value.c_str());
  icalproperty_set_x_name(p, name);
  icalcomponent_add_property(c, p);
}

std::string address_of(const core::Store& s) {
  std::string town = s.postcode;
  if (!s.city.empty()) town += (town.empty() ? "" : " ") + s.city;
  std::string out = s.address;
  if (!town.empty()) out += (out.empty() ? "" : ", ") + town;
  return out.empty() ? s.name : out;
}

std::string description_of(const storage::CalendarEntry& e) {
  std::string text = "Why: " + (e.candidate.why.empty() ? std::string("planned") : e.candidate.why);
  text += "\n";
  text += visit_todo(e.visit.type);
  text += "\nStore " + e.store.code;
  if (!e.store.banner.empty()) text += " (" + e.store.banner + ")";
  if (!e.visit.next_steps.empty()) text += "\nNext steps: " + e.visit.next_steps;
  return text;
}

Component event_of(const storage::CalendarEntry& e) {
  Component ev(icalcomponent_new_vevent());
  icalcomponent* c = ev.get();
  const std::string uid = "visit-" + std::to_string(e.visit.meta.id) + "@boucle";
  // The visit may have been moved in the app since the plan was published: its time wins, the
  // stop gives the duration.
  const core::UnixSeconds start = e.visit.planned_at.value_or(e.stop.start_at);
  const core::UnixSeconds end =
      start + std::max<core::UnixSeconds>(e.stop.end_at - e.stop.start_at, 60);
  icalcomponent_add_property(c, icalproperty_new_uid(uid.c_str()));
  icalcomponent_add_property(c, icalproperty_new_dtstamp(utc_time(e.visit.meta.updated_at)));
  icalcomponent_add_property(c, icalproperty_new_lastmodified(utc_time(e.visit.meta.updated_at)));
  icalcomponent_add_property(c, icalproperty_new_created(utc_time(e.visit.meta.created_at)));
  icalcomponent_add_property(c, icalproperty_new_dtstart(utc_time(start)));
  icalcomponent_add_property(c, icalproperty_new_dtend(utc_time(end)));
  icalcomponent_add_property(c, icalproperty_new_sequence(static_cast<int>(
                                    std::max<std::int64_t>(0, e.visit.meta.version - 1))));
  icalcomponent_add_property(c, icalproperty_new_summary(e.store.name.c_str()));
  icalcomponent_add_property(c, icalproperty_new_location(address_of(e.store).c_str()));
  icalgeotype geo;
  geo.lat = e.store.location.lat;
  geo.lon = e.store.location.lon;
  icalcomponent_add_property(c, icalproperty_new_geo(geo));
  icalcomponent_add_property(c, icalproperty_new_description(description_of(e).c_str()));
  icalcomponent_add_property(c, icalproperty_new_status(ICAL_STATUS_CONFIRMED));
  icalcomponent_add_property(c, icalproperty_new_transp(ICAL_TRANSP_OPAQUE));
  icalcomponent_add_property(
      c, icalproperty_new_categories(e.visit.type == core::VisitType::deep ? "Deep visit"
                                                                           : "Quick visit"));
  return ev;
}

Response feed(RequestContext& ctx) {
  const Id rep_id = ctx.id();
  const auto key = ctx.query("key");
  const Error unknown(ErrorCode::not_found, "no calendar " + std::to_string(rep_id));
  if (!key || key->empty() || key->size() > MAX_KEY) throw unknown;
  const std::string hash = token_hash(*key);
  const auto since = core::now_seconds() - HISTORY;
  Response r;
  storage::read(ctx.app.db(), [&](storage::Tx& tx) {
    if (!tx.calendar_key_matches(rep_id, hash)) throw unknown;
    auto rep = tx.user(rep_id);
    if (!rep || rep->role != core::Role::rep) throw unknown;
    r.body = calendar_text(*rep, tx.calendar_entries(rep_id, since, MAX_EVENTS));
  });
  r.content_type = "text/calendar; charset=utf-8";
  r.headers.emplace_back("Cache-Control", "private, max-age=300");
  return r;
}

Response rotate_key(RequestContext& ctx) {
  const Id rep_id = ctx.id();
  const Error unknown(ErrorCode::not_found, "no rep " + std::to_string(rep_id));
  if (ctx.who().is_rep() && rep_id != ctx.who().user.meta.id) throw unknown;
  const std::string key = new_token();
  const auto now = core::now_seconds();
  storage::write(ctx.app.db(), [&](storage::Tx& tx) {
    auto rep = tx.user(rep_id);
    if (!rep || rep->role != core::Role::rep) throw unknown;
    tx.put_calendar_key(rep_id, token_hash(key), now);
  });
  const std::string path = "/api/v1/calendar/" + std::to_string(rep_id) + ".ics?key=" + key;
  json::object out{
      {"rep_id", rep_id}, {"key", key}, {"url", path}, {"created_at", core::format_timestamp(now)}};
  return json_response(200, out);
}

}  // namespace

std::string calendar_text(const core::User& rep,
                          const std::vector<storage::CalendarEntry>& entries) {
  Component cal(icalcomponent_new_vcalendar());
  icalcomponent* c = cal.get();
  icalcomponent_add_property(c, icalproperty_new_version("2.0"));
  icalcomponent_add_property(c, icalproperty_new_prodid("-//Boucle//Field sales plans//EN"));
  icalcomponent_add_property(c, icalproperty_new_calscale("GREGORIAN"));
  icalcomponent_add_property(c, icalproperty_new_method(ICAL_METHOD_PUBLISH));
  add_x(c, "X-WR-CALNAME", "Boucle – " + rep.name);
  add_x(c, "X-WR-CALDESC", "Store visits of the published plans");
  add_x(c, "X-PUBLISHED-TTL", "PT1H");
  for (const auto& e : entries) icalcomponent_add_component(c, event_of(e).release());
  std::unique_ptr<char, BufferFree> text(icalcomponent_as_ical_string_r(c));
  if (!text) throw Error(ErrorCode::internal, "libical could not write the calendar");
  return std::string(text.get());
}

void add_calendar_routes(Router& r) {
  r.add({Method::get,
         "/api/v1/calendar/{rep_id}.ics",
         "The rep's agenda as an iCalendar feed (text/calendar); authorised by the feed key, "
         "not by a token",
         "calendar",
         Access{true},
         Body::none,
         {"key"},
         "",
         "",
         feed});
  r.add({Method::post,
         "/api/v1/reps/{id}/calendar-key",
         "Create or rotate the rep's calendar-feed key; answers the feed URL (the old one stops "
         "working)",
         "calendar",
         {},
         Body::none,
         {},
         "",
         "CalendarKey",
         rotate_key});
}

}  // namespace boucle::api
