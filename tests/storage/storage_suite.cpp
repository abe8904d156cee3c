#include "storage_suite.hpp"

#include <atomic>
#include <set>
#include <thread>

#include "core/error.hpp"

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

}  // namespace boucle::storage::testing
