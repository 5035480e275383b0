#include "feederlab/loads/electronic_load.hpp"

#include <algorithm>
#include <cmath>

#include "feederlab/core/error.hpp"
#include "feederlab/loads/registry.hpp"
#include "port_math.hpp"

namespace feederlab::loads {

namespace {
constexpr double kRootOffset = 1e-6;  // pu
}  // namespace

std::vector<std::string> ElectronicLoadParameters::validate() const {
  std::vector<std::string> out;
  if (!(v_d2 >= 0.0)) out.push_back("v_d2 must be >= 0 pu");
  if (!(v_d1 > v_d2)) out.push_back("v_d1 must be > v_d2");
  if (!(v_d1 <= 1.5)) out.push_back("v_d1 must be <= 1.5 pu");
  if (!(frcel >= 0.0 && frcel <= 1.0)) out.push_back("frcel must be in [0, 1]");
  if (!(t_filter > 0.0 && std::isfinite(t_filter))) out.push_back("t_filter must be > 0 s");
  return out;
}

ElectronicLoad::ElectronicLoad(std::string name, const ElectronicLoadParameters& parameters)
    : name_(std::move(name)), p_(parameters) {
  throwIfInvalid(name_, p_.validate());
}

std::vector<dae::VariableInfo> ElectronicLoad::variables() const {
  return {{.name = "v_min", .unit = "pu", .kind = dae::VariableKind::Differential, .abs_tolerance = 1e-6}};
}

// Connected share [load-models 3.4; Dynawo ElectronicLoad], with its partial derivatives.
ElectronicLoad::Share ElectronicLoad::connectedShare(double v, double v_min_state) const {
  const double d = p_.v_d1 - p_.v_d2;
  // The memory's lower bound Vd2 is applied here, not by resetting the state: the memory stops
  // (holds) once it reaches Vd2 (root g[1]) wherever the step put it, so no state jumps and the
  // solver needs no re-initialization for the clamp. Below Vd2 the share does not depend on it.
  const bool floored = v_min_state < p_.v_d2;
  const double v_min = floored ? p_.v_d2 : v_min_state;
  const auto held = [&](Share s) {
    if (floored) s.dc_dvmin = 0.0;
    return s;
  };
  if (v < p_.v_d2) return {};
  if (v < p_.v_d1) {
    if (v <= v_min) return {(v - p_.v_d2) / d, 1.0 / d, 0.0};
    return held({((v_min - p_.v_d2) + p_.frcel * (v - v_min)) / d, p_.frcel / d, (1.0 - p_.frcel) / d});
  }
  if (v_min >= p_.v_d1) return {1.0, 0.0, 0.0};
  return held({((v_min - p_.v_d2) + p_.frcel * (p_.v_d1 - v_min)) / d, 0.0, (1.0 - p_.frcel) / d});
}

void ElectronicLoad::initialize(std::span<const dae::PortOperatingPoint> op, std::span<double> x) {
  if (op.size() != 1) throw core::ModelError(name_, "electronic load takes one port operating point");
  const double v = std::abs(op[0].v0);
  x[0] = std::max(v, p_.v_d2);
  tracking_ = false;
  const double c = connectedShare(v, x[0]).c;
  if (c <= 0.0 && std::abs(op[0].s0) > 0.0) {
    throw core::ModelError(name_, "electronic load is fully disconnected at |v0| = " + std::to_string(v) +
                                      " pu and cannot draw its power-flow power");
  }
  s_nominal_ = c > 0.0 ? op[0].s0 / c : std::complex<double>{};
}

void ElectronicLoad::residual(const dae::Context& /*ctx*/, std::span<const double> x, std::span<const double> xdot,
                              std::span<const double> v, std::span<double> f, std::span<double> i) const {
  const double a = v[0], b = v[1];
  const double vm = std::sqrt(a * a + b * b);
  f[0] = (tracking_ ? (vm - x[0]) / p_.t_filter : 0.0) - xdot[0];  // [Dynawo ElectronicLoad]
  const double c = connectedShare(vm, x[0]).c;
  if (c == 0.0) {
    i[0] = i[1] = 0.0;
    return;
  }
  const auto pc = detail::currentFromPower(a, b, s_nominal_.real() * c, s_nominal_.imag() * c, 0.0, 0.0);
  i[0] = pc.ir;
  i[1] = pc.ii;
}

void ElectronicLoad::jacobianPattern(dae::JacobianSink& sink) const {
  sink.add(dae::Block::XX, 0, 0, 0.0);
  for (int c = 0; c < 2; ++c) sink.add(dae::Block::XV, 0, c, 0.0);
  for (int r = 0; r < 2; ++r) {
    sink.add(dae::Block::IX, r, 0, 0.0);
    for (int c = 0; c < 2; ++c) sink.add(dae::Block::IV, r, c, 0.0);
  }
}

void ElectronicLoad::jacobian(const dae::Context& /*ctx*/, std::span<const double> x, std::span<const double> /*xdot*/,
                              std::span<const double> v, double cj, dae::JacobianSink& sink) const {
  const double a = v[0], b = v[1];
  const double vm = std::sqrt(a * a + b * b);
  const double k = tracking_ ? 1.0 / p_.t_filter : 0.0;
  sink.add(dae::Block::XX, 0, 0, -k - cj);
  sink.add(dae::Block::XV, 0, 0, vm > 0.0 ? k * a / vm : 0.0);
  sink.add(dae::Block::XV, 0, 1, vm > 0.0 ? k * b / vm : 0.0);
  const Share s = connectedShare(vm, x[0]);
  detail::PowerCurrent pc;
  if (s.c != 0.0) {
    const double p0 = s_nominal_.real(), q0 = s_nominal_.imag();
    pc = detail::currentFromPower(a, b, p0 * s.c, q0 * s.c, p0 * s.dc_dv, q0 * s.dc_dv);
    sink.add(dae::Block::IX, 0, 0, (pc.dir_dp * p0 + pc.dir_dq * q0) * s.dc_dvmin);
    sink.add(dae::Block::IX, 1, 0, (pc.dii_dp * p0 + pc.dii_dq * q0) * s.dc_dvmin);
  } else {
    sink.add(dae::Block::IX, 0, 0, 0.0);
    sink.add(dae::Block::IX, 1, 0, 0.0);
  }
  sink.add(dae::Block::IV, 0, 0, pc.dir_da);
  sink.add(dae::Block::IV, 0, 1, pc.dir_db);
  sink.add(dae::Block::IV, 1, 0, pc.dii_da);
  sink.add(dae::Block::IV, 1, 1, pc.dii_db);
}

void ElectronicLoad::roots(const dae::Context& /*ctx*/, std::span<const double> x, std::span<const double> v,
                           std::span<double> g) const {
  // V crosses the memory; while holding, V must fall kRootOffset below it (after
  // initialization V = v_min exactly, and a root function that starts at zero is not reported).
  g[0] = std::hypot(v[0], v[1]) - x[0] + (tracking_ ? 0.0 : kRootOffset);
  g[1] = x[0] - p_.v_d2;  // memory reaches its lower bound
}

bool ElectronicLoad::onRoot(const dae::Context& /*ctx*/, std::span<double> x, std::span<const double> v,
                            std::span<const int> fired) {
  const bool before = tracking_;
  const double vm = std::hypot(v[0], v[1]);
  if (fired[1] < 0) {
    tracking_ = false;  // the memory holds at (about) Vd2; connectedShare applies the bound
  } else if (fired[0] < 0) {
    tracking_ = x[0] > p_.v_d2;
  } else if (fired[0] > 0) {
    tracking_ = false;
  } else {
    tracking_ = vm < x[0] && x[0] > p_.v_d2;
  }
  return tracking_ != before;
}

namespace {

[[maybe_unused]] const bool kElectronicRegistered =
    registerDeviceKind("electronic", [](const DeviceSpec& spec) -> std::unique_ptr<dae::Device> {
      requirePorts(spec, {1});
      ElectronicLoadParameters p;
      ParameterReader r(spec);
      r.read("v_d1", p.v_d1), r.read("v_d2", p.v_d2), r.read("frcel", p.frcel), r.read("t_filter", p.t_filter);
      r.finish();
      return std::make_unique<ElectronicLoad>(spec.name, p);
    });

}  // namespace

}  // namespace feederlab::loads
