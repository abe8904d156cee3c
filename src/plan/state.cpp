#include "plan/state.hpp"

#include <algorithm>

#include "core/assert.hpp"

namespace boucle::plan::detail {

namespace {

// Latest ready time from which lunch can still be taken and the rest (latest departure b1)
// kept.
Time latest_ready_for_lunch(const DayShift& s, Time b1) {
  if (b1 <= -INF / 2) return -INF;
  const Time latest = std::min(s.lunch_latest, b1 - s.lunch_duration);
  return latest >= s.lunch_earliest ? latest : -INF;
}

Acc arc_acc(const Instance& in, Location a, Location b) {
  Acc x;
  x.drive = in.time(a, b);
  x.distance = in.distance(a, b);
  x.cost = in.cost(a, b);
  return x;
}

Acc visit_acc(const Instance& in, int v) {
  Acc x;
  x.service = in.duration(v);
  x.load = in.load(v);
  const VisitType t = in.type(v);
  x.deep = t == VisitType::deep ? 1 : 0;
  x.quick = t == VisitType::quick ? 1 : 0;
  return x;
}

}  // namespace

State::State(const Instance& in) : in_(&in) {
  routes_.resize(static_cast<std::size_t>(in.routes()));
  route_of_.assign(static_cast<std::size_t>(in.visits()), -1);
  pos_of_.assign(static_cast<std::size_t>(in.visits()), 0);
  for (int r = 0; r < in.routes(); ++r) {
    const Rep& rep = in.problem().reps[static_cast<std::size_t>(in.route_rep(r))];
    auto& rd = routes_[static_cast<std::size_t>(r)];
    rd.start = rep.home;
    rd.end = in.route_day(r) == in.days() - 1 ? rep.final_location : rep.home;
    rebuild(r);
  }
}

void State::rebuild(int r) {
  auto& rd = routes_[static_cast<std::size_t>(r)];
  const Instance& in = *in_;
  const DayShift& sh = in.shift(r);
  const int day = in.route_day(r);
  const int n = rd.size();
  const auto sz = static_cast<std::size_t>(n + 1);
  rd.f0.resize(sz);
  rd.f1.resize(sz);
  rd.b0.resize(sz);
  rd.b1.resize(sz);
  rd.acc.resize(sz + 1);
  for (int i = 0; i < n; ++i) {
    pos_of_[static_cast<std::size_t>(rd.seq[static_cast<std::size_t>(i)])] = i + 1;
    route_of_[static_cast<std::size_t>(rd.seq[static_cast<std::size_t>(i)])] = r;
  }
  auto loc_at = [&](int i) { return i == 0 ? rd.start : in.loc(rd.seq[static_cast<std::size_t>(i - 1)]); };

  rd.f0[0] = sh.start_earliest;
  rd.f1[0] = lunch_at(sh, sh.start_earliest);
  rd.acc[0] = Acc{};
  for (int i = 1; i <= n; ++i) {
    const int v = rd.seq[static_cast<std::size_t>(i - 1)];
    const Time t = in.time(loc_at(i - 1), in.loc(v));
    const Time s0 = in.earliest_start(v, day, reachable(rd.f0[static_cast<std::size_t>(i - 1)]) ? rd.f0[static_cast<std::size_t>(i - 1)] + t : INF);
    const Time s1 = in.earliest_start(v, day, reachable(rd.f1[static_cast<std::size_t>(i - 1)]) ? rd.f1[static_cast<std::size_t>(i - 1)] + t : INF);
    const Time r0 = reachable(s0) ? s0 + in.duration(v) : INF;
    const Time r1 = reachable(s1) ? s1 + in.duration(v) : INF;
    rd.f0[static_cast<std::size_t>(i)] = r0;
    rd.f1[static_cast<std::size_t>(i)] = std::min(r1, lunch_at(sh, r0));
    Acc a = rd.acc[static_cast<std::size_t>(i - 1)];
    a += arc_acc(in, loc_at(i - 1), in.loc(v));
    a += visit_acc(in, v);
    rd.acc[static_cast<std::size_t>(i)] = a;
  }
  Acc last = rd.acc[static_cast<std::size_t>(n)];
  last += arc_acc(in, loc_at(n), rd.end);
  rd.acc[static_cast<std::size_t>(n + 1)] = last;

  rd.b1[static_cast<std::size_t>(n)] = reachable(sh.end_latest) ? sh.end_latest - in.time(loc_at(n), rd.end) : INF;
  rd.b0[static_cast<std::size_t>(n)] = -INF;
  for (int i = n - 1; i >= 0; --i) {
    const int w = rd.seq[static_cast<std::size_t>(i)];
    const Time t = in.time(loc_at(i), in.loc(w));
    const Time nb1 = rd.b1[static_cast<std::size_t>(i + 1)];
    const Time nb0 = rd.b0[static_cast<std::size_t>(i + 1)];
    const Time r1 = nb1;
    const Time r0 = std::max(nb0, latest_ready_for_lunch(sh, nb1));
    // -INF: no way to go on; values near +INF: no deadline at all (no end of shift).
    const Time l1 = r1 > -INF / 2 ? in.latest_start(w, day, r1 - in.duration(w)) : -INF;
    const Time l0 = r0 > -INF / 2 ? in.latest_start(w, day, r0 - in.duration(w)) : -INF;
    rd.b1[static_cast<std::size_t>(i)] = l1 > -INF / 2 ? l1 - t : -INF;
    rd.b0[static_cast<std::size_t>(i)] = l0 > -INF / 2 ? l0 - t : -INF;
  }
  if (n == 0) {
    rd.feasible = !reachable(sh.end_latest) || sh.start_earliest + in.time(rd.start, rd.end) <= sh.end_latest;
  } else {
    rd.feasible = sh.available && (rd.f0[0] <= rd.b0[0] || rd.f1[0] <= rd.b1[0]);
  }
  const Acc& t = rd.acc.back();
  const Rep& rep = in.problem().reps[static_cast<std::size_t>(in.route_rep(r))];
  rd.feasible = rd.feasible && t.drive <= sh.max_drive && t.drive + t.service <= sh.max_work &&
                t.load <= rep.capacity;
}

void State::set_route(int r, std::vector<int> seq) {
  auto& rd = routes_[static_cast<std::size_t>(r)];
  for (int v : rd.seq) route_of_[static_cast<std::size_t>(v)] = -1;
  rd.seq = std::move(seq);
  rebuild(r);
}

void State::set_routes(const std::vector<std::pair<int, std::vector<int>>>& routes) {
  for (const auto& [r, seq] : routes) {
    for (int v : routes_[static_cast<std::size_t>(r)].seq) route_of_[static_cast<std::size_t>(v)] = -1;
  }
  for (const auto& [r, seq] : routes) {
    routes_[static_cast<std::size_t>(r)].seq = seq;
    rebuild(r);
  }
}

void State::set_places(int r, Location start, Location end) {
  auto& rd = routes_[static_cast<std::size_t>(r)];
  rd.start = start;
  rd.end = end;
  rebuild(r);
}

void State::insert(int v, int r, int node) {
  BOUCLE_ASSERT(!assigned(v), "inserting a visit that is already planned");
  auto& rd = routes_[static_cast<std::size_t>(r)];
  rd.seq.insert(rd.seq.begin() + (node - 1), v);
  rebuild(r);
}

void State::remove(int v) {
  const int r = route_of(v);
  BOUCLE_ASSERT(r >= 0, "removing a visit that is not planned");
  auto& rd = routes_[static_cast<std::size_t>(r)];
  rd.seq.erase(rd.seq.begin() + (pos_of(v) - 1));
  route_of_[static_cast<std::size_t>(v)] = -1;
  rebuild(r);
}

Cursor State::cursor_after(int r, int i) const {
  const auto& rd = route(r);
  Cursor c;
  c.d0 = rd.f0[static_cast<std::size_t>(i)];
  c.d1 = rd.f1[static_cast<std::size_t>(i)];
  c.at = i == 0 ? rd.start : in_->loc(rd.seq[static_cast<std::size_t>(i - 1)]);
  c.acc = rd.acc[static_cast<std::size_t>(i)];
  c.visits = i;
  c.ok = reachable(c.d0) || reachable(c.d1);
  return c;
}

void State::step(Cursor& c, int target, int v) const {
  if (!c.ok) return;
  const Instance& in = *in_;
  if (!in.allowed(v, target)) {
    c.ok = false;
    return;
  }
  const DayShift& sh = in.shift(target);
  const int day = in.route_day(target);
  const Time t = in.time(c.at, in.loc(v));
  const Time s0 = in.earliest_start(v, day, reachable(c.d0) ? c.d0 + t : INF);
  const Time s1 = in.earliest_start(v, day, reachable(c.d1) ? c.d1 + t : INF);
  const Time r0 = reachable(s0) ? s0 + in.duration(v) : INF;
  const Time r1 = reachable(s1) ? s1 + in.duration(v) : INF;
  c.d0 = r0;
  c.d1 = std::min(r1, lunch_at(sh, r0));
  c.acc += arc_acc(in, c.at, in.loc(v));
  c.acc += visit_acc(in, v);
  c.at = in.loc(v);
  ++c.visits;
  c.ok = reachable(c.d0) || reachable(c.d1);
}

bool State::compatible(int target, int suf) const {
  if (target == suf) return true;
  const Instance& in = *in_;
  if (in.route_day(target) != in.route_day(suf)) return false;
  if (route(target).end != route(suf).end) return false;
  if (in.rep_restrictions() && in.route_rep(target) != in.route_rep(suf)) return false;
  const DayShift& a = in.shift(target);
  const DayShift& b = in.shift(suf);
  return a.end_latest == b.end_latest && a.lunch_earliest == b.lunch_earliest &&
         a.lunch_latest == b.lunch_latest && a.lunch_duration == b.lunch_duration;
}

Cursor State::close(Cursor c, int target, int suf, int j) const {
  if (!c.ok) return c;
  const Instance& in = *in_;
  const DayShift& sh = in.shift(target);
  const RouteData& sr = route(suf);
  const int n = sr.size();
  const Location end = route(target).end;
  if (j <= n && !compatible(target, suf)) {
    for (int k = j; k <= n && c.ok; ++k) step(c, target, sr.seq[static_cast<std::size_t>(k - 1)]);
    if (!c.ok) return c;
    j = n + 1;
  }
  if (j > n) {
    c.acc += arc_acc(in, c.at, end);
    const Time t = in.time(c.at, end);
    if (c.visits == 0) {
      c.ok = !reachable(sh.end_latest) || sh.start_earliest + t <= sh.end_latest;
    } else {
      c.ok = sh.available && reachable(c.d1) && (!reachable(sh.end_latest) || c.d1 + t <= sh.end_latest);
    }
    return c;
  }
  // Join the suffix at node j: one explicit step, then compare with its latest departures.
  const int w = sr.seq[static_cast<std::size_t>(j - 1)];
  if (!in.allowed(w, target)) {
    c.ok = false;
    return c;
  }
  const int day = in.route_day(target);
  const Time t = in.time(c.at, in.loc(w));
  const Time s0 = in.earliest_start(w, day, reachable(c.d0) ? c.d0 + t : INF);
  const Time s1 = in.earliest_start(w, day, reachable(c.d1) ? c.d1 + t : INF);
  const Time r0 = reachable(s0) ? s0 + in.duration(w) : INF;
  const Time r1 = reachable(s1) ? s1 + in.duration(w) : INF;
  const Time d0 = r0;
  const Time d1 = std::min(r1, lunch_at(sh, r0));
  c.ok = sh.available && ((reachable(d0) && d0 <= sr.b0[static_cast<std::size_t>(j)]) ||
                          (reachable(d1) && d1 <= sr.b1[static_cast<std::size_t>(j)]));
  // Totals: the arc into j, then the suffix's own totals from j on.
  c.acc += arc_acc(in, c.at, in.loc(w));
  Acc suffix = sr.total();
  suffix -= sr.acc[static_cast<std::size_t>(j - 1)];
  suffix -= arc_acc(in, j == 1 ? sr.start : in.loc(sr.seq[static_cast<std::size_t>(j - 2)]), in.loc(w));
  c.acc += suffix;
  c.visits += n - j + 1;
  return c;
}

Cursor State::evaluate(int target, int i, std::span<const int> mid, int suf, int j) const {
  Cursor c = cursor_after(target, i);
  for (int v : mid) {
    step(c, target, v);
    if (!c.ok) return c;
  }
  return close(c, target, suf, j);
}

bool State::limits_ok(const Cursor& c, int target) const {
  const DayShift& sh = in_->shift(target);
  if (c.acc.drive > sh.max_drive) return false;
  if (c.acc.drive + c.acc.service > sh.max_work) return false;
  const Rep& rep = in_->problem().reps[static_cast<std::size_t>(in_->route_rep(target))];
  return c.acc.load <= rep.capacity;
}

Cost State::route_cost(const Acc& a) const {
  Cost c = a.cost;
  if (a.deep + a.quick >= 2 && (a.deep == 0 || a.quick == 0)) c += in_->problem().weights.mix_penalty;
  return c;
}

bool State::frequency_ok(int v, int day) const {
  const int g = in_->group(v);
  if (g < 0 || static_cast<std::size_t>(g) >= in_->problem().groups.size()) return true;
  const FrequencyGroup& fg = in_->problem().groups[static_cast<std::size_t>(g)];
  std::vector<int> days_used;
  for (int w : in_->group_members(g)) {
    if (w == v || !assigned(w)) continue;
    const int d = in_->route_day(route_of(w));
    if (d == day) return false;
    if (fg.min_spacing_days > 0 && std::abs(d - day) < fg.min_spacing_days) return false;
    days_used.push_back(d);
  }
  days_used.push_back(day);
  if (static_cast<int>(days_used.size()) <= fg.max_visits) return true;
  // Count, for every window of window_days days containing `day`, the visits inside.
  for (int first = day - fg.window_days + 1; first <= day; ++first) {
    int count = 0;
    for (int d : days_used) count += (d >= first && d < first + fg.window_days) ? 1 : 0;
    if (count > fg.max_visits) return false;
  }
  return true;
}

bool State::insertion_delta(int v, int r, int i, Cost& delta) const {
  const Instance& in = *in_;
  const RouteData& rd = route(r);
  const DayShift& sh = in.shift(r);
  if (!sh.available) return false;
  const int n = rd.size();
  const int day = in.route_day(r);
  const Location lv = in.loc(v);
  const Location a = i == 0 ? rd.start : in.loc(rd.seq[static_cast<std::size_t>(i - 1)]);
  const Location b = i == n ? rd.end : in.loc(rd.seq[static_cast<std::size_t>(i)]);
  const Acc& tot = rd.total();
  const Time t1 = in.time(a, lv), t2 = in.time(lv, b);
  const Time drive = tot.drive + t1 + t2 - in.time(a, b);
  if (drive > sh.max_drive || drive + tot.service + in.duration(v) > sh.max_work) return false;
  const Rep& rep = in.problem().reps[static_cast<std::size_t>(in.route_rep(r))];
  if (tot.load + in.load(v) > rep.capacity) return false;
  // Through v…
  const Time f0 = rd.f0[static_cast<std::size_t>(i)], f1 = rd.f1[static_cast<std::size_t>(i)];
  const Time s0 = in.earliest_start(v, day, reachable(f0) ? f0 + t1 : INF);
  const Time s1 = in.earliest_start(v, day, reachable(f1) ? f1 + t1 : INF);
  const Time r0 = reachable(s0) ? s0 + in.duration(v) : INF;
  const Time d1 = std::min(reachable(s1) ? s1 + in.duration(v) : INF, lunch_at(sh, r0));
  const Time d0 = r0;
  if (!reachable(d0) && !reachable(d1)) return false;
  if (i == n) {
    if (!reachable(d1) || (reachable(sh.end_latest) && d1 + t2 > sh.end_latest)) return false;
  } else {
    // …then into the next visit, compared with its latest departures.
    const int w = rd.seq[static_cast<std::size_t>(i)];
    const Time e0 = in.earliest_start(w, day, reachable(d0) ? d0 + t2 : INF);
    const Time e1 = in.earliest_start(w, day, reachable(d1) ? d1 + t2 : INF);
    const Time g0 = reachable(e0) ? e0 + in.duration(w) : INF;
    const Time g1 = std::min(reachable(e1) ? e1 + in.duration(w) : INF, lunch_at(sh, g0));
    const bool ok = (reachable(g0) && g0 <= rd.b0[static_cast<std::size_t>(i + 1)]) ||
                    (reachable(g1) && g1 <= rd.b1[static_cast<std::size_t>(i + 1)]);
    if (!ok) return false;
  }
  delta = in.cost(a, lv) + in.cost(lv, b) - in.cost(a, b);
  const Cost mix = in.problem().weights.mix_penalty;
  if (mix != 0) {
    Acc after = tot;
    const VisitType t = in.type(v);
    after.deep += t == VisitType::deep ? 1 : 0;
    after.quick += t == VisitType::quick ? 1 : 0;
    delta += (route_cost(after) - after.cost) - (route_cost(tot) - tot.cost);
  }
  return true;
}

bool State::best_insertion(int v, Insertion& best, int only_route, double blink, Rng* rng,
                           Cost bound) const {
  const Instance& in = *in_;
  bool found = false;
  const int first = only_route >= 0 ? only_route : 0;
  const int last = only_route >= 0 ? only_route + 1 : in.routes();
  const Cost slack = in.problem().weights.mix_penalty > 0 ? in.problem().weights.mix_penalty : 0;
  for (int r = first; r < last; ++r) {
    if (!in.allowed(v, r)) continue;
    if (!frequency_ok(v, in.route_day(r))) continue;
    const RouteData& rd = route(r);
    const int n = rd.size();
    const Location lv = in.loc(v);
    for (int i = 0; i <= n; ++i) {
      if (blink > 0 && rng && rng->uniform() < blink) continue;
      // Cheap bound on the detour before the time-window check.
      const Location a = i == 0 ? rd.start : in.loc(rd.seq[static_cast<std::size_t>(i - 1)]);
      const Location b = i == n ? rd.end : in.loc(rd.seq[static_cast<std::size_t>(i)]);
      const Cost detour = in.cost(a, lv) + in.cost(lv, b) - in.cost(a, b);
      const Cost limit = found ? best.delta : bound;
      if (detour - slack >= limit) continue;
      Cost delta = 0;
      if (!insertion_delta(v, r, i, delta)) continue;
      if (delta < limit) {
        found = true;
        best = {r, i + 1, delta};
      }
    }
  }
  return found;
}

int State::used_routes() const {
  int k = 0;
  for (const auto& rd : routes_) k += rd.seq.empty() ? 0 : 1;
  return k;
}

int State::missing_mandatory() const {
  int k = 0;
  for (int v = 0; v < in_->visits(); ++v) k += (in_->mandatory(v) && !assigned(v)) ? 1 : 0;
  return k;
}

Cost State::prizes() const {
  Cost p = 0;
  for (int v = 0; v < in_->visits(); ++v) p += assigned(v) ? in_->prize(v) : 0;
  return p;
}

int State::nights_away(int rep) const {
  int k = 0;
  const Rep& rp = in_->problem().reps[static_cast<std::size_t>(rep)];
  for (int d = 0; d + 1 < in_->days(); ++d) {
    k += route(in_->route_of(rep, d)).end != rp.home ? 1 : 0;
  }
  return k;
}

Cost State::hotel_cost() const {
  Cost c = 0;
  for (int rep = 0; rep < in_->reps(); ++rep) {
    c += in_->problem().reps[static_cast<std::size_t>(rep)].overnight.cost_per_night * nights_away(rep);
  }
  return c;
}

Cost State::travel_part() const {
  Cost travel = 0;
  for (const auto& rd : routes_) travel += route_cost(rd.total());
  return travel + hotel_cost();
}

Cost State::scalar() const {
  Cost travel = 0;
  for (const auto& rd : routes_) travel += route_cost(rd.total());
  return in_->mandatory_weight() * missing_mandatory() + in_->route_weight() * used_routes() +
         travel + hotel_cost() - prizes();
}

std::vector<int> State::unassigned() const {
  std::vector<int> out;
  for (int v = 0; v < in_->visits(); ++v) {
    if (!assigned(v)) out.push_back(v);
  }
  return out;
}

Objective State::objective() const {
  Objective o;
  for (int v = 0; v < in_->visits(); ++v) {
    if (in_->mandatory(v)) {
      ++o.mandatory_total;
      o.mandatory_planned += assigned(v) ? 1 : 0;
    }
  }
  o.routes = used_routes();
  o.prizes = prizes();
  for (int r = 0; r < in_->routes(); ++r) {
    const RouteData& rd = route(r);
    // A day with nothing to do and no night change is not driven at all.
    if (rd.seq.empty() && rd.start == rd.end) continue;
    o.travel_cost += rd.total().cost;
    o.penalties += route_cost(rd.total()) - rd.total().cost;
    o.distance += rd.total().distance;
    o.drive += rd.total().drive;
  }
  o.hotel_cost = hotel_cost();
  o.value = o.prizes - o.travel_cost - o.hotel_cost - o.penalties;
  return o;
}

}  // namespace boucle::plan::detail
