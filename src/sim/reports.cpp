#include "sim/reports.hpp"

#include <array>
#include <string_view>

#include "sim/catalog.hpp"

namespace boucle::sim {

namespace {

constexpr std::array DEEP_OPENINGS{
    "Rendez-vous avec la cheffe de rayon épicerie sucrée.",
    "Point complet avec le chef de rayon biscuits.",
    "Échange avec le directeur du magasin, puis relevé complet du linéaire.",
    "Visite approfondie avec le manager du rayon épicerie.",
    "Relevé complet du linéaire ; chef de rayon absent, vu son adjointe.",
    "Revue de l'assortiment avec le responsable des achats du magasin."};

constexpr std::array QUICK_OPENINGS{"Passage rapide en rayon.", "Contrôle du linéaire et des prix.",
                                    "Visite courte entre deux rendez-vous.",
                                    "Passage éclair, relevé des points clés.",
                                    "Contrôle rapide des ruptures."};

constexpr std::string_view QUICK_LAUNCH_OPENING =
    "Contrôle rapide des ruptures et de la nouvelle gamme.";

constexpr std::size_t MAX_NEXT_STEPS = 2;

constexpr std::array ALL_GOOD{"Linéaire complet et bien tenu.", "Rayon propre, prix conformes.",
                              "Bonne tenue du rayon, rien à signaler.",
                              "Facings respectés, étiquetage correct."};

constexpr std::array NO_ORDER{"Pas de commande : stock suffisant en réserve.",
                              "Pas de commande, décision reportée au prochain passage.",
                              "Pas de commande, le magasin passe par sa centrale cette semaine.",
                              "Pas de commande, réserve pleine après la dernière livraison."};

constexpr std::array GENERIC_NEXT{
    "Proposer une mise en avant en tête de gondole.",
    "Négocier un facing supplémentaire sur les biscuits petit-déjeuner.",
    "Présenter le plan promotionnel du trimestre.",
    "Faire valider le planogramme par le chef de rayon.",
    "Proposer une animation dégustation en magasin.",
    "Suivre la rotation des références apéritif."};

template <typename T, std::size_t N>
std::string pick_text(const std::array<T, N>& a, Rng& rng) {
  return std::string(a[static_cast<std::size_t>(rng.uniform_int(0, static_cast<int>(N) - 1))]);
}

std::string plural(int n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n > 1 ? many : one);
}

}  // namespace

std::string format_euros(core::Cents cents) {
  const bool negative = cents < 0;
  const core::Cents abs = negative ? -cents : cents;
  // Thousands grouped by spaces, French style: 12 345,60 €.
  const std::string digits = std::to_string(abs / 100);
  std::string euros;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) euros.push_back(' ');
    euros.push_back(digits[i]);
  }
  const auto c = abs % 100;
  std::string out = negative ? "-" : "";
  out.append(euros).append(",");
  out.push_back(static_cast<char>('0' + c / 10));
  out.push_back(static_cast<char>('0' + c % 10));
  out.append(" €");
  return out;
}

VisitWriteUp write_up(const VisitFacts& f, Rng& rng) {
  const bool deep = f.type == core::VisitType::deep;
  std::string report;
  if (deep) {
    report = pick_text(DEEP_OPENINGS, rng);
  } else if (f.new_range_launched && rng.chance(0.3)) {
    report = std::string(QUICK_LAUNCH_OPENING);
  } else {
    report = pick_text(QUICK_OPENINGS, rng);
  }
  const auto add = [&](const std::string& sentence) { report += " " + sentence; };

  if (f.listed_new.size() == 1) {
    add("Gamme " + std::string(NEW_RANGE) + " : référencement obtenu sur " + f.listed_new[0] + ".");
  } else if (f.listed_new.size() > 1) {
    add("Gamme " + std::string(NEW_RANGE) + " : " +
        plural(static_cast<int>(f.listed_new.size()), "référence obtenue", "références obtenues") +
        ".");
  }
  if (!f.listed_core.empty()) {
    add(plural(static_cast<int>(f.listed_core.size()), "référence réimplantée",
               "références réimplantées") +
        " en rayon.");
  }
  if (f.out_of_stock.size() == 1) {
    add("Rupture sur " + f.out_of_stock[0] + ".");
  } else if (f.out_of_stock.size() > 1) {
    add(std::to_string(f.out_of_stock.size()) + " ruptures relevées, dont " + f.out_of_stock[0] +
        ".");
  }
  if (!f.promo.empty()) add("Promotion en cours sur " + f.promo[0] + ".");
  if (f.out_of_stock.empty() && f.still_absent == 0) {
    add(pick_text(ALL_GOOD, rng));
  } else if (deep && f.still_absent > 0) {
    add(plural(f.still_absent, "référence de l'assortiment toujours absente.",
               "références de l'assortiment toujours absentes."));
  }
  if (f.order_lines > 0) {
    add("Commande de " + plural(f.order_lines, "ligne", "lignes") + " pour " +
        format_euros(f.order_total) + ".");
  } else {
    add(pick_text(NO_ORDER, rng));
  }

  std::string next;
  std::size_t steps = 0;
  const auto step = [&](const std::string& sentence) {
    if (steps++ >= MAX_NEXT_STEPS) return;
    next += (next.empty() ? "" : " ") + sentence;
  };
  if (f.new_range_absent > 0) {
    step("Relancer le chef de rayon pour l'implantation de la gamme " + std::string(NEW_RANGE) +
         ".");
  }
  if (!f.out_of_stock.empty()) step("Vérifier le réassort de " + f.out_of_stock[0] + ".");
  if (f.order_lines > 0 && rng.chance(0.5)) step("Contrôler la livraison de la commande.");
  if (!deep && f.still_absent > 0 && rng.chance(0.5)) {
    step("Prévoir un relevé complet au prochain passage.");
  }
  if (steps == 0 || rng.chance(0.3)) step(pick_text(GENERIC_NEXT, rng));
  return {report, next};
}

}  // namespace boucle::sim
