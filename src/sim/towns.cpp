#include "sim/towns.hpp"

#include <algorithm>
#include <array>
#include <charconv>

namespace boucle::sim {

namespace {

constexpr bool TOURIST = true;

// name, department, postcode, lat, lon, population, land arc, tourist, postcodes, spread
constexpr std::array TOWNS{
    // Rhône
    Town{"Lyon", "69", "69001", 45.7640, 4.8357, 522250, 0, 360, TOURIST, 9},
    Town{"Villeurbanne", "69", "69100", 45.7667, 4.8803, 156000},
    Town{"Vénissieux", "69", "69200", 45.6975, 4.8867, 66000},
    Town{"Vaulx-en-Velin", "69", "69120", 45.7781, 4.9206, 52000},
    Town{"Saint-Priest", "69", "69800", 45.6961, 4.9436, 48000},
    Town{"Villefranche-sur-Saône", "69", "69400", 45.9875, 4.7203, 37000},
    Town{"Givors", "69", "69700", 45.5906, 4.7689, 20000},
    Town{"Tarare", "69", "69170", 45.8967, 4.4336, 10800},
    // Loire
    Town{"Saint-Étienne", "42", "42000", 45.4397, 4.3872, 173000},
    Town{"Roanne", "42", "42300", 46.0361, 4.0686, 34000},
    Town{"Saint-Chamond", "42", "42400", 45.4758, 4.5139, 35000},
    Town{"Montbrison", "42", "42600", 45.6075, 4.0650, 16000},
    Town{"Firminy", "42", "42700", 45.3886, 4.2872, 17000},
    // Isère
    Town{"Grenoble", "38", "38000", 45.1885, 5.7245, 158000},
    Town{"Échirolles", "38", "38130", 45.1433, 5.7183, 37000},
    Town{"Saint-Martin-d'Hères", "38", "38400", 45.1672, 5.7653, 38000},
    Town{"Vienne", "38", "38200", 45.5253, 4.8744, 30000, 0, 360, TOURIST},
    Town{"Bourgoin-Jallieu", "38", "38300", 45.5861, 5.2736, 29000},
    Town{"Voiron", "38", "38500", 45.3644, 5.5892, 20500},
    Town{"Villefontaine", "38", "38090", 45.6142, 5.1506, 19000},
    Town{"La Tour-du-Pin", "38", "38110", 45.5656, 5.4447, 8300},
    Town{"Saint-Marcellin", "38", "38160", 45.1514, 5.3206, 8000},
    // Ain
    Town{"Bourg-en-Bresse", "01", "01000", 46.2052, 5.2255, 42000},
    Town{"Oyonnax", "01", "01100", 46.2567, 5.6553, 22000},
    Town{"Ambérieu-en-Bugey", "01", "01500", 45.9583, 5.3594, 14500},
    Town{"Valserhône", "01", "01200", 46.1083, 5.8256, 16500},
    Town{"Belley", "01", "01300", 45.7594, 5.6881, 9000},
    Town{"Miribel", "01", "01700", 45.8256, 4.9539, 10000},
    // Savoie
    Town{"Chambéry", "73", "73000", 45.5646, 5.9178, 60000, 0, 360, TOURIST},
    Town{"Aix-les-Bains", "73", "73100", 45.6886, 5.9153, 31000, 0, 170, TOURIST},
    Town{"Albertville", "73", "73200", 45.6758, 6.3925, 19500, 0, 360, TOURIST},
    Town{"Saint-Jean-de-Maurienne", "73", "73300", 45.2764, 6.3456, 7700, 0, 360, TOURIST},
    Town{"Montmélian", "73", "73800", 45.5000, 6.0461, 4200},
    // Haute-Savoie
    Town{"Annecy", "74", "74000", 45.8992, 6.1294, 131000, 190, 45, TOURIST},
    Town{"Annemasse", "74", "74100", 46.1933, 6.2342, 37000, 45, 210},  // Swiss border to the NW
    Town{"Thonon-les-Bains", "74", "74200", 46.3706, 6.4792, 35000, 100, 260, TOURIST},
    Town{"Cluses", "74", "74300", 46.0606, 6.5797, 17500},
    Town{"Sallanches", "74", "74700", 45.9364, 6.6311, 16500, 0, 360, TOURIST},
    Town{"Rumilly", "74", "74150", 45.8667, 5.9442, 15500},
    Town{"Bonneville", "74", "74130", 46.0781, 6.4006, 12500},
    // Drôme
    Town{"Valence", "26", "26000", 44.9334, 4.8924, 64000},
    Town{"Montélimar", "26", "26200", 44.5581, 4.7508, 40000},
    Town{"Romans-sur-Isère", "26", "26100", 45.0433, 5.0511, 33000},
    Town{"Pierrelatte", "26", "26700", 44.3775, 4.6964, 13500},
    Town{"Livron-sur-Drôme", "26", "26250", 44.7728, 4.8428, 9000},
    Town{"Crest", "26", "26400", 44.7283, 5.0225, 8500},
    Town{"Nyons", "26", "26110", 44.3606, 5.1406, 7000, 0, 360, TOURIST},
    Town{"Die", "26", "26150", 44.7536, 5.3703, 4500, 0, 360, TOURIST},
    // Ardèche
    Town{"Annonay", "07", "07100", 45.2400, 4.6708, 16500},
    Town{"Aubenas", "07", "07200", 44.6200, 4.3900, 12500, 0, 360, TOURIST},
    Town{"Guilherand-Granges", "07", "07500", 44.9339, 4.8686, 11000},
    Town{"Tournon-sur-Rhône", "07", "07300", 45.0672, 4.8328, 10500},
    Town{"Privas", "07", "07000", 44.7353, 4.5992, 8300},
    Town{"Le Teil", "07", "07400", 44.5453, 4.6828, 8500},
    // Vaucluse
    Town{"Avignon", "84", "84000", 43.9493, 4.8055, 91000, 30, 190, TOURIST},  // the Rhône to the W
    Town{"Carpentras", "84", "84200", 44.0556, 5.0481, 29000},
    Town{"Orange", "84", "84100", 44.1381, 4.8075, 28500, 0, 360, TOURIST},
    Town{"Cavaillon", "84", "84300", 43.8375, 5.0381, 26000},
    Town{"Pertuis", "84", "84120", 43.6942, 5.5017, 20000},
    Town{"L'Isle-sur-la-Sorgue", "84", "84800", 43.9194, 5.0514, 19000, 0, 360, TOURIST},
    Town{"Bollène", "84", "84500", 44.2811, 4.7486, 13500},
    Town{"Apt", "84", "84400", 43.8761, 5.3964, 12000, 0, 360, TOURIST},
    // Bouches-du-Rhône
    Town{"Marseille", "13", "13001", 43.3000, 5.4000, 873000, 335, 190, TOURIST, 16, 5.0},
    Town{"Aix-en-Provence", "13", "13100", 43.5297, 5.4474, 147000, 0, 360, TOURIST},
    Town{"Arles", "13", "13200", 43.6767, 4.6278, 51000, 0, 360, TOURIST},
    Town{"Aubagne", "13", "13400", 43.2928, 5.5706, 47000},
    Town{"Salon-de-Provence", "13", "13300", 43.6403, 5.0972, 46000},
    Town{"Gardanne", "13", "13120", 43.4547, 5.4692, 21000},
    Town{"Châteaurenard", "13", "13160", 43.8825, 4.8553, 16000},
    Town{"Tarascon", "13", "13150", 43.8058, 4.6603, 15000},
    // Var
    Town{"Toulon", "83", "83000", 43.1242, 5.9280, 180000, 275, 95, TOURIST},
    Town{"Fréjus", "83", "83600", 43.4331, 6.7370, 55000, 240, 60, TOURIST},
    Town{"Draguignan", "83", "83300", 43.5367, 6.4647, 40000},
    Town{"Brignoles", "83", "83170", 43.4058, 6.0617, 17500},
    Town{"Saint-Maximin-la-Sainte-Baume", "83", "83470", 43.4525, 5.8614, 17000},
    Town{"Le Luc", "83", "83340", 43.3947, 6.3128, 11000},
    // Alpes-de-Haute-Provence, Hautes-Alpes
    Town{"Manosque", "04", "04100", 43.8342, 5.7839, 22500},
    Town{"Digne-les-Bains", "04", "04000", 44.0925, 6.2356, 16000},
    Town{"Sisteron", "04", "04200", 44.1950, 5.9433, 7500, 0, 360, TOURIST},
    Town{"Gap", "05", "05000", 44.5594, 6.0786, 40500},
    // Gard
    Town{"Nîmes", "30", "30000", 43.8367, 4.3601, 149000, 0, 360, TOURIST},
    Town{"Alès", "30", "30100", 44.1250, 4.0817, 42000},
    Town{"Bagnols-sur-Cèze", "30", "30200", 44.1622, 4.6197, 18000},
    Town{"Beaucaire", "30", "30300", 43.8083, 4.6442, 16000},
    Town{"Saint-Gilles", "30", "30800", 43.6786, 4.4317, 14000},
    Town{"Vauvert", "30", "30600", 43.6953, 4.2761, 11500},
    Town{"Uzès", "30", "30700", 44.0125, 4.4197, 8500, 0, 360, TOURIST},
    // Hérault
    Town{"Montpellier", "34", "34000", 43.6108, 3.8767, 300000, 225, 90, TOURIST},
    Town{"Béziers", "34", "34500", 43.3442, 3.2158, 79000},
    Town{"Lunel", "34", "34400", 43.6756, 4.1358, 26500},
    Town{"Castelnau-le-Lez", "34", "34170", 43.6336, 3.9011, 24000},
    Town{"Clermont-l'Hérault", "34", "34800", 43.6275, 3.4319, 9000},
    Town{"Pézenas", "34", "34120", 43.4592, 3.4231, 8500, 0, 360, TOURIST},
    Town{"Lodève", "34", "34700", 43.7317, 3.3194, 7500},
    Town{"Ganges", "34", "34190", 43.9342, 3.7081, 4000},
    // Saône-et-Loire
    Town{"Chalon-sur-Saône", "71", "71100", 46.7806, 4.8539, 45000},
    Town{"Mâcon", "71", "71000", 46.3069, 4.8283, 34000},
    Town{"Le Creusot", "71", "71200", 46.8008, 4.4167, 21000},
    Town{"Montceau-les-Mines", "71", "71300", 46.6672, 4.3689, 18000},
    Town{"Autun", "71", "71400", 46.9511, 4.2986, 13500, 0, 360, TOURIST},
    Town{"Paray-le-Monial", "71", "71600", 46.4511, 4.1197, 9000},
    Town{"Louhans", "71", "71500", 46.6264, 5.2247, 6500},
    Town{"Tournus", "71", "71700", 46.5631, 4.9086, 5500},
    // Côte-d'Or
    Town{"Dijon", "21", "21000", 47.3220, 5.0415, 159000, 0, 360, TOURIST},
    Town{"Beaune", "21", "21200", 47.0250, 4.8397, 20500, 0, 360, TOURIST},
    Town{"Chenôve", "21", "21300", 47.2925, 5.0053, 14000},
    // Puy-de-Dôme, Allier, Haute-Loire
    Town{"Clermont-Ferrand", "63", "63000", 45.7772, 3.0870, 147000},
    Town{"Riom", "63", "63200", 45.8936, 3.1125, 19000},
    Town{"Issoire", "63", "63500", 45.5442, 3.2489, 15000},
    Town{"Thiers", "63", "63300", 45.8564, 3.5475, 11500},
    Town{"Vichy", "03", "03200", 46.1278, 3.4258, 25000, 0, 360, TOURIST},
    Town{"Le Puy-en-Velay", "43", "43000", 45.0431, 3.8858, 19000, 0, 360, TOURIST},
    Town{"Yssingeaux", "43", "43200", 45.1428, 4.1236, 7500},
};

}  // namespace

bool Town::bearing_on_land(double bearing) const {
  if (land_from == 0 && land_to == 360) return true;
  const double from = land_from;
  const double to = land_to;
  if (from <= to) return bearing >= from && bearing <= to;
  return bearing >= from || bearing <= to;  // the arc wraps through north
}

std::string Town::postcode_at(int k) const {
  int base = 0;
  std::from_chars(postcode.data(), postcode.data() + postcode.size(), base);
  std::string s = std::to_string(base + k);
  return std::string(5 - std::min<std::size_t>(5, s.size()), '0') + s;
}

std::span<const Town> all_towns() { return TOWNS; }

}  // namespace boucle::sim
