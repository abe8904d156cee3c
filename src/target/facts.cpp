#include "target/facts.hpp"

#include <algorithm>
#include <utility>

#include "core/assert.hpp"
#include "core/domain.hpp"

namespace boucle::target {

std::uint32_t Dictionary::code(std::string_view text) {
  std::string key(text);
  const auto it = index_.find(key);
  if (it != index_.end()) return it->second;
  const auto code = static_cast<std::uint32_t>(values_.size());
  values_.push_back(key);
  index_.emplace(std::move(key), code);
  return code;
}

std::optional<std::uint32_t> Dictionary::find(std::string_view text) const {
  const auto it = index_.find(std::string(text));
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

namespace {

// Groups `items` (indexes into a fact table) by store with a counting sort, keeping their
// order within a store; fills begin (rows + 1 offsets) and out.
template <class StoreOf>
void group_by_store(std::size_t rows, const std::vector<std::uint32_t>& items, StoreOf store_of,
                    std::vector<std::uint32_t>& begin, std::vector<std::uint32_t>& out) {
  begin.assign(rows + 1, 0);
  for (const std::uint32_t i : items) ++begin[store_of(i) + 1];
  for (std::size_t r = 0; r < rows; ++r) begin[r + 1] += begin[r];
  out.resize(items.size());
  std::vector<std::uint32_t> next(begin.begin(), begin.end() - 1);
  for (const std::uint32_t i : items) out[next[store_of(i)]++] = i;
}

template <class StoreOf>
void group_all_by_store(std::size_t rows, std::size_t count, StoreOf store_of,
                        std::vector<std::uint32_t>& begin, std::vector<std::uint32_t>& out) {
  begin.assign(rows + 1, 0);
  for (std::size_t i = 0; i < count; ++i) ++begin[store_of(i) + 1];
  for (std::size_t r = 0; r < rows; ++r) begin[r + 1] += begin[r];
  out.resize(count);
  std::vector<std::uint32_t> next(begin.begin(), begin.end() - 1);
  for (std::size_t i = 0; i < count; ++i) out[next[store_of(i)]++] = static_cast<std::uint32_t>(i);
}

}  // namespace

void Facts::index() {
  const std::size_t n = stores.size();
  const std::size_t n_products = products.size();

  row_of.clear();
  row_of.reserve(n);
  for (std::size_t r = 0; r < n; ++r) row_of.emplace(stores.id[r], static_cast<Row>(r));
  product_of.clear();
  product_of.reserve(n_products);
  for (std::size_t p = 0; p < n_products; ++p)
    product_of.emplace(products.id[p], static_cast<std::uint32_t>(p));

  std::size_t n_ranges = ranges.size();
  for (const std::uint32_t range : products.range) n_ranges = std::max<std::size_t>(n_ranges, range + 1);
  range_products.assign(n_ranges, {});
  for (std::size_t p = 0; p < n_products; ++p)
    range_products[products.range[p]].push_back(static_cast<std::uint32_t>(p));

  // Done visits per store, by check-in (ties: visit index).
  const auto done = static_cast<std::uint8_t>(core::VisitStatus::done);
  std::vector<std::uint32_t> done_visits;
  done_visits.reserve(visits.size());
  last_visit_at.assign(n, 0);
  for (std::size_t v = 0; v < visits.size(); ++v) {
    BOUCLE_ASSERT(visits.store[v] < n, "a visit's store must be a row of the snapshot");
    if (visits.status[v] != done) continue;
    done_visits.push_back(static_cast<std::uint32_t>(v));
    UnixSeconds& last = last_visit_at[visits.store[v]];
    last = std::max(last, visits.checkin_at[v]);
  }
  group_by_store(n, done_visits, [&](std::uint32_t v) { return visits.store[v]; }, store_visit_begin,
                 store_visits);
  done_visits = {};
  // Fact tables usually arrive in time order (appended as events happen), so most stores' runs
  // are sorted already: checking first keeps index() linear in that case.
  const auto visit_before = [&](std::uint32_t a, std::uint32_t b) {
    return std::pair(visits.checkin_at[a], a) < std::pair(visits.checkin_at[b], b);
  };
  for (std::size_t r = 0; r < n; ++r) {
    const auto first = store_visits.begin() + store_visit_begin[r];
    const auto last = store_visits.begin() + store_visit_begin[r + 1];
    if (!std::is_sorted(first, last, visit_before)) std::sort(first, last, visit_before);
  }
  group_all_by_store(n, visits.size(), [&](std::size_t v) { return visits.store[v]; },
                     store_all_visit_begin, store_all_visits);

  // Audits per store by time, then product (ties: audit index), and the latest per product.
  const std::size_t n_audits = audits.size();
  group_all_by_store(
      n, n_audits,
      [&](std::size_t a) {
        BOUCLE_ASSERT(audits.store[a] < n, "an audit's store must be a row of the snapshot");
        return audits.store[a];
      },
      store_audit_begin, store_audits);
  latest_audit.assign(n * n_products, NONE);
  const auto audit_before = [&](std::uint32_t a, std::uint32_t b) {
    if (audits.at[a] != audits.at[b]) return audits.at[a] < audits.at[b];
    if (audits.product[a] != audits.product[b]) return audits.product[a] < audits.product[b];
    return a < b;
  };
  for (std::size_t r = 0; r < n; ++r) {
    const auto first = store_audits.begin() + store_audit_begin[r];
    const auto last = store_audits.begin() + store_audit_begin[r + 1];
    if (!std::is_sorted(first, last, audit_before)) std::sort(first, last, audit_before);
    std::uint32_t* latest = latest_audit.data() + r * n_products;
    for (auto it = first; it != last; ++it) {
      BOUCLE_ASSERT(audits.product[*it] < n_products, "an audit's product must be in the snapshot");
      latest[audits.product[*it]] = *it;  // later in the order wins
    }
  }
  latest_state.assign(n * n_products, NEVER_AUDITED);
  for (std::size_t i = 0; i < latest_audit.size(); ++i) {
    const std::uint32_t a = latest_audit[i];
    if (a == NONE) continue;
    latest_state[i] = !audits.present[a] ? ABSENT : audits.out_of_stock[a] ? OUT_OF_STOCK : PRESENT;
  }

  sales_by_store.clear();
  const auto n_weeks = static_cast<std::size_t>(std::max(sales_weeks, 0));
  if (n_weeks > 0 && sales_revenue.size() == n * n_weeks) {
    sales_by_store.resize(n * n_weeks);
    for (std::size_t w = 0; w < n_weeks; ++w) {
      const float* week = sales_revenue.data() + w * n;
      for (std::size_t r = 0; r < n; ++r) sales_by_store[r * n_weeks + w] = week[r];
    }
  }
}

std::optional<Row> Facts::row(Id store_id) const {
  const auto it = row_of.find(store_id);
  if (it == row_of.end()) return std::nullopt;
  return it->second;
}

double Facts::sales_over(Row r, int weeks) const {
  const std::size_t n = stores.size();
  if (r >= n || weeks <= 0 || sales_weeks <= 0) return 0;
  const auto n_weeks = static_cast<std::size_t>(sales_weeks);
  const bool by_store = sales_by_store.size() == n * n_weeks;
  const Day this_week = monday_of(today());
  double total = 0;
  for (int k = 1; k <= weeks; ++k) {
    const Day week = this_week - 7 * k;
    const Day offset = week - sales_first_week;
    if (offset < 0) break;  // older weeks are before the window too
    const auto w = static_cast<std::size_t>(offset / 7);
    if (offset % 7 != 0 || w >= n_weeks) continue;
    if (by_store) {
      total += sales_by_store[static_cast<std::size_t>(r) * n_weeks + w];
    } else if (w * n + r < sales_revenue.size()) {
      total += sales_revenue[w * n + r];
    }
  }
  return total;
}

std::string department_of_postcode(std::string_view postcode) {
  if (postcode.size() != 5) return {};
  for (const char c : postcode)
    if (c < '0' || c > '9') return {};
  const int two = (postcode[0] - '0') * 10 + (postcode[1] - '0');
  const int three = two * 10 + (postcode[2] - '0');
  if (two == 20) {
    if (three <= 201) return "2A";
    if (three <= 206) return "2B";
    return {};
  }
  if (two == 97 || two == 98) return std::string(postcode.substr(0, 3));
  if (two < 1 || two > 95) return {};
  return std::string(postcode.substr(0, 2));
}

std::string_view region_of_department(std::string_view department) {
  struct Entry {
    std::string_view department, region;
  };
  static constexpr std::string_view ara = "Auvergne-Rhône-Alpes", bfc = "Bourgogne-Franche-Comté",
                                    bre = "Bretagne", cvl = "Centre-Val de Loire", cor = "Corse",
                                    ges = "Grand Est", hdf = "Hauts-de-France", idf = "Île-de-France",
                                    nor = "Normandie", naq = "Nouvelle-Aquitaine", occ = "Occitanie",
                                    pdl = "Pays de la Loire", pac = "Provence-Alpes-Côte d'Azur";
  // Sorted by department for binary search.
  static constexpr Entry TABLE[] = {
      {"01", ara}, {"02", hdf}, {"03", ara}, {"04", pac}, {"05", pac}, {"06", pac}, {"07", ara},
      {"08", ges}, {"09", occ}, {"10", ges}, {"11", occ}, {"12", occ}, {"13", pac}, {"14", nor},
      {"15", ara}, {"16", naq}, {"17", naq}, {"18", cvl}, {"19", naq}, {"21", bfc}, {"22", bre},
      {"23", naq}, {"24", naq}, {"25", bfc}, {"26", ara}, {"27", nor}, {"28", cvl}, {"29", bre},
      {"2A", cor}, {"2B", cor}, {"30", occ}, {"31", occ}, {"32", occ}, {"33", naq}, {"34", occ},
      {"35", bre}, {"36", cvl}, {"37", cvl}, {"38", ara}, {"39", bfc}, {"40", naq}, {"41", cvl},
      {"42", ara}, {"43", ara}, {"44", pdl}, {"45", cvl}, {"46", occ}, {"47", naq}, {"48", occ},
      {"49", pdl}, {"50", nor}, {"51", ges}, {"52", ges}, {"53", pdl}, {"54", ges}, {"55", ges},
      {"56", bre}, {"57", ges}, {"58", bfc}, {"59", hdf}, {"60", hdf}, {"61", nor}, {"62", hdf},
      {"63", ara}, {"64", naq}, {"65", occ}, {"66", occ}, {"67", ges}, {"68", ges}, {"69", ara},
      {"70", bfc}, {"71", bfc}, {"72", pdl}, {"73", ara}, {"74", ara}, {"75", idf}, {"76", nor},
      {"77", idf}, {"78", idf}, {"79", naq}, {"80", hdf}, {"81", occ}, {"82", occ}, {"83", pac},
      {"84", pac}, {"85", pdl}, {"86", naq}, {"87", naq}, {"88", ges}, {"89", bfc}, {"90", bfc},
      {"91", idf}, {"92", idf}, {"93", idf}, {"94", idf}, {"95", idf}, {"971", "Guadeloupe"},
      {"972", "Martinique"}, {"973", "Guyane"}, {"974", "La Réunion"}, {"976", "Mayotte"},
  };
  const auto it = std::lower_bound(std::begin(TABLE), std::end(TABLE), department,
                                   [](const Entry& e, std::string_view d) { return e.department < d; });
  if (it == std::end(TABLE) || it->department != department) return {};
  return it->region;
}

}  // namespace boucle::target
