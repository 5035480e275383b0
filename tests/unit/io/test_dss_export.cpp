// OpenDSS export: import -> export -> import gives the same model (buses with bases and
// coordinates, every modelled element, matrices to 1e-12 relative, loads, taps, states,
// settings) for every shared OpenDSS master, the CIM files and the project's own feeders.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <tuple>
#include <type_traits>

#include "feederlab/io/dss_export.hpp"
#include "feederlab/io/dss_importer.hpp"
#include "feederlab/io/import.hpp"
#include "paths.hpp"

using namespace feederlab;
namespace fs = std::filesystem;

namespace {

constexpr double kRel = 1e-12;

// Collects the first differences found (with the element they belong to).
class Differences {
 public:
  void add(const std::string& what) {
    ++count_;
    if (list_.size() < 25) list_.push_back(what);
  }
  void num(const std::string& what, double a, double b, double rel = kRel) {
    const double scale = std::max(std::fabs(a), std::fabs(b));
    if (!(std::fabs(a - b) <= rel * scale)) add(what + ": " + std::to_string(a) + " vs " + std::to_string(b));
  }
  void cpx(const std::string& what, core::Complex a, core::Complex b, double rel = kRel) {
    const double scale = std::max(std::abs(a), std::abs(b));
    if (!(std::abs(a - b) <= rel * scale)) add(what + " differs");
  }
  void matrix(const std::string& what, const core::CMatrix& a, const core::CMatrix& b) {
    if (a.n != b.n) return add(what + ": order " + std::to_string(a.n) + " vs " + std::to_string(b.n));
    double scale = 0.0;
    for (std::size_t i = 0; i < a.values.size(); ++i)
      scale = std::max({scale, std::abs(a.values[i]), std::abs(b.values[i])});
    for (std::size_t i = 0; i < a.values.size(); ++i) {
      if (std::abs(a.values[i] - b.values[i]) > kRel * scale) return add(what + " differs at " + std::to_string(i));
    }
  }
  template <class T>
  void same(const std::string& what, const T& a, const T& b) {
    if (a == b) return;
    if constexpr (std::is_arithmetic_v<T>) {
      std::ostringstream s;
      s.precision(17);
      s << what << ": " << a << " vs " << b;
      add(s.str());
    } else if constexpr (std::is_same_v<T, std::string>) {
      add(what + ": '" + a + "' vs '" + b + "'");
    } else {
      add(what + " differs");
    }
  }
  int count() const { return count_; }
  std::string text() const {
    std::string out;
    for (const auto& s : list_) out += "  " + s + "\n";
    return out;
  }

 private:
  int count_ = 0;
  std::vector<std::string> list_;
};

struct Pair {
  const model::Feeder& a;
  const model::Feeder& b;
  Differences& d;

  std::string busName(const model::Feeder& f, model::BusId id) const {
    return id >= 0 ? f.buses[static_cast<std::size_t>(id)].name : std::string("<none>");
  }
  // Conductors a terminal does not list take OpenDSS's defaults (model/feeder.hpp): node k for
  // conductor k <= phases, ground beyond (the CSV importer leaves wye neutrals implicit).
  void terminal(const std::string& what, const model::Terminal& x, const model::Terminal& y, int phases = 0) {
    d.same(what + " bus", busName(a, x.bus), busName(b, y.bus));
    std::vector<int> u = x.nodes, v = y.nodes;
    const std::size_t n = std::max(u.size(), v.size());
    for (auto* nodes : {&u, &v}) {
      for (std::size_t i = nodes->size(); i < n; ++i)
        nodes->push_back(static_cast<int>(i) < phases ? static_cast<int>(i + 1) : 0);
    }
    d.same(what + " nodes", u, v);
  }
  void base(const std::string& what, const model::ElementBase& x, const model::ElementBase& y) {
    d.same(what + " name", x.name, y.name);
    d.same(what + " enabled", x.enabled, y.enabled);
  }
};

void compareBuses(Pair& p) {
  // Buses only recorded-only elements touch are not written (those elements are comments).
  std::set<model::BusId> used;
  auto use = [&](const model::Terminal& t) { used.insert(t.bus); };
  const model::Feeder& a = p.a;
  for (const auto& s : a.sources) use(s.bus1);
  for (const auto& l : a.lines) use(l.bus1), use(l.bus2);
  for (const auto& t : a.transformers)
    for (const auto& w : t.windings) use(w.terminal);
  for (const auto& c : a.capacitors) use(c.bus1), c.bus2 ? use(*c.bus2) : void();
  for (const auto& r : a.reactors) use(r.bus1), r.bus2 ? use(*r.bus2) : void();
  for (const auto& l : a.loads) use(l.bus1);
  p.d.same("bus count", used.size(), p.b.buses.size());
  for (model::BusId id : used) {
    const model::Bus& x = a.buses[static_cast<std::size_t>(id)];
    const auto other = p.b.findBus(x.name);
    if (!other) {
      p.d.add("bus " + x.name + " missing");
      continue;
    }
    const model::Bus& y = p.b.buses[static_cast<std::size_t>(*other)];
    p.d.same("bus " + x.name + " kV base", x.kv_base_ll, y.kv_base_ll);
    p.d.same("bus " + x.name + " coordinates", x.coords, y.coords);
  }
}

void compareSources(Pair& p) {
  p.d.same("source count", p.a.sources.size(), p.b.sources.size());
  for (std::size_t i = 0; i < std::min(p.a.sources.size(), p.b.sources.size()); ++i) {
    const auto &x = p.a.sources[i], &y = p.b.sources[i];
    const std::string w = "vsource." + x.name;
    if (i > 0 || x.name == "source") p.d.same(w + " name", x.name, y.name);
    p.d.same(w + " enabled", x.enabled, y.enabled);
    p.terminal(w + " bus1", x.bus1, y.bus1);
    p.d.same(w + " phases", x.phases, y.phases);
    p.d.num(w + " basekv", x.base_kv, y.base_kv);
    p.d.num(w + " pu", x.pu, y.pu);
    p.d.num(w + " angle", x.angle_deg, y.angle_deg);
    p.d.num(w + " frequency", x.frequency_hz, y.frequency_hz);
    p.d.cpx(w + " z1", x.z1_ohm, y.z1_ohm);
    p.d.cpx(w + " z0", x.phases == 1 ? x.z1_ohm : x.z0_ohm, y.z0_ohm);
    p.d.num(w + " mvasc3", x.mvasc3, y.mvasc3, 1e-9);
    p.d.num(w + " mvasc1", x.mvasc1, y.mvasc1, 1e-9);
  }
}

void compareLines(Pair& p) {
  p.d.same("line count", p.a.lines.size(), p.b.lines.size());
  for (std::size_t i = 0; i < std::min(p.a.lines.size(), p.b.lines.size()); ++i) {
    const auto &x = p.a.lines[i], &y = p.b.lines[i];
    const std::string w = "line." + x.name;
    p.base(w, x, y);
    p.terminal(w + " bus1", x.bus1, y.bus1);
    p.terminal(w + " bus2", x.bus2, y.bus2);
    p.d.same(w + " phases", x.phases, y.phases);
    p.d.same(w + " length", x.length, y.length);
    p.d.same(w + " units", x.length_unit, y.length_unit);
    p.d.same(w + " switch", x.is_switch, y.is_switch);
    p.d.same(w + " open", x.open, y.open);
    p.d.same(w + " normamps", x.norm_amps, y.norm_amps);
    p.d.same(w + " linecode", x.linecode, y.linecode);
    p.d.matrix(w + " z", x.impedance.z_per_length, y.impedance.z_per_length);
    p.d.matrix(w + " y", x.impedance.y_per_length, y.impedance.y_per_length);
  }
}

void compareTransformers(Pair& p) {
  p.d.same("transformer count", p.a.transformers.size(), p.b.transformers.size());
  for (std::size_t i = 0; i < std::min(p.a.transformers.size(), p.b.transformers.size()); ++i) {
    const auto &x = p.a.transformers[i], &y = p.b.transformers[i];
    const std::string w = "transformer." + x.name;
    p.base(w, x, y);
    p.d.same(w + " phases", x.phases, y.phases);
    p.d.same(w + " windings", x.windings.size(), y.windings.size());
    for (std::size_t k = 0; k < std::min(x.windings.size(), y.windings.size()); ++k) {
      const auto &u = x.windings[k], &v = y.windings[k];
      const std::string ww = w + " winding " + std::to_string(k + 1);
      p.terminal(ww, u.terminal, v.terminal);
      p.d.same(ww + " conn", u.conn, v.conn);
      p.d.same(ww + " kv", u.kv, v.kv);
      p.d.same(ww + " kva", u.kva, v.kva);
      p.d.num(ww + " %r", u.r_pct, v.r_pct);
      p.d.same(ww + " tap", u.tap, v.tap);
      p.d.same(ww + " taps", std::tuple(u.min_tap, u.max_tap, u.num_taps),
               std::tuple(v.min_tap, v.max_tap, v.num_taps));
      p.d.same(ww + " neutral", std::pair(u.r_neutral, u.x_neutral), std::pair(v.r_neutral, v.x_neutral));
    }
    const std::size_t n = x.windings.size();
    p.d.num(w + " xhl", x.xhl_pct, y.xhl_pct);
    if (n == 3) p.d.num(w + " xht", x.xht_pct, y.xht_pct), p.d.num(w + " xlt", x.xlt_pct, y.xlt_pct);
    if (n > 3) {
      p.d.same(w + " xsc count", x.x_sc_pct.size(), y.x_sc_pct.size());
      for (std::size_t k = 0; k < std::min(x.x_sc_pct.size(), y.x_sc_pct.size()); ++k)
        p.d.num(w + " xsc", x.x_sc_pct[k], y.x_sc_pct[k]);
    }
    p.d.same(w + " %noloadloss", x.pct_noload_loss, y.pct_noload_loss);
    p.d.same(w + " %imag", x.pct_imag, y.pct_imag);
    p.d.num(w + " %loadloss", x.pct_loadloss, y.pct_loadloss);
    p.d.same(w + " xfmrcode", x.xfmrcode, y.xfmrcode);
    p.d.same(w + " bank", x.bank, y.bank);
    p.d.same(w + " regulator", x.is_regulator, y.is_regulator);
  }
}

void compareControls(Pair& p) {
  p.d.same("regcontrol count", p.a.regcontrols.size(), p.b.regcontrols.size());
  for (std::size_t i = 0; i < std::min(p.a.regcontrols.size(), p.b.regcontrols.size()); ++i) {
    const auto &x = p.a.regcontrols[i], &y = p.b.regcontrols[i];
    const std::string w = "regcontrol." + x.name;
    p.base(w, x, y);
    p.d.same(w + " settings",
             std::tuple(x.transformer, x.winding, x.vreg, x.band, x.pt_ratio, x.ct_primary, x.r_ldc, x.x_ldc),
             std::tuple(y.transformer, y.winding, y.vreg, y.band, y.pt_ratio, y.ct_primary, y.r_ldc, y.x_ldc));
    p.d.same(w + " timing",
             std::tuple(x.delay, x.tap_delay, x.max_tap_change, x.pt_phase, x.reversible, x.vlimit, x.tap_winding,
                        x.in_service),
             std::tuple(y.delay, y.tap_delay, y.max_tap_change, y.pt_phase, y.reversible, y.vlimit, y.tap_winding,
                        y.in_service));
  }
  p.d.same("capcontrol count", p.a.capcontrols.size(), p.b.capcontrols.size());
  for (std::size_t i = 0; i < std::min(p.a.capcontrols.size(), p.b.capcontrols.size()); ++i) {
    const auto &x = p.a.capcontrols[i], &y = p.b.capcontrols[i];
    const std::string w = "capcontrol." + x.name;
    p.base(w, x, y);
    p.d.same(w + " target", std::tuple(x.capacitor, x.element, x.terminal, x.type),
             std::tuple(y.capacitor, y.element, y.terminal, y.type));
    p.d.same(w + " settings",
             std::tuple(x.on_setting, x.off_setting, x.pt_ratio, x.ct_ratio, x.delay, x.delay_off, x.dead_time),
             std::tuple(y.on_setting, y.off_setting, y.pt_ratio, y.ct_ratio, y.delay, y.delay_off, y.dead_time));
    p.d.same(w + " voltage", std::tuple(x.volt_override, x.vmin, x.vmax, x.pt_phase, x.ct_phase),
             std::tuple(y.volt_override, y.vmin, y.vmax, y.pt_phase, y.ct_phase));
  }
}

std::vector<double> padded(std::vector<double> v, std::size_t n) {
  v.resize(std::max(v.size(), n), 0.0);
  return v;
}

void compareShunts(Pair& p) {
  p.d.same("capacitor count", p.a.capacitors.size(), p.b.capacitors.size());
  for (std::size_t i = 0; i < std::min(p.a.capacitors.size(), p.b.capacitors.size()); ++i) {
    const auto &x = p.a.capacitors[i], &y = p.b.capacitors[i];
    const std::string w = "capacitor." + x.name;
    p.base(w, x, y);
    p.terminal(w + " bus1", x.bus1, y.bus1);
    p.d.same(w + " bus2 given", x.bus2.has_value(), y.bus2.has_value());
    if (x.bus2 && y.bus2) p.terminal(w + " bus2", *x.bus2, *y.bus2);
    p.d.same(w + " shape", std::tuple(x.phases, x.conn, x.kv), std::tuple(y.phases, y.conn, y.kv));
    p.d.same(w + " kvar", x.kvar, y.kvar);
    p.d.same(w + " states", x.states, y.states);
    const std::size_t n = x.kvar.size();
    p.d.same(w + " r", padded(x.r, n), padded(y.r, n));
    p.d.same(w + " xl", padded(x.xl, n), padded(y.xl, n));
  }
  p.d.same("reactor count", p.a.reactors.size(), p.b.reactors.size());
  for (std::size_t i = 0; i < std::min(p.a.reactors.size(), p.b.reactors.size()); ++i) {
    const auto &x = p.a.reactors[i], &y = p.b.reactors[i];
    const std::string w = "reactor." + x.name;
    p.base(w, x, y);
    p.terminal(w + " bus1", x.bus1, y.bus1);
    p.d.same(w + " bus2 given", x.bus2.has_value(), y.bus2.has_value());
    if (x.bus2 && y.bus2) p.terminal(w + " bus2", *x.bus2, *y.bus2);
    p.d.same(w + " shape", std::tuple(x.phases, x.conn), std::tuple(y.phases, y.conn));
    p.d.matrix(w + " z", x.z, y.z);
  }
}

void compareLoads(Pair& p) {
  p.d.same("load count", p.a.loads.size(), p.b.loads.size());
  for (std::size_t i = 0; i < std::min(p.a.loads.size(), p.b.loads.size()); ++i) {
    const auto &x = p.a.loads[i], &y = p.b.loads[i];
    const std::string w = "load." + x.name;
    p.base(w, x, y);
    p.terminal(w + " bus1", x.bus1, y.bus1, x.phases);
    p.d.same(w + " shape", std::tuple(x.phases, x.conn, x.kv, x.model), std::tuple(y.phases, y.conn, y.kv, y.model));
    p.d.same(w + " kw", x.kw, y.kw);
    p.d.same(w + " kvar", x.kvar, y.kvar);
    if (x.kw != 0.0 || x.kvar != 0.0) p.d.num(w + " pf", x.pf, y.pf);
    p.d.same(w + " allocation", std::tuple(x.kva, x.xfkva, x.allocation_factor),
             std::tuple(y.kva, y.xfkva, y.allocation_factor));
    p.d.same(w + " limits", std::tuple(x.vminpu, x.vmaxpu, x.cvr_watts, x.cvr_vars),
             std::tuple(y.vminpu, y.vmaxpu, y.cvr_watts, y.cvr_vars));
    p.d.same(w + " zipv", std::pair(x.zipv, x.zipv_given), std::pair(y.zipv, y.zipv_given));
    p.d.same(w + " class", x.load_class, y.load_class);
    p.d.same(w + " customers", x.num_customers, y.num_customers);
    // An empty status (CIM, CSV) means OpenDSS's default, "variable".
    p.d.same(w + " status", x.status.empty() ? std::string("variable") : x.status, y.status);
    p.d.same(w + " shapes", std::tuple(x.yearly, x.daily, x.duty), std::tuple(y.yearly, y.daily, y.duty));
  }
}

void compareSettings(Pair& p) {
  const model::Settings &x = p.a.settings, &y = p.b.settings;
  p.d.same("base frequency", x.base_frequency_hz, y.base_frequency_hz);
  p.d.same("voltage bases", x.voltage_bases_kv, y.voltage_bases_kv);
  p.d.same("controls off", x.controls_off, y.controls_off);
  p.d.same("load mult", x.load_mult, y.load_mult);
  p.d.same("iterations", std::pair(x.max_iterations, x.max_control_iterations),
           std::pair(y.max_iterations, y.max_control_iterations));
  p.d.same("tolerance", x.tolerance, y.tolerance);
  p.d.same("earth model", x.earth_model, y.earth_model);
}

Differences compareFeeders(const model::Feeder& a, const model::Feeder& b) {
  Differences d;
  Pair p{a, b, d};
  compareBuses(p);
  compareSources(p);
  compareLines(p);
  compareTransformers(p);
  compareControls(p);
  compareShunts(p);
  compareLoads(p);
  compareSettings(p);
  return d;
}

std::string slug(const std::string& s) {
  std::string out;
  for (char c : s) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out;
}

// Import, export, import again; the two models must agree.
void roundTrip(const fs::path& input) {
  CAPTURE(input.string());
  const model::Feeder original = io::importFeeder(input);
  const fs::path out = test::scratchDir("dss_export_" + slug((input.parent_path().parent_path().filename() /
                                                              input.parent_path().filename() / input.filename())
                                                                 .string())) /
                       "feeder.dss";
  std::vector<std::string> notes;
  REQUIRE_NOTHROW(notes = io::exportDssFile(original, out));
  model::Feeder again;
  REQUIRE_NOTHROW(again = io::importDss(out));
  const Differences d = compareFeeders(original, again);
  INFO(d.count(), " difference(s):\n", d.text());
  CHECK(d.count() == 0);
  CHECK(again.diagnostics.count(core::Severity::Error) == 0);
  // No warning the original did not have, but for the recorded-only placeholders.
  std::set<std::string> known{"recorded-not-simulated"};
  for (const auto& f : original.diagnostics.findings()) known.insert(f.code);
  for (const auto& f : again.diagnostics.findings()) {
    if (f.severity == core::Severity::Warning) CHECK_MESSAGE(known.count(f.code) == 1, f.message);
  }
}

}  // namespace

TEST_CASE("dss export: IEEE OpenDSS masters round-trip") {
  for (const char* m :
       {"ieee13/opendss/IEEE13Nodeckt.dss", "ieee13/opendss_gridappsd/IEEE13_CDPSM.dss",
        "ieee13/opendss_gridappsd/IEEE13_Assets.dss", "ieee34/opendss/ieee34Mod1.dss", "ieee34/opendss/ieee34Mod2.dss",
        "ieee37/opendss/ieee37.dss", "ieee123/opendss/IEEE123Master.dss"}) {
    roundTrip(test::sharedFeeder(m));
  }
}

TEST_CASE("dss export: IEEE 8500 masters round-trip") {
  roundTrip(test::sharedFeeder("ieee8500/opendss/Master.dss"));
  roundTrip(test::sharedFeeder("ieee8500/opendss/Master-unbal.dss"));
}

TEST_CASE("dss export: EPRI OpenDSS masters round-trip") {
  for (const char* m :
       {"epri_ckt5/opendss/Master_ckt5.dss", "epri_ckt7/opendss/Master_ckt7.dss", "epri_ckt24/opendss/master_ckt24.dss",
        "epri_j1/opendss/Master_noPV.dss", "epri_k1/opendss/Master_NoPV.dss", "epri_m1/opendss/Master_NoPV.dss",
        "epri_j1/reduced_j1red/opendss/Master.dss"}) {
    roundTrip(test::sharedFeeder(m));
  }
}

TEST_CASE("dss export: CIM feeders round-trip") {
  for (const char* m : {"ieee13/cim/IEEE13.xml", "ieee13/cim/IEEE13_Assets.xml",
                        "ieee13/cim/cdpsm_cim16_2016/IEEE13Nodeckt_CDPSM_Combined.XML",
                        "ieee13/cim/cdpsm_cim16_2016/IEEE13NodecktAssets_CDPSM_Combined.XML", "ieee37/cim/IEEE37.xml",
                        "ieee123/cim/IEEE123.xml", "epri_j1/reduced_j1red/cim/j1red.xml"}) {
    roundTrip(test::sharedFeeder(m));
  }
}

TEST_CASE("dss export: the project's feeders round-trip") {
  roundTrip(test::sourceDir() / "feeders/demo/demo.dss");
  for (const auto& entry : fs::directory_iterator(test::sourceDir() / "feeders")) {
    if (entry.is_directory() && entry.path().filename().string().rfind("synth-", 0) == 0) roundTrip(entry.path());
  }
}

namespace {

model::Terminal at(model::Feeder& f, const std::string& bus, std::vector<int> nodes) {
  return model::Terminal{f.addBus(bus), std::move(nodes)};
}

core::CMatrix diagonal(std::size_t n, core::Complex z) {
  core::CMatrix m(n);
  for (std::size_t i = 0; i < n; ++i) m(i, i) = z;
  return m;
}

// Everything the OpenDSS importer cannot be relied on to produce from the shared feeders: names
// that need quoting, 50 Hz, an open and a disabled switch, a 4-winding transformer, a series
// reactor, a stepped capacitor, ZIP loads, recorded-only elements and coordinates.
model::Feeder unusualFeeder() {
  model::Feeder f;
  f.name = "odd feeder";
  f.format = "test";
  f.settings.base_frequency_hz = 50.0;
  f.settings.voltage_bases_kv = {33.0, 11.0};
  f.settings.controls_off = true;
  f.settings.load_mult = 0.8;
  f.settings.earth_model = "carson";
  model::Source s;
  s.name = "source";
  s.bus1 = at(f, "grid bus", {1, 2, 3});
  s.base_kv = 33.0, s.pu = 1.02, s.angle_deg = -5.0, s.frequency_hz = 50.0;
  s.z1_ohm = {0.1, 1.3}, s.z0_ohm = {0.3, 2.9};
  s.mvasc3 = 33.0 * 33.0 / std::abs(s.z1_ohm);  // as the importer derives them
  s.mvasc1 = 33.0 * 33.0 / std::abs((2.0 * s.z1_ohm + s.z0_ohm) / 3.0);
  f.sources.push_back(s);
  model::Transformer t;
  t.name = "t(4w)";
  t.windings.resize(4);
  const char* buses[] = {"grid bus", "mv", "aux1", "aux2"};
  const double kvs[] = {33.0, 11.0, 0.4, 0.4};
  for (std::size_t i = 0; i < 4; ++i) {
    t.windings[i].terminal = at(f, buses[i], {1, 2, 3, 0});
    t.windings[i].kv = kvs[i];
    t.windings[i].kva = i == 0 ? 10000.0 : 3000.0;
    t.windings[i].r_pct = 0.1 * static_cast<double>(i + 1);
    t.windings[i].conn = i == 0 ? model::Connection::Delta : model::Connection::Wye;
  }
  t.windings[1].tap = 1.0125, t.windings[1].r_neutral = 5.0, t.windings[1].num_taps = 16;
  t.x_sc_pct = {8, 9, 10, 11, 12, 13};
  t.xhl_pct = 8;
  t.pct_imag = 0.5;
  f.transformers.push_back(t);
  for (const char* name : {"main!", "tie sw", "spare"}) {
    model::Line l;
    l.name = name;
    l.bus1 = at(f, "mv", {1, 2, 3});
    l.bus2 = at(f, std::string(name) == "main!" ? "far=end" : std::string("end ") + name, {1, 2, 3});
    l.length = 2.5, l.length_unit = core::LengthUnit::Km;
    l.impedance.z_per_length = diagonal(3, {0.2, 0.35});
    l.impedance.z_per_length(0, 1) = l.impedance.z_per_length(1, 0) = {0.05, 0.1};
    l.impedance.y_per_length = diagonal(3, {0.0, 3e-6});
    l.is_switch = std::string(name) != "main!";
    l.open = std::string(name) == "tie sw";
    l.enabled = std::string(name) != "spare";
    l.open = l.open || !l.enabled;
    f.lines.push_back(l);
  }
  model::Reactor r;
  r.name = "series x";
  r.bus1 = at(f, "far=end", {1, 2, 3});
  r.bus2 = at(f, "far end 2", {1, 2, 3});
  r.z = diagonal(3, {0.01, 0.8});
  f.reactors.push_back(r);
  model::Capacitor c;
  c.name = "c1";
  c.bus1 = at(f, "far=end", {1, 2, 3, 0});
  c.kv = 11.0, c.kvar = {300, 300, 600}, c.states = {1, 0, 1};
  c.xl = {0.0, 0.0, 0.5};
  f.capacitors.push_back(c);
  model::Load l;
  l.name = "zip [1]";
  l.bus1 = at(f, "far end 2", {1, 2, 3, 0});
  l.kv = 11.0, l.kw = 500.0, l.kvar = -20.0, l.pf = -500.0 / std::hypot(500.0, 20.0);  // leading
  l.model = model::LoadModel::Zip, l.zipv = {0.2, 0.3, 0.5, 0.1, 0.1, 0.8, 0.6}, l.zipv_given = true;
  l.load_class = model::LoadClass::Commercial, l.num_customers = 7, l.status = "fixed";
  l.yearly = "year shape";
  f.loads.push_back(l);
  model::OtherElement pv;
  pv.cls = "pvsystem", pv.name = "pv1", pv.kw = 100.0;
  pv.terminals.push_back(at(f, "far end 2", {1, 2, 3, 0}));
  f.others.push_back(pv);
  f.buses[static_cast<std::size_t>(*f.findBus("mv"))].coords = std::array<double, 2>{1.5, -2.25};
  for (auto& b : f.buses) b.kv_base_ll = b.name == "grid bus" ? 33.0 : b.name.rfind("aux", 0) == 0 ? 0.4 : 11.0;
  return f;
}

}  // namespace

TEST_CASE("dss export: unusual names and devices round-trip exactly") {
  const model::Feeder f = unusualFeeder();
  const fs::path out = test::scratchDir("dss_export_unusual") / "odd.dss";
  const auto notes = io::exportDssFile(f, out);
  REQUIRE(fs::exists(out.parent_path() / "odd_buscoords.csv"));
  model::Feeder again;
  REQUIRE_NOTHROW(again = io::importDss(out));
  const Differences d = compareFeeders(f, again);
  INFO(d.count(), " difference(s):\n", d.text());
  CHECK(d.count() == 0);
  CHECK(again.name == "odd feeder");
  CHECK(again.lines[1].open);
  CHECK_FALSE(again.lines[2].enabled);
  CHECK(again.others.size() == 1);  // the placeholder load shape; the PV system is a comment
  CHECK(again.others[0].cls == "loadshape");
  CHECK_FALSE(again.findBus("aux1") == std::nullopt);
  const std::string script = io::exportDss(f).script;
  CHECK(script.find("! pvsystem.pv1 bus=\"far end 2.1.2.3.0\" kW=100") != std::string::npos);
  CHECK(script.find("Set ControlMode=OFF") != std::string::npos);
  CHECK(script.find("BusCoords buscoords.csv") != std::string::npos);
  CHECK(notes.size() == 2);  // the load-shape placeholder and the PV comment
}

TEST_CASE("dss export: a bus name OpenDSS cannot read is an error naming the element") {
  model::Feeder f = unusualFeeder();
  f.buses[0].name = "grid.bus";
  CHECK_THROWS_AS(io::exportDss(f), core::ModelError);
}
