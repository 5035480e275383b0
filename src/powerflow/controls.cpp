// RegControl and CapControl in OpenDSS's static control mode (RegControl.pas, CapControl.pas,
// ControlQueue.pas semantics; time does not advance, so a queued action fires after every action
// with a shorter delay has).
#include "controls.hpp"

#include <algorithm>
#include <cmath>

#include "feederlab/core/units.hpp"

namespace feederlab::powerflow::detail {

using Complex = std::complex<double>;
using std::size_t;

void primitiveVI(const Primitive& p, const std::vector<Complex>& v, std::vector<Complex>& vt,
                 std::vector<Complex>& it) {
  const size_t m = p.nodes.size();
  vt.assign(m, Complex{});
  it.assign(m, Complex{});
  for (size_t a = 0; a < m; ++a)
    if (p.nodes[a] >= 0) vt[a] = v[static_cast<size_t>(p.nodes[a])];
  for (size_t a = 0; a < m; ++a) {
    Complex s{};
    for (size_t b = 0; b < m; ++b) s += p.y[a * m + b] * vt[b];
    it[a] = s;
  }
}

double windingBaseVolts(const model::Transformer& xf, int winding) {
  const auto& w = xf.windings[static_cast<size_t>(winding)];
  if (w.conn == model::Connection::Delta) return w.kv * 1000.0;
  return (xf.phases == 2 || xf.phases == 3) ? core::lnVolts(w.kv) : w.kv * 1000.0;
}

namespace {

int findBranch(const Network& net, ElementKind kind, int element) {
  const auto& b = net.branches();
  for (size_t i = 0; i < b.size(); ++i)
    if (b[i].kind == kind && b[i].element == element) return static_cast<int>(i);
  return -1;
}

template <class T>
int findByName(const std::vector<T>& list, const std::string& name) {
  for (size_t i = 0; i < list.size(); ++i)
    if (list[i].name == name) return static_cast<int>(i);
  return -1;
}

// "line.xyz" -> (kind, index) in the feeder.
std::pair<ElementKind, int> findElement(const model::Feeder& f, const std::string& full) {
  const auto dot = full.find('.');
  const std::string cls = dot == std::string::npos ? "line" : full.substr(0, dot);
  const std::string name = dot == std::string::npos ? full : full.substr(dot + 1);
  if (cls == "transformer") return {ElementKind::Transformer, findByName(f.transformers, name)};
  if (cls == "capacitor") return {ElementKind::Capacitor, findByName(f.capacitors, name)};
  if (cls == "reactor") return {ElementKind::Reactor, findByName(f.reactors, name)};
  return {ElementKind::Line, findByName(f.lines, name)};
}

}  // namespace

ControlLoop::ControlLoop(Network& network) : net_(network) {
  const auto& f = net_.feeder();
  for (size_t i = 0; i < f.regcontrols.size(); ++i) {
    const auto& rc = f.regcontrols[i];
    if (!rc.enabled || !rc.in_service) continue;
    Reg r;
    r.control = static_cast<int>(i);
    r.transformer = findByName(f.transformers, rc.transformer);
    if (r.transformer < 0) {
      warnings.push_back("regcontrol." + rc.name + ": transformer '" + rc.transformer + "' not found");
      continue;
    }
    r.primitive = findBranch(net_, ElementKind::Transformer, r.transformer);
    if (r.primitive >= 0) regs_.push_back(r);
  }
  for (size_t i = 0; i < f.capcontrols.size(); ++i) {
    const auto& cc = f.capcontrols[i];
    if (!cc.enabled) continue;
    Cap c;
    c.control = static_cast<int>(i);
    c.capacitor = findByName(f.capacitors, cc.capacitor);
    const auto [kind, index] = findElement(f, cc.element);
    c.monitored = index >= 0 ? findBranch(net_, kind, index) : -1;
    c.last_open_time = -cc.dead_time;
    if (c.capacitor < 0 || c.monitored < 0) {
      warnings.push_back("capcontrol." + cc.name + ": capacitor or monitored element not in the network");
      continue;
    }
    caps_.push_back(c);
  }
}

void ControlLoop::queue(bool is_reg, int index, double delay) {
  queue_.push_back({delay, is_reg, index});
}

void ControlLoop::unqueue(bool is_reg, int index) {
  std::erase_if(queue_, [&](const Action& a) { return a.is_reg == is_reg && a.index == index; });
}

bool ControlLoop::sample(const std::vector<Complex>& v) {
  for (auto& r : regs_) sampleReg(r, v);
  for (auto& c : caps_) sampleCap(c, v);
  return !queue_.empty();
}

namespace {

struct RegSample {
  double vactual = 0;  // PT-secondary volts after line-drop compensation
  double vlocal = 0;   // PT-secondary volts at the regulator
};

// Voltage the RegControl sees: the controlled winding's coil voltage on the PT phase (or max/min
// phase) over the PT ratio, plus (R + jX) times the CT current (the CT current flows into the
// winding terminal, so this is Vterm - (R + jX) * I_line, OpenDSS RegControl).
RegSample regulatorVoltage(const model::RegControl& rc, const model::Transformer& xf, const Primitive& p,
                           const std::vector<Complex>& v, int w) {
  std::vector<Complex> vt, it;
  primitiveVI(p, v, vt, it);
  const size_t nc = static_cast<size_t>(p.conductors);
  const size_t off = static_cast<size_t>(w) * nc;
  const bool delta = xf.windings[static_cast<size_t>(w)].conn == model::Connection::Delta && xf.phases > 1;
  std::vector<Complex> vw(static_cast<size_t>(xf.phases));
  for (size_t ph = 0; ph < vw.size(); ++ph)
    vw[ph] = vt[off + ph] - (delta ? vt[off + (ph + 1) % vw.size()] : vt[off + nc - 1]);
  size_t phase = 0;
  if (rc.pt_phase == -1 || rc.pt_phase == -2) {
    for (size_t ph = 1; ph < vw.size(); ++ph)
      if (rc.pt_phase == -1 ? std::abs(vw[ph]) > std::abs(vw[phase]) : std::abs(vw[ph]) < std::abs(vw[phase]))
        phase = ph;
  } else {
    phase = static_cast<size_t>(std::clamp(rc.pt_phase, 1, xf.phases) - 1);
  }
  Complex vcontrol = vw[phase] / rc.pt_ratio;
  RegSample out;
  out.vlocal = std::abs(vcontrol);
  if (rc.r_ldc != 0.0 || rc.x_ldc != 0.0) vcontrol += Complex(rc.r_ldc, rc.x_ldc) * (it[off + phase] / rc.ct_primary);
  out.vactual = std::abs(vcontrol);
  return out;
}

}  // namespace

void ControlLoop::sampleReg(Reg& r, const std::vector<Complex>& v) {
  const auto& f = net_.feeder();
  const auto& rc = f.regcontrols[static_cast<size_t>(r.control)];
  const auto& xf = f.transformers[static_cast<size_t>(r.transformer)];
  if (rc.max_tap_change == 0) {
    r.pending = 0.0;
    return;
  }
  const int nw = static_cast<int>(xf.windings.size());
  const int w = std::clamp(rc.winding, 1, nw) - 1;
  const int tw = (rc.tap_winding > 0 ? std::min(rc.tap_winding, nw) : w + 1) - 1;
  const RegSample smp = regulatorVoltage(rc, xf, net_.branches()[static_cast<size_t>(r.primitive)], v, w);
  const bool vlimit = rc.vlimit > 0.0 && smp.vlocal > rc.vlimit;
  const int index = static_cast<int>(&r - regs_.data());
  if (!vlimit && std::abs(rc.vreg - smp.vactual) <= rc.band / 2.0) {  // in band: reset
    r.pending = 0.0;
    if (r.armed) unqueue(true, index);
    r.armed = false;
    return;
  }
  const double boost = vlimit ? rc.vlimit - smp.vlocal : rc.vreg - smp.vactual;
  const auto& wt = xf.windings[static_cast<size_t>(tw)];
  const double inc = wt.num_taps > 0 ? (wt.max_tap - wt.min_tap) / wt.num_taps : 0.0;
  if (inc <= 0.0) return;
  // Per-unit boost on the winding's base, rounded to whole steps; a tap on another winding moves
  // the other way.
  r.pending = std::round(boost * rc.pt_ratio / windingBaseVolts(xf, w) / inc) * inc;
  if (tw != w) r.pending = -r.pending;
  if (r.pending != 0.0 && !r.armed) {
    const double tap = net_.state().tap(r.transformer, tw);
    if ((r.pending > 0.0 && tap < wt.max_tap) || (r.pending < 0.0 && tap > wt.min_tap)) {
      queue(true, index, rc.delay);
      r.armed = true;
    }
  }
}

bool ControlLoop::executeReg(Reg& r) {
  r.armed = false;
  if (r.pending == 0.0) return false;
  const auto& f = net_.feeder();
  const auto& rc = f.regcontrols[static_cast<size_t>(r.control)];
  const auto& xf = f.transformers[static_cast<size_t>(r.transformer)];
  const int w = std::clamp(rc.winding, 1, static_cast<int>(xf.windings.size())) - 1;
  const int tw = (rc.tap_winding > 0 ? std::min(rc.tap_winding, static_cast<int>(xf.windings.size())) : w + 1) - 1;
  const auto& wt = xf.windings[static_cast<size_t>(tw)];
  const double inc = (wt.max_tap - wt.min_tap) / wt.num_taps;
  // Static mode: 70 % of the way but at least one step, at most MaxTapChange (AtLeastOneTap).
  int steps = static_cast<int>(0.7 * std::abs(r.pending) / inc);
  steps = std::clamp(steps, 1, std::max(rc.max_tap_change, 1));
  double& tap = net_.state().tap(r.transformer, tw);
  const double before = tap;
  tap = std::clamp(tap + (r.pending > 0 ? steps : -steps) * inc, wt.min_tap, wt.max_tap);
  r.pending = 0.0;
  return tap != before;
}

// What a CapControl measures at its monitored terminal (OpenDSS CapControl Sample).
struct CapSample {
  double voltage = 0;  // PT-secondary volts per the PT phase rule
  double current = 0;  // CT-secondary amps
  Complex power;       // VA into the monitored terminal
};

namespace {

CapSample capMeasure(const model::CapControl& cc, const model::Capacitor& cap, const Primitive& p,
                     const std::vector<Complex>& v) {
  std::vector<Complex> vt, it;
  primitiveVI(p, v, vt, it);
  const size_t nc = static_cast<size_t>(p.conductors);
  const size_t off = static_cast<size_t>(std::clamp(cc.terminal, 1, p.terminals) - 1) * nc;
  const size_t nph = std::min(nc, static_cast<size_t>(std::max(cap.phases, 1)));
  CapSample m;
  std::vector<double> mags;
  for (size_t i = 0; i < nph; ++i) mags.push_back(std::abs(vt[off + i]));
  if (cc.pt_phase == -1) {
    m.voltage = *std::max_element(mags.begin(), mags.end()) / cc.pt_ratio;
  } else if (cc.pt_phase == -2) {
    m.voltage = *std::min_element(mags.begin(), mags.end()) / cc.pt_ratio;
  } else if (cc.pt_phase == 0) {
    for (double x : mags) m.voltage += x / static_cast<double>(mags.size()) / cc.pt_ratio;
  } else {
    const size_t ph = static_cast<size_t>(std::clamp(cc.pt_phase, 1, static_cast<int>(nph)) - 1);
    const Complex vp = cap.conn == model::Connection::Delta ? vt[off + ph] - vt[off + (ph + 1) % nph] : vt[off + ph];
    m.voltage = std::abs(vp) / cc.pt_ratio;
  }
  // OpenDSS indexes the element current array by CT phase without the terminal offset.
  m.current =
      std::abs(it[static_cast<size_t>(std::clamp(cc.ct_phase, 1, static_cast<int>(it.size())) - 1)]) / cc.ct_ratio;
  for (size_t i = 0; i < nc; ++i) m.power += vt[off + i] * std::conj(it[off + i]);
  return m;
}

}  // namespace

ControlLoop::CapAction ControlLoop::capDecision(const Cap& c, const CapSample& m, bool closed, int available) const {
  const auto& cc = net_.feeder().capcontrols[static_cast<size_t>(c.control)];
  const auto& cap = net_.feeder().capacitors[static_cast<size_t>(c.capacitor)];
  if (cc.volt_override && cc.type != model::CapControlType::Voltage) {
    if (!closed && m.voltage < cc.vmin) return CapAction::Close;
    if (closed && m.voltage > cc.vmax) return CapAction::Open;
  }
  // Close when x is past `on`, open when past `off`; a closed bank with steps left may step up.
  auto decide = [&](double x, bool close_when_above) {
    const bool on = close_when_above ? x > cc.on_setting : x < cc.on_setting;
    const bool off = close_when_above ? x < cc.off_setting : x > cc.off_setting;
    if (!closed) return on ? CapAction::Close : CapAction::None;
    if (off) return CapAction::Open;
    return available > 0 && on ? CapAction::Close : CapAction::None;
  };
  switch (cc.type) {
    case model::CapControlType::Current:
      return decide(m.current, true);
    case model::CapControlType::Voltage:
      return decide(m.voltage, false);
    case model::CapControlType::Kvar:
      return decide(m.power.imag() * 0.001, true);
    case model::CapControlType::Time:
      return decide(0.0, true);  // snapshot: hour 0
    case model::CapControlType::Pf: {
      const double sabs = std::abs(m.power);
      double pf = sabs != 0.0 ? std::abs(m.power.real()) / sabs : 1.0;
      if (m.power.imag() < 0.0) pf = 2.0 - pf;  // leading: 1..2
      double total = 0;
      for (double k : cap.kvar) total += k;
      const double kvar = m.power.imag() * 0.001;
      if (!closed) return pf < cc.on_setting && kvar > 0.0 ? CapAction::Close : CapAction::None;
      if (pf > cc.off_setting) return CapAction::Open;
      const bool more = pf < cc.on_setting && kvar > total / static_cast<double>(cap.kvar.size()) * 0.5;
      return available > 0 && more ? CapAction::Close : CapAction::None;
    }
  }
  return CapAction::None;
}

void ControlLoop::sampleCap(Cap& c, const std::vector<Complex>& v) {
  const auto& f = net_.feeder();
  const auto& cc = f.capcontrols[static_cast<size_t>(c.control)];
  const auto& cap = f.capacitors[static_cast<size_t>(c.capacitor)];
  const auto& steps = net_.state().capacitor_steps[static_cast<size_t>(c.capacitor)];
  const int in_service = static_cast<int>(std::count(steps.begin(), steps.end(), 1));
  const CapSample m = capMeasure(cc, cap, net_.branches()[static_cast<size_t>(c.monitored)], v);
  c.pending = capDecision(c, m, in_service > 0, static_cast<int>(steps.size()) - in_service);
  const int index = static_cast<int>(&c - caps_.data());
  if (c.pending != CapAction::None && !c.armed) {
    double delay = cc.delay_off;
    if (c.pending == CapAction::Close)  // a recently opened bank waits out its dead time
      delay = (0.0 - c.last_open_time) < cc.dead_time ? std::max(cc.delay, cc.dead_time + cc.delay + c.last_open_time)
                                                      : cc.delay;
    queue(false, index, delay);
    c.armed = true;
  }
  if (c.armed && c.pending == CapAction::None) {
    unqueue(false, index);
    c.armed = false;
  }
}

bool ControlLoop::executeCap(Cap& c) {
  c.armed = false;
  auto& steps = net_.state().capacitor_steps[static_cast<size_t>(c.capacitor)];
  const int in_service = static_cast<int>(std::count(steps.begin(), steps.end(), 1));
  if (c.pending == CapAction::Open && in_service > 0) {
    steps[static_cast<size_t>(in_service - 1)] = 0;
    if (in_service == 1) c.last_open_time = 0.0;
    return true;
  }
  if (c.pending == CapAction::Close && in_service < static_cast<int>(steps.size())) {
    steps[static_cast<size_t>(in_service)] = 1;
    return true;
  }
  return false;
}

bool ControlLoop::doNearest() {
  if (queue_.empty()) return false;
  double t = queue_.front().time;
  for (const auto& a : queue_) t = std::min(t, a.time);
  std::vector<Action> now, later;
  for (const auto& a : queue_) (a.time <= t ? now : later).push_back(a);
  queue_ = later;
  bool changed = false;
  for (const auto& a : now)
    changed |=
        a.is_reg ? executeReg(regs_[static_cast<size_t>(a.index)]) : executeCap(caps_[static_cast<size_t>(a.index)]);
  return changed;
}

}  // namespace feederlab::powerflow::detail
