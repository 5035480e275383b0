// Load compositions per class and per reduced load (reduction.md 2.3: section fractions are
// kW-weighted averages of the class fractions; "Decisions in force": class mapping, motor D spread).
#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdlib>

#include "feederlab/core/error.hpp"
#include "feederlab/io/composition_reader.hpp"
#include "internal.hpp"

#ifndef FEEDERLAB_SOURCE_DATA_DIR
#define FEEDERLAB_SOURCE_DATA_DIR ""
#endif

namespace feederlab::reduce {

std::filesystem::path defaultDataDir() {
  if (const char* env = std::getenv("FEEDERLAB_DATA_DIR"); env && *env) return env;
  return FEEDERLAB_SOURCE_DATA_DIR;
}

model::CompositeSpec readCompositeSpecFile(const std::filesystem::path& composition_file) {
  const auto comp = io::readComposition(composition_file);
  model::CompositeSpec spec;
  spec.name = comp.name;
  spec.fractions = comp.fractions;
  spec.parameters = io::readParameterSet(comp.parameter_set);
  spec.static_override = comp.static_override;
  return spec;
}

}  // namespace feederlab::reduce

namespace feederlab::reduce::detail {

model::LoadClass compositionClass(model::LoadClass c) {
  switch (c) {
    case model::LoadClass::Unknown:  // OpenDSS's default class is 1 (residential)
    case model::LoadClass::Residential: return model::LoadClass::Residential;
    case model::LoadClass::Commercial: return model::LoadClass::Commercial;
    default: return model::LoadClass::Industrial;
  }
}

std::map<model::LoadClass, model::CompositeSpec> classCompositions(const Options& options) {
  std::map<model::LoadClass, model::CompositeSpec> out = options.class_compositions;
  const std::filesystem::path dir = options.data_dir.empty() ? defaultDataDir() : options.data_dir;
  const std::pair<model::LoadClass, const char*> files[] = {
      {model::LoadClass::Residential, "residential_summer_peak.json"},
      {model::LoadClass::Commercial, "commercial_summer_peak.json"},
      {model::LoadClass::Industrial, "industrial_summer_peak.json"}};
  for (const auto& [cls, file] : files) {
    if (out.count(cls)) continue;
    if (dir.empty()) throw core::ModelError("reduce", "no data folder for the default compositions (set FEEDERLAB_DATA_DIR)");
    out[cls] = readCompositeSpecFile(dir / "compositions" / file);
  }
  return out;
}

// Composite current at motor D's stall voltage Vs relative to the base case, over Vs: the factor by
// which the relative voltage drop across a section's laterals and service transformers grows
// between the base case and the moment motors stall (a drop Z I over V, with I from the
// composite's own laws at Vs). Steady-state laws, no dynamics [INTERP]:
//   static      P = P0 (P1c V^P1e + P2c V^P2e + P3), Q likewise            load-models 3.5
//   electronic  share (V - Vd2)/(Vd1 - Vd2) clamped to [0, 1], power factor PFel    3.4
//   motor D     run II: P0 + Kp2 (Vbrk - V)^Np2, Q0 + Kq2 (Vbrk - V)^Nq2 (pu of its base)  3.3
//   motors A/B/C  constant P and Q = P/2 (their slip adjusts; a rough stand-in)
double stallSpreadGain(const model::CompositeSpec& spec) {
  using Cx = std::complex<double>;
  const auto& fr = spec.fractions;
  const auto& pm = spec.parameters;
  const auto& d = pm.motor_d;
  const double vs = std::clamp(d.vStallAdjusted(), 0.3, 0.95);
  auto staticS = [&](double v) {
    const auto& st = spec.static_override ? *spec.static_override : pm.static_load;
    const double p = st.p1c * std::pow(v, st.p1e) + st.p2c * std::pow(v, st.p2e) + (1.0 - st.p1c - st.p2c);
    const double q = st.q1c * std::pow(v, st.q1e) + st.q2c * std::pow(v, st.q2e) + (1.0 - st.q1c - st.q2c);
    const double tan_s = st.pfs > 0.0 && st.pfs < 1.0 ? std::tan(std::acos(st.pfs)) : 0.0;
    return fr.static_load * Cx(p, tan_s * q);
  };
  auto electronicS = [&](double v) {
    const auto& e = pm.electronic;
    const double c = e.vd1 > e.vd2 ? std::clamp((v - e.vd2) / (e.vd1 - e.vd2), 0.0, 1.0) : (v >= e.vd1 ? 1.0 : 0.0);
    const double tan_e = e.pfel > 0.0 && e.pfel < 1.0 ? std::tan(std::acos(e.pfel)) : 0.0;
    return fr.fel * c * Cx(1.0, tan_e);
  };
  const double vbrk = d.vBrkAdjusted();
  const Cx s0 = d.comp_lf * Cx(1.0, std::tan(std::acos(std::clamp(d.comp_pf, 0.05, 1.0))));
  const double above = std::max(0.0, 1.0 - vbrk);
  const Cx run0 = s0 - Cx(d.kp1 * std::pow(above, d.np1), d.kq1 * std::pow(above, d.nq1));
  auto motorDS = [&](double v) {
    const Cx s = v >= vbrk ? run0 + Cx(d.kp1 * std::pow(v - vbrk, d.np1), d.kq1 * std::pow(v - vbrk, d.nq1))
                           : run0 + Cx(d.kp2 * std::pow(vbrk - v, d.np2), d.kq2 * std::pow(vbrk - v, d.nq2));
    return fr.fm_d * s / s0.real();
  };
  const double f_abc = fr.fm_a + fr.fm_b + fr.fm_c;
  auto total = [&](double v) { return staticS(v) + electronicS(v) + motorDS(v) + Cx(f_abc, 0.5 * f_abc); };
  const double i0 = std::abs(total(1.0)), is = std::abs(total(vs)) / vs;
  if (!(i0 > 0.0) || !(is > 0.0)) return 1.0;
  return std::max(1.0, is / i0 / vs);
}

}  // namespace feederlab::reduce::detail
