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

void ControlLoop::queue(bool is_reg, int index, double delay) { queue_.push_back({delay, is_reg, index}); }

void ControlLoop::unqueue(bool is_reg, int index) {
  std::erase_if(queue_, [&](const Action& a) { return a.is_reg == is_reg && a.index == index; });
}

bool ControlLoop::sample(const std::vector<Complex>& v) {
  for (auto& r : regs_) sampleReg(r, v);
  for (auto& c : caps_) sampleCap(c, v);
  return !queue_.empty();
}

void ControlLoop::sampleReg(Reg& r, const std::vector<Complex>& v) {
  const auto& f = net_.feeder();
  const auto& rc = f.regcontrols[static_cast<size_t>(r.control)];
  const auto& xf = f.transformers[static_cast<size_t>(r.transformer)];
  const auto& p = net_.branches()[static_cast<size_t>(r.primitive)];
  if (rc.max_tap_change == 0) {
    r.pending = 0.0;
    return;
  }
  std::vector<Complex> vt, it;
  primitiveVI(p, v, vt, it);
  const int w = std::clamp(rc.winding, 1, static_cast<int>(xf.windings.size())) - 1;
  const int tw = (rc.tap_winding > 0 ? std::min(rc.tap_winding, static_cast<int>(xf.windings.size())) : w + 1) - 1;
  const size_t nc = static_cast<size_t>(p.conductors);
  const size_t off = static_cast<size_t>(w) * nc;
  // Winding voltages per phase (coil voltage: phase to neutral, or phase to next phase for delta).
  std::vector<Complex> vw(static_cast<size_t>(xf.phases));
  for (size_t ph = 0; ph < vw.size(); ++ph) {
    const bool delta = xf.windings[static_cast<size_t>(w)].conn == model::Connection::Delta && xf.phases > 1;
    vw[ph] = vt[off + ph] - (delta ? vt[off + (ph + 1) % static_cast<size_t>(xf.phases)] : vt[off + nc - 1]);
  }
  size_t phase = 0;
  if (rc.pt_phase == -1 || rc.pt_phase == -2) {
    for (size_t ph = 1; ph < vw.size(); ++ph)
      if (rc.pt_phase == -1 ? std::abs(vw[ph]) > std::abs(vw[phase]) : std::abs(vw[ph]) < std::abs(vw[phase]))
        phase = ph;
  } else {
    phase = static_cast<size_t>(std::clamp(rc.pt_phase, 1, xf.phases) - 1);
  }
  Complex vcontrol = vw[phase] / rc.pt_ratio;
  const double vlocal = std::abs(vcontrol);
  if (rc.r_ldc != 0.0 || rc.x_ldc != 0.0) {
    // Line-drop compensation: the CT current flows into the winding terminal, so adding
    // (R + jX) * I_ct is Vterm - (R + jX) * I_line (OpenDSS RegControl).
    const Complex i_ldc = it[off + phase] / rc.ct_primary;
    vcontrol += Complex(rc.r_ldc, rc.x_ldc) * i_ldc;
  }
  const double vactual = std::abs(vcontrol);
  bool needed = std::abs(rc.vreg - vactual) > rc.band / 2.0;
  const bool vlimit = rc.vlimit > 0.0 && vlocal > rc.vlimit;
  if (vlimit) needed = true;
  if (!needed) {
    r.pending = 0.0;
    if (r.armed) {
      unqueue(true, static_cast<int>(&r - regs_.data()));
      r.armed = false;
    }
    return;
  }
  const double boost = vlimit ? rc.vlimit - vlocal : rc.vreg - vactual;
  const auto& wt = xf.windings[static_cast<size_t>(tw)];
  const double inc = wt.num_taps > 0 ? (wt.max_tap - wt.min_tap) / wt.num_taps : 0.0;
  if (inc <= 0.0) return;
  const double boost_pu = boost * rc.pt_ratio / windingBaseVolts(xf, w);
  r.pending = std::round(boost_pu / inc) * inc;
  if (tw != w) r.pending = -r.pending;
  if (r.pending != 0.0 && !r.armed) {
    const double tap = net_.state().tap(r.transformer, tw);
    if ((r.pending > 0.0 && tap < wt.max_tap) || (r.pending < 0.0 && tap > wt.min_tap)) {
      queue(true, static_cast<int>(&r - regs_.data()), rc.delay);
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

void ControlLoop::sampleCap(Cap& c, const std::vector<Complex>& v) {
  const auto& f = net_.feeder();
  const auto& cc = f.capcontrols[static_cast<size_t>(c.control)];
  const auto& cap = f.capacitors[static_cast<size_t>(c.capacitor)];
  const auto& steps = net_.state().capacitor_steps[static_cast<size_t>(c.capacitor)];
  const int in_service = static_cast<int>(std::count(steps.begin(), steps.end(), 1));
  const bool closed = in_service > 0;
  const int available = static_cast<int>(steps.size()) - in_service;
  const auto& p = net_.branches()[static_cast<size_t>(c.monitored)];
  std::vector<Complex> vt, it;
  primitiveVI(p, v, vt, it);
  const size_t nc = static_cast<size_t>(p.conductors);
  const size_t off = static_cast<size_t>(std::clamp(cc.terminal, 1, p.terminals) - 1) * nc;
  const size_t nph = std::min(nc, static_cast<size_t>(std::max(cap.phases, 1)));
  auto control_voltage = [&] {
    std::vector<double> mags;
    for (size_t i = 0; i < nph; ++i) mags.push_back(std::abs(vt[off + i]));
    if (cc.pt_phase == -1) return *std::max_element(mags.begin(), mags.end()) / cc.pt_ratio;
    if (cc.pt_phase == -2) return *std::min_element(mags.begin(), mags.end()) / cc.pt_ratio;
    if (cc.pt_phase == 0) {
      double s = 0;
      for (double m : mags) s += m;
      return s / static_cast<double>(mags.size()) / cc.pt_ratio;
    }
    const size_t ph = static_cast<size_t>(std::clamp(cc.pt_phase, 1, static_cast<int>(nph)) - 1);
    if (cap.conn == model::Connection::Delta) return std::abs(vt[off + ph] - vt[off + (ph + 1) % nph]) / cc.pt_ratio;
    return std::abs(vt[off + ph]) / cc.pt_ratio;
  };
  Complex s_term{};
  for (size_t i = 0; i < nc; ++i) s_term += vt[off + i] * std::conj(it[off + i]);
  bool should = false;
  if (cc.volt_override && cc.type != model::CapControlType::Voltage) {
    const double vt_ctl = control_voltage();
    if (!closed && vt_ctl < cc.vmin) c.pending = CapAction::Close, should = true;
    if (closed && vt_ctl > cc.vmax) c.pending = CapAction::Open, should = true;
  }
  // Generic on/off test: close when `x` is past `on`, open when past `off`.
  auto decide = [&](double x, bool close_when_above) {
    const bool on = close_when_above ? x > cc.on_setting : x < cc.on_setting;
    const bool off = close_when_above ? x < cc.off_setting : x > cc.off_setting;
    c.pending = CapAction::None;
    if (!closed) {
      if (on) c.pending = CapAction::Close, should = true;
    } else if (off) {
      c.pending = CapAction::Open, should = true;
    } else if (available > 0 && on) {
      c.pending = CapAction::Close, should = true;
    }
  };
  if (!should) switch (cc.type) {
      case model::CapControlType::Current: {
        // OpenDSS indexes the element current array by ct phase without the terminal offset.
        const size_t k = static_cast<size_t>(std::clamp(cc.ct_phase, 1, static_cast<int>(it.size())) - 1);
        decide(std::abs(it[k]) / cc.ct_ratio, true);
        break;
      }
      case model::CapControlType::Voltage: decide(control_voltage(), false); break;
      case model::CapControlType::Kvar: decide(s_term.imag() * 0.001, true); break;
      case model::CapControlType::Pf: {
        const double sabs = std::abs(s_term);
        double pf = sabs != 0.0 ? std::abs(s_term.real()) / sabs : 1.0;
        if (s_term.imag() < 0.0) pf = 2.0 - pf;
        double total = 0;
        for (double k : cap.kvar) total += k;
        c.pending = CapAction::None;
        if (!closed) {
          if (pf < cc.on_setting && s_term.imag() * 0.001 > 0.0) c.pending = CapAction::Close, should = true;
        } else if (pf > cc.off_setting) {
          c.pending = CapAction::Open, should = true;
        } else if (available > 0 && pf < cc.on_setting &&
                   s_term.imag() * 0.001 > total / static_cast<double>(cap.kvar.size()) * 0.5) {
          c.pending = CapAction::Close, should = true;
        }
        break;
      }
      case model::CapControlType::Time: decide(0.0, true); break;  // snapshot: hour 0
    }
  const int index = static_cast<int>(&c - caps_.data());
  if (should && !c.armed) {
    double delay = cc.delay_off;
    if (c.pending == CapAction::Close)
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
    changed |= a.is_reg ? executeReg(regs_[static_cast<size_t>(a.index)]) : executeCap(caps_[static_cast<size_t>(a.index)]);
  return changed;
}

}  // namespace feederlab::powerflow::detail
