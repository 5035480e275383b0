// Composite load: port layouts of every connection, exact power-flow P and Q after
// initialization with a steady state, component powers by fraction, Jacobian against central
// differences (initial point; low voltage with motor D stalled), constant-impedance variant.
#include <doctest/doctest.h>

#include <cmath>
#include <complex>
#include <string>
#include <vector>

#include "device_test_support.hpp"
#include "feederlab/core/error.hpp"
#include "feederlab/loads/composite_load.hpp"
#include "feederlab/loads/motor_d.hpp"

namespace fl = feederlab::loads;
namespace lt = feederlab::loads::testing;
using feederlab::dae::Context;
using feederlab::model::Connection;
using feederlab::model::Load;
using feederlab::model::LoadComposition;
using feederlab::model::ParameterSet;
using Cx = std::complex<double>;

namespace {

Load makeLoad(int phases, Connection conn, double kv, std::vector<int> nodes, double kw = 30.0, double kvar = 12.0) {
  Load l;
  l.name = "ld";
  l.phases = phases;
  l.conn = conn;
  l.kv = kv;
  l.kw = kw;
  l.kvar = kvar;
  l.bus1.bus = 0;
  l.bus1.nodes = std::move(nodes);
  return l;
}

LoadComposition mixed() {
  LoadComposition c;
  c.name = "mixed";
  c.fractions = {.fm_a = 0.1, .fm_b = 0.1, .fm_c = 0.05, .fm_d = 0.2, .fel = 0.1, .static_load = 0.45};
  c.parameter_set = "set_w";
  return c;
}

struct Case {
  std::string label;
  Load load;
  std::vector<Cx> v0;  // pu of the port base
  std::vector<Cx> s0;  // kVA per port
};

std::vector<Case> cases() {
  const double d120 = 2.0943951023931957;
  return {
      {"wye3",
       makeLoad(3, Connection::Wye, 12.47, {1, 2, 3, 0}),
       {std::polar(1.01, -0.05), std::polar(0.98, -0.05 - d120), std::polar(0.995, -0.05 + d120)},
       {{10.0, 4.0}, {9.0, 4.5}, {11.0, 3.5}}},
      {"delta3",
       makeLoad(3, Connection::Delta, 4.16, {1, 2, 3}),
       {std::polar(1.0, 0.5), std::polar(0.97, 0.5 - d120), std::polar(1.02, 0.5 + d120)},
       {{10.0, 4.0}, {10.0, 4.0}, {10.0, 4.0}}},
      {"ieee8500 split",
       makeLoad(2, Connection::Wye, 0.208, {1, 2, 0}, 6.0, 2.0),
       {std::polar(1.02, -0.6), std::polar(1.01, -0.6 + 3.14159265358979)},
       {{3.0, 1.0}, {3.1, 0.9}}},
      {"ckt5 service", makeLoad(1, Connection::Wye, 0.24, {1, 0}, 5.0, 1.5), {std::polar(0.99, 0.2)}, {{5.0, 1.5}}},
      {"single-phase", makeLoad(1, Connection::Wye, 2.4, {2, 0}, 40.0, 20.0), {std::polar(1.0, -2.1)}, {{40.0, 20.0}}},
      {"two-phase",
       makeLoad(2, Connection::Wye, 4.16, {1, 3, 0}, 20.0, 8.0),
       {std::polar(1.0, 0.0), std::polar(0.99, d120)},
       {{10.0, 4.0}, {10.0, 4.0}}},
  };
}

std::vector<double> flat(const std::vector<Cx>& v) {
  std::vector<double> out;
  for (Cx c : v) out.insert(out.end(), {c.real(), c.imag()});
  return out;
}

struct Built {
  fl::CompositeBuild b;
  std::vector<double> x;
};

Built buildAndInit(const Case& c, const LoadComposition& comp = mixed()) {
  Built r{fl::buildCompositeLoad(c.load, comp, ParameterSet{}, c.v0, c.s0), {}};
  r.x.assign(r.b.device->stateCount(), 0.0);
  r.b.device->initialize(r.b.op, r.x);
  return r;
}

}  // namespace

TEST_CASE("composite load: port layouts of every connection") {
  auto wye = fl::portLayout(makeLoad(3, Connection::Wye, 12.47, {1, 2, 3, 0}));
  CHECK(wye.kind == fl::ServiceKind::ThreePhaseWye);
  REQUIRE(wye.ports.size() == 3);
  CHECK(wye.ports[1].from == 2);
  CHECK(wye.ports[1].to == 0);
  CHECK(wye.v_base_kv == doctest::Approx(12.47 / std::sqrt(3.0)));
  CHECK(wye.units.size() == 3);

  auto delta = fl::portLayout(makeLoad(3, Connection::Delta, 4.16, {1, 2, 3}));
  CHECK(delta.kind == fl::ServiceKind::ThreePhaseDelta);
  CHECK(delta.ports[2].from == 3);
  CHECK(delta.ports[2].to == 1);
  CHECK(delta.v_base_kv == doctest::Approx(4.16));

  auto halves = fl::portLayout(makeLoad(2, Connection::Wye, 0.208, {1, 2, 0}));  // ieee8500
  CHECK(halves.kind == fl::ServiceKind::SplitPhaseHalves);
  REQUIRE(halves.ports.size() == 2);
  CHECK(halves.v_base_kv == doctest::Approx(0.120089));
  REQUIRE(halves.units.size() == 1);  // ONE 240 V unit across the legs
  CHECK(halves.units[0].port[0] == 0);
  CHECK(halves.units[0].port[1] == 1);
  CHECK(halves.unit_v_base_kv == doctest::Approx(0.240178));

  auto service = fl::portLayout(makeLoad(1, Connection::Wye, 0.24, {3, 0}));  // ckt5 etc.
  CHECK(service.kind == fl::ServiceKind::SplitPhase240);
  CHECK(service.ports.size() == 1);
  CHECK(service.ports[0].from == 3);
  CHECK(service.units.size() == 1);

  auto legs = fl::portLayout(makeLoad(1, Connection::Wye, 0.24, {1, 2}));  // `.1.2` phases=1
  CHECK(legs.kind == fl::ServiceKind::SplitPhase240);
  CHECK(legs.ports[0].to == 2);

  auto single = fl::portLayout(makeLoad(1, Connection::Wye, 2.4, {2, 0}));
  CHECK(single.kind == fl::ServiceKind::SinglePhase);
  CHECK(single.v_base_kv == doctest::Approx(2.4));
  auto single_delta = fl::portLayout(makeLoad(1, Connection::Delta, 4.16, {1, 3}));
  CHECK(single_delta.kind == fl::ServiceKind::SinglePhase);
  CHECK(single_delta.ports[0].to == 3);

  CHECK(fl::portLayout(makeLoad(2, Connection::Wye, 4.16, {1, 3, 0})).kind == fl::ServiceKind::TwoPhaseWye);
  CHECK_THROWS_AS(fl::portLayout(makeLoad(2, Connection::Delta, 4.16, {1, 2})), feederlab::core::ModelError);
}

TEST_CASE("composite load: component counts - motor D units and the single-phase note") {
  for (const Case& c : cases()) {
    CAPTURE(c.label);
    Built r = buildAndInit(c);
    const auto& dev = *r.b.device;
    const std::size_t np = dev.portCount();
    const std::size_t units = dev.layout().units.size();
    std::size_t count[6] = {};
    for (std::size_t k = 0; k < dev.componentCount(); ++k) ++count[static_cast<int>(dev.componentRole(k))];
    CHECK(count[0] == np);  // static per port
    CHECK(count[1] == np);  // electronic per port
    CHECK(count[static_cast<int>(fl::ComponentRole::MotorD)] == units);
    const std::size_t abc = np == 3 ? 1 : units;
    CHECK(count[static_cast<int>(fl::ComponentRole::MotorA)] == abc);
    CHECK((np == 3) == r.b.note.empty());
    if (np < 3) CHECK(r.b.note.find("single-phase equivalents") != std::string::npos);
    std::size_t states = 0, roots = 0;
    for (std::size_t k = 0; k < dev.componentCount(); ++k) {
      states += dev.component(k).stateCount();
      roots += dev.component(k).rootCount();
    }
    CHECK(dev.stateCount() == states);
    CHECK(dev.rootCount() == roots);
    CHECK(dev.variables().size() == states);
  }
}

TEST_CASE("composite load: draws exactly the power-flow P and Q at steady state - fractions hold") {
  const auto comp = mixed();
  for (const Case& c : cases()) {
    CAPTURE(c.label);
    Built r = buildAndInit(c);
    const auto& dev = *r.b.device;
    const auto v = flat(c.v0);
    std::vector<double> xd(dev.stateCount(), 0.0);
    const auto e = lt::evaluate(dev, Context{}, r.x, xd, v);
    CHECK(lt::maxAbs(e.f) < 1e-10);  // all derivatives zero
    Cx total{}, total_kva{};
    for (std::size_t k = 0; k < dev.portCount(); ++k) {
      const Cx s = c.v0[k] * std::conj(Cx{e.i[2 * k], e.i[2 * k + 1]});
      CHECK(std::abs(s - r.b.op[k].s0) < 1e-9);  // per port, pu of the composite base
      total += s;
      total_kva += c.s0[k];
    }
    const double base_kva = dev.sBaseMva() * 1000.0;
    CHECK(std::abs(total * base_kva - total_kva) < 1e-9 * std::abs(total_kva));
    // Component P follows the fractions; static and electronic Q per their power factors (Set W:
    // PFs = -1, PFel = 1: Q = 0); the shunt balances Q.
    const double p = total.real();
    using R = fl::ComponentRole;
    const std::pair<R, double> shares[] = {{R::Static, comp.fractions.static_load}, {R::Electronic, comp.fractions.fel},
                                           {R::MotorA, comp.fractions.fm_a},        {R::MotorB, comp.fractions.fm_b},
                                           {R::MotorC, comp.fractions.fm_c},        {R::MotorD, comp.fractions.fm_d}};
    Cx sum = dev.shuntPower(v);
    for (auto [role, f] : shares) {
      const Cx s = dev.rolePower(role, Context{}, r.x, v);
      CHECK(s.real() == doctest::Approx(f * p).epsilon(1e-9));
      sum += s;
    }
    CHECK(std::abs(dev.rolePower(R::Static, Context{}, r.x, v).imag()) < 1e-12);
    CHECK(std::abs(dev.rolePower(R::Electronic, Context{}, r.x, v).imag()) < 1e-12);
    CHECK(std::abs(sum - total) < 1e-9);
    CHECK(dev.shuntMvar() == doctest::Approx(dev.shuntPower(v).imag() * dev.sBaseMva()).epsilon(1e-9));
    CHECK(std::abs(dev.shuntMw()) < 1e-6 * p * dev.sBaseMva() + 1e-15);  // sum of per-port P balances is ~0
    // Motor D: Q at CompPF 0.98; P0 sum for the recorder.
    const Cx sd = dev.rolePower(R::MotorD, Context{}, r.x, v);
    CHECK(sd.imag() == doctest::Approx(sd.real() * std::sqrt(1 - 0.98 * 0.98) / 0.98).epsilon(1e-9));
    const auto out = dev.outputs(r.x);
    CHECK(out.motor_d_p0_mw == doctest::Approx(comp.fractions.fm_d * total_kva.real() / 1000.0).epsilon(1e-9));
    CHECK(out.kcon_p0_mw == doctest::Approx(out.motor_d_p0_mw));
    CHECK(out.stall_p0_mw == 0.0);
    MESSAGE(c.label << ": shunt " << dev.shuntMvar() * 1000.0 << " kvar of " << total_kva.imag() << " kvar load Q");
  }
}

TEST_CASE("composite load: split-phase motor D is one 240 V unit across the legs") {
  Case c = cases()[2];
  Built r = buildAndInit(c);
  auto& dev = *r.b.device;
  REQUIRE(dev.motorDUnits().size() == 1);
  // Unit voltage (v1 - v2)/2 ~ 1 pu; its current enters leg 1 and leaves by leg 2 (no neutral current).
  std::size_t md = 0;
  for (std::size_t k = 0; k < dev.componentCount(); ++k)
    if (dev.componentRole(k) == fl::ComponentRole::MotorD) md = k;
  const auto& unit = dev.component(md);
  std::vector<double> vu{(c.v0[0] - c.v0[1]).real() / 2.0, (c.v0[0] - c.v0[1]).imag() / 2.0};
  std::vector<double> xu(r.x.begin() + static_cast<long>(dev.componentOffset(md)),
                         r.x.begin() + static_cast<long>(dev.componentOffset(md) + unit.stateCount()));
  std::vector<double> xdu(xu.size(), 0.0);
  const auto eu = lt::evaluate(unit, Context{}, xu, xdu, vu);
  const Cx su = Cx{vu[0], vu[1]} * std::conj(Cx{eu.i[0], eu.i[1]});
  CHECK(std::abs(su - fl::MotorD::initialPower(ParameterSet{}.motor_d)) < 1e-12);
  CHECK(std::hypot(vu[0], vu[1]) == doctest::Approx((1.02 + 1.01) / 2.0).epsilon(1e-9));  // legs in opposition
}

TEST_CASE("composite load: Jacobian against central differences at the initial point and stalled at low V") {
  for (const Case& c : cases()) {
    CAPTURE(c.label);
    Built r = buildAndInit(c);
    auto& dev = *r.b.device;
    std::vector<double> xd(dev.stateCount(), 0.0);
    auto v = flat(c.v0);
    for (double cj : {0.0, 37.0}) {
      const auto chk = lt::checkJacobian(dev, Context{}, r.x, xd, v, cj);
      CHECK_MESSAGE(chk.ok(), chk.report());
    }
    // Low voltage (0.6 of the initial point), motor D stalled, off-steady derivatives.
    for (double& d : v) d *= 0.6;
    for (auto* m : dev.motorDUnits()) {
      m->setStalled(0, true);
      m->setStalled(1, true);
    }
    for (std::size_t k = 0; k < xd.size(); ++k) xd[k] = 0.01 * static_cast<double>(k % 3);
    const Context ctx{.t = 1.2, .frequency_pu = 0.998};
    const auto chk = lt::checkJacobian(dev, ctx, r.x, xd, v, 25.0);
    CHECK_MESSAGE(chk.ok(), chk.report());
    MESSAGE(c.label << " (stalled, 0.6 V0): " << chk.report());
    const auto out = dev.outputs(r.x);
    CHECK(out.stall_p0_mw == doctest::Approx(out.motor_d_p0_mw));
    CHECK(out.connected_stalled_p0_mw == doctest::Approx(out.motor_d_p0_mw));
  }
}

TEST_CASE("composite load: roots delegate with offsets") {
  Built r = buildAndInit(cases()[0]);
  auto& dev = *r.b.device;
  auto v = flat(cases()[0].v0);
  for (double& d : v) d *= 0.5;
  std::vector<double> g(dev.rootCount());
  const Context ctx{.t = 0.5};
  dev.roots(ctx, r.x, v, g);
  std::size_t off = 0;
  for (std::size_t k = 0; k < dev.componentCount(); ++k) off += dev.component(k).rootCount();
  CHECK(off == dev.rootCount());
  // A motor D stall timer armed by a V root on the composite reaches the unit.
  std::vector<int> fired(dev.rootCount(), 0);
  std::size_t base = 0;
  for (std::size_t k = 0; k < dev.componentCount(); ++k) {
    if (dev.componentRole(k) == fl::ComponentRole::MotorD) {
      fired[base + fl::MotorD::kRootStallV] = -1;
      break;
    }
    base += dev.component(k).rootCount();
  }
  dev.onRoot(ctx, r.x, v, fired);
  dev.roots(ctx, r.x, v, g);
  CHECK(g[base + fl::MotorD::kRootStallTimer] == doctest::Approx(-dev.motorDUnits()[0]->parameters().t_stall));
}

TEST_CASE("composite load: the constant-impedance composition is a pure admittance") {
  for (const Case& c : cases()) {
    CAPTURE(c.label);
    auto b = fl::buildConstantImpedanceLoad(c.load, c.v0, c.s0);
    auto& dev = *b.device;
    CHECK(dev.stateCount() == 0);
    CHECK(dev.rootCount() == 0);
    std::vector<double> x;
    dev.initialize(b.op, x);
    CHECK(std::abs(dev.shuntMvar()) < 1e-3 * std::abs(c.s0[0]) / 1000.0);  // static takes Q; the shunt ~0
    const auto v0 = flat(c.v0);
    const auto e0 = lt::evaluate(dev, Context{}, x, x, v0);
    std::vector<Cx> y;
    for (std::size_t k = 0; k < dev.portCount(); ++k) {
      const Cx s = c.v0[k] * std::conj(Cx{e0.i[2 * k], e0.i[2 * k + 1]});
      CHECK(std::abs(s - b.op[k].s0) < 1e-12);
      y.push_back(Cx{e0.i[2 * k], e0.i[2 * k + 1]} / c.v0[k]);
    }
    for (double scale : {0.05, 0.4, 0.9, 1.2}) {
      std::vector<Cx> vv;
      for (std::size_t k = 0; k < c.v0.size(); ++k)
        vv.push_back(c.v0[k] * std::polar(scale * (1.0 + 0.1 * double(k)), 0.3 * double(k)));
      const Context ctx{.frequency_pu = 1.01};
      const auto e = lt::evaluate(dev, ctx, x, x, flat(vv));
      for (std::size_t k = 0; k < vv.size(); ++k)
        CHECK(std::abs(Cx{e.i[2 * k], e.i[2 * k + 1]} - y[k] * vv[k]) < 1e-12);
      CHECK(lt::checkJacobian(dev, ctx, x, x, flat(vv), 1.0).ok());
    }
  }
}
