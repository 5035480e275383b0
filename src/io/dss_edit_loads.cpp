// Load edits (OpenDSS Load.pas: the last of kW, kvar, kVA, xfkVA/AllocationFactor given decides
// how kW and kvar are derived) and the recorded-only classes.
#include <cmath>

#include "feederlab/core/strings.hpp"
#include "feederlab/io/dss_edit.hpp"

namespace feederlab::io::dss {

namespace {

// kvar for a kW and a power factor; a negative power factor means leading (kvar < 0).
double kvarFromPf(double kw, double pf, const EditEnv& env) {
  if (pf == 0.0 || std::fabs(pf) > 1.0) {
    throw core::ModelError(env.element, "power factor " + std::to_string(pf) +
                                            " is outside (0, 1] in magnitude (at " +
                                            env.where.location().str() + ")");
  }
  const double q = kw * std::sqrt(1.0 / (pf * pf) - 1.0);
  return pf < 0.0 ? -q : q;
}

void computeAllocated(LoadState& s) {
  if (s.spec == 3 && s.xfkva > 0.0 && s.pf != 0.0 && std::fabs(s.pf) <= 1.0) {
    s.kw = s.xfkva * s.af * std::fabs(s.pf);
    const double q = s.kw * std::sqrt(1.0 / (s.pf * s.pf) - 1.0);
    s.kvar = s.pf < 0.0 ? -q : q;
  } else if (s.spec == 4 && s.kwhdays > 0.0) {
    s.kw = s.kwh / (s.kwhdays * 24.0) * s.cfactor;
    if (s.pf != 0.0 && std::fabs(s.pf) <= 1.0) {
      const double q = s.kw * std::sqrt(1.0 / (s.pf * s.pf) - 1.0);
      s.kvar = s.pf < 0.0 ? -q : q;
    }
  }
}

std::string statusOf(std::string_view text) {
  const std::string t = lower(core::trim(text));
  if (!t.empty() && t[0] == 'f') return "fixed";
  if (!t.empty() && t[0] == 'e') return "exempt";
  return "variable";
}

}  // namespace

void setLoadAllocationFactor(LoadState& s, double af) {
  s.af = af;
  s.spec = 3;
  computeAllocated(s);
}

void applyLoad(LoadState& s, int prop, const Value& v, EditEnv& env) {
  const Where& w = env.where;
  switch (prop) {
    case 1: s.phases = std::max(1, std::min(toInt(v, w), 100)); break;
    case 2: s.bus1 = toBus(v, w); break;
    case 3: s.kv = toNumber(v, w); break;
    case 4: s.kw = toNumber(v, w), s.spec = 0; break;
    case 5: s.pf = toNumber(v, w), s.pf_changed = true; break;
    case 6: {
      const int m = toInt(v, w);
      if (m < 1 || m > 8) {
        env.warn("bad-load-model", "load model " + std::to_string(m) + " unknown; using model 1");
        s.model = 1;
      } else {
        s.model = m;
      }
      break;
    }
    case 7: s.yearly = lower(v.text); break;
    case 8: s.daily = lower(v.text); break;
    case 9: s.duty = lower(v.text); break;
    case 11: {
      const std::string t = lower(core::trim(v.text));
      s.delta = !t.empty() && (t[0] == 'd' || t.rfind("ll", 0) == 0);
      break;
    }
    case 12: s.kvar = toNumber(v, w), s.spec = 1; break;
    case 15: s.status = statusOf(v.text); break;
    case 16: s.load_class = toInt(v, w); break;
    case 17: s.vminpu = toNumber(v, w); break;
    case 18: s.vmaxpu = toNumber(v, w); break;
    case 21: s.xfkva = toNumber(v, w), s.spec = 3, computeAllocated(s); break;
    case 22: setLoadAllocationFactor(s, toNumber(v, w)); break;
    case 23: s.kva = toNumber(v, w), s.kva_given = true, s.spec = 2; break;
    case 26: s.cvr_watts = toNumber(v, w); break;
    case 27: s.cvr_vars = toNumber(v, w); break;
    case 28: s.kwh = toNumber(v, w), s.spec = 4, computeAllocated(s); break;
    case 29: s.kwhdays = toNumber(v, w), s.spec = 4, computeAllocated(s); break;
    case 30: s.cfactor = toNumber(v, w), s.spec = 4, computeAllocated(s); break;
    case 32: s.num_cust = toInt(v, w); break;
    case 33: {
      auto z = toNumbers(v, w);
      if (z.size() != 7) fail(w, v.text, "zipv needs 7 values, found " + std::to_string(z.size()));
      s.zipv = std::move(z);
      break;
    }
    case 41: s.enabled = toYesNo(v); break;
    default: break;
  }
}

void endLoad(LoadState& s, EditEnv& env) {
  switch (s.spec) {
    case 0: s.kvar = kvarFromPf(s.kw, s.pf, env); break;
    case 1: {
      const double kva = std::hypot(s.kw, s.kvar);
      if (kva > 0.0) {
        s.pf = s.kw / kva;
        if (s.kvar != 0.0 && s.kw * s.kvar < 0.0) s.pf = -s.pf;
      }
      break;
    }
    case 2:
      s.kw = s.kva * std::fabs(s.pf);
      s.kvar = kvarFromPf(s.kw, s.pf, env);
      break;
    default:
      if (s.pf_changed) s.kvar = kvarFromPf(s.kw, s.pf, env);
      break;
  }
  s.pf_changed = false;
}

void applyOther(OtherState& s, int prop, const Value& v, EditEnv& env) {
  const Where& w = env.where;
  switch (prop) {
    case 1: s.phases = std::max(1, std::min(toInt(v, w), 100)); break;
    case 2:
    case 3: {
      const auto k = static_cast<std::size_t>(prop - 2);
      if (s.buses.size() <= k) s.buses.resize(k + 1);
      s.buses[k] = toBus(v, w);
      break;
    }
    case 5: case 9: case 10: s.kw = toNumber(v, w) / (prop == 10 ? 1000.0 : 1.0); break;
    case 8: if (s.kw == 0.0) s.kw = toNumber(v, w); break;
    case 6: s.kvar = toNumber(v, w); break;
    case 11: {
      const std::string t = lower(core::trim(v.text));
      s.delta = !t.empty() && t[0] == 'd';
      break;
    }
    case 12: s.enabled = toYesNo(v); break;
    default: break;
  }
}

}  // namespace feederlab::io::dss
