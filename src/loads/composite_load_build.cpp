// CompositeLoad: port layout from model::Load, component creation, and the builders from a
// power-flow operating point (composite_load.hpp states the model).
#include <algorithm>
#include <cmath>
#include <sstream>

#include "feederlab/core/error.hpp"
#include "feederlab/core/units.hpp"
#include "feederlab/loads/composite_load.hpp"
#include "feederlab/loads/electronic_load.hpp"
#include "feederlab/loads/induction_motor.hpp"
#include "feederlab/loads/motor_d.hpp"
#include "feederlab/loads/registry.hpp"
#include "feederlab/loads/static_load.hpp"

namespace feederlab::loads {

namespace {

using Complex = std::complex<double>;

constexpr double kSecondaryMaxKv = 0.3;   // at or below: a secondary (service) voltage
constexpr double kService240MinKv = 0.2;  // a 240 V service port lies in [0.2, 0.3] kV

// Plain model data -> device parameters (same symbols; units as in load_composition.hpp).
StaticLoadParameters toDevice(const model::StaticLoadParameters& s) {
  StaticLoadParameters p;
  p.p1c = s.p1c, p.p1e = s.p1e, p.p2c = s.p2c, p.p2e = s.p2e, p.p_frq = s.pfrq;
  p.q1c = s.q1c, p.q1e = s.q1e, p.q2c = s.q2c, p.q2e = s.q2e, p.q_frq = s.qfrq;
  return p;
}

ElectronicLoadParameters toDevice(const model::ElectronicLoadParameters& e) {
  ElectronicLoadParameters p;
  p.v_d1 = e.vd1, p.v_d2 = e.vd2, p.frcel = e.frcel;
  return p;
}

UvTripStage toDevice(const model::UvTripStage& s) {
  return {.v_trip = s.v_trip,
          .t_trip = s.t_trip,
          .f_trip = s.f_trip,
          .v_reconnect = s.v_reconnect,
          .t_reconnect = s.t_reconnect};
}

InductionMotorParameters toDevice(const model::InductionMotorParameters& m) {
  return {.lf_m = m.lfm,
          .r_s = m.rs,
          .l_s = m.ls,
          .l_p = m.lp,
          .l_pp = m.lpp,
          .t_po = m.tpo,
          .t_ppo = m.tppo,
          .h = m.h,
          .e_trq = m.etrq,
          .uv1 = toDevice(m.uv1),
          .uv2 = toDevice(m.uv2)};
}

// tan(acos |pf|) with the sign of pf (negative = leading); |pf| = 1 gives 0.
double signedTan(double pf, const std::string& element, const char* what) {
  const double a = std::abs(pf);
  if (!(a > 0.0 && a <= 1.0)) throw core::ModelError(element, std::string(what) + " must be in [-1, 0) or (0, 1]");
  const double t = std::sqrt(std::max(1.0 - a * a, 0.0)) / a;
  return pf < 0.0 ? -t : t;
}

// Fractions with the static remainder (normalized when the others exceed 1) [load-models 3.1].
model::ComponentFractions withRemainder(model::ComponentFractions f, const std::string& element) {
  for (double v : {f.fm_a, f.fm_b, f.fm_c, f.fm_d, f.fel}) {
    if (!(v >= 0.0 && std::isfinite(v))) throw core::ModelError(element, "component fractions must be >= 0");
  }
  const double others = f.fm_a + f.fm_b + f.fm_c + f.fm_d + f.fel;
  if (others > 1.0) {
    f.fm_a /= others, f.fm_b /= others, f.fm_c /= others, f.fm_d /= others, f.fel /= others;
    f.static_load = 0.0;
  } else {
    f.static_load = 1.0 - others;
  }
  return f;
}

int neutralNode(const model::Load& load) {
  const auto n = static_cast<std::size_t>(load.phases);
  return load.bus1.nodes.size() > n ? load.bus1.nodes[n] : 0;
}

int phaseNode(const model::Load& load, std::size_t k) {
  return k < load.bus1.nodes.size() ? load.bus1.nodes[k] : static_cast<int>(k) + 1;
}

}  // namespace

const char* serviceKindName(ServiceKind kind) {
  switch (kind) {
    case ServiceKind::ThreePhaseWye:
      return "three-phase wye";
    case ServiceKind::ThreePhaseDelta:
      return "three-phase delta";
    case ServiceKind::SplitPhaseHalves:
      return "split-phase service (two 120 V halves)";
    case ServiceKind::SplitPhase240:
      return "split-phase service (one 240 V port)";
    case ServiceKind::TwoPhaseWye:
      return "two-phase wye";
    case ServiceKind::SinglePhase:
      return "single-phase";
  }
  return "?";
}

const char* componentRoleName(ComponentRole role) {
  switch (role) {
    case ComponentRole::Static:
      return "static";
    case ComponentRole::Electronic:
      return "electronic";
    case ComponentRole::MotorA:
      return "motor_a";
    case ComponentRole::MotorB:
      return "motor_b";
    case ComponentRole::MotorC:
      return "motor_c";
    case ComponentRole::MotorD:
      return "motor_d";
  }
  return "?";
}

PortLayout portLayout(const model::Load& load) {
  PortLayout l;
  const bool wye = load.conn == model::Connection::Wye;
  if (!(load.kv > 0.0)) throw core::ModelError(load.name, "load kv must be > 0 for a composite load");
  if (load.phases == 3) {
    l.kind = wye ? ServiceKind::ThreePhaseWye : ServiceKind::ThreePhaseDelta;
    l.v_base_kv = wye ? load.kv / core::kSqrt3 : load.kv;
    const int n = neutralNode(load);
    for (std::size_t k = 0; k < 3; ++k) {
      l.ports.push_back({phaseNode(load, k), wye ? n : phaseNode(load, (k + 1) % 3)});
    }
    for (int k = 0; k < 3; ++k) l.units.push_back(PortLink::direct(k));
  } else if (load.phases == 2) {
    if (!wye) throw core::ModelError(load.name, "two-phase delta loads are not supported by the composite load");
    l.v_base_kv = load.kv / core::kSqrt3;
    const int n = neutralNode(load);
    l.ports = {{phaseNode(load, 0), n}, {phaseNode(load, 1), n}};
    if (load.kv <= kSecondaryMaxKv) {  // ieee8500 / synthetic feeders: `.1.2` at 0.208 kV
      l.kind = ServiceKind::SplitPhaseHalves;
      l.units = {PortLink::acrossLegs(0, 1)};
    } else {
      l.kind = ServiceKind::TwoPhaseWye;
      l.units = {PortLink::direct(0), PortLink::direct(1)};
    }
  } else if (load.phases == 1) {
    l.v_base_kv = load.kv;  // 1-phase: kv is the voltage across the load (OpenDSS)
    const int to = wye ? neutralNode(load) : phaseNode(load, 1);
    l.ports = {{phaseNode(load, 0), to}};
    l.units = {PortLink::direct(0)};
    const bool service = load.kv >= kService240MinKv && load.kv <= kSecondaryMaxKv;
    l.kind = service ? ServiceKind::SplitPhase240 : ServiceKind::SinglePhase;
  } else {
    throw core::ModelError(load.name, "composite load: phases must be 1, 2 or 3, got " + std::to_string(load.phases));
  }
  const bool halves = l.kind == ServiceKind::SplitPhaseHalves;
  l.unit_v_base_kv = halves ? 2.0 * l.v_base_kv : l.v_base_kv;
  return l;
}

CompositeLoad::CompositeLoad(const CompositeLoadConfig& config)
    : name_(config.name), layout_(config.layout), s_base_mva_(config.s_base_mva) {
  std::vector<std::string> problems;
  if (layout_.ports.empty() || layout_.ports.size() > 3) problems.push_back("a composite load has 1 to 3 ports");
  if (!(s_base_mva_ > 0.0 && std::isfinite(s_base_mva_))) problems.push_back("s_base_mva must be > 0");
  for (const PortLink& u : layout_.units) {
    for (int k : u.port) {
      if (k >= static_cast<int>(layout_.ports.size())) problems.push_back("a unit port refers to a missing port");
    }
  }
  throwIfInvalid(name_, problems);
  fractions_ = withRemainder(config.fractions, name_);
  tan_static_ = signedTan(config.static_override ? config.static_override->pfs : config.parameters.static_load.pfs,
                          name_, "static power factor pfs");
  tan_el_ = signedTan(config.parameters.electronic.pfel, name_, "electronic power factor pfel");
  buildParts(config);
  shunt_.assign(layout_.ports.size(), Complex{});
}

void CompositeLoad::buildParts(const CompositeLoadConfig& config) {
  const std::size_t np = layout_.ports.size();
  const model::ParameterSet& ps = config.parameters;
  const char* ph[] = {"a", "b", "c"};
  auto suffix = [&](std::size_t k, std::size_t n) { return n == 1 ? std::string() : std::string(".") + ph[k]; };
  if (fractions_.static_load > 0.0) {
    const auto sp = toDevice(config.static_override ? *config.static_override : ps.static_load);
    for (std::size_t k = 0; k < np; ++k) {
      addPart(std::make_unique<StaticLoad>(name_ + ".static" + suffix(k, np), sp), ComponentRole::Static,
              {PortLink::direct(static_cast<int>(k))});
    }
  }
  if (fractions_.fel > 0.0) {
    const auto ep = toDevice(ps.electronic);
    for (std::size_t k = 0; k < np; ++k) {
      addPart(std::make_unique<ElectronicLoad>(name_ + ".electronic" + suffix(k, np), ep), ComponentRole::Electronic,
              {PortLink::direct(static_cast<int>(k))});
    }
  }
  const std::array<std::pair<ComponentRole, double>, 3> motors{{{ComponentRole::MotorA, fractions_.fm_a},
                                                                {ComponentRole::MotorB, fractions_.fm_b},
                                                                {ComponentRole::MotorC, fractions_.fm_c}}};
  const std::array<const model::InductionMotorParameters*, 3> mp{&ps.motor_a, &ps.motor_b, &ps.motor_c};
  std::string single_phase;
  for (std::size_t m = 0; m < 3; ++m) {
    if (motors[m].second <= 0.0) continue;
    const std::string base = name_ + "." + componentRoleName(motors[m].first);
    const auto p = toDevice(*mp[m]);
    if (mp[m]->mtyp != 3)
      note_ += name_ + ": " + componentRoleName(motors[m].first) + " mtyp=" + std::to_string(mp[m]->mtyp) +
               " is not supported; the three-phase machine model is used. ";
    if (np == 3) {
      addPart(std::make_unique<InductionMotor>(base, p, 3, config.omega0, componentRoleName(motors[m].first)),
              motors[m].first, {PortLink::direct(0), PortLink::direct(1), PortLink::direct(2)});
      continue;
    }
    single_phase += (single_phase.empty() ? "" : ", ") + std::string(componentRoleName(motors[m].first));
    for (std::size_t u = 0; u < layout_.units.size(); ++u) {
      addPart(std::make_unique<InductionMotor>(base + suffix(u, layout_.units.size()), p, 1, config.omega0,
                                               componentRoleName(motors[m].first)),
              motors[m].first, {layout_.units[u]});
    }
  }
  if (!single_phase.empty()) {
    note_ += name_ + ": " + single_phase + " run as single-phase equivalents of the same per-unit machine (" +
             serviceKindName(layout_.kind) + ", " + std::to_string(layout_.units.size()) + " unit(s) of " +
             std::to_string(layout_.unit_v_base_kv) + " kV). ";
  }
  if (fractions_.fm_d > 0.0) {
    for (std::size_t u = 0; u < layout_.units.size(); ++u) {
      addPart(std::make_unique<MotorD>(name_ + ".motor_d" + suffix(u, layout_.units.size()), ps.motor_d),
              ComponentRole::MotorD, {layout_.units[u]});
    }
  }
  if (!note_.empty() && note_.back() == ' ') note_.pop_back();
}

namespace {

// Composite base per port: the nominal |kW + j kvar| / ports, else the power-flow sum, else 1 kVA.
double basePerPortMva(const model::Load& load, std::span<const Complex> s0_kva, std::size_t ports) {
  double s = std::hypot(load.kw, load.kvar);
  if (!(s > 0.0)) {
    Complex t{};
    for (Complex c : s0_kva) t += c;
    s = std::abs(t);
  }
  if (!(s > 0.0)) s = 1.0;
  return s / 1000.0 / static_cast<double>(ports);
}

CompositeBuild build(const model::Load& load, CompositeLoadConfig config, std::span<const Complex> v0_pu,
                     std::span<const Complex> s0_kva) {
  const std::size_t np = config.layout.ports.size();
  if (v0_pu.size() != np || s0_kva.size() != np) {
    throw core::ModelError(
        load.name, "composite load: " + std::to_string(np) + " port voltages and powers expected from the power flow");
  }
  config.s_base_mva = basePerPortMva(load, s0_kva, np);
  CompositeBuild b;
  b.device = std::make_unique<CompositeLoad>(config);
  for (std::size_t k = 0; k < np; ++k) {
    b.op.push_back({.v0 = v0_pu[k], .s0 = s0_kva[k] / (1000.0 * config.s_base_mva)});
  }
  b.note = b.device->note();
  if (config.layout.kind == ServiceKind::SplitPhaseHalves && std::abs(v0_pu[0] + v0_pu[1]) > 0.5 * std::abs(v0_pu[0])) {
    b.note += std::string(b.note.empty() ? "" : " ") + load.name +
              ": the two legs of the split-phase service are not in opposition at the power-flow point "
              "(a 208Y/120 V two-phase service?): the 240 V units see |v1 - v2| / 2.";
  }
  return b;
}

}  // namespace

CompositeBuild buildCompositeLoad(const model::Load& load, const model::LoadComposition& composition,
                                  const model::ParameterSet& parameters, std::span<const Complex> v0_pu,
                                  std::span<const Complex> s0_kva, double omega0) {
  CompositeLoadConfig config{.name = load.name,
                             .layout = portLayout(load),
                             .fractions = composition.fractions,
                             .parameters = parameters,
                             .static_override = composition.static_override,
                             .s_base_mva = 1.0,
                             .omega0 = omega0};
  return build(load, std::move(config), v0_pu, s0_kva);
}

CompositeBuild buildConstantImpedanceLoad(const model::Load& load, std::span<const Complex> v0_pu,
                                          std::span<const Complex> s0_kva) {
  model::ComponentFractions f;  // all static
  // The static part takes the power-flow Q too (its power factor), so the shunt stays ~0.
  auto z = model::constantImpedanceStatic();
  Complex total{};
  for (Complex c : s0_kva) total += c;
  if (total.real() > 0.0) z.pfs = (total.imag() < 0.0 ? -1.0 : 1.0) * total.real() / std::abs(total);
  CompositeLoadConfig config{.name = load.name,
                             .layout = portLayout(load),
                             .fractions = f,
                             .parameters = model::ParameterSet{},
                             .static_override = z,
                             .s_base_mva = 1.0,
                             .omega0 = kOmega60Hz};
  return build(load, std::move(config), v0_pu, s0_kva);
}

}  // namespace feederlab::loads
