#include "storage_suite.hpp"

#include <atomic>
#include <set>
#include <thread>

#include "core/error.hpp"
#include "core/time.hpp"

namespace boucle::storage::testing {

namespace {

core::User make_user(const std::string& email, core::Role role) {
  core::User u;
  u.email = email;
  u.name = "Name " + email;
  u.role = role;
  u.password_hash = "$argon2id$fake";
  u.home = core::GeoPoint{45.76, 4.83};
  u.working_hours.days[0] = {{480, 1080}};
  return u;
}

core::Store make_store(const std::string& code, std::optional<Id> rep) {
  core::Store s;
  s.code = code;
  s.name = "Store " + code;
  s.banner = "Intermarché";
  s.channel = core::Channel::super;
  s.location = {45.0, 5.0};
  s.opening_hours.days[0] = {{510, 750}, {840, 1140}};
  s.assigned_rep_id = rep;
  s.tags = {"bio", "key-account"};
  return s;
}

// A two-stop, one-day plan of `rep` over the stores `a` and `b`, with one left-out candidate.
core::Plan make_plan(Id rep, Id a, Id b, const std::string& date) {
  core::Plan p;
  p.rep_id = rep;
  p.start_date = date;
  p.days = 3;
  p.seed = 42;
  p.params.per_metre = 300;
  p.params.per_second = 6944;
  p.params.hotel_per_night = 90'000'000;
  p.params.hotel_min_distance_m = 60'000.5;
  p.params.time_limit_seconds = 2.5;
  p.params.max_iterations = 3000;
  p.objective = {0, 0, 2, 0, 80'000'000, 12'345'678, 0, 0, 67'654'322, 41'234.5, 3600};
  core::PlanCandidate ca;
  ca.visit_index = 0;
  ca.store_id = a;
  ca.type = core::VisitType::deep;
  ca.duration_seconds = 2400;
  ca.prize = 50'000'000;
  ca.why = "overdue by 12 days";
  ca.locked_day = 0;
  ca.kind = core::PlanVisitKind::mandatory;
  core::PlanCandidate cb = ca;
  cb.visit_index = 1;
  cb.store_id = b;
  cb.locked_day.reset();
  cb.kind = core::PlanVisitKind::optional;
  cb.group = 0;
  cb.group_gap_days = 7;
  cb.first_day = 1;
  core::PlanCandidate cc = cb;
  cc.visit_index.reset();
  cc.unplanned_reason = "frequency";
  p.candidates = {ca, cb, cc};
  core::PlanDay d;
  d.date = date;
  d.depart_at = 1'800'000'000;
  d.back_at = 1'800'030'000;
  d.end_store_id = b;
  d.has_lunch = true;
  d.lunch_after = 1;
  d.lunch_start_at = 1'800'012'000;
  d.lunch_end_at = 1'800'015'600;
  d.distance_m = 41'234.5;
  d.drive_seconds = 3600;
  d.work_seconds = 8400;
  p.routes = {d};
  core::PlanStop s1{date, 0, 0, a, core::VisitType::deep, core::PlanVisitKind::mandatory,
                    1'800'001'000, 1'800'001'200, 1'800'003'600, true, false, std::nullopt};
  core::PlanStop s2{date, 1, 1, b, core::VisitType::deep, core::PlanVisitKind::optional,
                    1'800'015'000, 1'800'015'000, 1'800'017'400, false, false, std::nullopt};
  p.stops = {s1, s2};
  return p;
}

}  // namespace

TEST_P(StorageSuite, UsersRoundTripAndSeqIncreases) {
  core::User u = make_user("a@x.test", core::Role::rep);
  write(db(), [&](Tx& tx) { tx.insert_user(u); });
  EXPECT_GT(u.meta.id, 0);
  EXPECT_EQ(u.meta.version, 1);
  const Seq first = u.meta.seq;
  auto got = read(db(), [&](Tx& tx) { return tx.user_by_email("a@x.test"); });
  ASSERT_TRUE(got);
  EXPECT_EQ(got->home, u.home);
  EXPECT_EQ(got->working_hours, u.working_hours);
  EXPECT_EQ(got->role, core::Role::rep);
  got->name = "Renamed";
  write(db(), [&](Tx& tx) { tx.update_user(*got); });
  EXPECT_EQ(got->meta.version, 2);
  EXPECT_GT(got->meta.seq, first);
}

TEST_P(StorageSuite, StoreFieldsSurviveReopen) {
  core::User rep = make_user("r@x.test", core::Role::rep);
  core::Store s = make_store("PDV-1", std::nullopt);
  write(db(), [&](Tx& tx) {
    tx.insert_user(rep);
    s.assigned_rep_id = rep.meta.id;
    tx.insert_store(s);
  });
  reopen();
  auto got = read(db(), [&](Tx& tx) { return tx.store(s.meta.id, Scope{}); });
  ASSERT_TRUE(got);
  EXPECT_EQ(got->code, "PDV-1");
  EXPECT_EQ(got->opening_hours, s.opening_hours);
  EXPECT_EQ(got->tags, s.tags);
  EXPECT_EQ(got->assigned_rep_id, rep.meta.id);
  EXPECT_EQ(got->channel, core::Channel::super);
}

TEST_P(StorageSuite, FailedWriteLeavesNothing) {
  EXPECT_THROW(write(db(),
                     [&](Tx& tx) {
                       core::Store s = make_store("PDV-9", std::nullopt);
                       tx.insert_store(s);
                       throw core::Error(core::ErrorCode::validation, "abort");
                     }),
               core::Error);
  auto counts = read(db(), [&](Tx& tx) { return tx.counts(); });
  EXPECT_EQ(counts.stores, 0);
  EXPECT_EQ(read(db(), [&](Tx& tx) { return tx.last_seq(); }), 0);
}

TEST_P(StorageSuite, ConcurrentWritesCommitOrFailAlone) {
  // Eight threads write at once; every third write throws after inserting. The others must all
  // be there, the failed ones must have left nothing, and seqs stay unique.
  constexpr int THREADS = 8, PER_THREAD = 40;
  std::atomic<int> ok{0}, failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < THREADS; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < PER_THREAD; ++i) {
        try {
          write(db(), [&](Tx& tx) {
            core::Store s = make_store("W" + std::to_string(t) + "-" + std::to_string(i), std::nullopt);
            tx.insert_store(s);
            if (i % 3 == 0) throw core::Error(core::ErrorCode::validation, "refused");
          });
          ++ok;
        } catch (const core::Error&) {
          ++failed;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failed, THREADS * ((PER_THREAD + 2) / 3));
  read(db(), [&](Tx& tx) {
    EXPECT_EQ(tx.counts().stores, ok.load());
    for (int t = 0; t < THREADS; ++t) {
      for (int i = 0; i < PER_THREAD; ++i) {
        const bool there = tx.store_by_code("W" + std::to_string(t) + "-" + std::to_string(i)).has_value();
        EXPECT_EQ(there, i % 3 != 0) << t << "/" << i;
      }
    }
    auto changes = tx.changes_since(0, Scope{}, 10'000);
    std::set<Seq> seqs;
    for (const auto& c : changes) EXPECT_TRUE(seqs.insert(c.seq).second);
    EXPECT_EQ(static_cast<int>(changes.size()), ok.load());
  });
}

TEST_P(StorageSuite, UniqueCodeIsAConflict) {
  write(db(), [&](Tx& tx) {
    core::Store s = make_store("DUP", std::nullopt);
    tx.insert_store(s);
  });
  try {
    write(db(), [&](Tx& tx) {
      core::Store s = make_store("DUP", std::nullopt);
      tx.insert_store(s);
    });
    FAIL() << "expected a conflict";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.code(), core::ErrorCode::conflict);
  }
}

TEST_P(StorageSuite, PaginationVisitsEveryStoreOnce) {
  write(db(), [&](Tx& tx) {
    for (int i = 0; i < 23; ++i) {
      core::Store s = make_store("S" + std::to_string(i), std::nullopt);
      tx.insert_store(s);
    }
  });
  std::set<Id> seen;
  Page page{0, 5};
  int pages = 0;
  while (true) {
    auto r = read(db(), [&](Tx& tx) { return tx.stores({}, Scope{}, page); });
    for (auto& s : r.items) EXPECT_TRUE(seen.insert(s.meta.id).second);
    ++pages;
    if (!r.next_after) break;
    page.after = *r.next_after;
  }
  EXPECT_EQ(seen.size(), 23u);
  EXPECT_EQ(pages, 5);
}

TEST_P(StorageSuite, RepScopeHidesOtherTerritories) {
  core::User a = make_user("a@x.test", core::Role::rep), b = make_user("b@x.test", core::Role::rep);
  core::Store sa, sb;
  core::Visit va;
  write(db(), [&](Tx& tx) {
    tx.insert_user(a);
    tx.insert_user(b);
    sa = make_store("A", a.meta.id);
    sb = make_store("B", b.meta.id);
    tx.insert_store(sa);
    tx.insert_store(sb);
    va.store_id = sa.meta.id;
    va.rep_id = a.meta.id;
    tx.insert_visit(va);
  });
  read(db(), [&](Tx& tx) {
    EXPECT_TRUE(tx.store(sa.meta.id, Scope{a.meta.id}));
    EXPECT_FALSE(tx.store(sb.meta.id, Scope{a.meta.id}));
    EXPECT_FALSE(tx.visit(va.meta.id, Scope{b.meta.id}));
    EXPECT_TRUE(tx.visit(va.meta.id, Scope{a.meta.id}));
    auto listed = tx.stores({}, Scope{b.meta.id}, Page{});
    ASSERT_EQ(listed.items.size(), 1u);
    EXPECT_EQ(listed.items[0].code, "B");
    for (const auto& c : tx.changes_since(0, Scope{b.meta.id}, 100)) {
      EXPECT_NE(c.kind == EntityKind::store ? c.id : -1, sa.meta.id);
      EXPECT_NE(c.kind, EntityKind::visit);
      if (c.kind == EntityKind::user) {
        EXPECT_EQ(c.id, b.meta.id);
      }
    }
  });
}

TEST_P(StorageSuite, DeleteLeavesTombstoneInChanges) {
  core::Store s = make_store("T", std::nullopt);
  write(db(), [&](Tx& tx) { tx.insert_store(s); });
  const Seq before = s.meta.seq;
  EXPECT_TRUE(write(db(), [&](Tx& tx) { return tx.remove(EntityKind::store, s.meta.id); }));
  EXPECT_FALSE(write(db(), [&](Tx& tx) { return tx.remove(EntityKind::store, s.meta.id); }));
  read(db(), [&](Tx& tx) {
    EXPECT_FALSE(tx.store(s.meta.id, Scope{}));
    auto changes = tx.changes_since(before, Scope{}, 10);
    ASSERT_EQ(changes.size(), 1u);
    EXPECT_TRUE(changes[0].deleted);
    EXPECT_EQ(changes[0].kind, EntityKind::store);
    EXPECT_EQ(tx.last_seq(), changes[0].seq);
  });
}

TEST_P(StorageSuite, ChangesAreOrderedAndResumable) {
  write(db(), [&](Tx& tx) {
    for (int i = 0; i < 7; ++i) {
      core::Store s = make_store("C" + std::to_string(i), std::nullopt);
      tx.insert_store(s);
      core::Product p;
      p.sku = "SKU" + std::to_string(i);
      tx.insert_product(p);
    }
  });
  Seq since = 0;
  std::vector<Seq> all;
  while (true) {
    auto batch = read(db(), [&](Tx& tx) { return tx.changes_since(since, Scope{}, 4); });
    if (batch.empty()) break;
    for (auto& c : batch) all.push_back(c.seq);
    since = batch.back().seq;
  }
  ASSERT_EQ(all.size(), 14u);
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end()));
  EXPECT_EQ(std::set<Seq>(all.begin(), all.end()).size(), 14u);
}

TEST_P(StorageSuite, OrdersKeepTheirLinesAndSalesUpsert) {
  core::User rep = make_user("r@x.test", core::Role::rep);
  core::Store s = make_store("O", std::nullopt);
  core::Product p;
  p.sku = "P1";
  p.price = 250;
  core::Order o;
  write(db(), [&](Tx& tx) {
    tx.insert_user(rep);
    tx.insert_store(s);
    tx.insert_product(p);
    o.store_id = s.meta.id;
    o.rep_id = rep.meta.id;
    o.lines = {{p.meta.id, 3, 250}, {p.meta.id, 1, 200}};
    tx.insert_order(o);
    core::SalesFact f{0, s.meta.id, p.meta.id, "2026-11-23", 10, 2500, 0};
    tx.put_sales(f);
    f.units = 12;
    tx.put_sales(f);
  });
  read(db(), [&](Tx& tx) {
    auto got = tx.order(o.meta.id, Scope{});
    ASSERT_TRUE(got);
    EXPECT_EQ(got->lines, o.lines);
    EXPECT_EQ(got->total(), 950);
    auto sales = tx.sales({}, Scope{}, Page{});
    ASSERT_EQ(sales.items.size(), 1u);
    EXPECT_EQ(sales.items[0].units, 12);
  });
}

TEST_P(StorageSuite, AttachmentsAndAssortmentRules) {
  core::User rep = make_user("p@x.test", core::Role::rep);
  core::Store s = make_store("ATT", std::nullopt);
  core::Product p;
  p.sku = "P-ATT";
  core::Attachment a;
  core::AssortmentRule r1, r2;
  write(db(), [&](Tx& tx) {
    tx.insert_user(rep);
    s.assigned_rep_id = rep.meta.id;
    tx.insert_store(s);
    tx.insert_product(p);
    a.sha256 = std::string(64, 'a');
    a.content_type = "image/jpeg";
    a.size_bytes = 123456;
    a.store_id = s.meta.id;
    a.rep_id = rep.meta.id;
    a.filename = "linéaire.jpg";
    tx.insert_attachment(a);
    r1.channel = core::Channel::proxi;
    r1.product_id = p.meta.id;
    tx.insert_assortment_rule(r1);
  });
  EXPECT_TRUE(write(db(), [&](Tx& tx) { return tx.remove(EntityKind::assortment_rule, r1.meta.id); }));
  // Re-adding the same (channel, product) revives the rule under the same id, with a new seq.
  write(db(), [&](Tx& tx) {
    r2.channel = core::Channel::proxi;
    r2.product_id = p.meta.id;
    tx.insert_assortment_rule(r2);
  });
  EXPECT_EQ(r2.meta.id, r1.meta.id);
  read(db(), [&](Tx& tx) {
    auto got = tx.attachment(a.meta.id, Scope{rep.meta.id});
    ASSERT_TRUE(got);
    EXPECT_EQ(got->filename, "linéaire.jpg");
    EXPECT_EQ(got->size_bytes, 123456);
    EXPECT_FALSE(tx.attachment(a.meta.id, Scope{rep.meta.id + 100}));
    auto rules = tx.assortment_rules(core::Channel::proxi, Page{});
    ASSERT_EQ(rules.items.size(), 1u);
    EXPECT_GT(rules.items[0].meta.seq, r1.meta.seq);
    EXPECT_TRUE(tx.assortment_rules(core::Channel::hyper, Page{}).items.empty());
  });
}

TEST_P(StorageSuite, SessionsExpireAndRevoke) {
  core::User u = make_user("s@x.test", core::Role::admin);
  write(db(), [&](Tx& tx) {
    tx.insert_user(u);
    tx.insert_session({"h1", u.meta.id, 100, 200, false});
    tx.insert_session({"h2", u.meta.id, 100, 1000, false});
  });
  write(db(), [&](Tx& tx) {
    EXPECT_TRUE(tx.revoke_session("h2"));
    EXPECT_FALSE(tx.revoke_session("h2"));
    EXPECT_EQ(tx.delete_expired_sessions(500), 1);
  });
  read(db(), [&](Tx& tx) {
    EXPECT_FALSE(tx.session("h1"));
    auto h2 = tx.session("h2");
    ASSERT_TRUE(h2);
    EXPECT_TRUE(h2->revoked);
  });
}

TEST_P(StorageSuite, PlansRoundTripWithTheirPartsAndScope) {
  core::User a = make_user("pa@x.test", core::Role::rep);
  core::User b = make_user("pb@x.test", core::Role::rep);
  core::Store s1, s2;
  core::Plan p;
  write(db(), [&](Tx& tx) {
    tx.insert_user(a);
    tx.insert_user(b);
    s1 = make_store("PL-1", a.meta.id);
    s2 = make_store("PL-2", a.meta.id);
    tx.insert_store(s1);
    tx.insert_store(s2);
    p = make_plan(a.meta.id, s1.meta.id, s2.meta.id, "2026-11-30");
    tx.insert_plan(p);
  });
  EXPECT_GT(p.meta.id, 0);
  EXPECT_EQ(p.meta.version, 1);
  reopen();
  read(db(), [&](Tx& tx) {
    auto got = tx.plan(p.meta.id, Scope{a.meta.id});
    ASSERT_TRUE(got);
    EXPECT_EQ(got->start_date, "2026-11-30");
    EXPECT_EQ(got->days, 3);
    EXPECT_EQ(got->seed, 42);
    EXPECT_EQ(got->status, core::PlanStatus::draft);
    EXPECT_EQ(got->params, p.params);
    EXPECT_EQ(got->objective, p.objective);
    EXPECT_EQ(got->candidates, p.candidates);
    EXPECT_EQ(got->routes, p.routes);
    EXPECT_EQ(got->stops, p.stops);
    EXPECT_FALSE(got->published_at);
    // Another rep's plan is not found; staff see every plan.
    EXPECT_FALSE(tx.plan(p.meta.id, Scope{b.meta.id}));
    EXPECT_TRUE(tx.plan(p.meta.id, Scope{}));
    EXPECT_TRUE(tx.plans({}, Scope{b.meta.id}, Page{}).items.empty());
    auto listed = tx.plans({a.meta.id, core::PlanStatus::draft, {}, {}}, Scope{}, Page{});
    ASSERT_EQ(listed.items.size(), 1u);
    EXPECT_TRUE(listed.items[0].stops.empty());  // lists carry the header only
    const PlanFilter published{a.meta.id, core::PlanStatus::published, {}, {}};
    EXPECT_TRUE(tx.plans(published, Scope{}, Page{}).items.empty());
    // The period is 2026-11-30 .. 2026-12-02 inclusive.
    auto overlap = [&](const char* from, const char* until) {
      return tx.plans({a.meta.id, std::nullopt, from, until}, Scope{}, Page{}).items.size();
    };
    EXPECT_EQ(overlap("2026-12-02", "2026-12-09"), 1u);
    EXPECT_EQ(overlap("2026-11-20", "2026-11-30"), 1u);
    EXPECT_EQ(overlap("2026-12-03", "2026-12-09"), 0u);
    EXPECT_EQ(overlap("2026-11-01", "2026-11-29"), 0u);
  });
  // An update replaces the parts and bumps version and seq.
  auto got = read(db(), [&](Tx& tx) { return *tx.plan(p.meta.id, Scope{}); });
  got.stops.pop_back();
  got.stops[0].done = true;
  got.routes[0].end_store_id.reset();
  got.status = core::PlanStatus::published;
  got.published_at = 1'800'000'000;
  write(db(), [&](Tx& tx) { tx.update_plan(got); });
  EXPECT_EQ(got.meta.version, 2);
  EXPECT_GT(got.meta.seq, p.meta.seq);
  read(db(), [&](Tx& tx) {
    auto again = tx.plan(p.meta.id, Scope{});
    ASSERT_TRUE(again);
    EXPECT_EQ(again->stops, got.stops);
    EXPECT_EQ(again->routes, got.routes);
    EXPECT_EQ(again->candidates, got.candidates);
    EXPECT_EQ(again->status, core::PlanStatus::published);
    EXPECT_EQ(again->published_at, 1'800'000'000);
    EXPECT_EQ(again->meta.version, 2);
  });
}

TEST_P(StorageSuite, AFailedPlanWriteLeavesNoPart) {
  core::User a = make_user("pf@x.test", core::Role::rep);
  core::Store s1, s2;
  write(db(), [&](Tx& tx) {
    tx.insert_user(a);
    s1 = make_store("PF-1", a.meta.id);
    s2 = make_store("PF-2", a.meta.id);
    tx.insert_store(s1);
    tx.insert_store(s2);
  });
  const Seq before = read(db(), [&](Tx& tx) { return tx.last_seq(); });
  Id id = 0;
  EXPECT_THROW(write(db(),
                     [&](Tx& tx) {
                       auto p = make_plan(a.meta.id, s1.meta.id, s2.meta.id, "2026-11-30");
                       tx.insert_plan(p);
                       id = p.meta.id;
                       throw core::Error(core::ErrorCode::internal, "refused by a validator");
                     }),
               core::Error);
  read(db(), [&](Tx& tx) {
    EXPECT_FALSE(tx.plan(id, Scope{}));
    EXPECT_TRUE(tx.plans({}, Scope{}, Page{}).items.empty());
    EXPECT_EQ(tx.last_seq(), before);
  });
  // A stop naming a store that does not exist violates a reference: nothing is written.
  EXPECT_THROW(write(db(),
                     [&](Tx& tx) {
                       auto p = make_plan(a.meta.id, s1.meta.id, s2.meta.id + 1000, "2026-11-30");
                       tx.insert_plan(p);
                     }),
               core::Error);
  read(db(), [&](Tx& tx) { EXPECT_TRUE(tx.plans({}, Scope{}, Page{}).items.empty()); });
}

TEST_P(StorageSuite, AppointmentsLastVisitsAndCalendarEntries) {
  core::User a = make_user("pc@x.test", core::Role::rep);
  core::User b = make_user("pd@x.test", core::Role::rep);
  core::Store s1, s2, sb;
  core::Visit by_hand, made_by_plan, done, cancelled, other_rep;
  core::Plan p1, p2;
  write(db(), [&](Tx& tx) {
    tx.insert_user(a);
    tx.insert_user(b);
    s1 = make_store("PC-1", a.meta.id);
    s2 = make_store("PC-2", a.meta.id);
    sb = make_store("PC-B", b.meta.id);
    tx.insert_store(s1);
    tx.insert_store(s2);
    tx.insert_store(sb);
    auto visit = [&](core::Visit& v, Id store, Id rep, core::VisitStatus status,
                     core::UnixSeconds at) {
      v.store_id = store;
      v.rep_id = rep;
      v.status = status;
      v.planned_at = at;
      if (status == core::VisitStatus::done) v.checkin_at = at + 60;
      tx.insert_visit(v);
    };
    visit(by_hand, s1.meta.id, a.meta.id, core::VisitStatus::planned, 1'800'005'000);
    visit(made_by_plan, s2.meta.id, a.meta.id, core::VisitStatus::planned, 1'800'015'000);
    visit(done, s2.meta.id, a.meta.id, core::VisitStatus::done, 1'700'000'000);
    visit(cancelled, s1.meta.id, a.meta.id, core::VisitStatus::cancelled, 1'800'001'200);
    visit(other_rep, sb.meta.id, b.meta.id, core::VisitStatus::planned, 1'800'005'000);
    // An older published plan and a newer one both name `made_by_plan`; the newer explains it.
    p1 = make_plan(a.meta.id, s1.meta.id, s2.meta.id, "2026-11-30");
    p1.status = core::PlanStatus::superseded;
    p1.stops[0].visit_id = cancelled.meta.id;
    p1.stops[1].visit_id = made_by_plan.meta.id;
    tx.insert_plan(p1);
    p2 = make_plan(a.meta.id, s1.meta.id, s2.meta.id, "2026-11-30");
    p2.status = core::PlanStatus::published;
    p2.stops.erase(p2.stops.begin());
    p2.stops[0].visit_id = made_by_plan.meta.id;
    p2.candidates[1].why = "newest reason";
    tx.insert_plan(p2);
    // A plan that kept the hand-made appointment at its time does not make it the plan's.
    core::Plan p3 = make_plan(a.meta.id, s1.meta.id, s2.meta.id, "2026-11-30");
    p3.candidates[0].kind = core::PlanVisitKind::appointment;
    p3.candidates[0].appointment_visit_id = by_hand.meta.id;
    p3.candidates[0].appointment_at = by_hand.planned_at;
    p3.stops[0].visit_id = by_hand.meta.id;
    p3.stops.pop_back();
    tx.insert_plan(p3);
  });
  read(db(), [&](Tx& tx) {
    auto appts = tx.appointments(a.meta.id, 1'800'000'000, 1'800'086'400);
    ASSERT_EQ(appts.size(), 1u);  // not the plan's, not the cancelled, not rep b's
    EXPECT_EQ(appts[0].meta.id, by_hand.meta.id);
    EXPECT_TRUE(tx.appointments(a.meta.id, 1'800'006'000, 1'800'086'400).empty());
    auto last = tx.last_visits(a.meta.id);
    ASSERT_EQ(last.size(), 1u);
    EXPECT_EQ(last[0], (std::pair<Id, core::UnixSeconds>{s2.meta.id, 1'700'000'060}));
    auto entries = tx.calendar_entries(a.meta.id, 1'700'000'000, 100);
    ASSERT_EQ(entries.size(), 1u);  // the cancelled visit is gone, the shared one appears once
    EXPECT_EQ(entries[0].visit.meta.id, made_by_plan.meta.id);
    EXPECT_EQ(entries[0].plan_id, p2.meta.id);
    EXPECT_EQ(entries[0].candidate.why, "newest reason");
    EXPECT_EQ(entries[0].store.code, "PC-2");
    EXPECT_EQ(entries[0].stop.end_at, 1'800'017'400);
    EXPECT_TRUE(tx.calendar_entries(a.meta.id, 1'800'020'000, 100).empty());
    EXPECT_TRUE(tx.calendar_entries(b.meta.id, 0, 100).empty());
    EXPECT_EQ(tx.calendar_entries(a.meta.id, 0, 0).size(), 0u);
  });
}

TEST_P(StorageSuite, CalendarKeysRotate) {
  core::User a = make_user("pk@x.test", core::Role::rep);
  core::User b = make_user("pl@x.test", core::Role::rep);
  write(db(), [&](Tx& tx) {
    tx.insert_user(a);
    tx.insert_user(b);
    tx.put_calendar_key(a.meta.id, "hash-1", 100);
  });
  read(db(), [&](Tx& tx) {
    EXPECT_TRUE(tx.calendar_key_matches(a.meta.id, "hash-1"));
    EXPECT_FALSE(tx.calendar_key_matches(b.meta.id, "hash-1"));
    EXPECT_FALSE(tx.calendar_key_matches(a.meta.id, "hash-2"));
  });
  write(db(), [&](Tx& tx) { tx.put_calendar_key(a.meta.id, "hash-2", 200); });
  reopen();
  read(db(), [&](Tx& tx) {
    EXPECT_FALSE(tx.calendar_key_matches(a.meta.id, "hash-1"));
    EXPECT_TRUE(tx.calendar_key_matches(a.meta.id, "hash-2"));
  });
}

// Sync (docs/SYNC.md): territory epochs move with a store's rep, a savepoint undoes only its
// own writes, notes and tasks are found by client id (tombstones too), conflicts list by status,
// and an upload's chunks become one content-addressed blob.
TEST_P(StorageSuite, SyncRecordsEpochsSavepointsAndBlobs) {
  core::User a = make_user("sync-a@x.test", core::Role::rep);
  core::User b = make_user("sync-b@x.test", core::Role::rep);
  core::Store s = make_store("SYNC", std::nullopt);
  write(db(), [&](Tx& tx) {
    tx.insert_user(a);
    tx.insert_user(b);
    s.assigned_rep_id = a.meta.id;
    tx.insert_store(s);
    tx.put_device(Device{"phone-1", a.meta.id, 0});
  });
  const auto epochs = [&] {
    return read(db(), [&](Tx& tx) {
      return std::pair{tx.territory_epoch(a.meta.id), tx.territory_epoch(b.meta.id)};
    });
  };
  const auto [a0, b0] = epochs();
  write(db(), [&](Tx& tx) {
    s.name = "Renamed";  // the same rep: no epoch moves
    tx.update_store(s);
  });
  EXPECT_EQ(epochs(), std::pair(a0, b0));
  write(db(), [&](Tx& tx) {
    s.assigned_rep_id = b.meta.id;
    tx.update_store(s);
  });
  EXPECT_EQ(epochs(), std::pair(a0 + 1, b0 + 1));

  core::Note kept, undone;
  write(db(), [&](Tx& tx) {
    kept.client_id = "note-kept";
    kept.store_id = s.meta.id;
    kept.author_id = b.meta.id;
    kept.text = "Chef de rayon le mardi";
    tx.insert_note(kept);
    EXPECT_THROW(tx.savepoint([&] {
      undone.client_id = "note-undone";
      undone.store_id = s.meta.id;
      undone.author_id = b.meta.id;
      tx.insert_note(undone);
      throw core::Error(core::ErrorCode::validation, "no");
    }), core::Error);
    // A constraint refused inside a savepoint comes out typed, and the transaction goes on.
    core::Note twin = kept;
    twin.meta = {};
    try {
      tx.savepoint([&] { tx.insert_note(twin); });
      ADD_FAILURE() << "a second note with the same client id was stored";
    } catch (const core::Error& e) {
      EXPECT_EQ(e.code(), core::ErrorCode::conflict);
    }
    auto d = tx.device("phone-1");
    ASSERT_TRUE(d);
    d->last_applied = 7;
    tx.put_device(*d);
  });
  read(db(), [&](Tx& tx) {
    EXPECT_TRUE(tx.note_by_client_id("note-kept"));
    EXPECT_FALSE(tx.note_by_client_id("note-undone"));
    EXPECT_EQ(tx.device("phone-1")->last_applied, 7);
    EXPECT_EQ(tx.device("phone-1")->user_id, a.meta.id);
    EXPECT_FALSE(tx.device("phone-2"));
    EXPECT_TRUE(tx.note(kept.meta.id, Scope{b.meta.id}));
    EXPECT_FALSE(tx.note(kept.meta.id, Scope{a.meta.id}));  // the store left A's territory
  });
  EXPECT_TRUE(write(db(), [&](Tx& tx) { return tx.remove(EntityKind::note, kept.meta.id); }));
  read(db(), [&](Tx& tx) {
    auto gone = tx.note_by_client_id("note-kept");
    ASSERT_TRUE(gone);
    EXPECT_TRUE(gone->meta.deleted);
    EXPECT_FALSE(tx.note(kept.meta.id, Scope{}));
  });

  core::Task task;
  core::Conflict open, closed;
  write(db(), [&](Tx& tx) {
    task.client_id = "task-1";
    task.store_id = s.meta.id;
    task.author_id = b.meta.id;
    task.title = "Poser le stop-rayon";
    task.due_date = "2026-12-10";
    tx.insert_task(task);
    task.done = true;
    tx.update_task(task);
    for (auto* c : {&open, &closed}) {
      c->store_id = s.meta.id;
      c->field = "name";
      c->base_value = "\"Store SYNC\"";
      c->client_value = "\"Terrain\"";
      c->server_value = "\"Renamed\"";
      c->user_id = b.meta.id;
      tx.insert_conflict(*c);
    }
    closed.status = core::ConflictStatus::resolved;
    closed.resolution = "server";
    closed.resolved_by = a.meta.id;
    tx.update_conflict(closed);
  });
  read(db(), [&](Tx& tx) {
    auto t = tx.task_by_client_id("task-1");
    ASSERT_TRUE(t);
    EXPECT_TRUE(t->done);
    EXPECT_EQ(t->due_date, "2026-12-10");
    EXPECT_EQ(t->meta.version, 2);
    auto listed = tx.conflicts(core::ConflictStatus::open, Scope{}, Page{});
    ASSERT_EQ(listed.items.size(), 1u);
    EXPECT_EQ(listed.items[0].meta.id, open.meta.id);
    EXPECT_EQ(listed.items[0].client_value, "\"Terrain\"");
    EXPECT_EQ(tx.conflicts(std::nullopt, Scope{}, Page{}).items.size(), 2u);
    EXPECT_EQ(tx.conflict(closed.meta.id, Scope{})->resolution, "server");
    EXPECT_TRUE(tx.conflicts(std::nullopt, Scope{a.meta.id}, Page{}).items.empty());
  });

  const std::string sha(64, 'f');
  write(db(), [&](Tx& tx) {
    tx.put_upload(Upload{sha, "image/jpeg", 6, 0, a.meta.id});
    tx.append_chunk(sha, 0, std::string("ab\0", 3));
    tx.put_upload(Upload{sha, "image/jpeg", 6, 3, a.meta.id});
    tx.append_chunk(sha, 3, "cde");
    EXPECT_EQ(tx.upload(sha)->received, 3);
    EXPECT_EQ(tx.upload_bytes(sha), std::string("ab\0cde", 6));
    tx.end_upload(sha, true);
  });
  read(db(), [&](Tx& tx) {
    EXPECT_FALSE(tx.upload(sha));
    ASSERT_TRUE(tx.blob_exists(sha));
    EXPECT_EQ(tx.blob(sha)->data, std::string("ab\0cde", 6));
    EXPECT_EQ(tx.blob(sha)->content_type, "image/jpeg");
    EXPECT_TRUE(tx.blob_visible(sha, a.meta.id, Scope{a.meta.id}));   // the uploader
    EXPECT_FALSE(tx.blob_visible(sha, b.meta.id, Scope{b.meta.id}));  // nobody names it to B
  });
  // An upload left unfinished goes when it is older than the cut-off, not before.
  const std::string left(64, 'e');
  write(db(), [&](Tx& tx) {
    tx.put_upload(Upload{left, "image/jpeg", 10, 0, a.meta.id});
    tx.append_chunk(left, 0, "12345");
    // The quota counts stored blobs of the day and uploads in progress, per user.
    EXPECT_EQ(tx.bytes_uploaded_since(a.meta.id, core::now_seconds() - 3600), 6 + 10);
    EXPECT_EQ(tx.bytes_uploaded_since(a.meta.id, core::now_seconds() + 3600), 10);
    EXPECT_EQ(tx.bytes_uploaded_since(b.meta.id, 0), 0);
    EXPECT_EQ(tx.drop_stale_uploads(core::now_seconds() - 3600), 0);
    EXPECT_EQ(tx.drop_stale_uploads(core::now_seconds() + 1), 1);
    EXPECT_FALSE(tx.upload(left));
    EXPECT_EQ(tx.upload_bytes(left), "");
  });

  // Purging tombstones: leaf records go (an order with its lines), a visit's tombstone stays
  // (audits may refer to it); the horizon is the newest sequence purged.
  core::Visit visit;
  core::Order order;
  core::Product p;
  p.sku = "P-PURGE";
  write(db(), [&](Tx& tx) {
    tx.insert_product(p);
    visit.store_id = s.meta.id;
    visit.rep_id = b.meta.id;
    tx.insert_visit(visit);
    order.store_id = s.meta.id;
    order.rep_id = b.meta.id;
    order.lines = {{p.meta.id, 3, 250}};
    tx.insert_order(order);
    tx.remove(EntityKind::order, order.meta.id);
    tx.remove(EntityKind::visit, visit.meta.id);
  });
  const Seq order_tombstone = read(db(), [&](Tx& tx) {
    Seq seq = 0;
    for (const auto& c : tx.changes_since(0, Scope{}, 100'000)) {
      if (c.kind == EntityKind::order && c.id == order.meta.id) seq = c.seq;
    }
    return seq;
  });
  ASSERT_GT(order_tombstone, 0);
  EXPECT_EQ(read(db(), [&](Tx& tx) { return tx.purged_through(); }), 0);
  EXPECT_EQ(write(db(), [&](Tx& tx) { return tx.purge_tombstones(core::now_seconds() - 3600); }), 0);
  const auto purged = write(db(), [&](Tx& tx) { return tx.purge_tombstones(core::now_seconds() + 1); });
  EXPECT_EQ(purged, 2);  // the note and the order
  read(db(), [&](Tx& tx) {
    EXPECT_GE(tx.purged_through(), order_tombstone);
    EXPECT_FALSE(tx.note_by_client_id("note-kept"));
    bool order_left = false, visit_left = false;
    for (const auto& c : tx.changes_since(0, Scope{}, 100'000)) {
      order_left = order_left || (c.kind == EntityKind::order && c.id == order.meta.id);
      visit_left = visit_left || (c.kind == EntityKind::visit && c.id == visit.meta.id && c.deleted);
    }
    EXPECT_FALSE(order_left);
    EXPECT_TRUE(visit_left);
  });
}

}  // namespace boucle::storage::testing
