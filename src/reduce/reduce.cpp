// reduceFeeder: base case, sections, reduced feeder with chain equivalents, composites, baseline,
// checks. Method and choices: include/feederlab/reduce/reduce.hpp.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cmath>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <numbers>
#include <numeric>
#include <set>
#include <tuple>

#include "feederlab/core/error.hpp"
#include "feederlab/core/units.hpp"
#include "internal.hpp"

namespace feederlab::reduce {

using detail::Complex;

namespace {

const Complex kA = std::polar(1.0, 2.0 * std::numbers::pi / 3.0);

// ---------------------------------------------------------------- feeder building helpers

struct Builder {
  const model::Feeder& src;
  model::Feeder out;
  std::vector<model::BusId> map;  // src bus -> out bus (kNoBus when not copied)

  explicit Builder(const model::Feeder& s) : src(s), map(s.buses.size(), model::kNoBus) {
    out.name = s.name;
    out.format = "dss";
    out.settings = s.settings;
    out.settings.controls_off = true;
  }
  model::BusId copyBus(model::BusId b) {
    auto& m = map[static_cast<std::size_t>(b)];
    if (m == model::kNoBus) {
      const auto& sb = src.buses[static_cast<std::size_t>(b)];
      m = out.addBus(sb.name);
      out.buses[static_cast<std::size_t>(m)].kv_base_ll = sb.kv_base_ll;
      out.buses[static_cast<std::size_t>(m)].coords = sb.coords;
    }
    return m;
  }
  model::BusId newBus(const std::string& name, double kv) {
    if (out.findBus(name) || src.findBus(name)) throw core::ModelError(name, "reduce: bus name already used");
    const auto id = out.addBus(name);
    out.buses[static_cast<std::size_t>(id)].kv_base_ll = kv;
    return id;
  }
  model::Terminal remap(const model::Terminal& t) { return {copyBus(t.bus), t.nodes}; }
};

bool allKept(const std::vector<bool>& kept, std::initializer_list<model::BusId> buses) {
  for (auto b : buses)
    if (b < 0 || !kept[static_cast<std::size_t>(b)]) return false;
  return true;
}

// Everything on the source side of the feeder, copied unchanged (controls frozen: none copied).
void copyKept(const detail::BaseCase& base, Builder& bld, std::vector<std::string>& notes) {
  const auto& f = base.feeder;
  const auto& kept = base.kept_bus;
  bld.copyBus(base.head);
  for (const auto& s : f.sources)
    if (s.bus1.bus >= 0 && kept[static_cast<std::size_t>(s.bus1.bus)]) {
      auto c = s;
      c.bus1 = bld.remap(s.bus1);
      bld.out.sources.push_back(c);
    }
  for (const auto& l : f.lines)
    if (allKept(kept, {l.bus1.bus, l.bus2.bus})) {
      auto c = l;
      c.bus1 = bld.remap(l.bus1);
      c.bus2 = bld.remap(l.bus2);
      bld.out.lines.push_back(c);
    }
  for (const auto& x : f.transformers) {
    bool all = true;
    for (const auto& w : x.windings) all = all && allKept(kept, {w.terminal.bus});
    if (!all) continue;
    auto c = x;
    for (auto& w : c.windings) w.terminal = bld.remap(w.terminal);
    c.is_regulator = false;  // taps frozen at the base case
    bld.out.transformers.push_back(c);
  }
  for (const auto& cap : f.capacitors)
    if (allKept(kept, {cap.bus1.bus}) && (!cap.bus2 || allKept(kept, {cap.bus2->bus}))) {
      auto c = cap;
      c.bus1 = bld.remap(cap.bus1);
      if (cap.bus2) c.bus2 = bld.remap(*cap.bus2);
      bld.out.capacitors.push_back(c);
    }
  for (const auto& r : f.reactors)
    if (allKept(kept, {r.bus1.bus}) && (!r.bus2 || allKept(kept, {r.bus2->bus}))) {
      auto c = r;
      c.bus1 = bld.remap(r.bus1);
      if (r.bus2) c.bus2 = bld.remap(*r.bus2);
      bld.out.reactors.push_back(c);
    }
  int moved = 0;
  for (std::size_t i = 0; i < f.loads.size(); ++i) {
    const auto& l = f.loads[i];
    if (l.bus1.bus < 0) continue;
    const bool at_kept = kept[static_cast<std::size_t>(l.bus1.bus)];
    if (!at_kept && !base.source_side_load[i]) continue;
    auto c = l;
    if (at_kept) {
      c.bus1 = bld.remap(l.bus1);
    } else {  // source-side load on a bus joined to @head by closed switches: it moves to @head
      c.bus1 = {bld.copyBus(base.head), l.bus1.nodes};
      ++moved;
    }
    bld.out.loads.push_back(c);
  }
  if (moved) notes.push_back(fmt::format("{} source-side load(s) on buses joined to @head by closed switches moved to @head", moved));
  if (!f.others.empty()) notes.push_back(fmt::format("{} recorded-only element(s) (meters, PV, ...) not carried over", f.others.size()));
  for (const auto& v : f.settings.voltage_bases_kv) (void)v;
}

void addVoltageBase(model::Feeder& f, double kv) {
  for (double v : f.settings.voltage_bases_kv)
    if (std::abs(v - kv) < 1e-9) return;
  f.settings.voltage_bases_kv.push_back(kv);
}

model::Terminal threePhase(model::BusId bus, bool neutral) {
  model::Terminal t{bus, {1, 2, 3}};
  if (neutral) t.nodes.push_back(0);
  return t;
}

// Balanced 3x3 with positive-sequence impedance z1 and mutual-to-self ratio m (Zs = z1/(1-m)); m is
// real for balanced sections, complex (the trunk's own Zm/Zs) for per-phase ones.
model::LineImpedance balancedImpedance(Complex z1, Complex m) {
  model::LineImpedance imp;
  imp.z_per_length = core::CMatrix(3);
  imp.y_per_length = core::CMatrix(3);
  const Complex zs = z1 / (1.0 - m);
  for (std::size_t i = 0; i < 3; ++i)
    for (std::size_t j = 0; j < 3; ++j) imp.z_per_length(i, j) = i == j ? zs : zs * m;
  return imp;
}

// Calls f(Z) with the total series impedance matrix of every 3-phase line on the trunk.
template <class F>
void forTrunkLineZ(const detail::BaseCase& base, const detail::Trunk& trunk, F&& f) {
  for (std::size_t p = 1; p < trunk.buses.size(); ++p) {
    const int br = base.topology.parent_branch[static_cast<std::size_t>(trunk.buses[p])];
    const auto& b = base.topology.branches[static_cast<std::size_t>(br)];
    if (b.kind != graph::BranchKind::Line) continue;
    const auto z = base.feeder.lines[static_cast<std::size_t>(b.element)].totalZ();
    if (z.n == 3) f(z);
  }
}

// The trunk's length-weighted mutual-to-self ratio (|Zm|/|Zs| of 3-phase lines), in [0, 0.6].
double mutualToSelf(const detail::BaseCase& base, const detail::Trunk& trunk) {
  double num = 0.0, den = 0.0;
  forTrunkLineZ(base, trunk, [&](const auto& z) {
    den += (std::abs(z(0, 0)) + std::abs(z(1, 1)) + std::abs(z(2, 2))) / 3.0;
    num += (std::abs(z(0, 1)) + std::abs(z(0, 2)) + std::abs(z(1, 2))) / 3.0;
  });
  return den > 0 ? std::clamp(num / den, 0.0, 0.6) : 0.0;
}

// Per-phase sections: the trunk's complex Zm/Zs (length-weighted sums). With unbalanced phase
// currents the mutual drop Zm (Ia + Ib) on the light phase has Zm's own angle (Kron-reduced
// neutral), not Zs's: it is what holds ieee8500's lightly loaded phase c up when phase a sags.
Complex mutualToSelfComplex(const detail::BaseCase& base, const detail::Trunk& trunk) {
  Complex num{}, den{};
  forTrunkLineZ(base, trunk, [&](const auto& z) {
    num += (z(0, 1) + z(0, 2) + z(1, 2)) / 3.0;
    den += (z(0, 0) + z(1, 1) + z(2, 2)) / 3.0;
  });
  if (std::abs(den) <= 0.0) return 0.0;
  const Complex m = num / den;
  return std::abs(m) > 0.6 ? m * (0.6 / std::abs(m)) : m;
}

// The enabled transformers between the same two buses as transformer `element` (a bank of
// single-phase units, or the one 3-phase unit), in feeder order.
std::vector<const model::Transformer*> transformerBank(const model::Feeder& f, int element) {
  const auto& x0 = f.transformers[static_cast<std::size_t>(element)];
  const auto b1 = x0.windings.at(0).terminal.bus, b2 = x0.windings.at(1).terminal.bus;
  std::vector<const model::Transformer*> bank;
  for (const auto& x : f.transformers)
    if (x.enabled && x.windings.size() >= 2 && x.windings[0].terminal.bus == b1 && x.windings[1].terminal.bus == b2) bank.push_back(&x);
  return bank;
}

// Fixed-ratio 3-phase transformer standing for a trunk transformer (a bank of 1-phase units
// becomes one wye-wye unit with the units' mean taps and impedances).
model::Transformer boundaryTransformer(const detail::BaseCase& base, int element, const std::string& name,
                                       model::BusId from, model::BusId to, std::vector<std::string>& notes) {
  const auto& f = base.feeder;
  const auto& x0 = f.transformers[static_cast<std::size_t>(element)];
  const std::vector<const model::Transformer*> bank = transformerBank(f, element);
  model::Transformer t;
  t.name = name;
  t.phases = 3;
  t.location = x0.location;
  if (x0.phases == 3 && bank.size() == 1) {
    t = x0;
    t.name = name;
    t.is_regulator = false;
    t.windings.resize(2);
    t.windings[0].terminal = {from, x0.windings[0].terminal.nodes};
    t.windings[1].terminal = {to, x0.windings[1].terminal.nodes};
    if (x0.windings.size() > 2) notes.push_back("transformer." + x0.name + ": only its first two windings kept in the chain");
    return t;
  }
  t.windings.resize(2);
  double kva = 0.0, xhl = 0.0;
  for (std::size_t w = 0; w < 2; ++w) {
    double tap = 0.0, r = 0.0;
    for (const auto* x : bank) {
      tap += x->windings[w].tap;
      r += x->windings[w].r_pct;
    }
    auto& tw = t.windings[w];
    const auto& uw = x0.windings[w];
    const bool ln = x0.phases == 1 && std::count_if(uw.terminal.nodes.begin(), uw.terminal.nodes.end(), [](int n) { return n > 0; }) < 2;
    tw.conn = model::Connection::Wye;
    tw.kv = x0.phases == 1 && ln ? uw.kv * core::kSqrt3 : uw.kv;
    tw.tap = tap / static_cast<double>(bank.size());
    tw.r_pct = r / static_cast<double>(bank.size());
    tw.min_tap = uw.min_tap;
    tw.max_tap = uw.max_tap;
    tw.num_taps = uw.num_taps;
    tw.terminal = threePhase(w == 0 ? from : to, true);
  }
  for (const auto* x : bank) {
    kva += x->windings[0].kva * (x->phases == 1 ? 1.0 : 1.0 / 3.0 * 3.0);
    xhl += x->xhl_pct;
  }
  if (x0.phases == 1 && bank.size() < 3) kva *= 3.0 / static_cast<double>(bank.size());
  for (auto& w : t.windings) w.kva = kva;
  t.xhl_pct = xhl / static_cast<double>(bank.size());
  notes.push_back(fmt::format("{} unit(s) of transformer.{} kept as one 3-phase fixed-ratio transformer {} (mean tap {:.5f})",
                              bank.size(), x0.name, name, t.windings[1].tap / t.windings[0].tap));
  return t;
}

// Per-phase variant: a bank of single-phase units on the trunk stays a bank, each unit at its own
// base-case tap (ieee8500's vreg3: 1.100 / 1.0625 / 1.006, whose mean 1.056 moved phase c by 0.05
// pu). Three-phase units and single units are kept as boundaryTransformer writes them.
std::vector<model::Transformer> boundaryUnits(const detail::BaseCase& base, int element, const std::string& name, model::BusId from,
                                              model::BusId to, std::vector<std::string>& notes) {
  const auto& f = base.feeder;
  const auto& x0 = f.transformers[static_cast<std::size_t>(element)];
  const std::vector<const model::Transformer*> bank = transformerBank(f, element);
  const bool wye_units = std::all_of(bank.begin(), bank.end(), [](const model::Transformer* x) {
    if (x->phases != 1) return false;
    for (std::size_t w = 0; w < 2; ++w)
      if (std::count_if(x->windings[w].terminal.nodes.begin(), x->windings[w].terminal.nodes.end(), [](int n) { return n > 0; }) != 1) return false;
    return true;
  });
  if (bank.size() < 2 || !wye_units) return {boundaryTransformer(base, element, name, from, to, notes)};
  std::vector<model::Transformer> out;
  std::string taps;
  for (const auto* x : bank) {
    model::Transformer t = *x;
    t.windings.resize(2);
    const int node = *std::find_if(x->windings[0].terminal.nodes.begin(), x->windings[0].terminal.nodes.end(), [](int n) { return n > 0; });
    t.name = fmt::format("{}{}", name, "abc"[std::clamp(node, 1, 3) - 1]);
    t.is_regulator = false;
    t.windings[0].terminal = {from, x->windings[0].terminal.nodes};
    t.windings[1].terminal = {to, x->windings[1].terminal.nodes};
    taps += fmt::format("{}{:.5f}", taps.empty() ? "" : " / ", t.windings[1].tap / t.windings[0].tap);
    out.push_back(std::move(t));
  }
  notes.push_back(fmt::format("{} unit(s) of transformer.{} kept as single-phase fixed-ratio units {}a.. (taps {})", bank.size(), x0.name, name, taps));
  return out;
}

// kW-weighted ZIP mix of the loads' models (OpenDSS model 8 coefficients Z I P for P then Q).
std::array<double, 6> zipOf(const model::Load& l) {
  auto byExp = [](double e) -> std::array<double, 3> {
    e = std::clamp(e, 0.0, 2.0);
    return e <= 1.0 ? std::array<double, 3>{0.0, e, 1.0 - e} : std::array<double, 3>{e - 1.0, 2.0 - e, 0.0};
  };
  switch (l.model) {
    case model::LoadModel::ConstZ: return {1, 0, 0, 1, 0, 0};
    case model::LoadModel::ConstI: return {0, 1, 0, 0, 1, 0};
    case model::LoadModel::Motor:
    case model::LoadModel::FixedQZ: return {0, 0, 1, 1, 0, 0};
    case model::LoadModel::Zip:
      if (l.zipv_given) return {l.zipv[0], l.zipv[1], l.zipv[2], l.zipv[3], l.zipv[4], l.zipv[5]};
      return {0, 0, 1, 0, 0, 1};
    case model::LoadModel::Cvr: {
      const auto p = byExp(l.cvr_watts), q = byExp(l.cvr_vars);
      return {p[0], p[1], p[2], q[0], q[1], q[2]};
    }
    default: return {0, 0, 1, 0, 0, 1};
  }
}

// Loads with the same key follow the same power-flow law (model and its exponents/coefficients).
// status=fixed loads ignore the load multiplier (OpenDSS), so they never share a reduced load with
// variable ones (ieee8500: its large fixed loads made loads x0.6 draw 25 % more than 0.6 x kW).
std::string loadLawKey(const model::Load& l) {
  const auto m = l.model == model::LoadModel::Zip && !l.zipv_given ? model::LoadModel::ConstPQ : l.model;
  const std::string st = l.status == "fixed" ? "fixed " : "";
  switch (m) {
    case model::LoadModel::Cvr: return st + fmt::format("cvr {:.6g} {:.6g}", l.cvr_watts, l.cvr_vars);
    case model::LoadModel::Zip: return st + fmt::format("zip {:.6g}", fmt::join(l.zipv, " "));
    default: return st + fmt::format("m{}", static_cast<int>(m));
  }
}

model::Load mergedLoad(const model::Feeder& f, const std::vector<int>& loads, const std::string& name, model::BusId bus, double kv) {
  model::Load m;
  m.name = name;
  m.bus1 = threePhase(bus, true);
  m.phases = 3;
  m.conn = model::Connection::Wye;
  m.kv = kv;
  m.kw = m.kvar = 0.0;
  m.num_customers = 0;
  std::array<double, 6> zip{};
  double wsum_p = 0, wsum_q = 0, vmin = 0, vmax = 0;
  std::set<model::LoadModel> models;
  std::map<model::LoadClass, double> class_kw;
  bool all_fixed = true;
  for (int i : loads) {
    const auto& l = f.loads[static_cast<std::size_t>(i)];
    m.kw += l.kw;
    m.kvar += l.kvar;
    m.num_customers += l.num_customers;
    const auto z = zipOf(l);
    const double wp = std::abs(l.kw), wq = std::abs(l.kvar);
    for (int k = 0; k < 3; ++k) zip[static_cast<std::size_t>(k)] += wp * z[static_cast<std::size_t>(k)];
    for (int k = 3; k < 6; ++k) zip[static_cast<std::size_t>(k)] += wq * z[static_cast<std::size_t>(k)];
    wsum_p += wp;
    wsum_q += wq;
    vmin += wp * l.vminpu;
    vmax += wp * l.vmaxpu;
    models.insert(l.model == model::LoadModel::Zip && !l.zipv_given ? model::LoadModel::ConstPQ : l.model);
    class_kw[l.load_class] += wp;
    all_fixed = all_fixed && l.status == "fixed";
  }
  if (wsum_p > 0) {
    m.vminpu = vmin / wsum_p;
    m.vmaxpu = vmax / wsum_p;
  }
  const double s = std::hypot(m.kw, m.kvar);
  m.pf = s > 0 ? m.kw / s : 1.0;
  if (m.kvar < 0) m.pf = -m.pf;
  m.kva = 0.0;
  const auto& first = f.loads[static_cast<std::size_t>(loads.front())];
  if (models.size() == 1 && (*models.begin() == model::LoadModel::ConstPQ || *models.begin() == model::LoadModel::ConstZ ||
                             *models.begin() == model::LoadModel::ConstI)) {
    m.model = *models.begin();
  } else if (std::all_of(loads.begin(), loads.end(), [&](int i) { return loadLawKey(f.loads[static_cast<std::size_t>(i)]) == loadLawKey(first); })) {
    // one law for all (blocks are split by law): keep it exactly. The ZIP mix is exact only
    // inside [Vmin, Vmax]: below Vmin OpenDSS interpolates the P and I parts but not the Z part, so
    // CVR Q ~ V^3 written as constant Z drew 9 % less Q at 0.88 pu (ckt5, source 0.95).
    m.model = first.model;
    m.cvr_watts = first.cvr_watts;
    m.cvr_vars = first.cvr_vars;
    m.zipv = first.zipv;
    m.zipv_given = first.zipv_given;
  } else {
    m.model = model::LoadModel::Zip;
    m.zipv_given = true;
    for (int k = 0; k < 3; ++k) m.zipv[static_cast<std::size_t>(k)] = wsum_p > 0 ? zip[static_cast<std::size_t>(k)] / wsum_p : (k == 2 ? 1 : 0);
    for (int k = 3; k < 6; ++k) m.zipv[static_cast<std::size_t>(k)] = wsum_q > 0 ? zip[static_cast<std::size_t>(k)] / wsum_q : (k == 5 ? 1 : 0);
    m.zipv[6] = 0.0;
  }
  m.status = all_fixed ? "fixed" : "";
  double best = -1;
  for (const auto& [c, kw] : class_kw)
    if (kw > best) {
      best = kw;
      m.load_class = c;
    }
  return m;
}

// ---------------------------------------------------------------- measurement helpers

const powerflow::ElementFlow* findFlow(const powerflow::Result& r, powerflow::ElementKind kind, int element) {
  for (const auto& ef : r.branches)
    if (ef.kind == kind && ef.element == element) return &ef;
  return nullptr;
}

// Positive-sequence current (A) into terminal 1 of a 3-phase element, rotated like `v_volts`.
Complex lineCurrent1(const powerflow::ElementFlow& ef, double rot) {
  Complex i[3]{};
  for (const auto& c : ef.flows)
    if (c.terminal == 0 && c.node >= 1 && c.node <= 3) i[c.node - 1] = c.current;
  return (i[0] + kA * i[1] + kA * kA * i[2]) / 3.0 * std::polar(1.0, rot);
}

Complex busV1Volts(const powerflow::Result& r, model::BusId bus) {
  auto v = [&](int n) { return r.voltage(bus, n).value_or(Complex{}); };
  return (v(1) + kA * v(2) + kA * kA * v(3)) / 3.0;
}

double headAngle(const powerflow::Result& r, model::BusId head) {
  for (int node = 1; node <= 3; ++node)
    if (auto v = r.voltage(head, node)) return std::arg(*v) + (node - 1) * (2.0 * std::numbers::pi / 3.0);
  return 0.0;
}

Complex customerPu(const model::Load& l, const powerflow::LoadFlow& lf, double angle_ref) {
  const bool ll = l.conn == model::Connection::Delta;
  const double base = (ll || l.phases == 1 || l.phases > 3) ? l.kv * 1000.0 : core::lnVolts(l.kv);
  Complex sum{};
  for (const auto& v : lf.voltage) sum += detail::rotatedPu(v, base, angle_ref);
  return lf.voltage.empty() ? Complex{} : sum / static_cast<double>(lf.voltage.size());
}

// ---------------------------------------------------------------- sections

struct SectionBuild {
  int first = 0, last = 0;
  std::vector<int> points;           // indices into the LoadPoint vector
  std::vector<std::string> xfmrs;    // trunk transformers at its upstream side
  double kv_primary = 0.0, kv_secondary = 0.0;
  Complex v_target, v_primary_mean, s_actual;
  Complex v_primary_boosted;  // kW-weighted mean of primary voltage x lateral regulator ratio
  double boost = 1.0;         // kW-weighted lateral regulator ratio (tap of the aggregated transformer)
  double xf_kva = 0.0, r_pct = 0.0, x_pct = 0.0;
  bool has_xf = false;
  double cap_kvar = 0.0, charging_kvar = 0.0;
  model::BusId up = model::kNoBus, line_from = model::kNoBus, primary = model::kNoBus, load_bus = model::kNoBus;
  int line = -1;
  int cap = -1;      // section capacitor in the reduced feeder
  model::BusId trunk_end = model::kNoBus;  // the next section's upstream bus
  bool trunk_piece = false;
  bool propagates = false;  // carries the current of later pieces (its change moves them)
  int reactor = -1;  // section shunt reactor (head-Q correction), when created
  int xf = -1;       // aggregated service transformer in the reduced feeder
  Complex z_physical;  // Σ Z_b W_b² / kV_b² of the section's lines (ohm per kV², chain W_b), reduction.md 2.5
  // Comb, physical (ohm per kV², D_b = kW below b, O_b = the section's own kW below b, own = its
  // own kW): own branch Σ Z_b D_b O_b / own² (mean drop of its own loads, the downstream flow on
  // the shared trunk lines included); trunk piece Σ_trunk Z_b D_b / D_next (drop to the next entry).
  Complex z_own, z_trunk;
  Complex direction;  // unit phasor of the section's physical Σ Z_b W_b² (0: complex chain)
  bool r_fixed = false;  // loss correction: R set, X solved for |V|
  double r_set = 0.0;
  // Per-phase variant (unbalanced feeders): the section's load stays on its phases as
  // single-phase loads, its aggregated service transformer is three single-phase units with one
  // tap each, and each phase meets its own base-case mean customer voltage.
  bool per_phase = false;
  std::array<double, 3> phase_w{};           // section kW per phase (nominal)
  std::array<Complex, 3> v_phase_target{};   // kW-weighted mean customer voltage of each phase
  std::array<int, 3> xf_phase{-1, -1, -1};   // single-phase aggregated service transformers
  double phase_scale = 1.0;                  // common factor on the phase targets keeping |V̄_k|
  core::CMatrix shape;  // per phase: the section trunk's own 3x3 normalised to z1 = 1 (empty: balanced)
};

// Section voltage of the reduced feeder at the section load bus: the positive sequence, or for a
// per-phase section the phase voltages weighted by the section's kW per phase (the same weights
// as the full feeder's V̄_k, "Decisions in force").
Complex sectionVoltagePu(const model::Feeder& f, const powerflow::Result& r, const SectionBuild& s, double angle_ref) {
  if (!s.per_phase) return detail::positiveSequencePu(f, r, s.load_bus, angle_ref);
  Complex sum{};
  double w = 0.0;
  for (int q = 0; q < 3; ++q)
    if (s.phase_w[static_cast<std::size_t>(q)] > 0.0) {
      sum += s.phase_w[static_cast<std::size_t>(q)] * detail::phasePu(f, r, s.load_bus, q + 1, angle_ref);
      w += s.phase_w[static_cast<std::size_t>(q)];
    }
  return w > 0.0 ? sum / w : Complex{};
}

// Share of a load's base-case power on each phase (a, b, c). Split-phase and secondary loads sit on
// their service transformer's primary phase(s).
std::array<double, 3> phaseShare(const detail::BaseCase& base, const detail::LoadPoint& p) {
  const auto& f = base.feeder;
  const auto& l = f.loads[static_cast<std::size_t>(p.load)];
  const auto* lf = base.load_flow[static_cast<std::size_t>(p.load)];
  std::array<double, 3> ph{};
  double tot = 0.0;
  if (lf) {
    for (std::size_t e = 0; e < lf->voltage.size(); ++e) {
      const int node = e < l.bus1.nodes.size() ? l.bus1.nodes[e] : static_cast<int>(e) + 1;
      const double pw = (lf->voltage[e] * std::conj(lf->current[e])).real();
      if (node >= 1 && node <= 3) ph[static_cast<std::size_t>(node - 1)] += pw;
      tot += pw;
    }
  }
  if (p.service_xfmr >= 0) {
    const auto& xt = f.transformers[static_cast<std::size_t>(p.service_xfmr)].windings[0].terminal;
    std::vector<int> pn;
    for (std::size_t q = 0; q < xt.nodes.size() && q < 3; ++q)
      if (xt.nodes[q] >= 1 && xt.nodes[q] <= 3) pn.push_back(xt.nodes[q]);
    if (!pn.empty()) {
      ph = {};
      for (int node : pn) ph[static_cast<std::size_t>(node - 1)] += 1.0 / static_cast<double>(pn.size());
      return ph;
    }
  }
  const double sum = ph[0] + ph[1] + ph[2];
  if (!(std::abs(sum) > 0.0)) return {1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0};
  for (auto& x : ph) x /= sum;
  return ph;
}

// kW-weighted mean of complex customer voltages and of primary voltages.
void sectionMeans(const std::vector<detail::LoadPoint>& pts, SectionBuild& s) {
  double w = 0;
  Complex v{}, vp{}, sa{};
  for (int i : s.points) {
    const auto& p = pts[static_cast<std::size_t>(i)];
    const double k = std::abs(p.kw) + 1e-12;
    w += k;
    v += k * p.v_customer;
    vp += k * p.v_primary;
    sa += p.s_actual;
  }
  s.v_target = v / w;
  s.v_primary_mean = vp / w;
  Complex vb{};
  double b = 0;
  for (int i : s.points) {
    const auto& p = pts[static_cast<std::size_t>(i)];
    const double k = std::abs(p.kw) + 1e-12;
    vb += k * p.v_primary * p.boost;
    b += k * p.boost;
  }
  s.v_primary_boosted = vb / w;
  s.boost = b / w;
  s.s_actual = sa;
}

// Aggregated service transformer of a group of loads (reduction.md 2.5), pu on kBaseMva.
struct ServiceEquivalent {
  bool present = false;
  double kva = 0.0, r_pct = 0.0, x_pct = 0.0, kv_secondary = 0.208;
  double noload_pct = 0.0, imag_pct = 0.0;  // Σ no-load kW and magnetizing kvar over Σ kVA
  double tap = 1.0;                          // secondary tap (lateral regulators folded in)
  bool primary_only = false;                 // no service transformer: 1:1, negligible impedance
  bool fallback = false;
};

ServiceEquivalent serviceEquivalent(const detail::BaseCase& base, const std::vector<detail::LoadPoint>& pts,
                                    const std::vector<int>& idx, Complex v_target, Complex v_primary, Complex s_actual) {
  ServiceEquivalent e;
  std::set<int> xfs;
  double kw_behind = 0.0, kw_all = 0.0;
  for (int i : idx) {
    const auto& p = pts[static_cast<std::size_t>(i)];
    kw_all += std::abs(p.kw);
    if (p.service_xfmr >= 0) {
      xfs.insert(p.service_xfmr);
      kw_behind += std::abs(p.kw);
    }
  }
  if (xfs.empty() || kw_behind < 0.05 * kw_all) {
    // Loads on the primary: a 1:1 transformer of negligible impedance still separates the load
    // bus, so no section load is a "load-only stub" at @head (cli.md would count it source-side).
    e.present = true;
    e.primary_only = true;
    e.kva = std::max(1.5 * std::abs(s_actual) / 1000.0, 1.0);
    e.r_pct = 0.001;
    e.x_pct = 0.01;
    return e;
  }
  e.present = true;
  double r_w = 0, x_w = 0, kv_w = 0;
  for (int x : xfs) {
    const auto& t = base.feeder.transformers[static_cast<std::size_t>(x)];
    const double kva = t.windings[0].kva;
    e.kva += kva;
    double r = 0;
    for (const auto& w : t.windings) r += w.r_pct;
    if (t.windings.size() > 2) r = t.windings[0].r_pct + t.windings[1].r_pct;  // center tap: one half
    r_w += kva * r;
    x_w += kva * t.xhl_pct;
    const auto& w2 = t.windings[1];
    const bool three = t.phases == 3;
    kv_w += kva * (three && w2.kv >= 0.4 ? 1.0 : 0.0);
    e.noload_pct += kva * t.pct_noload_loss;
    e.imag_pct += kva * t.pct_imag;
  }
  e.noload_pct /= e.kva;
  e.imag_pct /= e.kva;
  e.kv_secondary = kv_w > 0.5 * e.kva ? 0.48 : 0.208;
  // Drop-matched impedance (reduction.md 2.5, secondaries lumped): Z = (V̄p - V̄) / I with
  // I = conj(S / V̄), pu on kBaseMva; then % on the aggregated rating.
  const Complex s_pu = s_actual / (detail::kBaseMva * 1e6);
  const Complex i_pu = std::conj(s_pu / v_target);
  const Complex z_pu = std::abs(i_pu) > 0 ? (v_primary - v_target) / i_pu : Complex{};
  const Complex z_pct = z_pu * (e.kva / 1000.0 / detail::kBaseMva) * 100.0;
  if (z_pct.real() > 0.0 && z_pct.imag() > 0.0) {
    e.r_pct = z_pct.real();
    e.x_pct = z_pct.imag();
  } else {  // not a passive drop (off-nominal ratios, rises): same %Z on the summed rating
    e.r_pct = r_w / e.kva;
    e.x_pct = x_w / e.kva;
    e.fallback = true;
  }
  return e;
}

model::Transformer serviceTransformer(const std::string& name, model::BusId primary, double kv_p, model::BusId load_bus,
                                      const ServiceEquivalent& e) {
  model::Transformer t;
  t.name = name;
  t.phases = 3;
  t.windings.resize(2);
  t.windings[0].terminal = threePhase(primary, true);
  t.windings[0].kv = kv_p;
  t.windings[1].terminal = threePhase(load_bus, true);
  t.windings[1].kv = e.kv_secondary;
  for (auto& w : t.windings) {
    w.conn = model::Connection::Wye;
    w.kva = e.kva;
    w.r_pct = e.r_pct / 2.0;
    w.tap = 1.0;
  }
  t.windings[1].tap = e.tap;
  t.xhl_pct = e.x_pct;
  t.pct_noload_loss = e.noload_pct;  // the section's transformers' core losses and magnetizing
  t.pct_imag = e.imag_pct;
  t.xht_pct = e.x_pct;
  t.xlt_pct = e.x_pct;
  return t;
}

// One phase (node 1..3) of the aggregated service transformer as a single-phase wye unit (per-phase
// variant: each phase gets its own tap). Its kVA is the phase's share of the section's kW: the
// phase's own service transformers, so every phase sees the same pu loading and %Z drop as in the
// full feeder (a third each put J1's heavy phase c 0.03 pu low at loads x1.2).
model::Transformer servicePhaseUnit(const std::string& name, model::BusId primary, double kv_p, model::BusId load_bus,
                                    const ServiceEquivalent& e, int node, double share) {
  model::Transformer t = serviceTransformer(name, primary, kv_p, load_bus, e);
  t.phases = 1;
  t.windings[0].terminal = {primary, {node, 0}};
  t.windings[1].terminal = {load_bus, {node, 0}};
  t.windings[0].kv = kv_p / core::kSqrt3;
  t.windings[1].kv = e.kv_secondary / core::kSqrt3;
  for (auto& w : t.windings) w.kva = e.kva * (share > 1e-6 ? share : 1.0 / 3.0);
  return t;
}

model::Capacitor shuntCapacitor(const std::string& name, model::BusId bus, double kv, double kvar) {
  model::Capacitor c;
  c.name = name;
  c.bus1 = threePhase(bus, true);
  c.phases = 3;
  c.conn = model::Connection::Wye;
  c.kv = kv;
  c.kvar = {kvar};
  c.states = {1};
  return c;
}

// Reactive power (var, negative = generated) of a line's shunt admittance at the solved voltages.
double lineChargingVar(const model::Line& line, const powerflow::Result& r) {
  const auto y = line.totalY();
  if (y.n == 0) return 0.0;
  double q = 0.0;
  for (const model::Terminal* t : {&line.bus1, &line.bus2}) {
    std::vector<Complex> v(y.n);
    for (std::size_t i = 0; i < y.n; ++i) {
      const int node = i < t->nodes.size() ? t->nodes[i] : static_cast<int>(i) + 1;
      v[i] = node > 0 ? r.voltage(t->bus, node).value_or(Complex{}) : Complex{};
    }
    for (std::size_t i = 0; i < y.n; ++i) {
      Complex yi{};
      for (std::size_t j = 0; j < y.n; ++j) yi += 0.5 * y(i, j) * v[j];
      q += (v[i] * std::conj(yi)).imag();
    }
  }
  return q;
}

// The class composition a load uses: its own class, else its composition class (Unknown ->
// Residential, Other -> Industrial).
model::LoadClass classKey(const std::map<model::LoadClass, model::CompositeSpec>& classes, model::LoadClass c) {
  return classes.count(c) ? c : detail::compositionClass(c);
}

// Composite of a group of loads: kW-weighted class fractions; parameters of the group's
// dominant class (reduction.md 2.3).
model::CompositeSpec mixSpec(const model::Feeder& f, const std::vector<int>& loads,
                             const std::map<model::LoadClass, model::CompositeSpec>& classes) {
  std::map<model::LoadClass, double> kw;
  double total = 0.0;
  for (int i : loads) {
    const auto& l = f.loads[static_cast<std::size_t>(i)];
    const auto c = classKey(classes, l.load_class);
    kw[c] += l.kw;
    total += l.kw;
  }
  model::CompositeSpec spec;
  model::ComponentFractions fr{0, 0, 0, 0, 0, 0};
  double best = -1e300;
  std::vector<std::string> names;
  for (const auto& [c, w] : kw) {
    const auto& cs = classes.at(c);
    const double share = total != 0.0 ? w / total : 1.0 / static_cast<double>(kw.size());
    fr.fm_a += share * cs.fractions.fm_a;
    fr.fm_b += share * cs.fractions.fm_b;
    fr.fm_c += share * cs.fractions.fm_c;
    fr.fm_d += share * cs.fractions.fm_d;
    fr.fel += share * cs.fractions.fel;
    fr.static_load += share * cs.fractions.static_load;
    names.push_back(fmt::format("{} {:.1f}%", cs.name, 100.0 * share));
    if (w > best) {
      best = w;
      spec.parameters = cs.parameters;
      spec.static_override = cs.static_override;
    }
  }
  spec.fractions = fr;
  spec.name = fmt::format("{}", fmt::join(names, " + "));
  return spec;
}

// Motor D spread by shifted thresholds: a block whose customers sit at V_block while the section
// bus sits at V_section sees V_bus * V_block / V_section; every voltage threshold scales by
// V_section / V_block (reduction.md "Motor D spread").
void shiftThresholds(model::ParameterSet& p, double k) {
  auto& d = p.motor_d;
  for (double* v : {&d.v_stall, &d.v_brk, &d.v_rst, &d.uv_tr1, &d.uv_tr2, &d.v_c1off, &d.v_c2off, &d.v_c1on, &d.v_c2on}) *v *= k;
  d.v_stall = std::min(d.v_stall, 0.99);
  p.electronic.vd1 *= k;
  p.electronic.vd2 *= k;
  for (auto* m : {&p.motor_a, &p.motor_b, &p.motor_c})
    for (auto* st : {&m->uv1, &m->uv2}) {
      st->v_trip *= k;
      if (std::isfinite(st->v_reconnect)) st->v_reconnect *= k;
    }
}

// Threshold ratio V_section / V_block of a block whose base-case customers sit at x = V_block /
// V_section, when the in-section drops at the stall moment are `gain` times the base case's
// (reduction.md "Motor D spread", docs/reduction.md step 12).
double stressedRatio(double x, double gain) {
  const double xs = 1.0 - gain * (1.0 - x);
  return 1.0 / std::max(0.5, xs);
}

io::CompositeRecord record(const model::Feeder& f, const model::Load& l, model::CompositeSpec spec) {
  io::CompositeRecord r;
  r.bus_number = l.bus1.bus + 1;
  r.bus = f.buses[static_cast<std::size_t>(l.bus1.bus)].name;
  r.kv = f.buses[static_cast<std::size_t>(l.bus1.bus)].kv_base_ll;
  r.id = l.name;
  r.mva = std::abs(l.kw) / 1000.0 / 0.8;  // CMPLDW MVA = 0 rule, written explicitly
  auto& fe = spec.parameters.feeder;      // reduction.md 2.6: no feeder equivalent of its own
  fe.bss = fe.rfdr = fe.xfdr = fe.fb = fe.xxf = 0.0;
  fe.ltc = 0;
  r.spec = std::move(spec);
  return r;
}

// ---------------------------------------------------------------- checks

struct Evaluation {
  Complex head;
  Complex losses;
  std::vector<double> v_full;     // per section |V̄_k|
};

std::vector<bool> newBuses(const model::Feeder& f, const model::Feeder& src, const detail::BaseCase& base) {
  std::vector<bool> region(f.buses.size(), false);
  for (std::size_t i = 0; i < f.buses.size(); ++i) {
    const auto id = src.findBus(f.buses[i].name);
    region[i] = !id || !base.kept_bus[static_cast<std::size_t>(*id)];
  }
  return region;
}

powerflow::Result solveOff(const model::Feeder& f) {
  powerflow::Options o;
  o.controls = powerflow::ControlMode::Off;
  auto r = powerflow::solvePowerFlow(f, o);
  if (!r.converged) throw core::NumericalError("reduce: power flow of " + f.name + " did not converge");
  return r;
}

}  // namespace
}  // namespace feederlab::reduce

namespace feederlab::reduce {

namespace {

struct Work {
  const Options& opt;
  detail::BaseCase base;
  std::vector<detail::LoadPoint> pts;
  detail::Trunk trunk;
  std::vector<SectionBuild> secs;
  std::vector<SectionBuild> trunk_pieces;  // trunk equivalents between sections (comb topology)
  Complex m = 0.0;
  std::map<model::LoadClass, model::CompositeSpec> classes;
};

// kW-weighted RMS change of the per-load section voltage between two partitions (auto N).
std::vector<double> profile(const std::vector<detail::LoadPoint>& pts, const std::vector<int>& starts) {
  const std::size_t n = starts.size();
  std::vector<double> w(n, 0.0), wv(n, 0.0);
  auto sec = [&](int pos) {
    return static_cast<std::size_t>(std::upper_bound(starts.begin(), starts.end(), pos) - starts.begin() - 1);
  };
  for (const auto& p : pts) {
    const auto s = sec(p.trunk_pos);
    w[s] += std::abs(p.kw) + 1e-12;
    wv[s] += (std::abs(p.kw) + 1e-12) * std::abs(p.v_customer);
  }
  std::vector<double> out;
  for (const auto& p : pts) out.push_back(wv[sec(p.trunk_pos)] / w[sec(p.trunk_pos)]);
  return out;
}

double profileChange(const std::vector<detail::LoadPoint>& pts, const std::vector<double>& a, const std::vector<double>& b) {
  double w = 0, s = 0;
  for (std::size_t i = 0; i < pts.size(); ++i) {
    const double k = std::abs(pts[i].kw) + 1e-12;
    w += k;
    s += k * (a[i] - b[i]) * (a[i] - b[i]);
  }
  return std::sqrt(s / w);
}

std::vector<int> chooseSections(const Work& w, std::vector<std::string>& notes) {
  const int need = static_cast<int>(w.trunk.forced.size()) + 1;
  if (w.opt.sections) {
    if (*w.opt.sections < need)
      notes.push_back(fmt::format("{} sections requested; {} forced boundaries need {}", *w.opt.sections, need - 1, need));
    return detail::partition(w.trunk, w.pts, std::max(*w.opt.sections, 1));
  }
  int n = std::max(3, need);
  auto starts = detail::partition(w.trunk, w.pts, n);
  auto prof = profile(w.pts, starts);
  while (n < std::max(w.opt.max_sections, need)) {
    auto next = detail::partition(w.trunk, w.pts, n + 1);
    if (next.size() == starts.size()) break;  // no more loaded positions to split
    auto next_prof = profile(w.pts, next);
    const double change = profileChange(w.pts, prof, next_prof);
    if (change < 0.002) break;  // the section voltages stopped changing
    starts = std::move(next);
    prof = std::move(next_prof);
    ++n;
  }
  notes.push_back(fmt::format("auto: {} sections (N grown from {} until the per-load section voltage changed by < 0.002 pu RMS, cap {})",
                              starts.size(), std::max(3, need), std::max(w.opt.max_sections, need)));
  return starts;
}

// Full-feeder section voltages at some operating point.
std::vector<Complex> fullSectionVoltages(const model::Feeder& f, const powerflow::Result& r, model::BusId head,
                                         const std::vector<SectionBuild>& secs, const std::vector<detail::LoadPoint>& pts,
                                         double base_ref, const std::vector<std::array<double, 3>>* share = nullptr, int phase = -1) {
  const double ar = headAngle(r, head);
  std::vector<const powerflow::LoadFlow*> lf(f.loads.size(), nullptr);
  for (const auto& l : r.loads)
    if (l.load >= 0) lf[static_cast<std::size_t>(l.load)] = &l;
  std::vector<Complex> out;
  for (const auto& s : secs) {
    Complex v{};
    double w = 0;
    for (int i : s.points) {
      const auto& p = pts[static_cast<std::size_t>(i)];
      const auto* x = lf[static_cast<std::size_t>(p.load)];
      if (!x) continue;
      const double k = (std::abs(p.kw) + 1e-12) * (share && phase >= 0 ? (*share)[static_cast<std::size_t>(i)][static_cast<std::size_t>(phase)] : 1.0);
      // the base case's rotation of each element: near a 15-degree rounding edge an off-design
      // angle shift would otherwise rotate some customers by another 30 degrees (ieee8500: the
      // section means then fell by up to 0.03 pu at loads x1.2)
      const auto& l = f.loads[static_cast<std::size_t>(p.load)];
      if (p.rotations.size() == x->voltage.size() && !x->voltage.empty()) {
        const bool ll = l.conn == model::Connection::Delta;
        const double vb = (ll || l.phases == 1 || l.phases > 3) ? l.kv * 1000.0 : core::lnVolts(l.kv);
        Complex c{};
        for (std::size_t e = 0; e < x->voltage.size(); ++e) c += x->voltage[e] / vb * std::polar(1.0, p.rotations[e]);
        v += k * c / static_cast<double>(x->voltage.size()) * std::polar(1.0, base_ref - ar);
      } else {
        v += k * customerPu(l, *x, ar);
      }
      w += k;
    }
    out.push_back(w > 0 ? v / w : Complex{});
  }
  return out;
}

// Net shunt of a section (kvar at rated voltage, + capacitive): a capacitor, or a shunt reactor
// when the head-Q correction takes more than the section's capacitors and charging.
double sectionShunt(const model::Feeder& f, const SectionBuild& s) {
  double q = 0.0;
  if (s.cap >= 0 && f.capacitors[static_cast<std::size_t>(s.cap)].enabled) q += f.capacitors[static_cast<std::size_t>(s.cap)].kvar[0];
  if (s.reactor >= 0 && f.reactors[static_cast<std::size_t>(s.reactor)].enabled) {
    const double x = f.reactors[static_cast<std::size_t>(s.reactor)].z(0, 0).imag();
    q -= s.kv_primary * s.kv_primary * 1000.0 / x;
  }
  return q;
}

void setSectionShunt(model::Feeder& f, SectionBuild& s, double kvar, int number) {
  if (s.cap < 0) {
    s.cap = static_cast<int>(f.capacitors.size());
    f.capacitors.push_back(shuntCapacitor(fmt::format("cap{}", number), s.primary, s.kv_primary, 0.0));
  }
  if (s.reactor < 0) {
    model::Reactor r;
    r.name = fmt::format("shr{}", number);
    r.bus1 = threePhase(s.primary, true);
    r.phases = 3;
    r.conn = model::Connection::Wye;
    r.z = core::CMatrix(3);
    s.reactor = static_cast<int>(f.reactors.size());
    f.reactors.push_back(r);
  }
  auto& c = f.capacitors[static_cast<std::size_t>(s.cap)];
  auto& r = f.reactors[static_cast<std::size_t>(s.reactor)];
  c.enabled = kvar > 1e-9;
  c.kvar[0] = std::max(kvar, 0.0);
  r.enabled = kvar < -1e-9;
  const double x = r.enabled ? s.kv_primary * s.kv_primary * 1000.0 / -kvar : 1.0;
  for (std::size_t i = 0; i < 3; ++i) r.z(i, i) = Complex(0.0, x);
}

// Drops the shunts setSectionShunt left disabled (indices are not needed any more).
void dropDisabledShunts(model::Feeder& f) {
  std::erase_if(f.capacitors, [](const model::Capacitor& c) { return !c.enabled && c.name.rfind("cap", 0) == 0; });
  std::erase_if(f.reactors, [](const model::Reactor& r) { return !r.enabled && r.name.rfind("shr", 0) == 0; });
}

// Voltage of a full-feeder bus as one rotated pu phasor (mean of its phases, each rotated).
Complex trunkVoltagePu(const model::Feeder& f, const powerflow::Result& r, model::BusId bus, double angle_ref) {
  const double base = core::lnVolts(f.buses[static_cast<std::size_t>(bus)].kv_base_ll);
  Complex sum{};
  int count = 0;
  for (int node = 1; node <= 3; ++node)
    if (auto v = r.voltage(bus, node)) {
      sum += detail::rotatedPu(*v, base, angle_ref);
      ++count;
    }
  return count ? sum / static_cast<double>(count) : Complex{};
}

std::vector<SectionBuild*> chainOf(std::vector<SectionBuild>& secs, std::vector<SectionBuild>& pieces) {
  std::vector<SectionBuild*> out;
  for (std::size_t k = 0; k < secs.size(); ++k) {
    if (k < pieces.size()) out.push_back(&pieces[k]);
    out.push_back(&secs[k]);
  }
  return out;
}

// Chain formula (reduction.md 2.5) solved on the reduced feeder's own power flow, Gauss-Seidel
// from the head: each section's Z_k = (V_up - V_need) / I_k from the latest solution. (Updating
// every section from one solution oscillates: the section shunts make I_k voltage-dependent.)
void solveChain(model::Feeder& red, const std::vector<SectionBuild*>& secs, Complex m, model::BusId head, int max_sweeps,
                bool per_piece = false, double tolerance_pu = 1e-8, double accept_pu = 0.0) {
  // One power flow per sweep; within a sweep the pieces are updated from the head down and each
  // trunk change is propagated to everything below it to first order (dV = -dZ I), which makes
  // the sweep a Gauss-Seidel step without a solve per piece.
  double last_err = 0.0;
  int stalls = 0;
  for (int sweep = 0; sweep < max_sweeps; ++sweep) {
    auto r = solveOff(red);
    double ar = headAngle(r, head);
    double sweep_err = 0.0;
    for (const auto* s : secs)
      sweep_err = std::max(sweep_err, std::abs(std::abs(detail::positiveSequencePu(red, r, s->load_bus, ar)) - std::abs(s->v_target)));
    if (std::getenv("FEEDERLAB_REDUCE_DEBUG")) fmt::print(stderr, "chain sweep {} err {:.3e}\n", sweep, sweep_err);
    if (sweep > 0 && sweep_err < tolerance_pu) return;
    // no progress for three sweeps: give up early (the caller falls back)
    stalls = sweep > 0 && sweep_err > 0.9 * last_err ? stalls + 1 : 0;
    last_err = sweep_err;
    // stalled or out of sweeps but within `accept_pu` (a small fraction of the section-voltage
    // tolerance): good enough, keep it (|V|-only fits along a fixed angle stall at ~1e-5 pu)
    if ((stalls >= 3 || sweep + 1 == max_sweeps) && sweep_err < accept_pu) return;
    if (stalls >= 3)
      throw core::ModelError("reduce", fmt::format("the section equivalents do not converge ({:.2e} pu after {} sweeps)", sweep_err, sweep + 1));
    if (sweep + 1 == max_sweeps)
      throw core::ModelError("reduce", fmt::format("the section equivalents did not converge ({:.2e} pu after {} sweeps)", sweep_err, max_sweeps));
    Complex shift{};  // pu shift of everything below the trunk pieces updated so far
    for (auto* sp : secs) {
      if (per_piece && sp != secs.front()) {  // plain Gauss-Seidel: a solve per piece (robust)
        r = solveOff(red);
        ar = headAngle(r, head);
        shift = {};
      }
      auto& s = *sp;
      const Complex vl = detail::positiveSequencePu(red, r, s.load_bus, ar);
      const Complex vp = detail::positiveSequencePu(red, r, s.primary, ar);
      const Complex up_volts = busV1Volts(r, s.line_from);
      const double rot = detail::rotation(up_volts, ar);
      const double base = core::lnVolts(red.buses[static_cast<std::size_t>(s.line_from)].kv_base_ll);
      const Complex vup = up_volts * std::polar(1.0, rot) + shift * base;
      const Complex vneed = (s.v_target + (vp - vl)) * base;
      const auto* ef = findFlow(r, powerflow::ElementKind::Line, s.line);
      const Complex i = lineCurrent1(*ef, rot);
      auto& line = red.lines[static_cast<std::size_t>(s.line)];
      if (std::abs(i) < 1e-12) throw core::ModelError("line." + line.name, "reduce: no current through the section equivalent");
      const Complex z_old = line.impedance.z_per_length(0, 0) * (1.0 - m);
      Complex z;
      if (!s.r_fixed && std::abs(s.direction) > 0) {
        // |V| only, along the section's physical impedance angle: Z = t d, |V_up - t d I| = |V_need|
        const Complex b = s.direction * i;
        const double vn = std::abs(vneed), bb = std::norm(b), ab = (vup * std::conj(b)).real();
        const double disc = ab * ab - bb * (std::norm(vup) - vn * vn);
        // no point on that ray reaches |V_need|: the complex chain formula for this section
        const double t = disc >= 0 ? (ab - std::sqrt(disc)) / bb : -1.0;
        z = t > 0 ? s.direction * t : (vup - vneed) / i;  // (or a rise: t < 0)
      } else if (!s.r_fixed) {
        z = (vup - vneed) / i;
      } else {  // R fixed by the loss correction; X keeps |V| (the angle is free)
        const Complex a = vup - s.r_set * i, b = Complex(0, 1) * i;
        const double t = std::abs(vneed), bb = std::norm(b), ab = (a * std::conj(b)).real();
        const double disc = ab * ab - bb * (std::norm(a) - t * t);
        double x = ab / bb;
        if (disc >= 0) {
          const double x1 = (ab + std::sqrt(disc)) / bb, x2 = (ab - std::sqrt(disc)) / bb;
          x = std::abs(x1 - z_old.imag()) < std::abs(x2 - z_old.imag()) ? x1 : x2;
        }
        z = Complex(s.r_set, x);
      }
      line.impedance = balancedImpedance(z, m);
      if (s.propagates) shift -= (z - z_old) * i / base;
    }
  }
}

// Physical equivalents (Options::Equivalent::Physical): every section line is Σ Z_b W_b² (fixed);
// each section's |V̄_k| is then met by the tap of its aggregated service transformer. Why: the
// voltage a passive Σ Z W² chain misses is mostly the rise of capacitors sitting beyond the load
// centroid (J1), i.e. a cap current times an impedance, nearly constant over load levels and
// proportional to the source voltage: a fixed ratio reproduces it off-design, a fitted complex Z
// (whose angle absorbs it) does not. One power flow per sweep; the taps converge linearly.
void solveTaps(model::Feeder& red, std::vector<SectionBuild>& secs, model::BusId head, int max_sweeps = 40, double tolerance_pu = 1e-8) {
  for (int sweep = 0; sweep < max_sweeps; ++sweep) {
    const auto r = solveOff(red);
    const double ar = headAngle(r, head);
    double err = 0.0;
    for (auto& s : secs) {
      const double v = std::abs(sectionVoltagePu(red, r, s, ar));
      err = std::max(err, std::abs(v - std::abs(s.v_target)));
      if (!s.per_phase) {
        if (v > 0) red.transformers[static_cast<std::size_t>(s.xf)].windings[1].tap *= std::abs(s.v_target) / v;
        continue;
      }
      // Per phase: each phase meets its own mean customer voltage times a common factor that keeps
      // the kW-weighted mean |V̄_k| exact (the phase targets' magnitudes do not average to it).
      // scale = |V̄_k| / (ρ · Σ w_q |V_q,target| / Σ w), ρ = |complex mean| / mean of magnitudes of
      // the present solution (set, not accumulated: the phase taps already correct the mean)
      double mag_now = 0.0, mag_target = 0.0, wsum = 0.0;
      for (std::size_t q = 0; q < 3; ++q) {
        if (s.phase_w[q] <= 0.0) continue;
        mag_now += s.phase_w[q] * std::abs(detail::phasePu(red, r, s.load_bus, static_cast<int>(q) + 1, ar));
        mag_target += s.phase_w[q] * std::abs(s.v_phase_target[q]);
        wsum += s.phase_w[q];
      }
      if (v > 0 && mag_now > 0 && mag_target > 0) s.phase_scale = std::abs(s.v_target) / (v / mag_now * mag_target);
      double tap_sum = 0.0;
      int loaded = 0;
      for (std::size_t q = 0; q < 3; ++q) {
        if (s.phase_w[q] <= 0.0) continue;
        auto& tap = red.transformers[static_cast<std::size_t>(s.xf_phase[q])].windings[1].tap;
        const double vq = std::abs(detail::phasePu(red, r, s.load_bus, static_cast<int>(q) + 1, ar));
        const double target = std::abs(s.v_phase_target[q]) * s.phase_scale;
        err = std::max(err, std::abs(vq - target));
        if (vq > 0) tap *= target / vq;
        tap_sum += tap;
        ++loaded;
      }
      for (std::size_t q = 0; q < 3; ++q)  // an unloaded phase follows the loaded ones
        if (s.phase_w[q] <= 0.0 && loaded > 0) red.transformers[static_cast<std::size_t>(s.xf_phase[q])].windings[1].tap = tap_sum / loaded;
    }
    if (std::getenv("FEEDERLAB_REDUCE_DEBUG")) fmt::print(stderr, "tap sweep {} err {:.3e}\n", sweep, err);
    if (err < tolerance_pu) return;
    if (!(err < 0.5)) break;  // diverging (or NaN): give up early
  }
  throw core::ModelError("reduce", "the section taps of the physical equivalents did not converge");
}

// Positive-sequence impedance of a 3x3 taken as transposed: mean self minus mean mutual (equals
// Zs (1 - m) for the balanced form).
Complex z1OfMatrix(const core::CMatrix& z) {
  return (z(0, 0) + z(1, 1) + z(2, 2)) / 3.0 - (z(0, 1) + z(0, 2) + z(1, 2) + z(1, 0) + z(2, 0) + z(2, 1)) / 6.0;
}

Complex z1Of(const model::Line& l, Complex m) {
  (void)m;
  return z1OfMatrix(l.impedance.z_per_length) * l.length;
}

// Per-phase sections: the equivalent keeps the phase-frame shape of the section's own trunk lines
// (untransposed: Zab, Zbc, Zca differ), scaled to the section's positive-sequence z1. With unbalanced
// currents that asymmetry decides which phase sags and which rises (ieee8500: phase c barely moves
// at loads x1.2 while a and b fall by 0.1 pu); a balanced 3x3 spreads the drop evenly.
core::CMatrix trunkShape(const detail::BaseCase& base, const detail::Trunk& trunk, int first, int last) {
  core::CMatrix sum(3);
  bool any = false;
  for (int p = std::max(first, 1); p <= last; ++p) {
    const int br = base.topology.parent_branch[static_cast<std::size_t>(trunk.buses[static_cast<std::size_t>(p)])];
    if (br < 0) continue;
    const auto& b = base.topology.branches[static_cast<std::size_t>(br)];
    if (b.kind != graph::BranchKind::Line) continue;
    const auto& line = base.feeder.lines[static_cast<std::size_t>(b.element)];
    const auto z = line.totalZ();
    if (z.n != 3 || line.bus1.nodes.size() < 3) continue;
    std::array<int, 3> ph{};
    bool ok = true;
    for (std::size_t i = 0; i < 3; ++i) {
      ph[i] = line.bus1.nodes[i] - 1;
      ok = ok && ph[i] >= 0 && ph[i] <= 2;
    }
    if (!ok || ph[0] == ph[1] || ph[1] == ph[2] || ph[0] == ph[2]) continue;
    for (std::size_t i = 0; i < 3; ++i)
      for (std::size_t j = 0; j < 3; ++j) sum(static_cast<std::size_t>(ph[i]), static_cast<std::size_t>(ph[j])) += z(i, j);
    any = true;
  }
  if (!any) return {};
  const Complex z1 = z1OfMatrix(sum);
  if (std::abs(z1) <= 0.0) return {};
  for (auto& v : sum.values) v /= z1;
  return sum;
}

model::LineImpedance shapedImpedance(Complex z1, const core::CMatrix& shape, Complex m) {
  if (shape.empty()) return balancedImpedance(z1, m);
  model::LineImpedance imp;
  imp.z_per_length = core::CMatrix(3);
  imp.y_per_length = core::CMatrix(3);
  for (std::size_t i = 0; i < 9; ++i) imp.z_per_length.values[i] = shape.values[i] * z1;
  return imp;
}

// Single-bus baseline ("Decisions in force"): source side unchanged; at @head one line
// Rfdr + jXfdr = Σ_b Z_b W_b² over the primary (reduction.md 2.5), the whole feeder's aggregated
// service transformer (Xxf), one load; every shunt of the feeder at @head (Bss). WECC
// initialisation step 5 (load-models.md 3.1): Rfdr, Xfdr scaled down until the load bus is at
// least 0.95 pu.
void buildBaseline(Work& w, Reduction& red, const std::vector<double>& shunt_var, const std::vector<double>& cap_var) {
  const auto& base = w.base;
  const auto& f = base.feeder;
  std::vector<std::string> scratch;
  Builder bld(f);
  copyKept(base, bld, scratch);
  const auto head_out = bld.map[static_cast<std::size_t>(base.head)];
  const double kv_head = f.buses[static_cast<std::size_t>(base.head)].kv_base_ll;
  double total_kw = 0;
  for (const auto& p : w.pts) total_kw += std::abs(p.kw);
  Complex z_pu{};
  for (const auto& br : base.topology.branches) {
    if (br.kind != graph::BranchKind::Line && br.kind != graph::BranchKind::Switch) continue;
    const auto lower = base.topology.depth[static_cast<std::size_t>(br.to)] >= base.topology.depth[static_cast<std::size_t>(br.from)] ? br.to : br.from;
    if (lower < 0 || !base.feeder_bus[static_cast<std::size_t>(lower)]) continue;
    const double kv = f.buses[static_cast<std::size_t>(lower)].kv_base_ll;
    if (kv < 1.0) continue;  // primary only
    const double wb = w.trunk.downstream_kw[static_cast<std::size_t>(lower)] / total_kw;
    z_pu += detail::lineZ1(f.lines[static_cast<std::size_t>(br.element)]) * detail::kBaseMva / (kv * kv) * wb * wb;
  }
  const Complex z_ohm = z_pu * kv_head * kv_head / detail::kBaseMva;
  const auto fdr = bld.newBus("bl_fdr", kv_head);
  model::Line line;
  line.name = "fdr";
  line.bus1 = threePhase(head_out, false);
  line.bus2 = threePhase(fdr, false);
  line.impedance = balancedImpedance(z_ohm, w.m);
  bld.out.lines.push_back(line);
  std::vector<int> all(w.pts.size());
  std::iota(all.begin(), all.end(), 0);
  Complex v{}, vp{}, sa{};
  double wsum = 0, boost = 0;
  std::vector<int> loads;
  for (const auto& p : w.pts) {
    const double k = std::abs(p.kw) + 1e-12;
    v += k * p.v_customer;
    vp += k * p.v_primary;
    boost += k * p.boost;
    sa += p.s_actual;
    wsum += k;
    loads.push_back(p.load);
  }
  auto se = serviceEquivalent(base, w.pts, all, v / wsum, vp / wsum, sa);
  se.tap = boost / wsum;
  model::BusId load_bus = fdr;
  double kv_load = kv_head;
  if (se.primary_only) se.kv_secondary = kv_head;
  if (se.present) {
    load_bus = bld.newBus("bl_lv", se.kv_secondary);
    kv_load = se.kv_secondary;
    addVoltageBase(bld.out, se.kv_secondary);
    bld.out.transformers.push_back(serviceTransformer("bl_xf", fdr, kv_head, load_bus, se));
  }
  // Bss: the feeder's capacitors; Bf: its line charging, the WECC initialisation then sets Bf to
  // balance head Q (below). Both start at their base-case kvar at rated voltage.
  const double vh = std::abs(detail::positiveSequencePu(f, base.result, base.head, base.angle_ref));
  double bss_kvar = -std::accumulate(cap_var.begin(), cap_var.end(), 0.0) / (vh * vh) / 1000.0;
  double bf_kvar = -std::accumulate(shunt_var.begin(), shunt_var.end(), 0.0) / (vh * vh) / 1000.0;
  const auto spec0 = mixSpec(f, loads, w.classes);
  const double fb = spec0.parameters.feeder.fb;  // share of Bf at the low side (@head), load-models.md 3.1
  bld.out.capacitors.push_back(shuntCapacitor("bl_cap", head_out, kv_head, 0.0));
  bld.out.capacitors.push_back(shuntCapacitor("bl_bf1", head_out, kv_head, 0.0));
  bld.out.capacitors.push_back(shuntCapacitor("bl_bf2", fdr, kv_head, 0.0));
  const std::size_t cap_bss = bld.out.capacitors.size() - 3;
  auto setShunts = [&](model::Feeder& fd) {
    const double v[3] = {bss_kvar, fb * bf_kvar, (1.0 - fb) * bf_kvar};
    for (std::size_t c = 0; c < 3; ++c) {
      auto& cap = fd.capacitors[cap_bss + c];
      cap.kvar[0] = std::max(v[c], 0.0);
      cap.enabled = v[c] > 1e-6;
    }
  };
  setShunts(bld.out);
  auto load = mergedLoad(f, loads, "baseline", load_bus, kv_load);
  const double kw_nominal = load.kw, kvar_nominal = load.kvar;
  const double mva = std::abs(load.kw) / 1000.0 / 0.8;
  bld.out.loads.push_back(load);
  model::Feeder& bf = bld.out;
  bf.name = f.name + "_baseline";
  double scale = 1.0;
  auto vload = [&]() {
    const auto r = solveOff(bf);
    return std::abs(detail::positiveSequencePu(bf, r, load_bus, headAngle(r, head_out)));
  };
  if (vload() < 0.95) {
    double lo = 0.0, hi = 1.0;
    for (int it = 0; it < 30; ++it) {
      scale = 0.5 * (lo + hi);
      bf.lines.back().impedance = balancedImpedance(z_ohm * scale, w.m);
      (vload() < 0.95 ? hi : lo) = scale;
    }
    scale = lo;
    bf.lines.back().impedance = balancedImpedance(z_ohm * scale, w.m);
  }
  // WECC initialisation (load-models.md 3.1 steps 1, 6-9): the end uses are initialised from the
  // power-flow P at the system bus (here the full feeder's head P), so the load's nominal kW (and
  // kvar, same factor: its power factor is the composition's) scales until head P matches; the
  // feeder compensation Bf (split Fb at @head, 1-Fb at the feeder's far end) balances head Q; if
  // Bf would be inductive, Bss is reduced instead (step 8). Step 5 (0.95 pu) is re-checked after.
  const Complex head_full = detail::headPower(base.result);
  double load_scale = 1.0;
  auto initialise = [&]() {
    for (int it = 0; it < 12; ++it) {
      auto& bl = bf.loads.back();
      bl.kw = kw_nominal * load_scale;
      bl.kvar = kvar_nominal * load_scale;
      setShunts(bf);
      const auto r = solveOff(bf);
      const Complex d = head_full - detail::headPower(r);
      if (std::abs(d.real()) < 1e-5 * std::abs(head_full) && std::abs(d.imag()) < 1e-5 * std::abs(head_full)) return;
      Complex s_load{};
      for (const auto& lf : r.loads)
        if (lf.load == static_cast<int>(bf.loads.size()) - 1) s_load = lf.power;
      if (s_load.real() > 0) load_scale *= 1.0 + d.real() / s_load.real();
      const double vf = std::abs(detail::positiveSequencePu(bf, r, fdr, headAngle(r, head_out)));
      // a capacitor's kvar at rated voltage lowers head Q by kvar v² (the Q of the load follows P)
      const double dq_load = s_load.imag() * (d.real() / std::max(s_load.real(), 1e-9));
      bf_kvar -= (d.imag() - dq_load) / 1000.0 / (vf * vf);
      if (bf_kvar < 0.0) {  // step 8: Bf inductive -> reduce Bss until Bf = 0
        bss_kvar = std::max(bss_kvar + bf_kvar * (vf * vf) / (vh * vh), 0.0);
        bf_kvar = 0.0;
      }
    }
  };
  for (int outer = 0; outer < 3; ++outer) {
    initialise();
    if (vload() >= 0.95 - 1e-6) break;
    double lo = 0.0, hi = scale;
    for (int it = 0; it < 30; ++it) {
      const double mid = 0.5 * (lo + hi);
      bf.lines.back().impedance = balancedImpedance(z_ohm * mid, w.m);
      (vload() < 0.95 ? hi : lo) = mid;
    }
    scale = lo;
    bf.lines.back().impedance = balancedImpedance(z_ohm * scale, w.m);
  }
  if (scale < 1.0)
    red.notes.push_back(fmt::format("baseline: Rfdr, Xfdr scaled by {:.4f} so the load bus sits at 0.95 pu (WECC initialisation step 5)", scale));
  std::erase_if(bf.capacitors, [](const model::Capacitor& c) { return !c.enabled && c.name.rfind("bl_", 0) == 0; });
  red.notes.push_back(fmt::format("baseline initialised (WECC): load kW and kvar x{:.5f} so head P matches, Bss {:.1f} kvar, "
                                  "Bf {:.1f} kvar (Fb {:.2f} at @head, the rest at the feeder's far end) so head Q matches",
                                  load_scale, bss_kvar, bf_kvar, fb));
  const double zb = kv_head * kv_head / mva;  // ohm base of the record
  red.rfdr_pu = (z_ohm * scale).real() / zb;
  red.xfdr_pu = (z_ohm * scale).imag() / zb;
  red.xxf_pu = se.present && !se.primary_only ? se.x_pct / 100.0 * mva * 1000.0 / se.kva : 0.0;
  auto spec = mixSpec(f, loads, w.classes);
  io::CompositeRecord rec = record(bf, bf.loads.back(), spec);
  auto& fe = rec.spec.parameters.feeder;
  fe.rfdr = *red.rfdr_pu;
  fe.xfdr = *red.xfdr_pu;
  fe.xxf = *red.xxf_pu;
  fe.bss = bss_kvar / 1000.0 / mva;
  fe.fb = fb;
  fe.ltc = 0;  // LTC off ("Decisions in force")
  red.baseline_records.push_back(rec);
  const auto r = solveOff(bf);
  const auto topo = graph::buildTopology(bf);
  const auto region = newBuses(bf, f, base);
  const Complex h = detail::headPower(r), l = detail::regionLosses(bf, topo, r, region);
  red.baseline_flow = {h.real() / 1000, h.imag() / 1000, l.real() / 1000, l.imag() / 1000};
  red.notes.push_back(fmt::format("baseline: Rfdr+jXfdr = {:.5g}+j{:.5g} ohm at {:g} kV (Σ Z_b W_b² over the primary{}), "
                                  "Xxf {:.4f} pu on {:.3f} MVA, {:.1f} kvar of shunts (Bss + Bf)",
                                  (z_ohm * scale).real(), (z_ohm * scale).imag(), kv_head, scale < 1 ? ", scaled" : "",
                                  *red.xxf_pu, mva, bss_kvar + bf_kvar));
  red.baseline = std::move(bf);
}

}  // namespace

Reduction reduceFeeder(const model::Feeder& full_in, const Options& opt) {
  const auto t0 = std::chrono::steady_clock::now();
  Reduction red;
  auto& notes = red.notes;
  Work w{opt, {}, {}, {}, {}, {}, 0.0, {}};
  model::Feeder full = full_in;
  if (opt.head_scada) {
    // Allocation (reduction.md 2.2): one factor for P, one for Q on every feeder load, iterated
    // until the solved head P/Q match the measurement.
    auto probe = detail::makeBaseCase(full);
    double fp = 1.0, fq = 1.0;
    for (int it = 0; it < 8; ++it) {
      const Complex h = detail::headPower(probe.result) / 1000.0;
      const Complex target(opt.head_scada->kw, opt.head_scada->kvar);
      if (std::abs(h - target) < 1e-6 * std::abs(target)) break;
      double load_p = 0, load_q = 0;
      for (std::size_t i = 0; i < full.loads.size(); ++i)
        if (!probe.source_side_load[i] && probe.load_flow[i]) {
          load_p += probe.load_flow[i]->power.real() / 1000.0;
          load_q += probe.load_flow[i]->power.imag() / 1000.0;
        }
      const double sp = load_p > 0 ? (load_p + target.real() - h.real()) / load_p : 1.0;
      const double sq = std::abs(load_q) > 0 ? (load_q + target.imag() - h.imag()) / load_q : 1.0;
      fp *= sp;
      fq *= sq;
      for (std::size_t i = 0; i < full.loads.size(); ++i)
        if (!probe.source_side_load[i]) {
          full.loads[i].kw *= sp;
          full.loads[i].kvar *= sq;
        }
      probe = detail::makeBaseCase(full);
    }
    notes.push_back(fmt::format("allocation to head SCADA {:.1f} kW / {:.1f} kvar: loads scaled by {:.5f} (P) and {:.5f} (Q)",
                                opt.head_scada->kw, opt.head_scada->kvar, fp, fq));
    red.allocated = full;
  }
  auto lap = [&](const char* what) {
    if (std::getenv("FEEDERLAB_REDUCE_DEBUG"))
      fmt::print(stderr, "time {}: {:.1f} ms\n", what, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  };
  w.base = detail::makeBaseCase(full);
  lap("base case");
  const auto& base = w.base;
  const auto& f = base.feeder;
  w.pts = detail::loadPoints(base);
  if (w.pts.empty()) throw core::ModelError(f.name, "reduce: no load below @head to reduce");
  w.trunk = detail::findTrunk(base, w.pts, opt.keep_buses, notes);
  for (auto& p : w.pts) p.trunk_pos = w.trunk.pos_of_bus[static_cast<std::size_t>(f.loads[static_cast<std::size_t>(p.load)].bus1.bus)];
  // Lateral regulators (reduction.md "Decisions in force": they fold, at their base-case taps, into
  // the section of their tap point): the ratio each load sees between its trunk tap and itself.
  for (auto& p : w.pts) {
    for (model::BusId bus = f.loads[static_cast<std::size_t>(p.load)].bus1.bus; bus != model::kNoBus && bus != base.head;
         bus = base.topology.parent_bus[static_cast<std::size_t>(bus)]) {
      const int pos = w.trunk.pos_of_bus[static_cast<std::size_t>(bus)];
      if (pos >= 0 && w.trunk.buses[static_cast<std::size_t>(pos)] == bus) break;
      const int br = base.topology.parent_branch[static_cast<std::size_t>(bus)];
      if (br < 0) break;
      const auto& branch = base.topology.branches[static_cast<std::size_t>(br)];
      if (branch.kind != graph::BranchKind::Transformer) continue;
      const auto& x = f.transformers[static_cast<std::size_t>(branch.element)];
      if (x.is_regulator && x.windings.size() >= 2) p.boost *= x.windings[1].tap / x.windings[0].tap;
    }
  }
  w.classes = detail::classCompositions(opt);
  red.head_bus = f.buses[static_cast<std::size_t>(base.head)].name;

  // Sections.
  const auto starts = chooseSections(w, notes);
  const int n = static_cast<int>(starts.size());
  w.secs.resize(static_cast<std::size_t>(n));
  for (int k = 0; k < n; ++k) {
    auto& s = w.secs[static_cast<std::size_t>(k)];
    s.first = starts[static_cast<std::size_t>(k)];
    s.last = k + 1 < n ? starts[static_cast<std::size_t>(k) + 1] - 1 : static_cast<int>(w.trunk.buses.size()) - 1;
  }
  auto sectionOfPos = [&](int pos) {
    return static_cast<int>(std::upper_bound(starts.begin(), starts.end(), pos) - starts.begin()) - 1;
  };
  red.section_of_full_load.assign(f.loads.size(), -1);
  for (std::size_t i = 0; i < w.pts.size(); ++i) {
    auto& p = w.pts[i];
    p.section = sectionOfPos(p.trunk_pos);
    w.secs[static_cast<std::size_t>(p.section)].points.push_back(static_cast<int>(i));
    red.section_of_full_load[static_cast<std::size_t>(p.load)] = p.section;
  }
  for (auto& s : w.secs) sectionMeans(w.pts, s);

  // Physical impedance angle per section: Σ Z_b W_b² over its lines, W_b = kW below b over kW
  // below the section's entry (reduction.md 2.5); the chain then matches |V| along that angle.
  // Chain: eq_k carries section k and everything below it, so W_b is relative to the kW below the
  // section's entry. Comb: eq_k carries the section's own load only, so the kW below the next
  // section's entry is taken off the trunk buses.
  std::vector<Complex> dir_chain(static_cast<std::size_t>(n)), dir_comb(static_cast<std::size_t>(n));
  {
    std::vector<Complex> zsum(static_cast<std::size_t>(n)), zown(static_cast<std::size_t>(n));
    for (const auto& br : base.topology.branches) {
      if (br.kind != graph::BranchKind::Line && br.kind != graph::BranchKind::Switch) continue;
      const auto lower = base.topology.depth[static_cast<std::size_t>(br.to)] >= base.topology.depth[static_cast<std::size_t>(br.from)] ? br.to : br.from;
      if (lower < 0 || !base.feeder_bus[static_cast<std::size_t>(lower)]) continue;
      const double kv = f.buses[static_cast<std::size_t>(lower)].kv_base_ll;
      if (kv < 1.0) continue;
      const int k = sectionOfPos(w.trunk.pos_of_bus[static_cast<std::size_t>(lower)]);
      const auto entry = w.trunk.buses[static_cast<std::size_t>(starts[static_cast<std::size_t>(k)])];
      const double wb = w.trunk.downstream_kw[static_cast<std::size_t>(lower)] / std::max(w.trunk.downstream_kw[static_cast<std::size_t>(entry)], 1e-9);
      const Complex zb = detail::lineZ1(f.lines[static_cast<std::size_t>(br.element)]) / (kv * kv);
      zsum[static_cast<std::size_t>(k)] += zb * wb * wb;
      const int pos = w.trunk.pos_of_bus[static_cast<std::size_t>(lower)];
      const bool on_trunk = pos >= 0 && w.trunk.buses[static_cast<std::size_t>(pos)] == lower;
      const double next = k + 1 < n ? w.trunk.downstream_kw[static_cast<std::size_t>(w.trunk.buses[static_cast<std::size_t>(starts[static_cast<std::size_t>(k) + 1])])] : 0.0;
      const double own_total = std::max(w.trunk.downstream_kw[static_cast<std::size_t>(entry)] - next, 1e-9);
      const double wo = std::max(w.trunk.downstream_kw[static_cast<std::size_t>(lower)] - (on_trunk ? next : 0.0), 0.0) / own_total;
      zown[static_cast<std::size_t>(k)] += zb * wo * wo;
      const double db = w.trunk.downstream_kw[static_cast<std::size_t>(lower)];
      auto& sk = w.secs[static_cast<std::size_t>(k)];
      sk.z_own += zb * db * (wo * own_total) / (own_total * own_total);
      if (on_trunk && next > 0) sk.z_trunk += zb * db / next;
    }
    for (int k = 0; k < n; ++k) w.secs[static_cast<std::size_t>(k)].z_physical = zsum[static_cast<std::size_t>(k)];
    if (opt.physical_angle)
      for (int k = 0; k < n; ++k)
      for (auto [z, d] : {std::pair{zsum[static_cast<std::size_t>(k)], &dir_chain}, std::pair{zown[static_cast<std::size_t>(k)], &dir_comb}})
        if (std::abs(z) > 0 && z.real() > 0 && z.imag() >= 0) (*d)[static_cast<std::size_t>(k)] = z / std::abs(z);
  }

  // Shunts per section: closed capacitor steps and line charging at the base case.
  std::vector<double> shunt_var(static_cast<std::size_t>(n), 0.0), cap_var(static_cast<std::size_t>(n), 0.0);
  for (std::size_t c = 0; c < f.capacitors.size(); ++c) {
    const auto& cap = f.capacitors[c];
    if (!cap.enabled || cap.bus2 || cap.bus1.bus < 0 || !base.feeder_bus[static_cast<std::size_t>(cap.bus1.bus)]) continue;
    const auto* ef = findFlow(base.result, powerflow::ElementKind::Capacitor, static_cast<int>(c));
    if (!ef) continue;
    const int k = sectionOfPos(w.trunk.pos_of_bus[static_cast<std::size_t>(cap.bus1.bus)]);
    cap_var[static_cast<std::size_t>(k)] += ef->losses.imag();
  }
  int series_skipped = 0;
  for (const auto& br : base.topology.branches) {
    const bool a = br.from >= 0 && base.feeder_bus[static_cast<std::size_t>(br.from)];
    const bool b = br.to >= 0 && base.feeder_bus[static_cast<std::size_t>(br.to)];
    if (!a && !b) continue;
    if (br.kind == graph::BranchKind::Capacitor || br.kind == graph::BranchKind::Reactor) ++series_skipped;
    if (br.kind != graph::BranchKind::Line && br.kind != graph::BranchKind::Switch) continue;
    const auto bus = b ? br.to : br.from;
    const int k = sectionOfPos(w.trunk.pos_of_bus[static_cast<std::size_t>(bus)]);
    shunt_var[static_cast<std::size_t>(k)] += lineChargingVar(f.lines[static_cast<std::size_t>(br.element)], base.result);
  }
  if (series_skipped) notes.push_back(fmt::format("{} series capacitor/reactor(s) below @head folded into the equivalents", series_skipped));

  // Reduced feeder, built in two topologies (chain through the section buses; comb along the
  // trunk), the better by the issue's tolerances kept.
  std::map<std::string, powerflow::Result> full_points;  // off-design solutions of the full feeder
  // Phase allocation of every load point, and whether the feeder is unbalanced enough for the
  // per-phase variants: a section whose phase kW shares stray from 1/3 by more than 0.1, or a trunk
  // bank of single-phase regulators whose taps differ.
  std::vector<std::array<double, 3>> share(w.pts.size());
  for (std::size_t i = 0; i < w.pts.size(); ++i) share[i] = phaseShare(base, w.pts[i]);
  bool unbalanced = false;
  for (const auto& sec : w.secs) {
    std::array<double, 3> ph{};
    double tot = 0.0;
    for (int i : sec.points)
      for (std::size_t q = 0; q < 3; ++q) {
        ph[q] += std::abs(w.pts[static_cast<std::size_t>(i)].kw) * share[static_cast<std::size_t>(i)][q];
        tot += std::abs(w.pts[static_cast<std::size_t>(i)].kw) * share[static_cast<std::size_t>(i)][q];
      }
    for (double x : ph) unbalanced = unbalanced || (tot > 0 && std::abs(x / tot - 1.0 / 3.0) > 0.1);
  }
  for (const auto& [pos, why] : w.trunk.transformer_at) {
    (void)why;
    const auto tb = w.trunk.buses[static_cast<std::size_t>(pos)];
    const auto& x0 = f.transformers[static_cast<std::size_t>(base.topology.branches[static_cast<std::size_t>(base.topology.parent_branch[static_cast<std::size_t>(tb)])].element)];
    for (const auto& x : f.transformers)
      if (x.enabled && x.phases == 1 && x.windings.size() >= 2 && x.windings[0].terminal.bus == x0.windings[0].terminal.bus &&
          x.windings[1].terminal.bus == x0.windings[1].terminal.bus && std::abs(x.windings[1].tap - x0.windings[1].tap) > 1e-6)
        unbalanced = true;
  }
  auto attempt = [&](Work& w, Reduction& red, bool comb, bool physical, bool per_phase, bool shaped) {
    auto& notes = red.notes;
    // Reduced feeder.
    Builder bld(f);
    copyKept(base, bld, notes);
    w.m = per_phase ? mutualToSelfComplex(base, w.trunk) : Complex(mutualToSelf(base, w.trunk));
    red.mutual_to_self = std::abs(w.m);
    const auto head_out = bld.map[static_cast<std::size_t>(base.head)];
    for (int k = 0; k < n; ++k) {
      auto& s = w.secs[static_cast<std::size_t>(k)];
      const std::string tag = fmt::format("s{}", k + 1);
      s.propagates = !comb;
      s.direction = (comb ? dir_comb : dir_chain)[static_cast<std::size_t>(k)];
      s.per_phase = per_phase;
      if (per_phase) {
        std::array<Complex, 3> vsum{};
        s.phase_w = {};
        for (int i : s.points) {
          const auto& p = w.pts[static_cast<std::size_t>(i)];
          const auto& sh = share[static_cast<std::size_t>(i)];
          for (std::size_t q = 0; q < 3; ++q) {
            s.phase_w[q] += (std::abs(p.kw) + 1e-12) * sh[q];
            vsum[q] += (std::abs(p.kw) + 1e-12) * sh[q] * p.v_customer;
          }
        }
        for (std::size_t q = 0; q < 3; ++q) {
          if (s.phase_w[q] < 1e-9 * (s.phase_w[0] + s.phase_w[1] + s.phase_w[2])) s.phase_w[q] = 0.0;
          s.v_phase_target[q] = s.phase_w[q] > 0.0 ? vsum[q] / s.phase_w[q] : s.v_target;
        }
        s.phase_scale = 1.0;
        s.shape = trunkShape(base, w.trunk, s.first, s.last);
        if (s.shape.empty()) s.shape = trunkShape(base, w.trunk, 0, static_cast<int>(w.trunk.buses.size()) - 1);
        if (!shaped) s.shape = {};  // balanced 3x3 with the trunk's complex Zm/Zs
      } else {
        s.shape = {};
      }
    s.up = k == 0 ? head_out : (comb ? w.secs[static_cast<std::size_t>(k) - 1].trunk_end : w.secs[static_cast<std::size_t>(k) - 1].primary);
      model::BusId cur = s.up;
      int pos_kv = s.first;
      int j = 0;
      for (const auto& [pos, why] : w.trunk.transformer_at) {
        if (pos < s.first || pos > s.last) continue;
        const auto tb = w.trunk.buses[static_cast<std::size_t>(pos)];
        const int br = base.topology.parent_branch[static_cast<std::size_t>(tb)];
        const int elem = base.topology.branches[static_cast<std::size_t>(br)].element;
        const auto nb = bld.newBus(fmt::format("{}_t{}", tag, ++j), f.buses[static_cast<std::size_t>(tb)].kv_base_ll);
        if (per_phase)
          for (auto& u : boundaryUnits(base, elem, fmt::format("bt{}_{}", k + 1, j), cur, nb, notes)) bld.out.transformers.push_back(std::move(u));
        else
          bld.out.transformers.push_back(boundaryTransformer(base, elem, fmt::format("bt{}_{}", k + 1, j), cur, nb, notes));
        s.xfmrs.push_back(why);
        cur = nb;
        pos_kv = pos;
      }
      s.line_from = cur;
      s.kv_primary = f.buses[static_cast<std::size_t>(w.trunk.buses[static_cast<std::size_t>(pos_kv)])].kv_base_ll;
      std::string pname = tag;
      const auto fb = std::find(w.trunk.forced.begin(), w.trunk.forced.end(), s.first);
      if (fb != w.trunk.forced.end()) {
        const auto& why = w.trunk.forced_why[static_cast<std::size_t>(fb - w.trunk.forced.begin())];
        if (why.rfind("keep:", 0) == 0 && f.buses[static_cast<std::size_t>(w.trunk.buses[static_cast<std::size_t>(s.first)])].name == why.substr(5))
          pname = why.substr(5) + "_eq";
      }
      s.primary = bld.newBus(pname, s.kv_primary);
      addVoltageBase(bld.out, s.kv_primary);
      model::Line line;
      line.name = fmt::format("eq{}", k + 1);
      line.bus1 = threePhase(s.line_from, false);
      line.bus2 = threePhase(s.primary, false);
      line.phases = 3;
      line.impedance = balancedImpedance(Complex(1e-3, 1e-3), w.m);
      s.line = static_cast<int>(bld.out.lines.size());
      bld.out.lines.push_back(line);
      if (comb && k + 1 < n) {
        // Comb topology: the trunk goes on from the section's entry to its last trunk bus, where
        // the next section starts; the section's own load hangs off the entry through eq{k}.
        // (Chaining sections through their mean-voltage buses puts a regulator at the wrong voltage
        // when a section's customers sit far down a lateral.)
        const auto tb = w.trunk.buses[static_cast<std::size_t>(s.last)];
        SectionBuild piece;
        piece.trunk_piece = true;
        piece.shape = s.shape;
      piece.propagates = true;
        piece.line_from = s.line_from;
        piece.primary = piece.load_bus = bld.newBus(tag + "_end", s.kv_primary);
        piece.v_target = trunkVoltagePu(f, base.result, tb, base.angle_ref);
        model::Line tl;
        tl.name = fmt::format("tr{}", k + 1);
        tl.bus1 = threePhase(s.line_from, false);
        tl.bus2 = threePhase(piece.primary, false);
        tl.phases = 3;
        tl.impedance = balancedImpedance(Complex(1e-3, 1e-3), w.m);
        piece.line = static_cast<int>(bld.out.lines.size());
        bld.out.lines.push_back(tl);
        s.trunk_end = piece.primary;
        w.trunk_pieces.push_back(piece);
      }
      std::vector<int> pidx = s.points;
      // v_primary is measured after any lateral regulator: the drop is V̄p - V̄; the boost is the tap
      auto se = serviceEquivalent(base, w.pts, pidx, s.v_target, s.v_primary_mean, s.s_actual);
      se.tap = s.boost;
      if (std::abs(s.boost - 1.0) > 1e-9)
        notes.push_back(fmt::format("section {}: lateral regulators folded in as the aggregated transformer's tap {:.5f}", k + 1, s.boost));
      s.has_xf = se.present;
      if (se.present) {
        s.xf_kva = se.kva;
        s.r_pct = se.r_pct;
        s.x_pct = se.x_pct;
        if (se.primary_only) se.kv_secondary = s.kv_primary;
        s.kv_secondary = se.kv_secondary;
        s.load_bus = bld.newBus(tag + "_lv", se.kv_secondary);
        addVoltageBase(bld.out, se.kv_secondary);
        s.xf = static_cast<int>(bld.out.transformers.size());
        if (per_phase) {
          for (int q = 0; q < 3; ++q) {
            s.xf_phase[static_cast<std::size_t>(q)] = static_cast<int>(bld.out.transformers.size());
            const double wsum = s.phase_w[0] + s.phase_w[1] + s.phase_w[2];
            bld.out.transformers.push_back(servicePhaseUnit(fmt::format("sx{}{}", k + 1, "abc"[q]), s.primary, s.kv_primary, s.load_bus, se, q + 1,
                                                            wsum > 0 ? s.phase_w[static_cast<std::size_t>(q)] / wsum : 1.0 / 3.0));
          }
        } else {
          bld.out.transformers.push_back(serviceTransformer("sx" + std::to_string(k + 1), s.primary, s.kv_primary, s.load_bus, se));
        }
        if (se.primary_only) {
          s.xf_kva = 0.0;  // report: no service transformer (the 1:1 unit only separates the load bus)
          s.r_pct = s.x_pct = 0.0;
        }
        if (se.fallback) notes.push_back(fmt::format("section {}: base-case service drop is not a passive impedance; "
                                                     "aggregated transformer uses the kVA-weighted %R/%X", k + 1));
      } else {
        s.load_bus = s.primary;
        s.kv_secondary = s.kv_primary;
      }
      const double vp2 = std::norm(s.v_primary_mean);
      s.cap_kvar = -cap_var[static_cast<std::size_t>(k)] / vp2 / 1000.0;
      s.charging_kvar = -shunt_var[static_cast<std::size_t>(k)] / vp2 / 1000.0;
      if (s.cap_kvar + s.charging_kvar > 1e-3) {
        s.cap = static_cast<int>(bld.out.capacitors.size());
        bld.out.capacitors.push_back(shuntCapacitor("cap" + std::to_string(k + 1), s.primary, s.kv_primary, s.cap_kvar + s.charging_kvar));
      }
    }

    // Loads: kW-equal blocks by customer voltage (motor D spread), motor D split by population.
    red.sections.resize(static_cast<std::size_t>(n));
    for (int k = 0; k < n; ++k) {
      auto& s = w.secs[static_cast<std::size_t>(k)];
      auto& info = red.sections[static_cast<std::size_t>(k)];
      std::vector<int> order = s.points;
      std::sort(order.begin(), order.end(), [&](int a, int b) {
        return std::abs(w.pts[static_cast<std::size_t>(a)].v_customer) < std::abs(w.pts[static_cast<std::size_t>(b)].v_customer);
      });
      double total = 0, vmin = 1e9, vmax = -1e9;
      for (int i : order) {
        total += std::abs(w.pts[static_cast<std::size_t>(i)].kw) + 1e-12;
        const double v = std::abs(w.pts[static_cast<std::size_t>(i)].v_customer);
        vmin = std::min(vmin, v);
        vmax = std::max(vmax, v);
      }
      info.v_min_pu = vmin;
      info.v_max_pu = vmax;
      const int blocks = vmax - vmin < opt.motor_d_min_spread_pu ? 1 : std::max(1, opt.motor_d_blocks);
      std::vector<std::vector<int>> groups(static_cast<std::size_t>(blocks));
      double cum = 0;
      for (int i : order) {
        const double k_w = std::abs(w.pts[static_cast<std::size_t>(i)].kw) + 1e-12;
        const int g = std::min(blocks - 1, static_cast<int>((cum + 0.5 * k_w) / total * blocks));
        groups[static_cast<std::size_t>(g)].push_back(i);
        cum += k_w;
      }
      // Each voltage block is split by power-flow law (loadLawKey), so every reduced load keeps
      // its customers' law exactly (see mergedLoad); usually one or two laws per feeder.
      {
        std::vector<std::vector<int>> by_law;
        for (const auto& g : groups) {
          std::map<std::string, std::vector<int>> split;
          for (int i : g) split[loadLawKey(f.loads[static_cast<std::size_t>(w.pts[static_cast<std::size_t>(i)].load)])].push_back(i);
          for (auto& [key, v] : split) by_law.push_back(std::move(v));
        }
        auto meanV = [&](const std::vector<int>& g) {
          Complex a{};
          double b = 0;
          for (int i : g) {
            const auto& p = w.pts[static_cast<std::size_t>(i)];
            a += (std::abs(p.kw) + 1e-12) * p.v_customer;
            b += std::abs(p.kw) + 1e-12;
          }
          return std::abs(a / b);  // as block_v_pu
        };
        std::stable_sort(by_law.begin(), by_law.end(), [&](const auto& a, const auto& b) { return meanV(a) < meanV(b); });
        groups = std::move(by_law);
      }
      int bno = 0;
      for (const auto& g : groups) {
        if (g.empty()) continue;
        std::vector<int> loads;
        Complex vb{};
        double wb = 0;
        for (int i : g) {
          const auto& p = w.pts[static_cast<std::size_t>(i)];
          loads.push_back(p.load);
          vb += (std::abs(p.kw) + 1e-12) * p.v_customer;
          wb += std::abs(p.kw) + 1e-12;
        }
        auto load = mergedLoad(f, loads, fmt::format("s{}_b{}", k + 1, ++bno), s.load_bus, s.kv_secondary);
        auto spec = mixSpec(f, loads, w.classes);
        const double base_ratio = std::abs(s.v_target) / std::abs(vb / wb);
        const double ratio = stressedRatio(1.0 / base_ratio, opt.motor_d_spread_gain);
        // The power-flow load model's own thresholds (OpenDSS Vminpu/Vmaxpu, where a constant-PQ
        // load turns constant-Z) shift the same way: the block's customers sit at V_block.
        // (a steady-state law: the base-case ratio, not the stressed one).
        load.vminpu *= base_ratio;
        load.vmaxpu *= base_ratio;
        // One piece of the block: `weight[j]` is the share of customer g[j]'s power it carries.
        auto emit = [&](model::Load piece, model::CompositeSpec piece_spec, const std::vector<double>& weight) {
          if (std::abs(ratio - 1.0) > 1e-12) shiftThresholds(piece_spec.parameters, ratio);
          std::vector<model::Load> parts;
          if (per_phase) {
            // Per-phase variant: the piece stays on its phases (phase allocation of its
            // customers' base-case power), one single-phase wye load per phase, same law.
            std::array<double, 3> pk{};
            double pt = 0.0;
            for (std::size_t j = 0; j < g.size(); ++j)
              for (std::size_t q = 0; q < 3; ++q) {
                const double x = weight[j] * (std::abs(w.pts[static_cast<std::size_t>(g[j])].kw) + 1e-12) * share[static_cast<std::size_t>(g[j])][q];
                pk[q] += x;
                pt += x;
              }
            for (int q = 0; q < 3; ++q) {
              const double frac = pt > 0.0 ? pk[static_cast<std::size_t>(q)] / pt : 1.0 / 3.0;
              if (frac < 1e-9) continue;
              model::Load lq = piece;
              lq.name = fmt::format("{}{}", piece.name, "abc"[q]);
              lq.bus1 = {s.load_bus, {q + 1, 0}};
              lq.phases = 1;
              lq.kv = s.kv_secondary / core::kSqrt3;
              lq.kw *= frac;
              lq.kvar *= frac;
              lq.num_customers = static_cast<int>(std::lround(piece.num_customers * frac));
              parts.push_back(std::move(lq));
            }
          } else {
            parts.push_back(std::move(piece));
          }
          for (auto& part : parts) {
            red.reduced_records.push_back(record(bld.out, part, piece_spec));
            red.section_of_reduced_load[part.name] = k;
            info.load_names.push_back(part.name);
            info.block_v_pu.push_back(std::abs(vb / wb));
            info.block_kw.push_back(part.kw);
            bld.out.loads.push_back(std::move(part));
          }
        };
        // Motor D populations (docs/compositions.md): the block's motor D is split into one
        // motor-D-only load per population (its customers' Vstall/Tstall), the rest of the
        // composite stays in one load. Same bus, same power-flow law: the split is exact in the
        // steady state, and kW by component and by population are kept.
        // A customer's population (model::unitSpec) as (index, Vstall, Tstall): two class
        // compositions may differ -> motor D share of each customer. Index -1: no populations.
        std::map<std::tuple<int, double, double>, std::vector<double>> pop_weight;
        bool any_population = false;
        for (std::size_t j = 0; j < g.size(); ++j) {
          const auto& l = f.loads[static_cast<std::size_t>(loads[j])];
          const auto& cs = w.classes.at(classKey(w.classes, l.load_class));
          const int pop = model::motorDPopulationOf(cs.motor_d_populations, l.name);
          any_population = any_population || pop >= 0;
          const auto* pp = pop >= 0 ? &cs.motor_d_populations[static_cast<std::size_t>(pop)] : nullptr;
          auto& wv = pop_weight[{pop, pp ? pp->v_stall : 0.0, pp ? pp->t_stall : 0.0}];
          wv.resize(g.size(), 0.0);
          wv[j] = cs.fractions.fm_d;
        }
        if (!any_population || spec.fractions.fm_d <= 0.0) {
          emit(std::move(load), std::move(spec), std::vector<double>(g.size(), 1.0));
          continue;
        }
        auto piece = [&](const std::string& name, const std::vector<double>& weight) {
          model::Load p = load;
          p.name = name;
          p.kw = p.kvar = 0.0;
          p.num_customers = 0;
          for (std::size_t j = 0; j < g.size(); ++j) {
            const auto& l = f.loads[static_cast<std::size_t>(loads[j])];
            p.kw += weight[j] * l.kw;
            p.kvar += weight[j] * l.kvar;
            p.num_customers += weight[j] > 0.0 ? l.num_customers : 0;
          }
          const double sp = std::hypot(p.kw, p.kvar);
          p.pf = sp > 0 ? std::copysign(p.kw / sp, p.kvar < 0 ? -1.0 : 1.0) : 1.0;
          return p;
        };
        std::vector<double> rest_weight(g.size(), 1.0);
        for (const auto& [pop, wv] : pop_weight)
          for (std::size_t j = 0; j < g.size(); ++j) rest_weight[j] -= wv[j];
        const double fd = spec.fractions.fm_d;
        if (fd < 1.0) {
          model::CompositeSpec rest = spec;
          auto& fr = rest.fractions;
          for (double* x : {&fr.fm_a, &fr.fm_b, &fr.fm_c, &fr.fel, &fr.static_load}) *x /= 1.0 - fd;
          fr.fm_d = 0.0;
          emit(piece(load.name, rest_weight), std::move(rest), rest_weight);
        }
        std::map<int, int> same_index;  // pieces per population index (unique names)
        for (const auto& [key, wv] : pop_weight) {
          const auto [pop, v_stall, t_stall] = key;
          if (std::none_of(wv.begin(), wv.end(), [](double x) { return x > 0.0; })) continue;
          const int nth = same_index[pop]++;
          model::CompositeSpec ds = spec;
          ds.fractions = model::ComponentFractions{0, 0, 0, 1, 0, 0};
          if (pop >= 0) {
            ds.parameters.motor_d.v_stall = v_stall;
            ds.parameters.motor_d.t_stall = t_stall;
          }
          emit(piece(nth ? fmt::format("{}_d{}_{}", load.name, pop + 1, nth + 1) : fmt::format("{}_d{}", load.name, pop + 1), wv), std::move(ds), wv);
        }
      }
      red.motor_d_blocks = std::max(red.motor_d_blocks, bno);
    }
    model::Feeder& rf = bld.out;
    rf.name = f.name + "_reduced";

    // Equivalents: chain, then loss correction.
    if (physical) {
      for (std::size_t k = 0; k < w.secs.size(); ++k) {
        auto& s = w.secs[k];
        const Complex z = comb ? s.z_own : s.z_physical;
        if (z.real() <= 0.0) throw core::ModelError("reduce", fmt::format("section {} has no primary line (no physical equivalent)", k + 1));
        rf.lines[static_cast<std::size_t>(s.line)].impedance = shapedImpedance(z * s.kv_primary * s.kv_primary, s.shape, w.m);
        if (comb && k < w.trunk_pieces.size()) {
          if (s.z_trunk.real() <= 0.0) throw core::ModelError("reduce", fmt::format("section {} has no trunk line", k + 1));
          rf.lines[static_cast<std::size_t>(w.trunk_pieces[k].line)].impedance = shapedImpedance(s.z_trunk * s.kv_primary * s.kv_primary, s.shape, w.m);
        }
      }
      solveTaps(rf, w.secs, head_out);
      // The taps meet |V| at the load buses; the primary buses sit where the physical drop puts
      // them, not at the full feeder's mean primary voltage. Re-rate each section's capacitor so
      // it gives its base-case kvar at the primary voltage it actually has (else the shortfall
      // lands in the head-Q correction, whose V² law then drifts at the off-design points).
      for (int pass = 0; pass < 4; ++pass) {
        const auto r = solveOff(rf);
        const double ar = headAngle(r, head_out);
        double worst = 0.0;
        for (auto& s : w.secs) {
          if (s.cap < 0) continue;
          auto& cap = rf.capacitors[static_cast<std::size_t>(s.cap)];
          const double vp = std::abs(detail::positiveSequencePu(rf, r, s.primary, ar));
          if (vp <= 0.0) continue;
          const double kvar = (s.cap_kvar + s.charging_kvar) * std::norm(s.v_primary_mean) / (vp * vp);
          worst = std::max(worst, std::abs(kvar - cap.kvar[0]) / std::max(1.0, std::abs(kvar)));
          cap.kvar[0] = kvar;
        }
        if (worst < 1e-6) break;
        solveTaps(rf, w.secs, head_out);
      }
    } else {
      solveChain(rf, chainOf(w.secs, w.trunk_pieces), w.m, head_out, 40, false, 1e-8, opt.physical_angle ? 2e-4 : 0.0);
    }
    const auto region = newBuses(rf, f, base);
    const Complex loss_full = detail::regionLosses(f, base.topology, base.result, base.feeder_bus);
    if (std::getenv("FEEDERLAB_REDUCE_DEBUG")) {
      std::map<std::string, Complex> by;
      for (const auto& ef : base.result.branches) {
        std::string key = powerflow::elementName(f, ef.kind, ef.element);
        key = key.substr(0, key.find('.'));
        if (ef.kind == powerflow::ElementKind::Line) {
          const auto& l = f.lines[static_cast<std::size_t>(ef.element)];
          key += f.buses[static_cast<std::size_t>(l.bus1.bus)].kv_base_ll < 1 ? "_lv" : "_mv";
          if (!base.feeder_bus[static_cast<std::size_t>(l.bus2.bus)]) key += "_kept";
        }
        if (ef.kind == powerflow::ElementKind::Transformer) {
          const auto& x = f.transformers[static_cast<std::size_t>(ef.element)];
          if (!base.feeder_bus[static_cast<std::size_t>(x.windings.back().terminal.bus)]) key += "_kept";
          if (x.pct_noload_loss > 0 || x.pct_imag > 0) key += "_withcore";
        }
        by[key] += ef.losses;
      }
      for (const auto& [k, v] : by) fmt::print(stderr, "loss {}: {:.2f} kW {:.2f} kvar\n", k, v.real() / 1000, v.imag() / 1000);
    }
    if (opt.loss_correction) {
      // Loss correction (reduction.md 2.5 "if losses must also be matched"): the angle of the
      // section voltages is free, so R_k = alpha R_k(chain) with X_k re-solved for |V_k| matches
      // the series losses; then the section shunts absorb the remaining head-Q difference (the
      // reactive part of the loss mismatch), the chain re-solved each time.
      const Complex head_full = detail::headPower(base.result);
      auto base_score = [&]() {
        const auto r = solveOff(rf);
        const double ar = headAngle(r, head_out);
        const Complex h = detail::headPower(r);
        const Complex l = detail::regionLosses(rf, graph::buildTopology(rf), r, region);
        double v = 0;
        for (const auto& s : w.secs) v = std::max(v, std::abs(std::abs(sectionVoltagePu(rf, r, s, ar)) - std::abs(s.v_target)));
        const double hp = 100.0 * std::max(std::abs(h.real() - head_full.real()), std::abs(h.imag() - head_full.imag())) / std::abs(head_full);
        const double lp = loss_full.real() != 0 ? 100.0 * std::abs(l.real() - loss_full.real()) / std::abs(loss_full.real()) : 0.0;
        return std::max({hp / 0.5, lp / 5.0, v / 0.005});
      };
      // Each stage is kept only if it converges, keeps every R positive and improves the base case.
      auto stage = [&](const char* what, auto&& run) {
        const auto saved_lines = rf.lines;
        const auto saved_caps = rf.capacitors;
        const auto saved_reactors = rf.reactors;
        const auto saved_secs = w.secs;
        const auto saved_pieces = w.trunk_pieces;
        const double before = base_score();
        try {
          const std::string done = run();
          if (done.empty()) return false;
          for (const auto* s : chainOf(w.secs, w.trunk_pieces))
            if (z1Of(rf.lines[static_cast<std::size_t>(s->line)], w.m).real() < 0.0) throw core::ModelError("reduce", "it gives a negative R");
          const double after = base_score();
          if (after > before)
            throw core::ModelError("reduce", fmt::format("it made the base case worse (worst error/tolerance {:.3f} -> {:.3f})", before, after));
          notes.push_back(done);
          return true;
        } catch (const std::exception& e) {
          rf.lines = saved_lines;
          rf.capacitors = saved_caps;
          rf.reactors = saved_reactors;
          w.secs = saved_secs;
          w.trunk_pieces = saved_pieces;
          notes.push_back(std::string(what) + " not applied: " + e.what());
          return false;
        }
      };
      auto loss_step = [&]() -> std::string {
        auto r = solveOff(rf);
        const auto topo = graph::buildTopology(rf);
        const Complex loss_red = detail::regionLosses(rf, topo, r, region);
        double p_lines = 0;
        for (const auto* s : chainOf(w.secs, w.trunk_pieces)) p_lines += findFlow(r, powerflow::ElementKind::Line, s->line)->losses.real();
        const double alpha = p_lines > 0 ? (loss_full.real() - (loss_red.real() - p_lines)) / p_lines : 1.0;
        if (std::abs(loss_red.real() - loss_full.real()) <= 0.005 * std::abs(loss_full.real())) return {};
        if (alpha < 0.2 || alpha > 5.0)
          throw core::ModelError("reduce", fmt::format("R scale {:.3f} needed to match losses is outside [0.2, 5]", alpha));
        if (physical) {  // R scaled, X kept, the taps re-solved
          for (auto* s : chainOf(w.secs, w.trunk_pieces)) {
            auto& line = rf.lines[static_cast<std::size_t>(s->line)];
            const Complex z = z1Of(line, w.m);
            line.impedance = shapedImpedance(Complex(alpha * z.real(), z.imag()), s->shape, w.m);
          }
          solveTaps(rf, w.secs, head_out);
          return fmt::format("loss correction: equivalent R scaled by {:.4f}, section taps re-solved", alpha);
        }
        for (auto* s : chainOf(w.secs, w.trunk_pieces)) {
          s->r_fixed = true;
          s->r_set = alpha * z1Of(rf.lines[static_cast<std::size_t>(s->line)], w.m).real();
        }
        solveChain(rf, chainOf(w.secs, w.trunk_pieces), w.m, head_out, 12, true, 2e-4);
        return fmt::format("loss correction: equivalent R scaled by {:.4f}, X re-solved to keep |V| of every section", alpha);
      };
      auto q_step = [&]() -> std::string {
        double total_kw = 0, added = 0;
        for (const auto& s : w.secs) total_kw += std::abs(s.s_actual.real());
        for (int q = 0; q < 4; ++q) {
          const auto r = solveOff(rf);
          const double dq = detail::headPower(r).imag() - head_full.imag();
          if (std::abs(dq) < 1e-5 * std::abs(head_full)) break;
          for (auto& s : w.secs) {
            const double kvar = dq / 1000.0 * std::abs(s.s_actual.real()) / total_kw / std::norm(s.v_primary_mean);
            setSectionShunt(rf, s, sectionShunt(rf, s) + kvar, static_cast<int>(&s - w.secs.data()) + 1);
            added += kvar;
          }
          bool fixed = false;  // after the R scale only the plain Gauss-Seidel converges
          for (const auto* s : chainOf(w.secs, w.trunk_pieces)) fixed = fixed || s->r_fixed;
          if (physical)
            solveTaps(rf, w.secs, head_out);
          else
            solveChain(rf, chainOf(w.secs, w.trunk_pieces), w.m, head_out, fixed ? 12 : 40, fixed, fixed ? 2e-4 : 1e-8);
        }
        if (std::abs(added) <= 1e-3) return {};
        return fmt::format("head-Q correction: {:+.1f} kvar added to the section shunts", added);
      };
      // Losses and head Q together first (the R scale moves Q losses); head Q alone otherwise.
      if (!stage("loss and head-Q correction", [&]() -> std::string {
            const std::string a = loss_step(), b = q_step();
            return a.empty() && b.empty() ? std::string{} : a + (a.empty() || b.empty() ? "" : "; ") + b;
          }))
        stage("head-Q correction", q_step);
    }
    for (auto& s : w.secs) {
      const double q = sectionShunt(rf, s);
      s.cap_kvar = q - s.charging_kvar;  // report: capacitors (and correction) besides the charging
    }
    dropDisabledShunts(rf);
    for (std::size_t k = 0; k < w.trunk_pieces.size(); ++k) {
      const auto z = z1Of(rf.lines[static_cast<std::size_t>(w.trunk_pieces[k].line)], w.m);
      if (std::getenv("FEEDERLAB_REDUCE_DEBUG")) fmt::print(stderr, "trunk {}: z1 {:.5f}+j{:.5f}\n", k + 1, z.real(), z.imag());
      if (z.real() < 0.0)
        throw core::ModelError(fmt::format("line.tr{}", k + 1),
                               fmt::format("reduce: negative equivalent resistance {:.6g} ohm on the trunk after section {}", z.real(), k + 1));
    }
    for (std::size_t k = 0; k < w.secs.size(); ++k) {
      const auto z = z1Of(rf.lines[static_cast<std::size_t>(w.secs[k].line)], w.m);
      if (std::getenv("FEEDERLAB_REDUCE_DEBUG"))
        fmt::print(stderr, "section {}: pos {}-{} kW {:.1f} Vt {:.5f}∠{:.3f} Vp {:.5f} xf {} {:.3f}/{:.3f}% z1 {:.5f}+j{:.5f} up {}\n", k + 1,
                   w.secs[k].first, w.secs[k].last, std::abs(w.secs[k].s_actual) / 1000, std::abs(w.secs[k].v_target),
                   std::arg(w.secs[k].v_target) * 180 / std::numbers::pi, std::abs(w.secs[k].v_primary_mean), w.secs[k].has_xf,
                   w.secs[k].r_pct, w.secs[k].x_pct, z.real(), z.imag(), fmt::join(w.secs[k].xfmrs, ","));
      if (z.real() < 0.0)
        throw core::ModelError(fmt::format("line.eq{}", k + 1),
                               fmt::format("reduce: negative equivalent resistance {:.6g} ohm in section {} (the base case's section voltages "
                                           "cannot be reproduced by a passive chain; try other --sections or --keep)", z.real(), k + 1));
      red.sections[k].z1_ohm = z;
    }

    // Checks at the base case.
    const auto rr = solveOff(rf);
    const auto rtopo = graph::buildTopology(rf);
    const Complex head_full = detail::headPower(base.result), head_red = detail::headPower(rr);
    const Complex loss_red = detail::regionLosses(rf, rtopo, rr, region);
    red.full = {head_full.real() / 1000, head_full.imag() / 1000, loss_full.real() / 1000, loss_full.imag() / 1000};
    red.reduced_flow = {head_red.real() / 1000, head_red.imag() / 1000, loss_red.real() / 1000, loss_red.imag() / 1000};
    const double s_full = std::abs(head_full);
    red.head_power_error_pct = 100.0 * std::max(std::abs(head_red.real() - head_full.real()), std::abs(head_red.imag() - head_full.imag())) / s_full;
    red.losses_error_pct = loss_full.real() != 0 ? 100.0 * (loss_red.real() - loss_full.real()) / loss_full.real() : 0.0;
    const double ar = headAngle(rr, head_out);
    for (int k = 0; k < n; ++k) {
      auto& s = w.secs[static_cast<std::size_t>(k)];
      auto& info = red.sections[static_cast<std::size_t>(k)];
      info.index = k;
      info.primary_bus = rf.buses[static_cast<std::size_t>(s.primary)].name;
      info.load_bus = rf.buses[static_cast<std::size_t>(s.load_bus)].name;
      info.boundary = s.xfmrs.empty() ? "" : fmt::format("{}", fmt::join(s.xfmrs, ","));
      if (info.boundary.empty()) {
        const auto fb = std::find(w.trunk.forced.begin(), w.trunk.forced.end(), s.first);
        if (fb != w.trunk.forced.end()) info.boundary = w.trunk.forced_why[static_cast<std::size_t>(fb - w.trunk.forced.begin())];
      }
      info.trunk_first = s.first;
      info.trunk_last = s.last;
      for (std::size_t b = 0; b < f.buses.size(); ++b)
        if (base.feeder_bus[b] && w.trunk.pos_of_bus[b] >= s.first && w.trunk.pos_of_bus[b] <= s.last) info.buses.push_back(f.buses[b].name);
      std::vector<int> loads;
      for (int i : s.points) {
        const auto& p = w.pts[static_cast<std::size_t>(i)];
        loads.push_back(p.load);
        info.kw += p.kw;
        info.kvar += p.kvar;
        // Phase allocation of the load's base-case power (split-phase and secondary loads: their
        // service transformer's primary phases; phaseShare).
        if (const auto* lf = base.load_flow[static_cast<std::size_t>(p.load)]) {
          double tot = 0;
          for (std::size_t e = 0; e < lf->voltage.size(); ++e) tot += (lf->voltage[e] * std::conj(lf->current[e])).real();
          const auto sh = phaseShare(base, p);
          for (std::size_t q = 0; q < 3; ++q) info.phase_kw[q] += sh[q] * tot / 1000.0;
        }
      }
      info.loads = loads;
      info.fractions = mixSpec(f, loads, w.classes).fractions;
      info.v_full_pu = std::abs(s.v_target);
      info.v_reduced_pu = std::abs(sectionVoltagePu(rf, rr, s, ar));
      info.xfmr_kva = s.xf_kva;
      info.xfmr_r_pct = s.r_pct;
      info.xfmr_x_pct = s.x_pct;
      if (s.xf >= 0) info.xfmr_tap = rf.transformers[static_cast<std::size_t>(s.xf)].windings[1].tap;
      if (s.per_phase) {  // report: the kW-weighted mean of the phase taps
        double t = 0.0, wsum = 0.0;
        for (std::size_t q = 0; q < 3; ++q)
          if (s.xf_phase[q] >= 0 && s.phase_w[q] > 0) {
            t += s.phase_w[q] * rf.transformers[static_cast<std::size_t>(s.xf_phase[q])].windings[1].tap;
            wsum += s.phase_w[q];
          }
        if (wsum > 0) info.xfmr_tap = t / wsum;
      }
      info.capacitor_kvar = s.cap_kvar;
      info.charging_kvar = s.charging_kvar;
      red.section_voltage_error_pu_max = std::max(red.section_voltage_error_pu_max, std::abs(info.v_full_pu - info.v_reduced_pu));
    }
    red.equivalent_form = per_phase ? fmt::format("phase-frame 3x3 section lines with positive-sequence chain impedances (|mutual/self| {:.3f} from the trunk)", std::abs(w.m))
                                    : fmt::format("positive-sequence chain impedances written as balanced 3x3 lines (mutual/self {:.3f} from the trunk)", std::abs(w.m));

    // Off-design points with the same equivalents.
    if (opt.check_off_design) {
      struct Point {
        const char* name;
        double source_pu, mult;
      };
      for (const Point pt : {Point{"source_0.95", 0.95, 1.0}, Point{"loads_x0.6", -1, 0.6}, Point{"loads_x1.2", -1, 1.2}}) {
        auto offDesign = [&](model::Feeder x) {
          if (pt.source_pu > 0 && !x.sources.empty()) x.sources.front().pu = pt.source_pu;
          x.settings.load_mult *= pt.mult;
          return x;
        };
        // the full feeder's point is the same for every variant: solved once
        auto it_full = full_points.find(pt.name);
        if (it_full == full_points.end()) it_full = full_points.emplace(pt.name, solveOff(offDesign(f))).first;
        const auto& r1 = it_full->second;
        const model::Feeder& ff = f;  // same loads and elements; only the point's settings differ
        const model::Feeder fr = offDesign(rf);
        const auto r2 = solveOff(fr);
        const auto vf = fullSectionVoltages(ff, r1, base.head, w.secs, w.pts, base.angle_ref);
        OffDesignCheck c;
        c.name = pt.name;
        const double a2 = headAngle(r2, head_out);
        if (std::getenv("FEEDERLAB_REDUCE_DEBUG")) {
          std::array<std::vector<Complex>, 3> vq;
          for (int q = 0; q < 3; ++q) vq[static_cast<std::size_t>(q)] = fullSectionVoltages(ff, r1, base.head, w.secs, w.pts, base.angle_ref, &share, q);
          for (int k = 0; k < n; ++k) {
            fmt::print(stderr, "  {} s{} full {:.4f} red {:.4f}", pt.name, k + 1, std::abs(vf[static_cast<std::size_t>(k)]),
                       std::abs(sectionVoltagePu(fr, r2, w.secs[static_cast<std::size_t>(k)], a2)));
            if (per_phase)
              for (int q = 0; q < 3; ++q)
                fmt::print(stderr, " | {} w {:.0f} full {:.4f}/{:.1f} red {:.4f}/{:.1f}", "abc"[q], w.secs[static_cast<std::size_t>(k)].phase_w[static_cast<std::size_t>(q)],
                           std::abs(vq[static_cast<std::size_t>(q)][static_cast<std::size_t>(k)]),
                           std::arg(vq[static_cast<std::size_t>(q)][static_cast<std::size_t>(k)]) * 180 / std::numbers::pi,
                           std::abs(detail::phasePu(fr, r2, w.secs[static_cast<std::size_t>(k)].load_bus, q + 1, a2)),
                           std::arg(detail::phasePu(fr, r2, w.secs[static_cast<std::size_t>(k)].load_bus, q + 1, a2)) * 180 / std::numbers::pi);
            fmt::print(stderr, "\n");
          }
        }
        if (std::getenv("FEEDERLAB_REDUCE_DEBUG")) {
          std::vector<Complex> pf(static_cast<std::size_t>(n)), pr(static_cast<std::size_t>(n)), p0(static_cast<std::size_t>(n));
          for (const auto& lf : r1.loads)
            if (lf.load >= 0 && red.section_of_full_load[static_cast<std::size_t>(lf.load)] >= 0)
              pf[static_cast<std::size_t>(red.section_of_full_load[static_cast<std::size_t>(lf.load)])] += lf.power;
          for (const auto& lf : r2.loads) {
            const auto it = red.section_of_reduced_load.find(fr.loads[static_cast<std::size_t>(lf.load)].name);
            if (it != red.section_of_reduced_load.end()) pr[static_cast<std::size_t>(it->second)] += lf.power;
          }
          for (int k = 0; k < n; ++k) fmt::print(stderr, "  {} s{} load P/Q full {:.1f}/{:.1f} red {:.1f}/{:.1f}\n", pt.name, k + 1, pf[k].real() / 1e3, pf[k].imag() / 1e3, pr[k].real() / 1e3, pr[k].imag() / 1e3);
        }
        for (int k = 0; k < n; ++k)
          c.section_voltage_error_pu_max = std::max(c.section_voltage_error_pu_max,
              std::abs(std::abs(vf[static_cast<std::size_t>(k)]) - std::abs(sectionVoltagePu(fr, r2, w.secs[static_cast<std::size_t>(k)], a2))));
        const Complex h1 = detail::headPower(r1), h2 = detail::headPower(r2);
        if (std::getenv("FEEDERLAB_REDUCE_DEBUG"))
          fmt::print(stderr, "{}: head {:.1f}/{:.1f} vs {:.1f}/{:.1f}; loads {:.1f}/{:.1f} vs {:.1f}/{:.1f}; shunts {:.1f} vs {:.1f}; losses {:.1f} vs {:.1f}\n",
                     pt.name, h1.real() / 1e3, h1.imag() / 1e3, h2.real() / 1e3, h2.imag() / 1e3, r1.load_power.real() / 1e3,
                     r1.load_power.imag() / 1e3, r2.load_power.real() / 1e3, r2.load_power.imag() / 1e3, r1.shunt_power.imag() / 1e3,
                     r2.shunt_power.imag() / 1e3, r1.losses.real() / 1e3, r2.losses.real() / 1e3);
        c.head_p_error_pct = 100.0 * std::abs(h2.real() - h1.real()) / std::abs(h1);
        c.head_q_error_pct = 100.0 * std::abs(h2.imag() - h1.imag()) / std::abs(h1);
        const Complex l1 = detail::regionLosses(ff, base.topology, r1, base.feeder_bus);
        const Complex l2 = detail::regionLosses(fr, rtopo, r2, region);
        c.losses_error_pct = l1.real() != 0 ? 100.0 * (l2.real() - l1.real()) / l1.real() : 0.0;
        red.off_design.push_back(c);
      }
    }
    red.reduced = std::move(rf);
    red.equivalent_form += comb ? "; comb topology (trunk equivalents between sections, each section's load on its own branch)"
                                : "; chain topology (head, section 1, section 2, ...)";
    if (physical)
      red.equivalent_form += "; physical equivalents: Σ Z_b W_b² per section, |V| met by the aggregated service transformers' taps";
    if (per_phase)
      red.equivalent_form += std::string("; per phase: single-phase section loads on their phases, single-phase boundary regulators and "
                                         "service transformers at per-phase taps (section voltage = phase voltages weighted by the section's kW per phase); ") +
                             (shaped ? "each section line keeps its trunk's own (untransposed) 3x3 shape scaled to its z1"
                                     : "section lines balanced 3x3 with the trunk's complex mutual-to-self ratio");
  };
  // Variants are ranked by the number of the issue's checks they fail, then by the worst ratio of
  // error to tolerance (so one far-off check does not outweigh several failed ones).
  auto score = [](const Reduction& r) {
    std::vector<double> ratios{r.head_power_error_pct / 0.5, std::abs(r.losses_error_pct) / 5.0, r.section_voltage_error_pu_max / 0.005};
    for (const auto& c : r.off_design)
      for (double x : {c.section_voltage_error_pu_max / 0.01, c.head_p_error_pct / 2.0, c.head_q_error_pct / 2.0}) ratios.push_back(x);
    const double worst = *std::max_element(ratios.begin(), ratios.end());
    const auto failed = std::count_if(ratios.begin(), ratios.end(), [](double x) { return x > 1.0; });
    return static_cast<double>(failed) * 1e6 + std::min(worst, 1e5);
  };
  std::optional<Reduction> best;
  std::string failures;
  struct Variant {
    bool comb, physical;
    const char* name;
    bool per_phase = false;
    bool shaped = false;  // per phase: the section trunk's own 3x3 shape (else balanced, complex m)
  };
  // Physical first (cheap: fixed lines, taps converge in a few power flows, and they drift less
  // off-design); the fitted variants (tens of chain sweeps each) only when no earlier variant
  // meets every check.
  // Per-phase variants (physical only) on unbalanced feeders, after the balanced physical ones: a
  // feeder they already fit keeps its balanced sections.
  for (const Variant v : {Variant{false, true, "physical chain"}, Variant{true, true, "physical comb"},
                          Variant{false, true, "per-phase physical chain", true, true}, Variant{true, true, "per-phase physical comb", true, true},
                          Variant{false, true, "per-phase balanced physical chain", true}, Variant{true, true, "per-phase balanced physical comb", true},
                          Variant{false, false, "chain"}, Variant{true, false, "comb"}}) {
    if (best && score(*best) <= 1.0) break;  // every check met
    const bool want_phase = opt.phases == Phases::PerPhase || (opt.phases == Phases::Auto && unbalanced);
    if (v.per_phase ? !want_phase : opt.phases == Phases::PerPhase && v.physical) continue;
    if ((opt.topology == Topology::Chain && v.comb) || (opt.topology == Topology::Comb && !v.comb)) continue;
    if ((opt.equivalent == Equivalent::Fitted && v.physical) || (opt.equivalent == Equivalent::Physical && !v.physical)) continue;
    Work wt = w;
    Reduction rt = red;
    try {
      attempt(wt, rt, v.comb, v.physical, v.per_phase, v.shaped);
    } catch (const core::ModelError& e) {
      failures += std::string(failures.empty() ? "" : "; ") + v.name + ": " + e.what();
      continue;
    } catch (const core::NumericalError& e) {  // e.g. a variant's off-design point does not solve
      failures += std::string(failures.empty() ? "" : "; ") + v.name + ": " + e.what();
      continue;
    }
    lap(v.name);
    if (std::getenv("FEEDERLAB_REDUCE_DEBUG"))
      for (const auto& c : rt.off_design)
        fmt::print(stderr, "variant {} {}: V {:.5f} P {:.3f}% Q {:.3f}%\n", v.name, c.name, c.section_voltage_error_pu_max, c.head_p_error_pct, c.head_q_error_pct);
    if (!best || score(rt) < score(*best)) {
      best = std::move(rt);
    }
  }
  if (!best) throw core::ModelError(f.name, "reduce: no topology gives a passive reduced feeder (" + failures + ")");
  red = std::move(*best);
  w.m = red.mutual_to_self;
  if (!failures.empty()) red.notes.push_back("topology not used: " + failures);

  buildBaseline(w, red, shunt_var, cap_var);
  lap("baseline");
  red.runtime_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return red;
}

}  // namespace feederlab::reduce
