// Vsource, Transformer/XfmrCode, RegControl, Capacitor, CapControl and Reactor edits,
// following OpenDSS's VSource.pas, Transformer.pas, Capacitor.pas and Reactor.pas.
#include <algorithm>
#include <cmath>

#include "feederlab/core/strings.hpp"
#include "feederlab/io/dss_edit.hpp"

namespace feederlab::io::dss {

namespace {

Complex toComplex(const Value& v, const Where& w) {
  const auto n = toNumbers(v, w);
  if (n.size() != 2) fail(w, v.text, "expected a complex value [real, imag]");
  return {n[0], n[1]};
}

int toPhase(const Value& v, const Where& w) {
  const std::string t = lower(core::trim(v.text));
  if (t.rfind("max", 0) == 0) return -1;
  if (t.rfind("min", 0) == 0) return -2;
  if (t.rfind("avg", 0) == 0) return -3;
  return toInt(v, w);
}

bool toDelta(const Value& v) {
  const std::string t = lower(core::trim(v.text));
  return !t.empty() && (t[0] == 'd' || (t.size() > 1 && t[0] == 'l' && t[1] == 'l'));
}

double trapZero(double value, double fallback, EditEnv& env) {
  if (value != 0.0) return value;
  env.warn("zero-reactance", "zero reactance given; OpenDSS's default " +
                                 std::to_string(fallback) + "% is used");
  return fallback;
}

// Index of a property in the Transformer table for an XfmrCode property index.
int transformerIndexOfCode(int code_prop) {
  static const std::vector<int> map = [] {
    const PropTable& code = propTable(ClassId::XfmrCode);
    const PropTable& xf = propTable(ClassId::Transformer);
    std::vector<int> m(code.names.size() + 1, 0);
    for (std::size_t i = 0; i < code.names.size(); ++i) m[i + 1] = xf.find(code.names[i]);
    return m;
  }();
  return code_prop >= 1 && code_prop < static_cast<int>(map.size()) ? map[static_cast<std::size_t>(code_prop)]
                                                                      : 0;
}

void setWindingCount(TransformerState& s, int n, EditEnv& env) {
  if (n < 2 || n > 100) {
    env.warn("bad-windings", "windings=" + std::to_string(n) + " ignored (needs 2 or more)");
    return;
  }
  const std::size_t old_pairs = s.xsc.size();
  s.windings.assign(static_cast<std::size_t>(n), WindingState{});
  const std::size_t pairs = static_cast<std::size_t>(n * (n - 1) / 2);
  s.xsc.resize(pairs, 0.30);
  for (std::size_t i = old_pairs; i < pairs; ++i) s.xsc[i] = 0.30;
  s.active = 1;
}

template <class F>
void forEachWinding(TransformerState& s, const Value& v, EditEnv& env, const char* what, F set) {
  const auto list = toArray(v, env.where);
  if (list.size() != s.windings.size()) {
    env.warn("array-length", std::string(what) + " has " + std::to_string(list.size()) +
                                 " values for " + std::to_string(s.windings.size()) + " windings");
  }
  for (std::size_t i = 0; i < s.windings.size() && i < list.size(); ++i) {
    if (!list[i].text.empty()) set(s.windings[i], list[i]);
  }
}

void fetchXfmrCode(TransformerState& s, std::string_view code, EditEnv& env) {
  const int id = env.ws.xfmrcodes.find(lower(code));
  if (id < 0) {
    throw core::ModelError(env.element, "xfmrcode '" + std::string(code) + "' is not defined (at " +
                                            env.where.location().str() + ")");
  }
  const TransformerState& c = env.ws.xfmrcodes.items[static_cast<std::size_t>(id)];
  std::vector<BusSpec> buses;
  for (const auto& w : s.windings) buses.push_back(w.bus);
  s.phases = c.phases;
  s.windings = c.windings;
  for (std::size_t i = 0; i < s.windings.size() && i < buses.size(); ++i) s.windings[i].bus = buses[i];
  s.xhl = c.xhl, s.xht = c.xht, s.xlt = c.xlt, s.xsc = c.xsc;
  s.xhl_changed = c.xhl_changed;
  s.pct_loadloss = c.pct_loadloss, s.loadloss_given = c.loadloss_given;
  s.pct_noloadloss = c.pct_noloadloss, s.pct_imag = c.pct_imag, s.ppm = c.ppm;
  s.xfmrcode = c.name;
}

void updateLoadLoss(TransformerState& s) {
  if (s.windings.size() >= 2) s.pct_loadloss = (s.windings[0].r_pu + s.windings[1].r_pu) * 100.0;
}

}  // namespace

void applySource(SourceState& s, int prop, const Value& v, EditEnv& env) {
  const Where& w = env.where;
  switch (prop) {
    case 1: s.bus1 = toBus(v, w); break;
    case 2: s.basekv = toNumber(v, w); break;
    case 3: s.pu = toNumber(v, w); break;
    case 4: s.angle = toNumber(v, w); break;
    case 5: s.frequency = toNumber(v, w); break;
    case 6: s.phases = std::clamp(toInt(v, w), 1, 100); break;
    case 7: s.mvasc3 = toNumber(v, w), s.zspec = 1; break;
    case 8: s.mvasc1 = toNumber(v, w), s.zspec = 1; break;
    case 9: s.x1r1 = toNumber(v, w); break;
    case 10: s.x0r0 = toNumber(v, w); break;
    case 11: s.isc3 = toNumber(v, w), s.zspec = 2; break;
    case 12: s.isc1 = toNumber(v, w), s.zspec = 2; break;
    case 13: s.r1 = s.r2 = toNumber(v, w), s.zspec = 3; break;
    case 14: s.x1 = s.x2 = toNumber(v, w), s.zspec = 3; break;
    case 15: s.r0 = toNumber(v, w), s.zspec = 3; break;
    case 16: s.x0 = toNumber(v, w), s.zspec = 3; break;
    case 20: {
      const Complex z = toComplex(v, w);
      s.r1 = z.real(), s.x1 = z.imag();
      if (!s.z2_given) s.r2 = s.r1, s.x2 = s.x1;
      if (!s.z0_given) s.r0 = s.r1, s.x0 = s.x1;
      s.zspec = 3;
      break;
    }
    case 21: {
      const Complex z = toComplex(v, w);
      s.r0 = z.real(), s.x0 = z.imag(), s.z0_given = true, s.zspec = 3;
      break;
    }
    case 22: {
      const Complex z = toComplex(v, w);
      s.r2 = z.real(), s.x2 = z.imag(), s.z2_given = true, s.zspec = 3;
      break;
    }
    case 23:
      s.puz1 = toComplex(v, w), s.puz1_given = true, s.zspec = 3;
      if (!s.puz2_given) s.puz2 = s.puz1;
      if (!s.puz0_given) s.puz0 = s.puz1;
      break;
    case 24: s.puz0 = toComplex(v, w), s.puz0_given = true, s.zspec = 3; break;
    case 25: s.puz2 = toComplex(v, w), s.puz2_given = true, s.zspec = 3; break;
    case 26: s.basemva = toNumber(v, w); break;
    case 33: s.frequency = toNumber(v, w); break;
    case 34: s.enabled = toYesNo(v); break;
    default: break;
  }
}

void applyTransformer(TransformerState& s, int prop, const Value& v, EditEnv& env, bool is_code) {
  if (is_code) prop = transformerIndexOfCode(prop);
  const Where& w = env.where;
  WindingState& wdg = s.windings[static_cast<std::size_t>(s.active - 1)];
  switch (prop) {
    case 1: s.phases = std::clamp(toInt(v, w), 1, 100); break;
    case 2: setWindingCount(s, toInt(v, w), env); break;
    case 3: {
      const int k = toInt(v, w);
      if (k < 1 || k > static_cast<int>(s.windings.size())) {
        fail(w, v.text, "wdg out of range 1.." + std::to_string(s.windings.size()));
      }
      s.active = k;
      break;
    }
    case 4: wdg.bus = toBus(v, w); break;
    case 5: wdg.delta = toDelta(v); break;
    case 6: wdg.kv = toNumber(v, w); break;
    case 7:
      wdg.kva = toNumber(v, w);
      if (s.active == 1) {
        for (auto& x : s.windings) x.kva = wdg.kva;
      } else if (s.windings.size() == 2) {
        s.windings[0].kva = wdg.kva;
      }
      break;
    case 8: wdg.tap = toNumber(v, w); break;
    case 9: wdg.r_pu = toNumber(v, w) * 0.01, updateLoadLoss(s); break;
    case 10: wdg.rneut = toNumber(v, w); break;
    case 11: wdg.xneut = toNumber(v, w); break;
    case 12: forEachWinding(s, v, env, "buses", [&](WindingState& x, const Value& e) { x.bus = toBus(e, w); }); break;
    case 13: forEachWinding(s, v, env, "conns", [&](WindingState& x, const Value& e) { x.delta = toDelta(e); }); break;
    case 14: forEachWinding(s, v, env, "kvs", [&](WindingState& x, const Value& e) { x.kv = toNumber(e, w); }); break;
    case 15: forEachWinding(s, v, env, "kvas", [&](WindingState& x, const Value& e) { x.kva = toNumber(e, w); }); break;
    case 16: forEachWinding(s, v, env, "taps", [&](WindingState& x, const Value& e) { x.tap = toNumber(e, w); }); break;
    case 37:
      forEachWinding(s, v, env, "%rs", [&](WindingState& x, const Value& e) { x.r_pu = toNumber(e, w) * 0.01; });
      updateLoadLoss(s);
      break;
    case 17: case 41: s.xhl = trapZero(toNumber(v, w), 7.0, env) * 0.01, s.xhl_changed = true; break;
    case 18: case 42: s.xht = trapZero(toNumber(v, w), 35.0, env) * 0.01, s.xhl_changed = true; break;
    case 19: case 43: s.xlt = trapZero(toNumber(v, w), 30.0, env) * 0.01, s.xhl_changed = true; break;
    case 20: {
      const auto x = toNumbers(v, w);
      if (x.size() != s.xsc.size()) {
        env.warn("array-length", "xscarray has " + std::to_string(x.size()) + " values, expected " +
                                     std::to_string(s.xsc.size()));
      }
      for (std::size_t i = 0; i < x.size() && i < s.xsc.size(); ++i) s.xsc[i] = x[i] * 0.01;
      break;
    }
    case 26: {
      s.pct_loadloss = toNumber(v, w);
      s.loadloss_given = true;
      s.windings[0].r_pu = s.pct_loadloss / 200.0;
      if (s.windings.size() > 1) s.windings[1].r_pu = s.windings[0].r_pu;
      break;
    }
    case 27: s.pct_noloadloss = toNumber(v, w); break;
    case 30: s.sub = toYesNo(v); break;
    case 31: wdg.max_tap = toNumber(v, w); break;
    case 32: wdg.min_tap = toNumber(v, w); break;
    case 33: wdg.num_taps = toInt(v, w); break;
    case 35: s.pct_imag = toNumber(v, w); break;
    case 36: s.ppm = toNumber(v, w); break;
    case 38: s.bank = lower(v.text); break;
    case 39: fetchXfmrCode(s, v.text, env); break;
    case 56: s.enabled = toYesNo(v); break;
    default: break;
  }
}

void endTransformer(TransformerState& s, EditEnv&) {
  if (!s.xhl_changed) return;
  if (!s.xsc.empty()) s.xsc[0] = s.xhl;
  if (s.windings.size() == 3 && s.xsc.size() == 3) {
    s.xsc[1] = s.xht;
    s.xsc[2] = s.xlt;
  }
  s.xhl_changed = false;
}

void applyRegControl(RegControlState& s, int prop, const Value& v, EditEnv& env) {
  const Where& w = env.where;
  switch (prop) {
    case 1: {
      std::string t = lower(core::trim(v.text));
      if (t.rfind("transformer.", 0) == 0) t = t.substr(12);
      s.transformer = t;
      break;
    }
    case 2: s.winding = toInt(v, w); break;
    case 3: s.vreg = toNumber(v, w); break;
    case 4: s.band = toNumber(v, w); break;
    case 5: s.ptratio = toNumber(v, w); break;
    case 6: s.ctprim = toNumber(v, w); break;
    case 7: s.r = toNumber(v, w); break;
    case 8: s.x = toNumber(v, w); break;
    case 10: s.delay = toNumber(v, w); break;
    case 11: s.reversible = toYesNo(v); break;
    case 16: s.tapdelay = toNumber(v, w); break;
    case 18: s.maxtapchange = toInt(v, w); break;
    case 20: s.tap_winding = toInt(v, w); break;
    case 21: s.vlimit = toNumber(v, w); break;
    case 22: s.ptphase = toPhase(v, w); break;
    case 34: s.enabled = toYesNo(v); break;
    default: break;
  }
}

namespace {

void setCapacitorSteps(CapacitorState& s, int n) {
  const auto old = s.kvar.size();
  const auto size = static_cast<std::size_t>(n);
  if (size == old) return;
  if (old == 1) {
    const double kvar = s.kvar[0] / n, cuf = s.cuf[0] / n;
    s.kvar.assign(size, kvar);
    s.cuf.assign(size, cuf);
  } else {
    s.kvar.resize(size, 0.0);
    s.cuf.resize(size, 0.0);
  }
  s.r.resize(size, 0.0);
  s.xl.resize(size, 0.0);
  s.states.assign(size, 1);
}

void readSteps(std::vector<double>& target, CapacitorState& s, const Value& v, const Where& w) {
  auto values = toNumbers(v, w);
  if (values.empty()) fail(w, v.text, "empty array");
  const std::size_t n = std::min(values.size(), s.kvar.size());
  if (n < s.kvar.size()) setCapacitorSteps(s, static_cast<int>(n));
  for (std::size_t i = 0; i < n; ++i) target[i] = values[i];
}

}  // namespace

void applyCapacitor(CapacitorState& s, int prop, const Value& v, EditEnv& env) {
  const Where& w = env.where;
  switch (prop) {
    case 1: s.bus1 = toBus(v, w); break;
    case 2: s.bus2 = toBus(v, w); break;
    case 3: s.phases = std::clamp(toInt(v, w), 1, 100); break;
    case 4: readSteps(s.kvar, s, v, w), s.spec = 1; break;
    case 5: s.kv = toNumber(v, w); break;
    case 6: s.delta = toDelta(v); break;
    case 7: s.cmatrix = toSymMatrix(v, s.phases, w), s.spec = 3; break;
    case 8: readSteps(s.cuf, s, v, w), s.spec = 2; break;
    case 9: readSteps(s.r, s, v, w); break;
    case 10: readSteps(s.xl, s, v, w); break;
    case 12: {
      const int n = toInt(v, w);
      if (n < 1 || n > 1000) fail(w, v.text, "bad number of steps");
      setCapacitorSteps(s, n);
      break;
    }
    case 13: {
      const auto values = toNumbers(v, w);
      for (std::size_t i = 0; i < values.size() && i < s.states.size(); ++i) {
        s.states[i] = values[i] != 0.0 ? 1 : 0;
      }
      break;
    }
    case 20: s.enabled = toYesNo(v); break;
    default: break;
  }
}

void applyCapControl(CapControlState& s, int prop, const Value& v, EditEnv& env) {
  const Where& w = env.where;
  switch (prop) {
    case 1: s.element = lower(core::trim(v.text)); break;
    case 2: s.terminal = toInt(v, w); break;
    case 3: {
      std::string t = lower(core::trim(v.text));
      if (t.rfind("capacitor.", 0) == 0) t = t.substr(10);
      s.capacitor = t;
      break;
    }
    case 4: {
      const std::string t = lower(core::trim(v.text));
      if (t.empty() || std::string_view("cvktp").find(t[0]) == std::string_view::npos) {
        fail(w, v.text, "unknown capcontrol type");
      }
      s.type = t[0];
      break;
    }
    case 5: s.ptratio = toNumber(v, w); break;
    case 6: s.ctratio = toNumber(v, w); break;
    case 7: s.on = toNumber(v, w); break;
    case 8: s.off = toNumber(v, w); break;
    case 9: s.delay = toNumber(v, w); break;
    case 10: s.volt_override = toYesNo(v); break;
    case 11: s.vmax = toNumber(v, w); break;
    case 12: s.vmin = toNumber(v, w); break;
    case 13: s.delay_off = toNumber(v, w); break;
    case 14: s.dead_time = toNumber(v, w); break;
    case 15: s.ctphase = toPhase(v, w); break;
    case 16: s.ptphase = toPhase(v, w); break;
    case 24: s.enabled = toYesNo(v); break;
    default: break;
  }
}

void applyReactor(ReactorState& s, int prop, const Value& v, EditEnv& env) {
  const Where& w = env.where;
  switch (prop) {
    case 1: s.bus1 = toBus(v, w); break;
    case 2: s.bus2 = toBus(v, w); break;
    case 3: s.phases = std::clamp(toInt(v, w), 1, 100); break;
    case 4: s.kvar = toNumber(v, w), s.spec = 1; break;
    case 5: s.kv = toNumber(v, w); break;
    case 6: s.delta = toDelta(v); break;
    case 7: s.rmatrix = toSymMatrix(v, s.phases, w), s.spec = 3; break;
    case 8: s.xmatrix = toSymMatrix(v, s.phases, w), s.spec = 3; break;
    case 10: s.r = toNumber(v, w), s.spec = 2; break;
    case 11: s.x = toNumber(v, w), s.spec = 2; break;
    case 13: s.z1 = toComplex(v, w), s.spec = 4; break;
    case 15: s.z0 = toComplex(v, w), s.z0_given = true, s.spec = 4; break;
    case 16: {
      const Complex z = toComplex(v, w);
      s.r = z.real(), s.x = z.imag(), s.spec = 2;
      break;
    }
    case 26: s.enabled = toYesNo(v); break;
    default: break;
  }
}

}  // namespace feederlab::io::dss
