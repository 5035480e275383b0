#include "feederlab/loads/static_load.hpp"

#include <cmath>

#include "feederlab/core/error.hpp"
#include "feederlab/loads/registry.hpp"
#include "port_math.hpp"

namespace feederlab::loads {

std::vector<std::string> StaticLoadParameters::validate() const {
  std::vector<std::string> out;
  auto finite = [&](const char* n, double x) {
    if (!std::isfinite(x)) out.push_back(std::string(n) + " must be finite");
  };
  finite("p1c", p1c), finite("p1e", p1e), finite("p2c", p2c), finite("p2e", p2e), finite("p_frq", p_frq);
  finite("q1c", q1c), finite("q1e", q1e), finite("q2c", q2c), finite("q2e", q2e), finite("q_frq", q_frq);
  if (p1e < 0.0) out.push_back("p1e must be >= 0");
  if (p2e < 0.0) out.push_back("p2e must be >= 0");
  if (q1e < 0.0) out.push_back("q1e must be >= 0");
  if (q2e < 0.0) out.push_back("q2e must be >= 0");
  if (!(v_zload >= 0.0 && v_zload < 1.0)) out.push_back("v_zload must be in [0, 1) pu");
  return out;
}

StaticLoadParameters StaticLoadParameters::constantImpedance() {
  return {.p1c = 1.0,
          .p1e = 2.0,
          .p2c = 0.0,
          .p2e = 1.0,
          .p_frq = 0.0,
          .q1c = 1.0,
          .q1e = 2.0,
          .q2c = 0.0,
          .q2e = 1.0,
          .q_frq = 0.0,
          .v_zload = 0.0};
}

StaticLoad::StaticLoad(std::string name, const StaticLoadParameters& parameters)
    : name_(std::move(name)), p_(parameters) {
  throwIfInvalid(name_, p_.validate());
}

// m(V) = c1 V^e1 + c2 V^e2 + c3 [load-models 3.5]; below v_z: m(v_z) (V/v_z)^2 [INTERP].
StaticLoad::Multiplier StaticLoad::multiplier(double v, double c1, double e1, double c2, double e2, double c3,
                                              double v_z) {
  auto exact = [&](double u) {
    Multiplier r;
    r.m = c1 * std::pow(u, e1) + c2 * std::pow(u, e2) + c3;
    r.dm_dv = (e1 == 0.0 ? 0.0 : c1 * e1 * std::pow(u, e1 - 1.0)) + (e2 == 0.0 ? 0.0 : c2 * e2 * std::pow(u, e2 - 1.0));
    return r;
  };
  if (v >= v_z) return exact(v);
  const double mz = exact(v_z).m;
  return {mz * v * v / (v_z * v_z), 2.0 * mz * v / (v_z * v_z)};
}

std::complex<double> StaticLoad::power(double v_mag, double frequency_pu) const {
  const double df = frequency_pu - 1.0;
  const auto mp = multiplier(v_mag, p_.p1c, p_.p1e, p_.p2c, p_.p2e, p_.p3(), p_.v_zload);
  const auto mq = multiplier(v_mag, p_.q1c, p_.q1e, p_.q2c, p_.q2e, p_.q3(), p_.v_zload);
  return {s_nominal_.real() * mp.m * (1.0 + p_.p_frq * df), s_nominal_.imag() * mq.m * (1.0 + p_.q_frq * df)};
}

void StaticLoad::initialize(std::span<const dae::PortOperatingPoint> op, std::span<double> /*x*/) {
  if (op.size() != 1) throw core::ModelError(name_, "static load takes one port operating point");
  const double v = std::abs(op[0].v0);
  const auto mp = multiplier(v, p_.p1c, p_.p1e, p_.p2c, p_.p2e, p_.p3(), p_.v_zload);
  const auto mq = multiplier(v, p_.q1c, p_.q1e, p_.q2c, p_.q2e, p_.q3(), p_.v_zload);
  const double p0 = op[0].s0.real(), q0 = op[0].s0.imag();
  if ((p0 != 0.0 && std::abs(mp.m) < 1e-12) || (q0 != 0.0 && std::abs(mq.m) < 1e-12) || !(v > 0.0)) {
    throw core::ModelError(name_, "static load cannot draw the power-flow power at |v0| = " + std::to_string(v));
  }
  s_nominal_ = {p0 == 0.0 ? 0.0 : p0 / mp.m, q0 == 0.0 ? 0.0 : q0 / mq.m};
}

void StaticLoad::residual(const dae::Context& ctx, std::span<const double> /*x*/, std::span<const double> /*xdot*/,
                          std::span<const double> v, std::span<double> /*f*/, std::span<double> i) const {
  const double a = v[0], b = v[1];
  const double vm = std::sqrt(a * a + b * b);
  if (vm == 0.0) {  // a dead port draws nothing (constant-impedance continuation at V = 0)
    i[0] = i[1] = 0.0;
    return;
  }
  const auto s = power(vm, ctx.frequency_pu);
  const auto c = detail::currentFromPower(a, b, s.real(), s.imag(), 0.0, 0.0);  // i = conj(S/v)
  i[0] = c.ir;
  i[1] = c.ii;
}

void StaticLoad::jacobianPattern(dae::JacobianSink& sink) const {
  for (int r = 0; r < 2; ++r)
    for (int c = 0; c < 2; ++c) sink.add(dae::Block::IV, r, c, 0.0);
}

void StaticLoad::jacobian(const dae::Context& ctx, std::span<const double> /*x*/, std::span<const double> /*xdot*/,
                          std::span<const double> v, double /*cj*/, dae::JacobianSink& sink) const {
  const double a = v[0], b = v[1];
  const double vm = std::sqrt(a * a + b * b);
  detail::PowerCurrent c;
  if (vm > 0.0) {
    const double df = ctx.frequency_pu - 1.0;
    const auto mp = multiplier(vm, p_.p1c, p_.p1e, p_.p2c, p_.p2e, p_.p3(), p_.v_zload);
    const auto mq = multiplier(vm, p_.q1c, p_.q1e, p_.q2c, p_.q2e, p_.q3(), p_.v_zload);
    const double kp = s_nominal_.real() * (1.0 + p_.p_frq * df), kq = s_nominal_.imag() * (1.0 + p_.q_frq * df);
    c = detail::currentFromPower(a, b, kp * mp.m, kq * mq.m, kp * mp.dm_dv, kq * mq.dm_dv);
  }
  sink.add(dae::Block::IV, 0, 0, c.dir_da);
  sink.add(dae::Block::IV, 0, 1, c.dir_db);
  sink.add(dae::Block::IV, 1, 0, c.dii_da);
  sink.add(dae::Block::IV, 1, 1, c.dii_db);
}

namespace {

StaticLoadParameters readStatic(const DeviceSpec& spec, StaticLoadParameters p) {
  ParameterReader r(spec);
  r.read("p1c", p.p1c), r.read("p1e", p.p1e), r.read("p2c", p.p2c), r.read("p2e", p.p2e);
  r.read("p_frq", p.p_frq), r.read("q1c", p.q1c), r.read("q1e", p.q1e), r.read("q2c", p.q2c);
  r.read("q2e", p.q2e), r.read("q_frq", p.q_frq), r.read("v_zload", p.v_zload);
  r.finish();
  return p;
}

[[maybe_unused]] const bool kStaticRegistered =
    registerDeviceKind("static", [](const DeviceSpec& spec) -> std::unique_ptr<dae::Device> {
      requirePorts(spec, {1});
      return std::make_unique<StaticLoad>(spec.name, readStatic(spec, StaticLoadParameters{}));
    });

[[maybe_unused]] const bool kConstantZRegistered =
    registerDeviceKind("constant_impedance", [](const DeviceSpec& spec) -> std::unique_ptr<dae::Device> {
      requirePorts(spec, {1});
      ParameterReader r(spec);
      r.finish();  // no parameters: the impedance follows from s0 at v0
      return std::make_unique<StaticLoad>(spec.name, StaticLoadParameters::constantImpedance());
    });

}  // namespace

}  // namespace feederlab::loads
