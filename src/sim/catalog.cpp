#include "sim/catalog.hpp"

#include <array>
#include <cmath>

namespace boucle::sim {

namespace {

// A fictional GS1 France company prefix (7 digits); item references follow.
constexpr std::string_view EAN_COMPANY_PREFIX = "3701642";

struct RangeDef {
  std::string_view code;
  std::string_view name;
};

constexpr std::array RANGES{
    RangeDef{"PDJ", "Petit-déjeuner"}, RangeDef{"GOU", "Goûter"},
    RangeDef{"APE", "Apéritif"},       RangeDef{"BIO", "Bio"},
    RangeDef{"TAR", "Tartiner"},       RangeDef{"PRO", NEW_RANGE},
};

struct ProductDef {
  std::string_view range_code;
  std::string_view name;
  core::Cents price;
  int tier;
  int launch_rank;
  double weekly_units;
  int case_size;
};

constexpr std::array PRODUCTS{
    ProductDef{"PDJ", "Biscuits avoine et miel 400 g", 239, 1, 0, 16, 12},
    ProductDef{"PDJ", "Biscuits chocolat et céréales 400 g", 249, 1, 0, 18, 12},
    ProductDef{"PDJ", "Brioche tranchée pur beurre 500 g", 329, 1, 0, 14, 8},
    ProductDef{"PDJ", "Pains au lait x10", 219, 2, 0, 12, 10},
    ProductDef{"PDJ", "Biscottes froment 300 g", 189, 2, 0, 8, 12},
    ProductDef{"PDJ", "Tartines craquantes 6 céréales 250 g", 229, 2, 0, 7, 12},
    ProductDef{"PDJ", "Madeleines pur beurre x12", 279, 1, 0, 13, 12},
    ProductDef{"PDJ", "Galettes pur beurre 250 g", 259, 3, 0, 5, 12},
    ProductDef{"GOU", "Cookies pépites de chocolat 200 g", 219, 1, 0, 17, 12},
    ProductDef{"GOU", "Sablés fourrés fraise 300 g", 209, 2, 0, 9, 12},
    ProductDef{"GOU", "Génoises à l'orange 150 g", 169, 2, 0, 9, 16},
    ProductDef{"GOU", "Quatre-quarts pur beurre 500 g", 349, 1, 0, 10, 8},
    ProductDef{"GOU", "Gaufrettes noisette 170 g", 159, 2, 0, 8, 16},
    ProductDef{"GOU", "Barquettes abricot 120 g", 149, 3, 0, 6, 16},
    ProductDef{"GOU", "Mini-cakes chocolat x8", 289, 1, 0, 12, 10},
    ProductDef{"GOU", "Palets coco 150 g", 199, 3, 0, 4, 12},
    ProductDef{"APE", "Crackers emmental 85 g", 179, 1, 0, 14, 16},
    ProductDef{"APE", "Gressins sésame 125 g", 169, 2, 0, 7, 16},
    ProductDef{"APE", "Bretzels sel de Guérande 150 g", 159, 2, 0, 8, 16},
    ProductDef{"APE", "Tuiles paprika 100 g", 189, 1, 0, 12, 16},
    ProductDef{"APE", "Mini-feuilletés olive 90 g", 239, 3, 0, 5, 12},
    ProductDef{"APE", "Crackers romarin 100 g", 199, 2, 0, 6, 16},
    ProductDef{"APE", "Assortiment apéritif 250 g", 399, 3, 0, 4, 8},
    ProductDef{"APE", "Croûtons ail et fines herbes 90 g", 129, 3, 0, 4, 20},
    ProductDef{"BIO", "Biscuits épeautre bio 200 g", 269, 2, 0, 6, 12},
    ProductDef{"BIO", "Galettes de riz chocolat noir bio 100 g", 199, 2, 0, 7, 12},
    ProductDef{"BIO", "Sablés citron bio 150 g", 249, 3, 0, 4, 12},
    ProductDef{"BIO", "Petits beurre complets bio 200 g", 229, 2, 0, 6, 12},
    ProductDef{"BIO", "Crackers quinoa bio 120 g", 259, 3, 0, 3, 12},
    ProductDef{"BIO", "Cookies avoine et raisins bio 175 g", 279, 3, 0, 4, 12},
    ProductDef{"BIO", "Pain d'épices bio 300 g", 319, 3, 0, 3, 8},
    ProductDef{"BIO", "Barres céréales fruits rouges bio x6", 299, 2, 0, 5, 12},
    ProductDef{"TAR", "Pâte à tartiner noisettes 350 g", 349, 1, 0, 15, 12},
    ProductDef{"TAR", "Confiture extra fraise 370 g", 289, 1, 0, 11, 12},
    ProductDef{"TAR", "Confiture extra abricot 370 g", 289, 2, 0, 8, 12},
    ProductDef{"TAR", "Crème de marrons 250 g", 299, 3, 0, 3, 12},
    ProductDef{"TAR", "Miel de fleurs 500 g", 549, 2, 0, 5, 6},
    ProductDef{"TAR", "Pâte à tartiner noisettes bio 300 g", 429, 3, 0, 4, 12},
    ProductDef{"PRO", "Barres protéinées cacahuète x4", 399, 0, 1, 9, 12},
    ProductDef{"PRO", "Barres protéinées chocolat noir x4", 399, 0, 2, 9, 12},
    ProductDef{"PRO", "Biscuits protéinés cacao 160 g", 299, 0, 3, 7, 12},
    ProductDef{"PRO", "Granola protéiné 350 g", 449, 0, 4, 6, 8},
    ProductDef{"PRO", "Crackers protéinés lentilles 100 g", 249, 0, 5, 5, 16},
    ProductDef{"PRO", "Bouchées protéinées coco x6", 379, 0, 6, 5, 12},
};

std::string_view range_name(std::string_view code) {
  for (const auto& r : RANGES) {
    if (r.code == code) return r.name;
  }
  return code;
}

std::string two_digits(int n) {
  return std::string{static_cast<char>('0' + n / 10), static_cast<char>('0' + n % 10)};
}

}  // namespace

int ean13_check_digit(std::string_view first12) {
  int sum = 0;
  for (std::size_t i = 0; i < 12 && i < first12.size(); ++i) {
    const int digit = first12[i] - '0';
    sum += (i % 2 == 0) ? digit : 3 * digit;  // weights 1, 3, 1, 3… from the left
  }
  return (10 - sum % 10) % 10;
}

bool is_valid_ean13(std::string_view ean) {
  if (ean.size() != 13) return false;
  for (char c : ean) {
    if (c < '0' || c > '9') return false;
  }
  return ean13_check_digit(ean.substr(0, 12)) == ean[12] - '0';
}

std::vector<CatalogItem> build_catalog(const std::string& launched_on) {
  std::vector<CatalogItem> items;
  items.reserve(PRODUCTS.size());
  int per_range = 0;
  std::string_view previous_range;
  int item_ref = 0;
  for (const auto& def : PRODUCTS) {
    per_range = def.range_code == previous_range ? per_range + 1 : 1;
    previous_range = def.range_code;
    ++item_ref;
    CatalogItem item;
    item.range_code = std::string(def.range_code);
    item.tier = def.tier;
    item.launch_rank = def.launch_rank;
    item.weekly_units = def.weekly_units;
    item.case_size = def.case_size;
    auto& p = item.product;
    p.sku = "ARD-" + item.range_code + "-" + two_digits(per_range);
    const std::string ref = std::string(EAN_COMPANY_PREFIX) + "0" + two_digits(item_ref / 100) +
                            two_digits(item_ref % 100);
    p.ean = ref + static_cast<char>('0' + ean13_check_digit(ref));
    p.name = std::string(def.name);
    p.brand = std::string(BRAND);
    p.range = std::string(range_name(def.range_code));
    p.price = def.price;
    if (item.is_new()) p.launched_on = launched_on;
    items.push_back(std::move(item));
  }
  return items;
}

bool in_assortment(core::Channel channel, const CatalogItem& item) {
  using core::Channel;
  // The new range rolls out by rank: big formats take all of it, small ones the two leaders.
  if (item.is_new()) {
    switch (channel) {
      case Channel::hyper:
        return true;
      case Channel::super:
      case Channel::drive:
        return item.launch_rank <= 4;
      case Channel::proxi:
      case Channel::cash_carry:
        return item.launch_rank <= 2;
      case Channel::specialist:
        return item.launch_rank == 4;  // the granola suits organic shops
      case Channel::other:
        return false;
    }
    return false;
  }
  switch (channel) {
    case Channel::hyper:
      return true;
    case Channel::super:
    case Channel::drive:
      return item.tier <= 2;
    case Channel::proxi:
      return item.tier == 1;
    case Channel::cash_carry:  // caterers and small shops buy the core and the snacking
      return item.tier == 1 ||
             (item.tier == 2 && (item.range_code == "APE" || item.range_code == "GOU"));
    case Channel::specialist:
      return item.range_code == "BIO" || item.product.sku == "ARD-TAR-05" ||
             item.product.sku == "ARD-TAR-06";
    case Channel::other:
      return false;
  }
  return false;
}

double seasonality(std::string_view range_code, int day_of_year) {
  constexpr double TWO_PI = 6.28318530717958647692;
  // Amplitude and peak day of a yearly cycle per range, plus the run-up to Christmas.
  double amplitude = 0.05;
  double peak = 15;
  double christmas = 0.0;
  if (range_code == "PDJ") {
    amplitude = 0.10;
    peak = 20;
    christmas = 0.10;
  } else if (range_code == "GOU") {
    amplitude = 0.15;
    peak = 255;
    christmas = 0.20;
  } else if (range_code == "APE") {
    amplitude = 0.25;
    peak = 195;
    christmas = 0.35;
  } else if (range_code == "TAR") {
    amplitude = 0.20;
    peak = 20;
    christmas = 0.15;
  } else if (range_code == "PRO") {
    amplitude = 0.15;
    peak = 10;
  }
  double s = 1.0 + amplitude * std::cos(TWO_PI * (day_of_year - peak) / 365.25);
  if (day_of_year >= 335 && day_of_year <= 358) s += christmas;  // December 1st to 24th
  return s;
}

}  // namespace boucle::sim
