// Customers, service transformers and the primary tree of the synthetic feeders.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "network.hpp"

namespace feederlab::synth {

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kCustomersPerFeeder = 2500.0;
// Study-hour load factors (average over the month / kW at the study hour), the same defaults as
// the CSV importer's io::defaultLoadFactor (a test checks they agree).
constexpr double kLoadFactor[3] = {0.55, 0.65, 0.75};

double round3(double v) {
  return std::round(v * 1000.0) / 1000.0;
}

// Class demand at the summer-peak study hour (docs/utility-csv.md, "Synthetic feeders").
Customer drawCustomer(Rng& rng, int cls, double& individual_peak) {
  Customer c;
  c.cls = cls;
  if (cls == kResidential) {
    individual_peak = rng.uniform(4.0, 7.0);                              // non-coincident peak, kW
    const double coincidence = rng.normalClipped(0.38, 0.12, 0.12, 1.0);  // diversity at the system peak
    c.kw = individual_peak * coincidence;
    c.pf = rng.normalClipped(0.95, 0.015, 0.90, 0.99);
  } else if (cls == kCommercial) {
    c.kw = rng.logNormal(8.0, 0.8, 2.0, 200.0);
    individual_peak = c.kw / 0.85;
    c.pf = rng.normalClipped(0.90, 0.02, 0.85, 0.95);
  } else {
    c.kw = rng.logNormal(90.0, 0.5, 30.0, 350.0);
    individual_peak = c.kw / 0.9;
    c.pf = rng.normalClipped(0.87, 0.02, 0.82, 0.92);
  }
  c.kw = round3(c.kw);
  c.pf = round3(c.pf);
  c.kvar = c.kw * std::tan(std::acos(c.pf));
  c.monthly_kwh = std::round(c.kw * 730.0 * kLoadFactor[cls]);
  return c;
}

double standardSize(const std::vector<double>& sizes, double needed) {
  for (double s : sizes)
    if (s >= needed) return s;
  return sizes.back();
}

struct Groups {
  std::vector<int> residential;  // transformer indexes
  std::vector<int> commercial;   // C&I transformer indexes
};

// Customers of one feeder grouped onto service transformers.
class TransformerMaker {
 public:
  TransformerMaker(Network& net, Rng& rng, std::string prefix) : net_(net), rng_(rng), prefix_(std::move(prefix)) {}

  // 2-9 homes per split-phase unit, sized on diversified demand (diversity factor 1.5 for a few
  // homes) and never loaded past 120 % at the study hour.
  void residential(int customers, Groups& g) {
    for (int left = customers; left > 0;) {
      const int k = std::min(left, rng_.integer(2, 9));
      const int t = newTransformer("A");
      double sum_peak = 0;
      for (int i = 0; i < k; ++i) sum_peak += attach(t, kResidential);
      auto& tr = net_.transformers[static_cast<std::size_t>(t)];
      const double needed = std::max(sum_peak / 1.5, std::hypot(tr.p_kw, tr.q_kvar) / 1.2);
      tr.kva = standardSize({10, 15, 25, 37.5, 50, 75, 100}, needed);
      tr.kv2 = 0.24;
      tr.z_pct = round3(rng_.uniform(1.8, 2.6));
      tr.x_r = round3(rng_.uniform(1.0, 1.8));
      g.residential.push_back(t);
      left -= k;
    }
  }

  // A three-phase pad-mount (208Y/120 V commercial, 480Y/277 V industrial), at most 80 % loaded.
  void padMount(int cls, int count, Groups& g) {
    const int t = newTransformer("ABC");
    for (int i = 0; i < count; ++i) attach(t, cls);
    auto& tr = net_.transformers[static_cast<std::size_t>(t)];
    tr.kva = standardSize({75, 112.5, 150, 225, 300, 500}, std::hypot(tr.p_kw, tr.q_kvar) / 0.8);
    tr.kv2 = cls == kIndustrial ? 0.48 : 0.208;
    tr.z_pct = round3(rng_.uniform(3.0, 5.0));
    tr.x_r = round3(rng_.uniform(2.0, 4.0));
    g.commercial.push_back(t);
  }

 private:
  int newTransformer(const std::string& phases) {
    Transformer t;
    t.id = fmt::format("{}t{:04d}", prefix_, ++serial_);
    t.secondary = t.id + "s";
    t.phases = phases;
    net_.transformers.push_back(t);
    return static_cast<int>(net_.transformers.size()) - 1;
  }
  // A new customer on transformer `t`; returns its individual (non-coincident) peak kW.
  double attach(int t, int cls) {
    double peak = 0;
    Customer c = drawCustomer(rng_, cls, peak);
    c.id = fmt::format("{}m{:05d}", prefix_, static_cast<int>(net_.customers.size()) + 1);
    c.transformer = t;
    auto& tr = net_.transformers[static_cast<std::size_t>(t)];
    tr.customers.push_back(static_cast<int>(net_.customers.size()));
    tr.p_kw += c.kw;
    tr.q_kvar += c.kvar;
    net_.customers.push_back(c);
    return peak;
  }

  Network& net_;
  Rng& rng_;
  std::string prefix_;
  int serial_ = 0;
};

Groups makeTransformers(Network& net, Rng& rng, const std::string& prefix, int customers) {
  const int n_ind = static_cast<int>(std::lround(0.003 * customers));
  const int n_com = std::max(1, static_cast<int>(std::lround(0.04 * customers)));
  Groups g;
  TransformerMaker maker(net, rng, prefix);
  maker.residential(customers - n_ind - n_com, g);
  for (int left = n_com; left > 0;) {
    const int k = std::min(left, rng.integer(1, 3));
    maker.padMount(kCommercial, k, g);
    left -= k;
  }
  for (int i = 0; i < n_ind; ++i) maker.padMount(kIndustrial, 1, g);
  return g;
}

struct Unit {
  std::vector<int> transformers;  // a residential lateral, or one C&I pad-mount
  bool lateral = true;
};

struct FeederBuilder {
  Network& net;
  Rng& rng;
  FeederInfo& info;
  int feeder;
  double ux, uy;  // trunk direction
  int sections = 0;
  std::array<double, 3> phase_kva{0, 0, 0};

  std::string sectionId() { return fmt::format("{}s{:05d}", info.prefix, ++sections); }
  char lightestPhase() {
    const auto it = std::min_element(phase_kva.begin(), phase_kva.end());
    return static_cast<char>('A' + (it - phase_kva.begin()));
  }
  void addLoad(const std::string& phases, double kva) {
    for (char p : phases) phase_kva[static_cast<std::size_t>(p - 'A')] += kva / static_cast<double>(phases.size());
  }
  int addSection(int parent, const std::string& name, double dx, double dy, const std::string& phases, int conductor,
                 bool underground) {
    const auto& p = net.nodes[static_cast<std::size_t>(parent)];
    PNode n;
    n.name = name;
    n.x = std::round(p.x + dx);
    n.y = std::round(p.y + dy);
    n.parent = parent;
    n.edge = Edge::Section;
    n.edge_id = sectionId();
    n.phases = phases;
    n.conductor = conductor;
    n.length_ft = std::max(30.0, std::round(std::hypot(dx, dy)));
    n.underground = underground;
    n.feeder = feeder;
    return net.addNode(n);
  }
  void lateral(int trunk_node, const Unit& unit, int index, int side);
  void padMountTap(int trunk_node, int transformer, int index, int side);
  void build(std::vector<Unit> units);
};

void FeederBuilder::lateral(int trunk_node, const Unit& unit, int index, int side) {
  double kva = 0;
  for (int t : unit.transformers) {
    const auto& tr = net.transformers[static_cast<std::size_t>(t)];
    kva += std::hypot(tr.p_kw, tr.q_kvar);
  }
  const bool three = kva > 450.0 || rng.chance(0.2);
  const bool ug = rng.chance(0.4);
  const std::string phases = three ? std::string("ABC") : std::string(1, lightestPhase());
  const int conductor = three ? (ug ? kCn1_0Three : kAcsr4_0) : (ug ? kCn1_0Single : kAcsr1_0);
  const double angle = std::atan2(uy, ux) + side * kPi / 2.0 + rng.uniform(-0.3, 0.3);
  std::vector<int> lat_nodes;
  std::vector<double> dirs;
  for (std::size_t j = 0; j < unit.transformers.size(); ++j) {
    int parent = trunk_node;
    double dir = angle;
    if (!lat_nodes.empty()) {
      const bool branch = rng.chance(0.25);
      const auto k = branch ? static_cast<std::size_t>(rng.integer(0, static_cast<int>(lat_nodes.size()) - 1))
                            : lat_nodes.size() - 1;
      parent = lat_nodes[k];
      dir = branch ? dirs[k] + (rng.chance(0.5) ? 1.0 : -1.0) * kPi / 2.0 : dirs[k];
    }
    const double len = ug ? rng.uniform(120.0, 220.0) : rng.uniform(200.0, 350.0);
    const auto name = fmt::format("{}l{:03d}_{:02d}", info.prefix, index, j + 1);
    const int node = addSection(parent, name, len * std::cos(dir), len * std::sin(dir), phases, conductor, ug);
    lat_nodes.push_back(node);
    dirs.push_back(dir);
    auto& tr = net.transformers[static_cast<std::size_t>(unit.transformers[j])];
    tr.node = node;
    tr.phases = three ? std::string(1, lightestPhase()) : phases;
    addLoad(tr.phases, std::hypot(tr.p_kw, tr.q_kvar));
  }
}

void FeederBuilder::padMountTap(int trunk_node, int transformer, int index, int side) {
  const double angle = std::atan2(uy, ux) + side * kPi / 2.0;
  const double len = rng.uniform(80.0, 250.0);
  const auto name = fmt::format("{}c{:03d}", info.prefix, index);
  const int node = addSection(trunk_node, name, len * std::cos(angle), len * std::sin(angle), "ABC", kCn1_0Three, true);
  auto& tr = net.transformers[static_cast<std::size_t>(transformer)];
  tr.node = node;
  addLoad("ABC", std::hypot(tr.p_kw, tr.q_kvar));
}

void FeederBuilder::build(std::vector<Unit> units) {
  rng.shuffle(units);
  const int n_trunk = std::max(3, static_cast<int>(std::ceil(static_cast<double>(units.size()) / 2.5)));
  const int split = std::max(2, static_cast<int>(std::lround(0.55 * n_trunk)));
  const int sectionalizer = std::max(1, n_trunk / 3);
  // Trunk: the main branch (336 ACSR) and, after `split`, a second branch (4/0 ACSR) at 45 degrees.
  std::vector<int> trunk{info.head_node};
  int main_tail = info.head_node, branch_tail = -1;
  const double branch_angle = std::atan2(uy, ux) + (feeder % 2 == 0 ? 1.0 : -1.0) * kPi / 4.0;
  for (int k = 1; k <= n_trunk; ++k) {
    const bool on_branch = k > split && (k - split) % 3 == 0;
    const int parent = on_branch ? (branch_tail < 0 ? trunk[static_cast<std::size_t>(split)] : branch_tail) : main_tail;
    const double len = rng.uniform(600.0, 1100.0);
    const double angle = on_branch ? branch_angle : std::atan2(uy, ux) + rng.uniform(-0.15, 0.15);
    int from = parent;
    if (k == sectionalizer) {  // a closed sectionalizing switch on the main trunk
      from = addSection(parent, fmt::format("{}sw1", info.prefix), len * std::cos(angle), len * std::sin(angle), "ABC",
                        kAcsr336, false);
      auto& sw = net.nodes[static_cast<std::size_t>(from)];
      sw.trunk = true;
    }
    int node = -1;
    if (from != parent) {
      PNode n = net.nodes[static_cast<std::size_t>(from)];
      n.name = fmt::format("{}m{:03d}", info.prefix, k);
      n.parent = from;
      n.edge = Edge::Switch;
      n.edge_id = info.prefix + "sect1";
      n.length_ft = 0;
      n.conductor = -1;
      node = net.addNode(n);
    } else {
      node = addSection(parent, fmt::format("{}m{:03d}", info.prefix, k), len * std::cos(angle), len * std::sin(angle),
                        "ABC", on_branch ? kAcsr4_0 : kAcsr336, false);
    }
    net.nodes[static_cast<std::size_t>(node)].trunk = true;
    trunk.push_back(node);
    (on_branch ? branch_tail : main_tail) = node;
    if (!on_branch) info.trunk.push_back(node);
  }
  for (std::size_t i = 0; i < units.size(); ++i) {
    const auto k = 1 + i * static_cast<std::size_t>(n_trunk) / units.size();
    const int side = (i % 2 == 0) ? 1 : -1;
    if (units[i].lateral)
      lateral(trunk[k], units[i], static_cast<int>(i) + 1, side);
    else
      padMountTap(trunk[k], units[i].transformers.front(), static_cast<int>(i) + 1, side);
  }
}

}  // namespace

void buildFeeders(Network& net, const Options& options, Rng& rng) {
  if (options.customers < 20) throw std::invalid_argument("synth needs at least 20 customers");
  const int n_feeders = std::max(1, static_cast<int>(std::lround(options.customers / kCustomersPerFeeder)));
  PNode hv;
  hv.name = net.substation.source_node;
  hv.kv = net.substation.source_kv;
  net.addNode(hv);
  PNode lv;
  lv.name = net.substation.bus_node;
  lv.x = 60;
  net.sub_lv = net.addNode(lv);
  for (int f = 0; f < n_feeders; ++f) {
    FeederInfo info;
    info.prefix = fmt::format("f{}_", f + 1);
    const int customers = options.customers / n_feeders + (f < options.customers % n_feeders ? 1 : 0);
    const Groups groups = makeTransformers(net, rng, info.prefix, customers);
    const double angle = 2.0 * kPi * f / n_feeders;
    const double ux = std::cos(angle), uy = std::sin(angle);
    PNode brk;
    brk.name = info.prefix + "brk";
    brk.x = std::round(60 + 150 * ux);
    brk.y = std::round(150 * uy);
    brk.parent = net.sub_lv;
    brk.edge = Edge::Switch;
    brk.edge_id = info.prefix + "cb";
    brk.feeder = f;
    info.breaker_node = net.addNode(brk);
    PNode reg = brk;
    reg.name = info.prefix + "reg";
    reg.x = std::round(60 + 200 * ux);
    reg.y = std::round(200 * uy);
    reg.parent = info.breaker_node;
    reg.edge = Edge::Regulator;
    reg.edge_id = info.prefix + "vr1";
    reg.regulator = static_cast<int>(net.regulators.size());
    info.head_node = net.addNode(reg);
    net.regulators.push_back(Regulator{regulatorRow(reg.edge_id, brk.name, reg.name), info.head_node});
    std::vector<Unit> units;
    for (std::size_t i = 0; i < groups.residential.size();) {
      Unit u;
      const auto size = static_cast<std::size_t>(rng.integer(4, 14));
      for (; u.transformers.size() < size && i < groups.residential.size(); ++i)
        u.transformers.push_back(groups.residential[i]);
      units.push_back(std::move(u));
    }
    for (int t : groups.commercial) units.push_back(Unit{{t}, false});
    net.feeders.push_back(info);
    FeederBuilder fb{net, rng, net.feeders.back(), f, ux, uy};
    fb.build(std::move(units));
  }
}

}  // namespace feederlab::synth
