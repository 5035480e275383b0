// Voltage and loss estimate of a synthetic feeder (backward/forward sweep) and what it decides:
// capacitor banks, line regulators, regulator settings, substation transformer size, head SCADA.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "network.hpp"

namespace feederlab::synth {

namespace {

constexpr double kFeetPerMile = 5280.0;
constexpr double kVln = 12470.0 / 1.7320508075688772;  // volts line-to-neutral of the 12.47 kV system
const Complex kShift[3] = {Complex(1, 0), std::polar(1.0, -2.0943951023931953), std::polar(1.0, 2.0943951023931953)};

int phaseIndex(char p) {
  return p - 'A';
}

// Per-phase shunt capacitance of a node's incoming section, nF (all of it lumped at the node).
double sectionC(const PNode& n) {
  const auto& c = conductorCatalog()[static_cast<std::size_t>(n.conductor)];
  const double miles = n.length_ft / kFeetPerMile;
  if (c.phases > 0) return c.c1_nf * miles;
  return (n.phases.size() == 3 ? c.c1_nf : (2.0 * c.c1_nf + c.c0_nf) / 3.0) * miles;
}

// Per-phase series impedance of a node's incoming section, ohm.
Complex sectionZ(const PNode& n) {
  const auto& c = conductorCatalog()[static_cast<std::size_t>(n.conductor)];
  const double miles = n.length_ft / kFeetPerMile;
  const Complex z1(c.r1, c.x1), z0(c.r0, c.x0);
  if (c.phases > 0) return z1 * miles;  // matrix form, one phase: the self impedance
  return (n.phases.size() == 3 ? z1 : (2.0 * z1 + z0) / 3.0) * miles;
}

// %R and %X of a transformer from %Z and X/R.
std::pair<double, double> rx(double z_pct, double x_r) {
  const double r = z_pct / std::sqrt(1.0 + x_r * x_r);
  return {r, r * x_r};
}

struct Tree {
  std::vector<std::vector<int>> children;
  std::vector<int> order;  // parents before children, from the substation bus
};

Tree makeTree(const Network& net) {
  Tree t;
  t.children.assign(net.nodes.size(), {});
  for (std::size_t i = 0; i < net.nodes.size(); ++i)
    if (net.nodes[i].parent >= 0)
      t.children[static_cast<std::size_t>(net.nodes[i].parent)].push_back(static_cast<int>(i));
  t.order.push_back(net.sub_lv);
  for (std::size_t k = 0; k < t.order.size(); ++k)
    for (int c : t.children[static_cast<std::size_t>(t.order[k])]) t.order.push_back(c);
  return t;
}

// Thevenin impedance of the source and substation transformer seen from the 12.47 kV bus, ohm.
Complex theveninZ(const SubstationRow& s) {
  const double kv2 = s.kv2 * s.kv2;
  const double zs = kv2 / s.sc_mva_3ph;
  const double rs = zs / std::sqrt(1.0 + s.x_r_3ph * s.x_r_3ph);
  const auto [r, x] = rx(s.z_pct, s.x_r);
  return Complex(rs, rs * s.x_r_3ph) + Complex(r, x) / 100.0 * kv2 / s.mva;
}

}  // namespace

namespace {

// Per node and phase: VA drawn by the transformers there (load plus copper losses) less the
// capacitors' output at the present voltage. Adds the transformer losses to e.losses_kw.
std::vector<std::array<Complex, 3>> nodeLoads(const Network& net, Estimate& e) {
  std::vector<std::array<Complex, 3>> load(net.nodes.size());
  for (const auto& t : net.transformers) {
    const auto [r, x] = rx(t.z_pct, t.x_r);
    const double loading2 = (t.p_kw * t.p_kw + t.q_kvar * t.q_kvar) / (t.kva * t.kva);
    const Complex s(1000.0 * (t.p_kw + loading2 * r / 100.0 * t.kva),
                    1000.0 * (t.q_kvar + loading2 * x / 100.0 * t.kva));
    e.losses_kw += loading2 * r / 100.0 * t.kva;
    for (char p : t.phases)
      load[static_cast<std::size_t>(t.node)][static_cast<std::size_t>(phaseIndex(p))] +=
          s / static_cast<double>(t.phases.size());
  }
  for (const auto& c : net.capacitors)
    for (std::size_t p = 0; p < 3; ++p) {
      const double vpu = std::abs(e.v[static_cast<std::size_t>(c.node)][p]) / kVln;
      load[static_cast<std::size_t>(c.node)][p] -= Complex(0, 1000.0 * c.row.kvar / 3.0 * vpu * vpu);
    }
  constexpr double kOmega = 2.0 * 3.14159265358979323846 * 60.0;
  for (std::size_t i = 0; i < net.nodes.size(); ++i) {  // line charging
    const auto& n = net.nodes[i];
    if (n.edge != Edge::Section) continue;
    const double b = kOmega * sectionC(n) * 1e-9;
    for (char p : n.phases)
      load[i][static_cast<std::size_t>(phaseIndex(p))] -=
          Complex(0, b * std::norm(e.v[i][static_cast<std::size_t>(phaseIndex(p))]));
  }
  return load;
}

double tapOf(const Network& net, const PNode& node) {
  return node.edge == Edge::Regulator ? net.regulators[static_cast<std::size_t>(node.regulator)].tap_pu() : 1.0;
}

// One backward (branch currents into each node) and forward (voltages) pass; returns the line losses.
double sweep(const Network& net, const Tree& tree, const std::vector<std::array<Complex, 3>>& load,
             std::vector<std::array<Complex, 3>>& current, Estimate& e) {
  for (auto it = tree.order.rbegin(); it != tree.order.rend(); ++it) {
    const auto i = static_cast<std::size_t>(*it);
    for (std::size_t p = 0; p < 3; ++p) current[i][p] = std::conj(load[i][p] / e.v[i][p]);
    for (int c : tree.children[i]) {
      const double a = tapOf(net, net.nodes[static_cast<std::size_t>(c)]);
      for (std::size_t p = 0; p < 3; ++p) current[i][p] += a * current[static_cast<std::size_t>(c)][p];
    }
  }
  const auto& sub = net.substation;
  const auto root = static_cast<std::size_t>(net.sub_lv);
  const Complex z_th = theveninZ(sub);
  for (std::size_t p = 0; p < 3; ++p)
    e.v[root][p] = sub.source_pu * sub.tap_pu * kVln * kShift[p] - z_th * current[root][p];
  double losses_kw = 0;
  for (std::size_t k = 1; k < tree.order.size(); ++k) {
    const auto i = static_cast<std::size_t>(tree.order[k]);
    const auto& node = net.nodes[i];
    const auto parent = static_cast<std::size_t>(node.parent);
    for (std::size_t p = 0; p < 3; ++p) {
      if (node.edge == Edge::Section && node.phases.find(static_cast<char>('A' + p)) != std::string::npos) {
        const Complex z = sectionZ(node);
        e.v[i][p] = e.v[parent][p] - z * current[i][p];
        losses_kw += std::norm(current[i][p]) * z.real() / 1000.0;
      } else {
        e.v[i][p] = tapOf(net, node) * e.v[parent][p];
      }
    }
  }
  return losses_kw;
}

}  // namespace

Estimate estimate(const Network& net) {
  const Tree tree = makeTree(net);
  Estimate e;
  e.v.assign(net.nodes.size(), {});
  for (auto& v : e.v)
    for (int p = 0; p < 3; ++p) v[static_cast<std::size_t>(p)] = kVln * kShift[p];
  std::vector<std::array<Complex, 3>> current(net.nodes.size());
  for (int iteration = 0; iteration < 6; ++iteration) {
    e.losses_kw = 0;
    const auto load = nodeLoads(net, e);
    e.losses_kw += sweep(net, tree, load, current, e);
  }
  e.customer_pu.assign(net.transformers.size(), 0.0);
  for (std::size_t k = 0; k < net.transformers.size(); ++k) {
    const auto& t = net.transformers[k];
    const auto [r, x] = rx(t.z_pct, t.x_r);
    double v = 2.0;
    for (char p : t.phases)
      v = std::min(v, std::abs(e.v[static_cast<std::size_t>(t.node)][static_cast<std::size_t>(phaseIndex(p))]) / kVln);
    e.customer_pu[k] = v - (t.p_kw * r + t.q_kvar * x) / (100.0 * t.kva) / v;
  }
  for (const auto& f : net.feeders) {
    const auto b = static_cast<std::size_t>(f.breaker_node);
    Complex s;
    for (std::size_t p = 0; p < 3; ++p) s += e.v[static_cast<std::size_t>(net.sub_lv)][p] * std::conj(current[b][p]);
    e.feeder_head.push_back(s / 1000.0);
  }
  return e;
}

namespace {

// The regulator whose output zone holds `node` (the nearest regulator upstream), or -1.
int zoneOf(const Network& net, int node) {
  for (int i = node; i >= 0; i = net.nodes[static_cast<std::size_t>(i)].parent)
    if (net.nodes[static_cast<std::size_t>(i)].edge == Edge::Regulator)
      return net.nodes[static_cast<std::size_t>(i)].regulator;
  return -1;
}

// Largest drop (pu) from a regulator's output to the customers of its zone.
std::vector<double> zoneDrops(const Network& net, const Estimate& e) {
  std::vector<double> drop(net.regulators.size(), 0.0);
  for (std::size_t k = 0; k < net.transformers.size(); ++k) {
    const auto& t = net.transformers[k];
    const int z = zoneOf(net, t.node);
    if (z < 0) continue;
    const auto out = static_cast<std::size_t>(net.regulators[static_cast<std::size_t>(z)].node);
    for (char p : t.phases) {
      const double v_out = std::abs(e.v[out][static_cast<std::size_t>(phaseIndex(p))]) / kVln;
      drop[static_cast<std::size_t>(z)] = std::max(drop[static_cast<std::size_t>(z)], v_out - e.customer_pu[k]);
    }
  }
  return drop;
}

void addCapacitors(Network& net) {
  for (std::size_t f = 0; f < net.feeders.size(); ++f) {
    const auto& info = net.feeders[f];
    double q = 0;
    for (const auto& t : net.transformers)
      if (net.nodes[static_cast<std::size_t>(t.node)].feeder == static_cast<int>(f)) q += t.q_kvar;
    const double total = std::min(2400.0, std::floor(0.6 * q / 300.0) * 300.0);
    if (total < 300.0) continue;
    const int banks = total >= 1200.0 ? 2 : 1;
    for (int b = 0; b < banks; ++b) {
      const double kvar = banks == 1 ? total : std::round(total / 2.0 / 300.0) * 300.0;
      const double where = banks == 1 ? 0.6 : (b == 0 ? 0.45 : 0.8);
      const auto k = static_cast<std::size_t>(std::lround(where * static_cast<double>(info.trunk.size() - 1)));
      Capacitor c;
      c.node = info.trunk[k];
      c.row = CapacitorRow{fmt::format("{}cap{}", info.prefix, b + 1), net.nodes[static_cast<std::size_t>(c.node)].name,
                           "ABC", kvar, 12.47};
      net.capacitors.push_back(c);
    }
  }
}

// A line regulator bank after main-trunk node `at` of feeder `f`.
void addLineRegulator(Network& net, std::size_t f, std::size_t at) {
  auto& info = net.feeders[f];
  const int from = info.trunk[at];
  const int number =
      static_cast<int>(std::count_if(net.regulators.begin(), net.regulators.end(),
                                     [&](const Regulator& r) { return r.row.id.rfind(info.prefix, 0) == 0; })) +
      1;
  PNode out = net.nodes[static_cast<std::size_t>(from)];
  out.name = fmt::format("{}lr{}", info.prefix, number);
  out.parent = from;
  out.edge = Edge::Regulator;
  out.edge_id = fmt::format("{}vr{}", info.prefix, number);
  out.regulator = static_cast<int>(net.regulators.size());
  out.conductor = -1;
  out.length_ft = 0;
  const int node = net.addNode(out);
  net.regulators.push_back(
      Regulator{regulatorRow(out.edge_id, net.nodes[static_cast<std::size_t>(from)].name, out.name), node});
  if (at + 1 < info.trunk.size()) net.nodes[static_cast<std::size_t>(info.trunk[at + 1])].parent = node;
  info.trunk.insert(info.trunk.begin() + static_cast<std::ptrdiff_t>(at) + 1, node);
}

// Places at most two line regulators per feeder where a zone drops more than 6.5 %.
void placeLineRegulators(Network& net) {
  for (int pass = 0; pass < 2; ++pass) {
    const Estimate e = estimate(net);
    const auto drop = zoneDrops(net, e);
    bool added = false;
    for (std::size_t f = 0; f < net.feeders.size(); ++f) {
      const auto& trunk = net.feeders[f].trunk;
      // The zone of the feeder's last trunk node: the one a new regulator would split.
      const int zone = zoneOf(net, trunk.back());
      if (zone < 0 || drop[static_cast<std::size_t>(zone)] <= 0.065) continue;
      const auto out = static_cast<std::size_t>(net.regulators[static_cast<std::size_t>(zone)].node);
      const double v_out = std::abs(e.v[out][0]) / kVln;
      for (std::size_t k = 0; k + 1 < trunk.size(); ++k) {
        const auto node = static_cast<std::size_t>(trunk[k]);
        if (zoneOf(net, trunk[k]) != zone || v_out - std::abs(e.v[node][0]) / kVln < 0.03) continue;
        addLineRegulator(net, f, k);
        added = true;
        break;
      }
    }
    if (!added) break;
  }
}

// vreg and initial tap of every regulator, upstream first: the output holds the zone's farthest
// customer at >= 0.955 pu with the band's half-width as margin, and never above 1.037 pu.
void setRegulators(Network& net) {
  const Tree tree = makeTree(net);
  for (int node : tree.order) {
    const auto& pn = net.nodes[static_cast<std::size_t>(node)];
    if (pn.edge != Edge::Regulator) continue;
    auto& reg = net.regulators[static_cast<std::size_t>(pn.regulator)];
    reg.row.tap = 0;
    const Estimate e = estimate(net);
    const double drop = zoneDrops(net, e)[static_cast<std::size_t>(pn.regulator)];
    const double target = std::clamp(0.955 + drop + 0.0085, 1.025, 1.037);
    reg.row.vreg_v = std::round(target * 120.0 * 2.0) / 2.0;
    double v_in = 0;
    for (std::size_t p = 0; p < 3; ++p) v_in += std::abs(e.v[static_cast<std::size_t>(pn.parent)][p]) / kVln / 3.0;
    reg.row.tap = std::clamp(static_cast<int>(std::lround((reg.row.vreg_v / 120.0 - v_in) / 0.00625)), -16, 16);
    reg.row.phases = "ABC";
    reg.row.band_v = 2.0;
    reg.row.pt_ratio = 60.0;
  }
}

}  // namespace

void regulate(Network& net, Rng& rng, std::vector<ScadaRow>& scada, Summary& summary) {
  auto& sub = net.substation;
  sub.sc_mva_3ph = std::round(rng.uniform(1000.0, 3000.0) / 10.0) * 10.0;
  sub.x_r_3ph = std::round(rng.uniform(8.0, 15.0) * 10.0) / 10.0;
  sub.sc_mva_1ph = std::round(sub.sc_mva_3ph * rng.uniform(0.85, 1.05) / 10.0) * 10.0;
  sub.x_r_1ph = std::round(sub.x_r_3ph * rng.uniform(0.75, 0.95) * 10.0) / 10.0;
  sub.z_pct = std::round(rng.uniform(8.0, 12.0) * 100.0) / 100.0;
  sub.x_r = std::round(rng.uniform(18.0, 30.0) * 10.0) / 10.0;
  sub.source_pu = 1.02;
  addCapacitors(net);
  {
    sub.mva = 30.0;
    const Estimate e = estimate(net);
    Complex total;
    for (const auto& s : e.feeder_head) total += s;
    const double mva_needed = std::abs(total) / 1000.0 / 0.9;
    sub.mva = 30.0;
    for (double size : {12.0, 15.0, 20.0, 25.0, 30.0})
      if (size >= mva_needed) {
        sub.mva = size;
        break;
      }
  }
  placeLineRegulators(net);
  setRegulators(net);
  const Estimate e = estimate(net);
  // Ratings of the regulator units: CT primary at or above 1.2 x the largest phase current.
  for (auto& reg : net.regulators) {
    // Sized on the feeder's head current (an upper bound for a line regulator), +15 % for unbalance.
    const auto& node = net.nodes[static_cast<std::size_t>(reg.node)];
    const Complex s = e.feeder_head[static_cast<std::size_t>(node.feeder)];
    const double i_max = std::abs(s) * 1000.0 / 3.0 / kVln * 1.15;
    double amps = 1000.0;
    for (double a : {200.0, 300.0, 400.0, 600.0, 800.0, 1000.0})
      if (a >= 1.2 * i_max) {
        amps = a;
        break;
      }
    reg.row.ct_primary_a = amps;
    reg.row.kva = std::round(amps * kVln / 1000.0);
  }
  summary.est_losses_kw = e.losses_kw;
  summary.est_min_customer_pu = *std::min_element(e.customer_pu.begin(), e.customer_pu.end());
  summary.est_max_customer_pu = *std::max_element(e.customer_pu.begin(), e.customer_pu.end());
  for (std::size_t f = 0; f < net.feeders.size(); ++f) {
    const auto& info = net.feeders[f];
    const Complex s = e.feeder_head[f];
    scada.push_back(ScadaRow{info.prefix.substr(0, info.prefix.size() - 1),
                             net.nodes[static_cast<std::size_t>(info.breaker_node)].name, std::round(s.real()),
                             std::round(s.imag())});
    summary.head_p_kw += std::round(s.real());
    summary.head_q_kvar += std::round(s.imag());
  }
}

}  // namespace feederlab::synth
