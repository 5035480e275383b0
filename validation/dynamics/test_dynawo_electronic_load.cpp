// Dynawo SingleMachineSystem_ElectronicLoad: the recorded load-bus voltage U(NLOAD) is replayed at
// the port of feederlab's ElectronicLoad (load-models.md 3.4) and of a constant-impedance
// StaticLoad (load-models.md 3.5, the Dynawo LoadAlphaBeta with alpha = beta = 2); their P and Q are
// compared with the reference curves outside the excluded windows of tolerances.json.
// Parameter mapping (SingleMachineSystem.par set "ElectronicLoad", iidm load "ElectronicLoad"):
//   load_Ud1Pu 0.8 -> v_d1, load_Ud2Pu 0.6 -> v_d2, load_recoveringShare 0.7 -> frcel,
//   tFilter (Dynawo default 1e-2 s, not set in the .par) -> t_filter; P0 = 100 MW, Q0 = 0 (iidm p, q)
//   -> initial power on a 100 MVA device base, so device pu = Dynawo pu (SnRef = 100 MVA).
//   "LOAD" (LoadAlphaBeta, alpha = beta = 2): P0 500 MW, Q0 200 Mvar -> StaticLoad p1c = q1c = 1,
//   p1e = q1e = 2, initialized to the reference's first-row P, Q at the first-row U.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <iostream>

#include "feederlab/loads/electronic_load.hpp"
#include "feederlab/loads/static_load.hpp"
#include "implicit_driver.hpp"
#include "reference_series.hpp"
#include "replay_support.hpp"

namespace fv = feederlab::validation;
namespace fl = feederlab::loads;
using Complex = std::complex<double>;

TEST_CASE("dynawo electronic load: replayed U(NLOAD) reproduces electronic and static P, Q") {
  const auto tol_all = fv::tolerances();
  const auto& tol = tol_all.at("dynawo_electronic_load");
  const fv::DynawoCurves ref(fv::referenceDir() / tol.at("reference").get<std::string>());
  const fv::Series u = ref.column("NETWORK_NLOAD_Upu_value");
  const auto ws = fv::windows(tol.at("excluded_windows"));
  const double h = tol.at("step_s").get<double>();

  fl::ElectronicLoadParameters ep;
  ep.v_d1 = 0.8;
  ep.v_d2 = 0.6;
  ep.frcel = 0.7;
  ep.t_filter = 0.01;
  fl::ElectronicLoad el("ElectronicLoad", ep);
  fl::StaticLoadParameters sp;
  sp.p1c = 1.0, sp.p1e = 2.0, sp.p2c = 0.0, sp.p_frq = 0.0;
  sp.q1c = 1.0, sp.q1e = 2.0, sp.q2c = 0.0, sp.q_frq = 0.0;
  sp.v_zload = 0.0;
  fl::StaticLoad st("LOAD", sp);

  const Complex v0{u.at(0.0), 0.0};
  const Complex s_el{ref.value(0, "ElectronicLoad_load_PPu"), ref.value(0, "ElectronicLoad_load_QPu")};
  const Complex s_st{ref.value(0, "LOAD_load_PPu"), ref.value(0, "LOAD_load_QPu")};
  std::vector<double> x_el(1), x_st;
  {
    feederlab::dae::PortOperatingPoint op{v0, s_el};
    el.initialize(std::span(&op, 1), x_el);
    feederlab::dae::PortOperatingPoint op2{v0, s_st};
    st.initialize(std::span(&op2, 1), x_st);
  }
  auto voltage = [&](double t) { return std::vector<double>{u.at(t), 0.0}; };
  fl::testing::TrapezoidDriver drv(el, voltage, x_el);

  // Pre-event values: the last row before the first event (the fault at 1.0 s).
  const double t_event = ref.eventTimes().at(0);
  std::size_t pre = 0;
  while (pre + 1 < ref.rowCount() && ref.time(pre + 1) < t_event) ++pre;
  const double p_el_pre = ref.value(pre, "ElectronicLoad_load_PPu"), q_el_pre = ref.value(pre, "ElectronicLoad_load_QPu");
  const double s_el_pre = std::hypot(p_el_pre, q_el_pre);
  // Q0 = 0 here, so "2 % of the pre-event Q" would be a zero band: Q is scaled by the pre-event |S|.
  fv::ErrorTrack e_p{"electronic P", std::abs(p_el_pre)}, e_q{"electronic Q (scale |S_pre|)", s_el_pre};
  fv::ErrorTrack s_p{"static P", std::abs(ref.value(pre, "LOAD_load_PPu"))};
  fv::ErrorTrack s_q{"static Q", std::abs(ref.value(pre, "LOAD_load_QPu"))};

  std::size_t skipped = 0;
  for (std::size_t r = 0; r < ref.rowCount(); ++r) {
    const double t = ref.time(r);
    if (t > drv.t()) drv.advanceTo(t, h);
    const bool duplicate = (r > 0 && ref.time(r - 1) == t) || (r + 1 < ref.rowCount() && ref.time(r + 1) == t);
    if (duplicate || fv::excluded(t, ws)) {  // switching instants: see tolerances.json
      ++skipped;
      continue;
    }
    const auto v = voltage(t);
    const Complex se = fv::devicePower(el, t, drv.x(), v), ss = fv::devicePower(st, t, x_st, v);
    e_p.add(t, se.real(), ref.value(r, "ElectronicLoad_load_PPu"));
    e_q.add(t, se.imag(), ref.value(r, "ElectronicLoad_load_QPu"));
    s_p.add(t, ss.real(), ref.value(r, "LOAD_load_PPu"));
    s_q.add(t, ss.imag(), ref.value(r, "LOAD_load_QPu"));
  }
  const double tp = tol.at("electronic_p_max_rel_error").get<double>();
  const double tq = tol.at("electronic_q_max_rel_error").get<double>();
  const double ts = tol.at("static_max_rel_error").get<double>();
  std::cout << fmt::format("dynawo_electronic_load: {} reference rows, {} at switching instants or in excluded windows, "
                           "step {} s, final v_min memory {:.4f} pu\n",
                           ref.rowCount(), skipped, h, drv.x()[0])
            << e_p.line(tp) << "\n" << e_q.line(tq) << "\n" << s_p.line(ts) << "\n" << s_q.line(ts) << "\n";
  CHECK_MESSAGE(e_p.max_rel <= tp, e_p.line(tp));
  CHECK_MESSAGE(e_q.max_rel <= tq, e_q.line(tq));
  CHECK_MESSAGE(s_p.max_rel <= ts, s_p.line(ts));
  CHECK_MESSAGE(s_q.max_rel <= ts, s_q.line(ts));
  CHECK(e_p.samples > 100);  // the comparison really covered the run
}
