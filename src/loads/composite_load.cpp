// CompositeLoad: delegation of states, residuals, Jacobian and roots to the components
// (composite_load.hpp states the model). Construction and layout: composite_load_build.cpp.
#include "feederlab/loads/composite_load.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "feederlab/core/error.hpp"
#include "feederlab/loads/electronic_load.hpp"
#include "feederlab/loads/induction_motor.hpp"
#include "feederlab/loads/motor_d.hpp"
#include "feederlab/loads/static_load.hpp"

namespace feederlab::loads {

namespace {

constexpr std::size_t kMaxPorts = 3;
constexpr std::size_t kMaxV = 2 * kMaxPorts;
using Complex = std::complex<double>;

// Maps a component's Jacobian entries onto the composite: XX/XV/IX forwarded with offsets and
// port weights; IV accumulated into a dense buffer (components overlap there) unless `iv` is empty.
class MappedSink final : public dae::JacobianSink {
 public:
  MappedSink(dae::JacobianSink& out, std::span<const PortLink> links, int offset, double scale, std::span<double> iv,
             int nv)
      : out_(out), links_(links), offset_(offset), scale_(scale), iv_(iv), nv_(nv) {}

  void add(dae::Block block, int row, int col, double value) override {
    switch (block) {
      case dae::Block::XX:
        out_.add(dae::Block::XX, offset_ + row, offset_ + col, value);
        break;
      case dae::Block::XV:
        forEach(col, [&](int m, double w) { out_.add(dae::Block::XV, offset_ + row, 2 * m + col % 2, w * value); });
        break;
      case dae::Block::IX:
        forEach(row,
                [&](int k, double w) { out_.add(dae::Block::IX, 2 * k + row % 2, offset_ + col, w * scale_ * value); });
        break;
      case dae::Block::IV:
        if (iv_.empty()) break;
        forEach(row, [&](int k, double wk) {
          forEach(col, [&](int m, double wm) {
            iv_[static_cast<std::size_t>((2 * k + row % 2) * nv_ + 2 * m + col % 2)] += wk * scale_ * value * wm;
          });
        });
        break;
    }
  }

 private:
  template <class F>
  void forEach(int component_index, F&& f) const {
    const PortLink& l = links_[static_cast<std::size_t>(component_index / 2)];
    for (std::size_t n = 0; n < 2; ++n) {
      if (l.port[n] >= 0 && l.weight[n] != 0.0) f(l.port[n], l.weight[n]);
    }
  }
  dae::JacobianSink& out_;
  std::span<const PortLink> links_;
  int offset_;
  double scale_;
  std::span<double> iv_;
  int nv_;
};

}  // namespace

CompositeLoad::~CompositeLoad() = default;

void CompositeLoad::addPart(std::unique_ptr<dae::Device> device, ComponentRole role, std::vector<PortLink> links) {
  Part p;
  p.states = device->stateCount();
  p.roots = device->rootCount();
  p.offset = state_count_;
  p.root_offset = root_count_;
  p.role = role;
  p.links = std::move(links);
  p.device = std::move(device);
  state_count_ += p.states;
  root_count_ += p.roots;
  parts_.push_back(std::move(p));
}

std::vector<dae::VariableInfo> CompositeLoad::variables() const {
  std::vector<dae::VariableInfo> out;
  out.reserve(state_count_);
  for (const Part& p : parts_) {
    for (auto info : p.device->variables()) {
      info.name = p.device->name() + "." + info.name;
      out.push_back(std::move(info));
    }
  }
  return out;
}

void CompositeLoad::mapVoltages(const Part& part, std::span<const double> v, std::span<double> vc) {
  for (std::size_t q = 0; q < part.links.size(); ++q) {
    const PortLink& l = part.links[q];
    double re = 0.0, im = 0.0;
    for (std::size_t n = 0; n < 2; ++n) {
      if (l.port[n] < 0) continue;
      const auto m = static_cast<std::size_t>(l.port[n]);
      re += l.weight[n] * v[2 * m];
      im += l.weight[n] * v[2 * m + 1];
    }
    vc[2 * q] = re;
    vc[2 * q + 1] = im;
  }
}

void CompositeLoad::addCurrents(const Part& part, std::span<const double> ic, std::span<double> i) const {
  for (std::size_t q = 0; q < part.links.size(); ++q) {
    const PortLink& l = part.links[q];
    for (std::size_t n = 0; n < 2; ++n) {
      if (l.port[n] < 0) continue;
      const auto k = static_cast<std::size_t>(l.port[n]);
      i[2 * k] += l.weight[n] * part.scale * ic[2 * q];
      i[2 * k + 1] += l.weight[n] * part.scale * ic[2 * q + 1];
    }
  }
}

void CompositeLoad::residual(const dae::Context& ctx, std::span<const double> x, std::span<const double> xdot,
                             std::span<const double> v, std::span<double> f, std::span<double> i) const {
  const std::size_t np = portCount();
  for (std::size_t k = 0; k < np; ++k) {  // constant-admittance shunt: i = Y v
    const Complex ik = shunt_[k] * Complex{v[2 * k], v[2 * k + 1]};
    i[2 * k] = ik.real();
    i[2 * k + 1] = ik.imag();
  }
  std::array<double, kMaxV> vc{}, ic{};
  for (const Part& p : parts_) {
    const std::size_t nv = 2 * p.links.size();
    mapVoltages(p, v, vc);
    p.device->residual(ctx, x.subspan(p.offset, p.states), xdot.subspan(p.offset, p.states),
                       std::span<const double>(vc.data(), nv), f.subspan(p.offset, p.states),
                       std::span<double>(ic.data(), nv));
    addCurrents(p, std::span<const double>(ic.data(), nv), i);
  }
}

void CompositeLoad::jacobianPattern(dae::JacobianSink& sink) const {
  const int nv = static_cast<int>(2 * portCount());
  for (int r = 0; r < nv; ++r)
    for (int c = 0; c < nv; ++c) sink.add(dae::Block::IV, r, c, 0.0);
  for (const Part& p : parts_) {
    MappedSink mapped(sink, p.links, static_cast<int>(p.offset), 1.0, {}, nv);
    p.device->jacobianPattern(mapped);
  }
}

void CompositeLoad::jacobian(const dae::Context& ctx, std::span<const double> x, std::span<const double> xdot,
                             std::span<const double> v, double cj, dae::JacobianSink& sink) const {
  const std::size_t np = portCount();
  const int nv = static_cast<int>(2 * np);
  std::array<double, kMaxV * kMaxV> iv{};
  for (std::size_t k = 0; k < np; ++k) {  // shunt: [[G, -B], [B, G]]
    const double g = shunt_[k].real(), b = shunt_[k].imag();
    const auto r = 2 * k;
    iv[r * 2 * np + r] += g;
    iv[r * 2 * np + r + 1] += -b;
    iv[(r + 1) * 2 * np + r] += b;
    iv[(r + 1) * 2 * np + r + 1] += g;
  }
  std::array<double, kMaxV> vc{};
  for (const Part& p : parts_) {
    mapVoltages(p, v, vc);
    MappedSink mapped(sink, p.links, static_cast<int>(p.offset), p.scale, std::span<double>(iv.data(), 4 * np * np),
                      nv);
    p.device->jacobian(ctx, x.subspan(p.offset, p.states), xdot.subspan(p.offset, p.states),
                       std::span<const double>(vc.data(), 2 * p.links.size()), cj, mapped);
  }
  for (int r = 0; r < nv; ++r)
    for (int c = 0; c < nv; ++c) sink.add(dae::Block::IV, r, c, iv[static_cast<std::size_t>(r * nv + c)]);
}

void CompositeLoad::roots(const dae::Context& ctx, std::span<const double> x, std::span<const double> v,
                          std::span<double> g) const {
  std::array<double, kMaxV> vc{};
  for (const Part& p : parts_) {
    if (p.roots == 0) continue;
    mapVoltages(p, v, vc);
    p.device->roots(ctx, x.subspan(p.offset, p.states), std::span<const double>(vc.data(), 2 * p.links.size()),
                    g.subspan(p.root_offset, p.roots));
  }
}

bool CompositeLoad::onRoot(const dae::Context& ctx, std::span<double> x, std::span<const double> v,
                           std::span<const int> fired) {
  std::array<double, kMaxV> vc{};
  bool changed = false;
  for (Part& p : parts_) {
    if (p.roots == 0) continue;
    mapVoltages(p, v, vc);
    changed |=
        p.device->onRoot(ctx, x.subspan(p.offset, p.states), std::span<const double>(vc.data(), 2 * p.links.size()),
                         fired.subspan(p.root_offset, p.roots));
  }
  return changed;
}

void CompositeLoad::initialize(std::span<const dae::PortOperatingPoint> op, std::span<double> x) {
  const std::size_t np = portCount();
  if (op.size() != np) {
    throw core::ModelError(name_, "composite load: " + std::to_string(np) + " port operating points expected, got " +
                                      std::to_string(op.size()));
  }
  if (x.size() != state_count_) throw core::ModelError(name_, "composite load: state vector of wrong size");
  for (std::size_t k = 0; k < np; ++k) {
    if (!(std::abs(op[k].v0) > 0.0))
      throw core::ModelError(name_, "composite load: zero voltage at port " + std::to_string(k));
  }
  for (Part& p : parts_) initializePart(p, op, x);
  // What the components draw at v0 with x' = 0; the shunt takes the rest on every port.
  std::fill(shunt_.begin(), shunt_.end(), Complex{});
  std::vector<double> v(2 * np), xd(state_count_, 0.0), f(state_count_), i(2 * np);
  for (std::size_t k = 0; k < np; ++k) {
    v[2 * k] = op[k].v0.real();
    v[2 * k + 1] = op[k].v0.imag();
  }
  residual(dae::Context{}, x, xd, v, f, i);
  shunt_mvar_ = shunt_mw_ = 0.0;
  for (std::size_t k = 0; k < np; ++k) {
    const Complex drawn = op[k].v0 * std::conj(Complex{i[2 * k], i[2 * k + 1]});
    const Complex mismatch = op[k].s0 - drawn;
    shunt_[k] = std::conj(mismatch) / std::norm(op[k].v0);  // S = |v|^2 conj(Y)
    shunt_mvar_ += mismatch.imag() * s_base_mva_;
    shunt_mw_ += mismatch.real() * s_base_mva_;
  }
}

void CompositeLoad::initializePart(Part& part, std::span<const dae::PortOperatingPoint> op, std::span<double> x) {
  // P of the composite ports this part serves, each counted once (pu of the composite base).
  std::array<bool, kMaxPorts> used{};
  double p_ports = 0.0;
  for (const PortLink& l : part.links) {
    for (int k : l.port) {
      if (k < 0 || used[static_cast<std::size_t>(k)]) continue;
      used[static_cast<std::size_t>(k)] = true;
      p_ports += op[static_cast<std::size_t>(k)].s0.real();
    }
  }
  std::vector<dae::PortOperatingPoint> pop(part.links.size());
  std::array<double, kMaxV> v{}, vc{};
  for (std::size_t k = 0; k < op.size(); ++k) {
    v[2 * k] = op[k].v0.real();
    v[2 * k + 1] = op[k].v0.imag();
  }
  mapVoltages(part, v, vc);
  for (std::size_t q = 0; q < pop.size(); ++q) pop[q].v0 = {vc[2 * q], vc[2 * q + 1]};
  auto fail = [&](const std::string& why) { throw core::ModelError(part.device->name(), why); };
  switch (part.role) {
    case ComponentRole::Static:
    case ComponentRole::Electronic: {  // one port, the composite base
      const bool st = part.role == ComponentRole::Static;
      const double share = (st ? fractions_.static_load : fractions_.fel) * p_ports;
      pop[0].s0 = {share, share * (st ? tan_static_ : tan_el_)};
      part.scale = 1.0;
      break;
    }
    case ComponentRole::MotorD: {
      auto* m = static_cast<MotorD*>(part.device.get());
      const double pd = fractions_.fm_d * p_ports;
      if (pd < 0.0) fail("motor D share of a load drawing negative P");
      part.scale = pd / m->parameters().comp_lf;  // MVA_D = P_D / CompLF
      pop[0].s0 = MotorD::initialPower(m->parameters());
      break;
    }
    case ComponentRole::MotorA:
    case ComponentRole::MotorB:
    case ComponentRole::MotorC: {
      auto* m = static_cast<InductionMotor*>(part.device.get());
      const double f = part.role == ComponentRole::MotorA   ? fractions_.fm_a
                       : part.role == ComponentRole::MotorB ? fractions_.fm_b
                                                            : fractions_.fm_c;
      const double pm = f * p_ports;
      if (pm < 0.0) fail("motor share of a load drawing negative P");
      const double nports = static_cast<double>(pop.size());
      part.scale = pm / m->parameters().lf_m / nports;  // per-port base = (P_m / LFm) / ports
      for (std::size_t q = 0; q < pop.size(); ++q) {
        // Each machine port carries the P of its composite port (3-port: port q = composite q).
        const double pk = pop.size() == 1 ? pm : f * op[q].s0.real();
        pop[q].s0 = {part.scale > 0.0 ? pk / part.scale : m->parameters().lf_m, 0.0};
      }
      break;
    }
  }
  part.device->initialize(pop, x.subspan(part.offset, part.states));
}

std::complex<double> CompositeLoad::rolePower(ComponentRole role, const dae::Context& ctx, std::span<const double> x,
                                              std::span<const double> v) const {
  const std::size_t np = portCount();
  std::array<double, kMaxV> vc{}, ic{}, i{};
  std::vector<double> xd(state_count_, 0.0), f(state_count_);
  Complex s{};
  for (const Part& p : parts_) {
    if (p.role != role) continue;
    const std::size_t nv = 2 * p.links.size();
    mapVoltages(p, v, vc);
    p.device->residual(ctx, x.subspan(p.offset, p.states), std::span<const double>(xd).subspan(p.offset, p.states),
                       std::span<const double>(vc.data(), nv), std::span<double>(f).subspan(p.offset, p.states),
                       std::span<double>(ic.data(), nv));
    i.fill(0.0);
    addCurrents(p, std::span<const double>(ic.data(), nv), i);
    for (std::size_t k = 0; k < np; ++k)
      s += Complex{v[2 * k], v[2 * k + 1]} * std::conj(Complex{i[2 * k], i[2 * k + 1]});
  }
  return s;
}

std::complex<double> CompositeLoad::shuntPower(std::span<const double> v) const {
  Complex s{};
  for (std::size_t k = 0; k < portCount(); ++k) s += std::norm(Complex{v[2 * k], v[2 * k + 1]}) * std::conj(shunt_[k]);
  return s;
}

CompositeOutputs CompositeLoad::outputs(std::span<const double> x) const {
  CompositeOutputs o;
  for (const Part& p : parts_) {
    if (p.role != ComponentRole::MotorD) continue;
    const auto* m = static_cast<const MotorD*>(p.device.get());
    const MotorDOutputs u = m->outputs(x.subspan(p.offset, p.states));
    const double p0 = u.p0_pu * p.scale * s_base_mva_;
    o.motor_d_p0_mw += p0;
    o.stall_p0_mw += p0 * u.stall_share;
    o.connected_stalled_p0_mw += p0 * u.connected_stalled_share;
    o.kcon_p0_mw += p0 * u.k_con;
    o.fth_p0_mw += p0 * u.fth;
    o.kuv_p0_mw += p0 * u.k_uv;
  }
  return o;
}

std::vector<MotorD*> CompositeLoad::motorDUnits() {
  std::vector<MotorD*> out;
  for (Part& p : parts_) {
    if (p.role == ComponentRole::MotorD) out.push_back(static_cast<MotorD*>(p.device.get()));
  }
  return out;
}

}  // namespace feederlab::loads
