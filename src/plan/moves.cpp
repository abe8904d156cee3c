#include "plan/moves.hpp"

#include <algorithm>

#include "plan/search.hpp"

namespace boucle::plan::detail {

std::vector<int> edited_sequence(const State& s, const RouteEdit& e) {
  std::vector<int> out;
  const auto& a = s.route(e.route).seq;
  const auto& b = s.route(e.suf).seq;
  out.insert(out.end(), a.begin(), a.begin() + e.i);
  out.insert(out.end(), e.mid.begin(), e.mid.end());
  if (e.j - 1 < static_cast<int>(b.size())) out.insert(out.end(), b.begin() + (e.j - 1), b.end());
  return out;
}

std::optional<Cost> move_gain(const State& s, const Move& m) {
  const Instance& in = s.instance();
  Cost old_part = 0, new_part = 0;
  for (const RouteEdit& e : m.edits) {
    const RouteData& rd = s.route(e.route);
    old_part += s.route_cost(rd.total()) + (rd.seq.empty() ? 0 : in.route_weight());
    Cursor c = s.evaluate(e.route, e.i, e.mid, e.suf, e.j);
    if (!c.ok || !s.limits_ok(c, e.route)) return std::nullopt;
    new_part += s.route_cost(c.acc) + (c.visits == 0 ? 0 : in.route_weight());
    // Visits landing on another day must respect their store's visit frequency.
    const int day = in.route_day(e.route);
    for (int v : e.mid) {
      if (s.route_of(v) < 0 || in.route_day(s.route_of(v)) != day) {
        if (!s.frequency_ok(v, day)) return std::nullopt;
      }
    }
    if (e.suf != e.route && in.route_day(e.suf) != day) {
      const auto& b = s.route(e.suf).seq;
      for (int k = e.j; k <= static_cast<int>(b.size()); ++k) {
        if (!s.frequency_ok(b[static_cast<std::size_t>(k - 1)], day)) return std::nullopt;
      }
    }
  }
  for (int v : m.inserted) {
    new_part -= in.prize(v);
    if (in.mandatory(v)) new_part -= in.mandatory_weight();
  }
  for (int v : m.removed) {
    old_part -= in.prize(v);
    if (in.mandatory(v)) old_part -= in.mandatory_weight();
  }
  return old_part - new_part;
}

void apply_move(State& s, const Move& m) {
  std::vector<std::pair<int, std::vector<int>>> routes;
  for (const RouteEdit& e : m.edits) routes.emplace_back(e.route, edited_sequence(s, e));
  s.set_routes(routes);
}

namespace {

// An intra-route change given as the whole new sequence: keep the common prefix and suffix.
std::optional<RouteEdit> intra_edit(const State& s, int r, const std::vector<int>& next) {
  const auto& old = s.route(r).seq;
  if (old == next) return std::nullopt;
  const int n = static_cast<int>(old.size());
  int lo = 0;
  while (lo < n && old[static_cast<std::size_t>(lo)] == next[static_cast<std::size_t>(lo)]) ++lo;
  int hi = n;
  while (hi > lo && old[static_cast<std::size_t>(hi - 1)] == next[static_cast<std::size_t>(hi - 1)]) --hi;
  RouteEdit e;
  e.route = r;
  e.suf = r;
  e.i = lo;
  e.mid.assign(next.begin() + lo, next.begin() + hi);
  e.j = hi + 1;
  return e;
}

bool locked(const Instance& in, int v) {
  return in.problem().visits[static_cast<std::size_t>(v)].lock.has_value();
}

}  // namespace

std::vector<Move> moves_between(const State& s, int u, int w) {
  const Instance& in = s.instance();
  std::vector<Move> out;
  const int ru = s.route_of(u), rw = s.route_of(w);
  if (ru < 0 || rw < 0 || u == w) return out;
  const int pu = s.pos_of(u), pw = s.pos_of(w);
  const auto& A = s.route(ru).seq;
  const auto& B = s.route(rw).seq;
  const int na = static_cast<int>(A.size()), nb = static_cast<int>(B.size());
  auto seg = [](const std::vector<int>& x, int from, int len) {
    return std::vector<int>(x.begin() + (from - 1), x.begin() + (from - 1 + len));
  };
  auto has_lock = [&](const std::vector<int>& x) {
    return std::any_of(x.begin(), x.end(), [&](int v) { return locked(in, v); });
  };
  if (ru != rw) {
    // relocate u after / before w
    if (!locked(in, u)) {
      out.push_back({"relocate", {{ru, pu - 1, {}, ru, pu + 1}, {rw, pw, {u}, rw, pw + 1}}, {}, {}});
      out.push_back({"relocate", {{ru, pu - 1, {}, ru, pu + 1}, {rw, pw - 1, {u}, rw, pw}}, {}, {}});
    }
    // swap u and w
    if (!locked(in, u) && !locked(in, w)) {
      out.push_back({"swap", {{ru, pu - 1, {w}, ru, pu + 1}, {rw, pw - 1, {u}, rw, pw + 1}}, {}, {}});
    }
    // 2-opt*: exchange the tails after u and after w, or from u and from w
    {
      std::vector<int> ta(A.begin() + pu, A.end()), tb(B.begin() + pw, B.end());
      if (!has_lock(ta) && !has_lock(tb)) {
        out.push_back({"2-opt*", {{ru, pu, {}, rw, pw + 1}, {rw, pw, {}, ru, pu + 1}}, {}, {}});
      }
      std::vector<int> ua(A.begin() + (pu - 1), A.end()), ub(B.begin() + pw, B.end());
      if (!has_lock(ua) && !has_lock(ub)) {
        // u follows w: A keeps 1..pu-1 then B's tail after w; B keeps 1..pw then u…
        out.push_back({"2-opt*", {{ru, pu - 1, {}, rw, pw + 1}, {rw, pw, {}, ru, pu}}, {}, {}});
      }
    }
    // or-opt: segments of 2 and 3 from u moved next to w (as is, and reversed)
    for (int len = 2; len <= 3; ++len) {
      if (pu + len - 1 > na) break;
      auto sgt = seg(A, pu, len);
      if (has_lock(sgt)) break;
      auto rev = sgt;
      std::reverse(rev.begin(), rev.end());
      out.push_back({"or-opt", {{ru, pu - 1, {}, ru, pu + len}, {rw, pw, sgt, rw, pw + 1}}, {}, {}});
      out.push_back({"or-opt", {{ru, pu - 1, {}, ru, pu + len}, {rw, pw - 1, sgt, rw, pw}}, {}, {}});
      out.push_back({"or-opt", {{ru, pu - 1, {}, ru, pu + len}, {rw, pw, rev, rw, pw + 1}}, {}, {}});
    }
    // cross-exchange: segments of 1..3 swapped (1-1 is the swap above)
    for (int l1 = 1; l1 <= 3; ++l1) {
      if (pu + l1 - 1 > na) break;
      for (int l2 = 1; l2 <= 3; ++l2) {
        if (pw + l2 - 1 > nb) break;
        if (l1 == 1 && l2 == 1) continue;
        auto sa = seg(A, pu, l1), sb = seg(B, pw, l2);
        if (has_lock(sa) || has_lock(sb)) continue;
        out.push_back({"cross", {{ru, pu - 1, sb, ru, pu + l1}, {rw, pw - 1, sa, rw, pw + l2}}, {}, {}});
      }
    }
    return out;
  }
  // Same route: relocate, or-opt, swap and 2-opt as whole new sequences.
  const int r = ru;
  auto push = [&](std::string_view kind, std::vector<int> next) {
    if (auto e = intra_edit(s, r, next)) out.push_back({kind, {*e}, {}, {}});
  };
  for (int len = 1; len <= 3; ++len) {
    if (pu + len - 1 > na) break;
    auto sgt = seg(A, pu, len);
    if (has_lock(sgt) && len > 1) break;
    std::vector<int> rest;
    for (int k = 1; k <= na; ++k) {
      if (k < pu || k >= pu + len) rest.push_back(A[static_cast<std::size_t>(k - 1)]);
    }
    const auto at = std::find(rest.begin(), rest.end(), w);
    if (at == rest.end()) continue;
    std::vector<int> after = rest;
    after.insert(after.begin() + (at - rest.begin()) + 1, sgt.begin(), sgt.end());
    push(len == 1 ? "relocate" : "or-opt", after);
    std::vector<int> before = rest;
    before.insert(before.begin() + (at - rest.begin()), sgt.begin(), sgt.end());
    push(len == 1 ? "relocate" : "or-opt", before);
  }
  {
    std::vector<int> sw = A;
    std::swap(sw[static_cast<std::size_t>(pu - 1)], sw[static_cast<std::size_t>(pw - 1)]);
    push("swap", sw);
    std::vector<int> rv = A;
    const int lo = std::min(pu, pw), hi = std::max(pu, pw);
    std::reverse(rv.begin() + (lo - 1), rv.begin() + hi);
    push("2-opt", rv);
  }
  return out;
}

std::optional<Move> insert_move(const State& s, int v) {
  State::Insertion ins;
  if (s.assigned(v) || !s.best_insertion(v, ins)) return std::nullopt;
  return Move{"insert", {{ins.route, ins.node - 1, {v}, ins.route, ins.node}}, {v}, {}};
}

Move remove_move(const State& s, int v) {
  const int r = s.route_of(v), p = s.pos_of(v);
  return Move{"remove", {{r, p - 1, {}, r, p + 1}}, {}, {v}};
}

Cost local_search(State& s, Rng& rng) {
  const Instance& in = s.instance();
  Cost total = 0;
  constexpr int NEIGHBOURS_TRIED = 12;
  constexpr int MAX_PASSES = 30;
  std::vector<int> order(static_cast<std::size_t>(in.visits()));
  for (int pass = 0; pass < MAX_PASSES; ++pass) {
    bool improved = false;
    for (int v = 0; v < in.visits(); ++v) order[static_cast<std::size_t>(v)] = v;
    for (std::size_t i = order.size(); i > 1; --i) {
      std::swap(order[i - 1], order[static_cast<std::size_t>(rng.below(static_cast<int>(i)))]);
    }
    for (int u : order) {
      if (!s.assigned(u)) {
        if (auto m = insert_move(s, u)) {
          const auto g = move_gain(s, *m);
          if (g && *g > 0) {
            apply_move(s, *m);
            total += *g;
            improved = true;
          }
        }
        continue;
      }
      if (!in.mandatory(u) && !in.problem().visits[static_cast<std::size_t>(u)].lock) {
        const Move m = remove_move(s, u);
        const auto g = move_gain(s, m);
        if (g && *g > 0) {
          apply_move(s, m);
          total += *g;
          improved = true;
          continue;
        }
      }
      int tried = 0;
      for (int w : in.neighbours(u)) {
        if (tried++ >= NEIGHBOURS_TRIED) break;
        if (!s.assigned(w) || !s.assigned(u)) continue;
        bool applied = false;
        for (const Move& m : moves_between(s, u, w)) {
          const auto g = move_gain(s, m);
          if (g && *g > 0) {
            apply_move(s, m);
            total += *g;
            improved = applied = true;
            break;
          }
        }
        if (applied) break;
      }
    }
    if (!improved) break;
  }
  return total;
}

}  // namespace boucle::plan::detail
