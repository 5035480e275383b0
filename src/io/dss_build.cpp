// Workspace -> model::Feeder: terminals with OpenDSS's default nodes, source impedances as
// OpenDSS's VSource resolves them, and every other class's model element.
#include <algorithm>
#include <cmath>

#include "feederlab/core/units.hpp"
#include "feederlab/io/dss_build.hpp"

namespace feederlab::io::dss {

namespace {

constexpr double kTwoPi = 2.0 * 3.14159265358979323846;

// Largest root of a x^2 + b x + c (OpenDSS VSource.QuadSolver); 0 when there is none.
double quadSolver(double a, double b, double c) {
  if (a == 0.0) return b != 0.0 ? -c / b : 0.0;
  const double d = b * b - 4.0 * a * c;
  if (d < 0.0) return 0.0;
  const double s = std::sqrt(d);
  return std::max((-b + s) / (2.0 * a), (-b - s) / (2.0 * a));
}

void buildSource(const SourceState& s, model::Feeder& f) {
  model::Source m;
  m.name = s.name;
  m.enabled = s.enabled;
  m.location = s.where.location();
  const std::string element = "vsource." + s.name;
  m.phases = s.phases;
  m.base_kv = s.basekv, m.pu = s.pu, m.angle_deg = s.angle, m.frequency_hz = s.frequency;
  const double kv = s.basekv;
  const double factor = s.phases == 1 ? 1.0 : core::kSqrt3;
  double r1 = s.r1, x1 = s.x1, r0 = s.r0, x0 = s.x0, mvasc3 = s.mvasc3, mvasc1 = s.mvasc1;
  if (s.zspec == 1 || s.zspec == 2) {
    double isc1 = s.isc1;
    if (s.zspec == 2) {
      mvasc3 = core::kSqrt3 * kv * s.isc3 / 1000.0;
      mvasc1 = factor * kv * s.isc1 / 1000.0;
    } else {
      isc1 = mvasc1 * 1000.0 / (factor * kv);
    }
    if (mvasc3 <= 0.0 || isc1 <= 0.0 || s.x1r1 <= 0.0 || kv <= 0.0) {
      modelError(element, s.where, "short-circuit data must be positive (MVAsc/Isc, X1R1, basekV)");
    }
    x1 = kv * kv / mvasc3 / std::sqrt(1.0 + 1.0 / (s.x1r1 * s.x1r1));
    r1 = x1 / s.x1r1;
    const double v = 3.0 * kv * 1000.0 / factor / isc1;
    r0 = quadSolver(1.0 + s.x0r0 * s.x0r0, 4.0 * (r1 + x1 * s.x0r0), 4.0 * (r1 * r1 + x1 * x1) - v * v);
    x0 = r0 * s.x0r0;
  } else {
    if (s.puz1_given) {
      const double zbase = kv * kv / s.basemva;
      r1 = s.puz1.real() * zbase, x1 = s.puz1.imag() * zbase;
      r0 = s.puz0.real() * zbase, x0 = s.puz0.imag() * zbase;
    }
    if (s.phases == 1) r0 = r1, x0 = x1;
    const double z1 = std::hypot(r1, x1);
    const double zs = std::hypot((2.0 * r1 + r0) / 3.0, (2.0 * x1 + x0) / 3.0);
    mvasc3 = z1 > 0.0 ? kv * kv / z1 : 0.0;
    mvasc1 = zs > 0.0 ? factor * kv * (kv * 1000.0 / factor / zs) / 1000.0 : 0.0;
  }
  m.z1_ohm = Complex(r1, x1);
  m.z0_ohm = Complex(r0, x0);
  m.mvasc3 = mvasc3;
  m.mvasc1 = mvasc1;
  m.bus1 = makeTerminal(f, s.bus1, s.phases, s.phases, element, s.where, "bus1");
  f.sources.push_back(std::move(m));
}

void buildTransformers(const Workspace& ws, model::Feeder& f) {
  f.transformers.reserve(ws.transformers.items.size());
  for (const TransformerState& s : ws.transformers.items) {
    model::Transformer m;
    m.name = s.name;
    m.enabled = s.enabled;
    m.location = s.where.location();
    const std::string element = "transformer." + s.name;
    m.phases = s.phases;
    for (std::size_t i = 0; i < s.windings.size(); ++i) {
      const WindingState& w = s.windings[i];
      model::Winding mw;
      const std::string which = "winding " + std::to_string(i + 1) + " bus";
      mw.terminal = makeTerminal(f, w.bus, s.phases + 1, s.phases, element, s.where, which.c_str());
      mw.conn = w.delta ? model::Connection::Delta : model::Connection::Wye;
      mw.kv = w.kv, mw.kva = w.kva, mw.r_pct = w.r_pu * 100.0, mw.tap = w.tap;
      mw.min_tap = w.min_tap, mw.max_tap = w.max_tap, mw.num_taps = w.num_taps;
      mw.r_neutral = w.rneut, mw.x_neutral = w.xneut;
      if (w.kv <= 0.0 || w.kva <= 0.0) {
        modelError(element, s.where, "winding " + std::to_string(i + 1) + " needs positive kV and kVA");
      }
      m.windings.push_back(std::move(mw));
    }
    for (double x : s.xsc) m.x_sc_pct.push_back(x * 100.0);
    if (!m.x_sc_pct.empty()) m.xhl_pct = m.x_sc_pct[0];
    if (m.x_sc_pct.size() >= 3) m.xht_pct = m.x_sc_pct[1], m.xlt_pct = m.x_sc_pct[m.windings.size() == 3 ? 2 : 1];
    m.pct_noload_loss = s.pct_noloadloss;
    m.pct_imag = s.pct_imag;
    m.pct_loadloss = s.loadloss_given ? s.pct_loadloss : -1.0;
    m.xfmrcode = s.xfmrcode;
    m.bank = s.bank;
    f.transformers.push_back(std::move(m));
  }
}

void buildControls(const Workspace& ws, model::Feeder& f) {
  for (const RegControlState& s : ws.regcontrols.items) {
    const std::string element = "regcontrol." + s.name;
    const int t = ws.transformers.find(s.transformer);
    if (t < 0) modelError(element, s.where, "transformer '" + s.transformer + "' is not defined");
    model::Transformer& xf = f.transformers[static_cast<std::size_t>(t)];
    if (s.winding < 1 || s.winding > static_cast<int>(xf.windings.size())) {
      modelError(element, s.where, "winding " + std::to_string(s.winding) + " does not exist");
    }
    xf.is_regulator = true;
    model::RegControl m;
    m.name = s.name, m.enabled = s.enabled, m.location = s.where.location();
    m.transformer = s.transformer, m.winding = s.winding, m.vreg = s.vreg, m.band = s.band;
    m.pt_ratio = s.ptratio, m.ct_primary = s.ctprim, m.r_ldc = s.r, m.x_ldc = s.x;
    m.delay = s.delay, m.tap_delay = s.tapdelay, m.max_tap_change = s.maxtapchange;
    m.pt_phase = s.ptphase, m.reversible = s.reversible, m.vlimit = s.vlimit;
    m.tap_winding = s.tap_winding, m.in_service = s.enabled;
    f.regcontrols.push_back(std::move(m));
  }
  for (const CapControlState& s : ws.capcontrols.items) {
    const std::string element = "capcontrol." + s.name;
    if (ws.capacitors.find(s.capacitor) < 0) {
      modelError(element, s.where, "capacitor '" + s.capacitor + "' is not defined");
    }
    model::CapControl m;
    m.name = s.name, m.enabled = s.enabled, m.location = s.where.location();
    m.capacitor = s.capacitor, m.element = s.element, m.terminal = s.terminal;
    switch (s.type) {
      case 'v': m.type = model::CapControlType::Voltage; break;
      case 'k': m.type = model::CapControlType::Kvar; break;
      case 'p': m.type = model::CapControlType::Pf; break;
      case 't': m.type = model::CapControlType::Time; break;
      default: m.type = model::CapControlType::Current; break;
    }
    m.on_setting = s.on, m.off_setting = s.off, m.pt_ratio = s.ptratio, m.ct_ratio = s.ctratio;
    m.delay = s.delay, m.delay_off = s.delay_off, m.dead_time = s.dead_time;
    m.volt_override = s.volt_override, m.vmin = s.vmin, m.vmax = s.vmax;
    m.pt_phase = s.ptphase, m.ct_phase = s.ctphase;
    f.capcontrols.push_back(std::move(m));
  }
}

// Shunt (bus2 absent or the same bus with one common node: that node is the neutral) or series.
struct Shape {
  bool series = false;
  int neutral = 0;
};

Shape shapeOf(const BusSpec& bus1, const BusSpec& bus2, int phases) {
  if (!bus2.given) return {};
  if (bus2.name != bus1.name) return {true, 0};
  std::vector<int> nodes(static_cast<std::size_t>(phases));
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    nodes[i] = i < bus2.nodes.size() ? bus2.nodes[i] : static_cast<int>(i + 1);
  }
  if (std::all_of(nodes.begin(), nodes.end(), [&](int n) { return n == nodes[0]; })) {
    return {false, nodes[0]};
  }
  return {true, 0};
}

void shuntOrSeries(model::Feeder& f, const BusSpec& bus1, const BusSpec& bus2, int phases,
                   bool delta, const std::string& element, const Where& where, model::Terminal& t1,
                   std::optional<model::Terminal>& t2) {
  const Shape shape = shapeOf(bus1, bus2, phases);
  if (delta) {
    const int nconds = phases <= 2 ? phases + 1 : phases;
    t1 = makeTerminal(f, bus1, nconds, phases, element, where, "bus1");
  } else if (shape.series) {
    t1 = makeTerminal(f, bus1, phases, phases, element, where, "bus1");
    t2 = makeTerminal(f, bus2, phases, phases, element, where, "bus2");
  } else {
    t1 = makeTerminal(f, bus1, phases + 1, phases, element, where, "bus1");
    if (bus1.nodes.size() <= static_cast<std::size_t>(phases)) t1.nodes.back() = shape.neutral;
  }
}

void buildShunts(const Workspace& ws, model::Feeder& f) {
  const double w = kTwoPi * ws.settings.base_freq;
  for (const CapacitorState& s : ws.capacitors.items) {
    model::Capacitor m;
    m.name = s.name, m.enabled = s.enabled, m.location = s.where.location();
    const std::string element = "capacitor." + s.name;
    m.phases = s.phases;
    m.conn = s.delta ? model::Connection::Delta : model::Connection::Wye;
    m.kv = s.kv;
    const double vph = s.delta || s.phases == 1 ? s.kv : s.kv / core::kSqrt3;
    m.kvar.clear();
    for (std::size_t i = 0; i < s.kvar.size(); ++i) {
      double kvar = s.kvar[i];
      if (s.spec == 2) kvar = s.phases * w * s.cuf[i] * 1e-6 * vph * vph * 1e3;
      if (s.spec == 3 && !s.cmatrix.empty()) kvar = s.phases * w * s.cmatrix[0] * 1e-6 * vph * vph * 1e3;
      m.kvar.push_back(kvar);
    }
    m.states = s.states;
    m.r = s.r;
    m.xl = s.xl;
    shuntOrSeries(f, s.bus1, s.bus2, s.phases, s.delta, element, s.where, m.bus1, m.bus2);
    f.capacitors.push_back(std::move(m));
  }
  for (const ReactorState& s : ws.reactors.items) {
    model::Reactor m;
    m.name = s.name, m.enabled = s.enabled, m.location = s.where.location();
    const std::string element = "reactor." + s.name;
    m.phases = s.phases;
    m.conn = s.delta ? model::Connection::Delta : model::Connection::Wye;
    const auto n = static_cast<std::size_t>(s.phases);
    m.z = CMatrix(n);
    if (s.spec == 3) {
      for (std::size_t i = 0; i < n * n; ++i) {
        m.z.values[i] = Complex(i < s.rmatrix.size() ? s.rmatrix[i] : 0.0,
                                i < s.xmatrix.size() ? s.xmatrix[i] : 0.0);
      }
    } else if (s.spec == 4) {
      const Complex z0 = s.z0_given ? s.z0 : s.z1;
      for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < n; ++j) m.z(i, j) = i == j ? (2.0 * s.z1 + z0) / 3.0 : (z0 - s.z1) / 3.0;
      }
    } else {
      Complex z(s.r, s.x);
      if (s.spec == 1) {
        if (s.kvar == 0.0) modelError(element, s.where, "kvar must not be zero");
        const double vph = s.delta || s.phases == 1 ? s.kv : s.kv / core::kSqrt3;
        z = Complex(0.0, vph * vph * 1000.0 / (s.kvar / s.phases));
      }
      for (std::size_t i = 0; i < n; ++i) m.z(i, i) = z;
    }
    shuntOrSeries(f, s.bus1, s.bus2, s.phases, s.delta, element, s.where, m.bus1, m.bus2);
    f.reactors.push_back(std::move(m));
  }
}

model::LoadClass loadClass(int c) {
  switch (c) {
    case 0: return model::LoadClass::Unknown;
    case 1: return model::LoadClass::Residential;
    case 2: return model::LoadClass::Commercial;
    case 3: return model::LoadClass::Industrial;
    default: return model::LoadClass::Other;
  }
}

void buildLoads(const Workspace& ws, model::Feeder& f) {
  f.loads.reserve(ws.loads.items.size());
  for (const LoadState& s : ws.loads.items) {
    model::Load m;
    m.name = s.name, m.enabled = s.enabled, m.location = s.where.location();
    const std::string element = "load." + s.name;
    m.phases = s.phases;
    m.conn = s.delta ? model::Connection::Delta : model::Connection::Wye;
    const int nconds = s.delta && s.phases > 2 ? s.phases : s.phases + 1;
    m.bus1 = makeTerminal(f, s.bus1, nconds, s.phases, element, s.where, "bus1");
    m.kv = s.kv, m.kw = s.kw, m.kvar = s.kvar, m.pf = s.pf;
    m.kva = s.kva_given ? s.kva : 0.0;
    m.xfkva = s.xfkva, m.allocation_factor = s.af;
    m.model = static_cast<model::LoadModel>(s.model);
    m.vminpu = s.vminpu, m.vmaxpu = s.vmaxpu, m.cvr_watts = s.cvr_watts, m.cvr_vars = s.cvr_vars;
    if (s.zipv.size() == 7) {
      std::copy(s.zipv.begin(), s.zipv.end(), m.zipv.begin());
      m.zipv_given = true;
    }
    m.load_class = loadClass(s.load_class);
    m.num_customers = s.num_cust;
    m.yearly = s.yearly, m.daily = s.daily, m.duty = s.duty, m.status = s.status;
    if (!std::isfinite(m.kw) || !std::isfinite(m.kvar)) modelError(element, s.where, "kW/kvar not finite");
    f.loads.push_back(std::move(m));
  }
}

void buildOthers(const Workspace& ws, model::Feeder& f) {
  for (const OtherState& s : ws.others.items) {
    model::OtherElement m;
    const std::size_t dot = s.name.find('.');
    m.name = dot == std::string::npos ? s.name : s.name.substr(dot + 1);
    m.cls = s.cls, m.enabled = s.enabled, m.location = s.where.location();
    m.kw = s.kw, m.kvar = s.kvar;
    const bool connects = s.cls == "generator" || s.cls == "pvsystem" || s.cls == "storage" ||
                          s.cls == "vccs";
    if (connects) {
      const int nconds = s.cls == "vccs" || s.delta ? s.phases : s.phases + 1;
      for (const BusSpec& b : s.buses) {
        if (b.given) m.terminals.push_back(makeTerminal(f, b, nconds, s.phases, s.name, s.where, "bus1"));
      }
    }
    f.others.push_back(std::move(m));
  }
}

}  // namespace

void modelError(const std::string& element, const Where& where, const std::string& message) {
  throw core::ModelError(element, message + " (" + element + " defined at " + where.location().str() + ")");
}

model::Terminal makeTerminal(model::Feeder& feeder, const BusSpec& bus, int nconds, int nphases,
                             const std::string& element, const Where& where, const char* which) {
  if (!bus.given) modelError(element, where, std::string(which) + " is not given");
  model::Terminal t;
  t.nodes.resize(static_cast<std::size_t>(std::max(nconds, 0)));
  for (std::size_t i = 0; i < t.nodes.size(); ++i) {
    t.nodes[i] = static_cast<int>(i) < nphases ? static_cast<int>(i + 1) : 0;
  }
  for (std::size_t i = 0; i < t.nodes.size() && i < bus.nodes.size(); ++i) t.nodes[i] = bus.nodes[i];
  t.bus = feeder.addBus(bus.name);
  return t;
}

void buildFeeder(const Workspace& ws, model::Feeder& feeder) {
  feeder.name = ws.circuit_name;
  const int main = ws.sources.find("source");
  if (main >= 0) buildSource(ws.sources.items[static_cast<std::size_t>(main)], feeder);
  for (std::size_t i = 0; i < ws.sources.items.size(); ++i) {
    if (static_cast<int>(i) != main) buildSource(ws.sources.items[i], feeder);
  }
  buildLines(ws, feeder);
  buildTransformers(ws, feeder);
  buildControls(ws, feeder);
  buildShunts(ws, feeder);
  buildLoads(ws, feeder);
  buildOthers(ws, feeder);

  const ScriptSettings& s = ws.settings;
  feeder.settings.base_frequency_hz = s.base_freq;
  feeder.settings.voltage_bases_kv = s.voltage_bases;
  feeder.settings.controls_off = s.controls_off;
  feeder.settings.load_mult = s.load_mult;
  feeder.settings.max_iterations = s.max_iterations;
  feeder.settings.max_control_iterations = s.max_control_iterations;
  feeder.settings.tolerance = s.tolerance;
  feeder.settings.earth_model = s.earth_model;

  if (ws.calc_voltage_bases_at >= 0 && !s.voltage_bases.empty()) {
    const int unreached = assignVoltageBases(feeder, s.voltage_bases);
    if (unreached > 0) {
      feeder.diagnostics.warn("isolated-buses", "", {}, std::to_string(unreached) +
                                                            " buses are not connected to a source;"
                                                            " they get no voltage base");
    }
  }
  for (const KvBaseEntry& e : ws.kv_bases) {
    if (e.sequence < ws.calc_voltage_bases_at) continue;
    if (auto id = feeder.findBus(e.bus)) feeder.buses[static_cast<std::size_t>(*id)].kv_base_ll = e.kv_ll;
  }
  for (const CoordEntry& c : ws.coords) {
    auto it = feeder.bus_index.find(c.bus);
    if (it != feeder.bus_index.end()) {
      feeder.buses[static_cast<std::size_t>(it->second)].coords = std::array<double, 2>{c.x, c.y};
    }
  }
}

}  // namespace feederlab::io::dss
