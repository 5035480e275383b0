// Assembler: index map, sparsity pattern, residual and analytic Jacobian of the feeder DAE
// (the formulation is stated in include/feederlab/dae/assembler.hpp; current-balance form after
// Milano, Power System Modelling and Scripting, 2010, ch. 4 "network equations" and ch. 7 "DAE
// formulation").
#include "feederlab/dae/assembler.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <sstream>
#include <utility>

#include <Eigen/SparseCore>
#include <Eigen/SparseLU>

#include "feederlab/core/error.hpp"
#include "feederlab/graph/topology.hpp"

namespace feederlab::dae {

namespace {

using Complex = std::complex<double>;

std::uint64_t entryKey(Block block, int row, int col) {
  return (static_cast<std::uint64_t>(block) << 48) | (static_cast<std::uint64_t>(row) << 24) |
         static_cast<std::uint64_t>(col);
}

struct Target {
  int slot = 0;
  double factor = 0.0;
};

// Global (row, col) with a factor, before slots are known.
struct GlobalEntry {
  std::uint64_t key;
  int row, col;
  double factor;
};

}  // namespace

struct Assembler::Impl {
  const powerflow::Result* pf = nullptr;
  std::vector<double> vb;  // node base volts (line-to-neutral)

  // Complex Y (pu), CSC over nodes; base values from the network, current = base + shunts.
  std::vector<int> ycol, yrow;
  std::vector<Complex> ybase, yval;
  std::vector<std::array<int, 4>> yslots;  // rectangular slots per complex entry: rr, ri, ir, ii

  struct Shunt {
    std::string name;
    int from = -1, to = -1;
    Complex y;                  // siemens
    std::array<int, 4> pos{};   // complex entries ff, tt, ft, tf (-1 = ground side)
  };
  std::vector<Shunt> shunts;

  struct Stamp {
    std::string name;
    std::vector<int> nodes;
    std::vector<Complex> y;  // siemens, row-major
    double scale = 0.0;
    int cancels = -1;        // network branch index it cancels (opened switch), -1 none
    std::vector<int> pos;    // complex Y entry per (a, b), -1 where a side is ground
  };
  std::vector<Stamp> stamps;

  struct Imposed {
    std::string name;
    std::vector<int> nodes;
    VoltageFunction set_point;
  };
  std::vector<Imposed> imposed;
  std::vector<int> imposed_slots;  // Jacobian slots in imposed rows (zeroed)
  std::vector<int> imposed_diag;   // their diagonal slots (set to 1)
  mutable std::vector<Complex> uset;
  bool imposed_enabled = true;  // off while initialize() checks the power-flow point

  // Norton currents per phase of the source EMF (pu of node current base), interleaved re/im.
  std::array<std::vector<double>, 3> norton;
  std::array<double, 3> emf_at{1.0, 1.0, 1.0}, emf_slope{0.0, 0.0, 0.0};
  double emf_t0 = 0.0;

  struct Dev {
    std::unique_ptr<Device> device;
    std::vector<PortConnection> ports;
    std::vector<std::array<std::pair<int, double>, 2>> coeff;  // per port: (node, a) from, to
    double c = 1.0;                                            // S_device / S_system
    double k = 1.0;                                            // load-step scale of c
    std::vector<PortOperatingPoint> op;
    std::size_t offset = 0, nx = 0, np = 0, root_offset = 0, nroots = 0;
    std::vector<VariableInfo> vars;
    std::vector<std::uint64_t> keys;      // sorted entry keys
    std::vector<std::size_t> key_begin;   // targets of keys[k]: [key_begin[k], key_begin[k+1])
    std::vector<Target> targets;
    // Key indices in the order jacobian() wrote them last time: devices write their entries in
    // the same order at every call, so the lookup is a comparison instead of a binary search.
    mutable std::vector<std::uint32_t> call_order;
  };
  std::vector<Dev> devs;
  bool finalized = false;

  // Head measurement.
  std::array<int, 3> head_nodes{-1, -1, -1};
  std::vector<int> head_branches;     // network branch indices leaving @head
  std::vector<int> head_branch_stamp;  // per head branch: stamp cancelling it, -1 none
  std::vector<std::size_t> head_excluded;

  // Scratch.
  mutable std::vector<double> v, i, g;
  mutable std::vector<int> fired;

  void portVoltages(const Dev& d, std::span<const double> y) const {
    for (std::size_t p = 0; p < d.np; ++p) {
      double re = 0.0, im = 0.0;
      for (const auto& [node, a] : d.coeff[p]) {
        if (node < 0) continue;
        re += a * y[2 * static_cast<std::size_t>(node)];
        im += a * y[2 * static_cast<std::size_t>(node) + 1];
      }
      v[2 * p] = re;
      v[2 * p + 1] = im;
    }
  }

  std::array<double, 3> emfScale(double t) const {
    std::array<double, 3> s{};
    for (int k = 0; k < 3; ++k) s[k] = emf_at[k] + emf_slope[k] * (t - emf_t0);
    return s;
  }

  void refreshY() {
    yval = ybase;
    for (const auto& sh : shunts) {
      if (sh.y == Complex{}) continue;
      const double vf = sh.from >= 0 ? vb[static_cast<std::size_t>(sh.from)] : 0.0;
      const double vt = sh.to >= 0 ? vb[static_cast<std::size_t>(sh.to)] : 0.0;
      const Complex y = sh.y / kSystemBaseVa;
      if (sh.pos[0] >= 0) yval[static_cast<std::size_t>(sh.pos[0])] += y * vf * vf;
      if (sh.pos[1] >= 0) yval[static_cast<std::size_t>(sh.pos[1])] += y * vt * vt;
      if (sh.pos[2] >= 0) yval[static_cast<std::size_t>(sh.pos[2])] -= y * vf * vt;
      if (sh.pos[3] >= 0) yval[static_cast<std::size_t>(sh.pos[3])] -= y * vf * vt;
    }
    for (const auto& st : stamps) {
      if (st.scale == 0.0) continue;
      const std::size_t order = st.nodes.size();
      for (std::size_t a = 0; a < order; ++a)
        for (std::size_t b = 0; b < order; ++b) {
          const int pos = st.pos[a * order + b];
          if (pos < 0) continue;
          const double va = vb[static_cast<std::size_t>(st.nodes[a])], vbb = vb[static_cast<std::size_t>(st.nodes[b])];
          yval[static_cast<std::size_t>(pos)] += st.scale * st.y[a * order + b] * va * vbb / kSystemBaseVa;
        }
    }
  }
};

namespace {

class SlotSink final : public JacobianSink {
 public:
  SlotSink(const Assembler::Impl::Dev& dev, std::span<double> values) : dev_(dev), values_(values) {}
  void add(Block block, int row, int col, double value) override {
    const std::uint64_t key = entryKey(block, row, col);
    auto& order = dev_.call_order;
    std::size_t k = 0;
    if (pos_ < order.size() && dev_.keys[order[pos_]] == key) {
      k = order[pos_];
    } else {
      k = find(block, row, col, key);
      if (pos_ < order.size()) order.resize(pos_);  // the order changed (a mode): record anew
      order.push_back(static_cast<std::uint32_t>(k));
    }
    ++pos_;
    if (block == Block::IX || block == Block::IV) value *= dev_.k;  // load-step scale of the coupling
    for (std::size_t t = dev_.key_begin[k]; t < dev_.key_begin[k + 1]; ++t)
      values_[static_cast<std::size_t>(dev_.targets[t].slot)] += dev_.targets[t].factor * value;
  }

 private:
  std::size_t find(Block block, int row, int col, std::uint64_t key) const {
    const auto it = std::lower_bound(dev_.keys.begin(), dev_.keys.end(), key);
    if (it == dev_.keys.end() || *it != key) {
      std::ostringstream os;
      os << "device " << dev_.device->name() << ": jacobian() wrote entry (block " << static_cast<int>(block)
         << ", row " << row << ", col " << col << ") that jacobianPattern() did not declare";
      throw core::NumericalError(os.str());
    }
    return static_cast<std::size_t>(it - dev_.keys.begin());
  }

  const Assembler::Impl::Dev& dev_;
  std::span<double> values_;
  std::size_t pos_ = 0;
};

// Collects a device's pattern as global entries (row, col, factor) per local key.
class PatternSink final : public JacobianSink {
 public:
  PatternSink(const Assembler::Impl::Dev& dev) : dev_(dev) {}
  void add(Block block, int row, int col, double) override {
    const std::uint64_t key = entryKey(block, row, col);
    if (!seen_.empty() && std::find(seen_.begin(), seen_.end(), key) != seen_.end()) return;
    seen_.push_back(key);
    const int off = static_cast<int>(dev_.offset);
    const double c = dev_.c;
    auto portNodes = [&](int local) { return dev_.coeff[static_cast<std::size_t>(local / 2)]; };
    switch (block) {
      case Block::XX:
        entries.push_back({key, off + row, off + col, 1.0});
        break;
      case Block::XV:
        for (const auto& [n, a] : portNodes(col))
          if (n >= 0) entries.push_back({key, off + row, 2 * n + col % 2, a});
        break;
      case Block::IX:
        for (const auto& [n, a] : portNodes(row))
          if (n >= 0) entries.push_back({key, 2 * n + row % 2, off + col, -c * a});
        break;
      case Block::IV:
        for (const auto& [n, a] : portNodes(row))
          for (const auto& [m, b] : portNodes(col))
            if (n >= 0 && m >= 0) entries.push_back({key, 2 * n + row % 2, 2 * m + col % 2, -c * a * b});
        break;
    }
  }
  std::vector<GlobalEntry> entries;

 private:
  const Assembler::Impl::Dev& dev_;
  std::vector<std::uint64_t> seen_;
};

}  // namespace

Assembler::Assembler(const powerflow::Network& network, const powerflow::Result& pf)
    : impl_(std::make_unique<Impl>()), network_(&network), nodes_(network.nodeCount()) {
  impl_->pf = &pf;
  const auto& feeder = network.feeder();
  const auto& nodes = network.nodes();
  auto& vb = impl_->vb;
  vb.assign(nodes.size(), 0.0);
  for (std::size_t k = 0; k < nodes.size(); ++k) {
    double b = nodes[k].base_volts;
    if (!(b > 0.0) && nodes[k].bus != model::kNoBus)
      b = feeder.buses[static_cast<std::size_t>(nodes[k].bus)].kv_base_ll * 1000.0 / std::sqrt(3.0);
    vb[k] = b;
  }
  for (std::size_t k = 0; k < nodes.size(); ++k) {  // unknown base: another node of the bus, else 1 kV
    if (vb[k] > 0.0) continue;
    for (std::size_t j = 0; j < nodes.size(); ++j)
      if (nodes[j].bus == nodes[k].bus && vb[j] > 0.0) vb[k] = std::max(vb[k], vb[j]);
    if (!(vb[k] > 0.0)) vb[k] = 1000.0;
  }
  head_bus_ = pf.head_bus;
}

Assembler::~Assembler() = default;

std::size_t Assembler::addDevice(std::unique_ptr<Device> device, std::vector<PortConnection> ports,
                                 double s_base_mva, std::vector<PortOperatingPoint> op) {
  if (impl_->finalized) throw core::ModelError(device->name(), "device added after Assembler::finalize()");
  if (ports.size() != device->portCount() || op.size() != device->portCount())
    throw core::ModelError(device->name(), "port connections or operating points do not match the device's ports");
  Impl::Dev d;
  d.c = s_base_mva * 1.0e6 / kSystemBaseVa;
  for (const auto& p : ports) {
    if (!(p.v_base_volts > 0.0)) throw core::ModelError(device->name(), "port base voltage must be > 0");
    if (p.from < 0 && p.to < 0) throw core::ModelError(device->name(), "port with both sides grounded");
    std::array<std::pair<int, double>, 2> c{};
    c[0] = {p.from, p.from >= 0 ? impl_->vb[static_cast<std::size_t>(p.from)] / p.v_base_volts : 0.0};
    c[1] = {p.to, p.to >= 0 ? -impl_->vb[static_cast<std::size_t>(p.to)] / p.v_base_volts : 0.0};
    d.coeff.push_back(c);
  }
  d.ports = std::move(ports);
  d.op = std::move(op);
  d.nx = device->stateCount();
  d.np = device->portCount();
  d.nroots = device->rootCount();
  d.vars = device->variables();
  d.device = std::move(device);
  impl_->devs.push_back(std::move(d));
  return impl_->devs.size() - 1;
}

std::size_t Assembler::addShunt(std::string name, int from, int to) {
  if (impl_->finalized) throw core::ModelError(name, "shunt added after Assembler::finalize()");
  if (from < 0 && to < 0) throw core::ModelError(name, "shunt with both sides grounded");
  impl_->shunts.push_back({std::move(name), from, to, {}, {}});
  return impl_->shunts.size() - 1;
}

std::size_t Assembler::addBranchStamp(std::string name, std::vector<int> nodes, std::vector<std::complex<double>> y_siemens,
                                      int cancels_branch) {
  if (impl_->finalized) throw core::ModelError(name, "branch stamp added after Assembler::finalize()");
  if (y_siemens.size() != nodes.size() * nodes.size())
    throw core::ModelError(name, "branch stamp admittance does not match its node count");
  for (int n : nodes)
    if (n >= nodes_) throw core::ModelError(name, "branch stamp node out of range");
  impl_->stamps.push_back({std::move(name), std::move(nodes), std::move(y_siemens), 0.0, cancels_branch, {}});
  return impl_->stamps.size() - 1;
}

void Assembler::addImposedVoltage(std::string name, std::vector<int> nodes, VoltageFunction set_point) {
  if (impl_->finalized) throw core::ModelError(name, "imposed voltage added after Assembler::finalize()");
  for (int n : nodes) {
    if (n < 0 || n >= nodes_) throw core::ModelError(name, "imposed voltage on a node that is not in the network");
    for (const auto& im : impl_->imposed)
      if (std::find(im.nodes.begin(), im.nodes.end(), n) != im.nodes.end())
        throw core::ModelError(name, "node " + network_->nodeName(n) + " already has an imposed voltage (" + im.name + ")");
  }
  if (!set_point) throw core::ModelError(name, "imposed voltage without a set-point function");
  impl_->imposed.push_back({std::move(name), std::move(nodes), std::move(set_point)});
}

void Assembler::finalize() {
  auto& m = *impl_;
  if (m.finalized) return;
  const auto n_nodes = static_cast<std::size_t>(nodes_);

  // Complex Y pattern: the network's plus the shunts'.
  const powerflow::SparseMatrix y = network_->admittance(false);
  std::vector<std::vector<std::pair<int, Complex>>> cols(n_nodes);
  for (int c = 0; c < y.n; ++c)
    for (int k = y.col_ptr[static_cast<std::size_t>(c)]; k < y.col_ptr[static_cast<std::size_t>(c) + 1]; ++k)
      cols[static_cast<std::size_t>(c)].push_back({y.row_idx[static_cast<std::size_t>(k)], y.values[static_cast<std::size_t>(k)]});
  for (const auto& sh : m.shunts)
    for (int a : {sh.from, sh.to})
      for (int b : {sh.from, sh.to})
        if (a >= 0 && b >= 0) cols[static_cast<std::size_t>(b)].push_back({a, Complex{}});
  for (const auto& st : m.stamps)
    for (int a : st.nodes)
      for (int b : st.nodes)
        if (a >= 0 && b >= 0) cols[static_cast<std::size_t>(b)].push_back({a, Complex{}});
  m.ycol.assign(n_nodes + 1, 0);
  m.yrow.clear();
  m.ybase.clear();
  for (std::size_t c = 0; c < n_nodes; ++c) {
    auto& col = cols[c];
    std::sort(col.begin(), col.end(), [](const auto& p, const auto& q) { return p.first < q.first; });
    for (std::size_t k = 0; k < col.size(); ++k) {
      if (k > 0 && col[k].first == col[k - 1].first) {
        m.ybase.back() += col[k].second;
        continue;
      }
      m.yrow.push_back(col[k].first);
      m.ybase.push_back(col[k].second);
    }
    m.ycol[c + 1] = static_cast<int>(m.yrow.size());
  }
  for (std::size_t c = 0; c < n_nodes; ++c)  // to per unit
    for (int k = m.ycol[c]; k < m.ycol[c + 1]; ++k)
      m.ybase[static_cast<std::size_t>(k)] *=
          m.vb[static_cast<std::size_t>(m.yrow[static_cast<std::size_t>(k)])] * m.vb[c] / kSystemBaseVa;
  auto ypos = [&](int r, int c) -> int {
    if (r < 0 || c < 0) return -1;
    const auto b = m.yrow.begin() + m.ycol[static_cast<std::size_t>(c)];
    const auto e = m.yrow.begin() + m.ycol[static_cast<std::size_t>(c) + 1];
    const auto it = std::lower_bound(b, e, r);
    return (it != e && *it == r) ? static_cast<int>(it - m.yrow.begin()) : -1;
  };
  for (auto& sh : m.shunts)
    sh.pos = {ypos(sh.from, sh.from), ypos(sh.to, sh.to), ypos(sh.from, sh.to), ypos(sh.to, sh.from)};
  for (auto& st : m.stamps) {
    st.pos.clear();
    for (int a : st.nodes)
      for (int b : st.nodes) st.pos.push_back(ypos(a, b));
  }
  m.refreshY();

  // Norton injection per phase of the EMF.
  for (auto& v : m.norton) v.assign(2 * n_nodes, 0.0);
  for (std::size_t s = 0; s < network_->sources().size(); ++s) {
    const auto& p = network_->sources()[s];
    const auto& e = network_->sourceEmf()[s];
    const std::size_t order = p.nodes.size();
    for (std::size_t a = 0; a < order; ++a) {
      if (p.nodes[a] < 0) continue;
      const auto na = static_cast<std::size_t>(p.nodes[a]);
      for (std::size_t b = 0; b < order; ++b) {
        const int ph = p.node_nums[b] - 1;
        if (ph < 0 || ph > 2) continue;  // the EMF of a ground conductor is zero
        const Complex i = p.y[a * order + b] * e[b] * m.vb[na] / kSystemBaseVa;
        m.norton[static_cast<std::size_t>(ph)][2 * na] += i.real();
        m.norton[static_cast<std::size_t>(ph)][2 * na + 1] += i.imag();
      }
    }
  }

  // Global layout.
  std::size_t off = 2 * n_nodes, roff = 0, max_ports = 0, max_roots = 0;
  for (auto& d : m.devs) {
    d.offset = off;
    d.root_offset = roff;
    off += d.nx;
    roff += d.nroots;
    max_ports = std::max(max_ports, d.np);
    max_roots = std::max(max_roots, d.nroots);
  }
  n_ = off;
  root_count_ = roff;
  m.v.assign(2 * max_ports, 0.0);
  m.i.assign(2 * max_ports, 0.0);
  m.g.assign(max_roots, 0.0);
  m.fired.assign(max_roots, 0);
  id_.assign(n_, 0.0);
  for (const auto& d : m.devs)
    for (std::size_t k = 0; k < d.nx; ++k)
      id_[d.offset + k] = (k < d.vars.size() && d.vars[k].kind == VariableKind::Differential) ? 1.0 : 0.0;

  // Real pattern: rectangular Y plus every device's mapped entries.
  std::vector<std::vector<int>> rows(n_);
  for (std::size_t c = 0; c < n_nodes; ++c)
    for (int k = m.ycol[c]; k < m.ycol[c + 1]; ++k) {
      const int r = m.yrow[static_cast<std::size_t>(k)];
      for (int pc = 0; pc < 2; ++pc)
        for (int pr = 0; pr < 2; ++pr) rows[2 * c + static_cast<std::size_t>(pc)].push_back(2 * r + pr);
    }
  std::vector<std::vector<GlobalEntry>> dev_entries(m.devs.size());
  for (std::size_t di = 0; di < m.devs.size(); ++di) {
    PatternSink sink(m.devs[di]);
    m.devs[di].device->jacobianPattern(sink);
    for (const auto& e : sink.entries) rows[static_cast<std::size_t>(e.col)].push_back(e.row);
    dev_entries[di] = std::move(sink.entries);
  }
  pattern_.n = static_cast<int>(n_);
  pattern_.col_ptr.assign(n_ + 1, 0);
  pattern_.row_idx.clear();
  for (std::size_t c = 0; c < n_; ++c) {
    auto& r = rows[c];
    std::sort(r.begin(), r.end());
    r.erase(std::unique(r.begin(), r.end()), r.end());
    pattern_.row_idx.insert(pattern_.row_idx.end(), r.begin(), r.end());
    pattern_.col_ptr[c + 1] = static_cast<int>(pattern_.row_idx.size());
  }
  auto slot = [&](int r, int c) {
    const auto b = pattern_.row_idx.begin() + pattern_.col_ptr[static_cast<std::size_t>(c)];
    const auto e = pattern_.row_idx.begin() + pattern_.col_ptr[static_cast<std::size_t>(c) + 1];
    return static_cast<int>(std::lower_bound(b, e, r) - pattern_.row_idx.begin());
  };
  m.yslots.resize(m.yrow.size());
  for (std::size_t c = 0; c < n_nodes; ++c)
    for (int k = m.ycol[c]; k < m.ycol[c + 1]; ++k) {
      const int r = m.yrow[static_cast<std::size_t>(k)];
      const int cc = static_cast<int>(c);
      m.yslots[static_cast<std::size_t>(k)] = {slot(2 * r, 2 * cc), slot(2 * r, 2 * cc + 1), slot(2 * r + 1, 2 * cc),
                                               slot(2 * r + 1, 2 * cc + 1)};
    }
  for (std::size_t di = 0; di < m.devs.size(); ++di) {
    auto& d = m.devs[di];
    auto& es = dev_entries[di];
    std::stable_sort(es.begin(), es.end(), [](const GlobalEntry& a, const GlobalEntry& b) { return a.key < b.key; });
    d.keys.clear();
    d.key_begin.clear();
    d.targets.clear();
    for (const auto& e : es) {
      if (d.keys.empty() || d.keys.back() != e.key) {
        d.keys.push_back(e.key);
        d.key_begin.push_back(d.targets.size());
      }
      d.targets.push_back({slot(e.row, e.col), e.factor});
    }
    d.key_begin.push_back(d.targets.size());
  }

  // Imposed rows: every slot in them, and the diagonal.
  {
    std::vector<char> imposed_row(n_, 0);
    std::size_t count = 0;
    for (const auto& im : m.imposed)
      for (int node : im.nodes) {
        imposed_row[2 * static_cast<std::size_t>(node)] = imposed_row[2 * static_cast<std::size_t>(node) + 1] = 1;
        m.imposed_diag.push_back(slot(2 * node, 2 * node));
        m.imposed_diag.push_back(slot(2 * node + 1, 2 * node + 1));
        ++count;
      }
    for (std::size_t c = 0; c < n_; ++c)
      for (int k = pattern_.col_ptr[c]; k < pattern_.col_ptr[c + 1]; ++k)
        if (imposed_row[static_cast<std::size_t>(pattern_.row_idx[static_cast<std::size_t>(k)])]) m.imposed_slots.push_back(k);
    m.uset.assign(count, Complex{});
  }

  // @head: phase nodes and the branches from its parent bus (or the source at it).
  const auto& feeder = network_->feeder();
  if (head_bus_ != model::kNoBus) {
    for (int ph = 0; ph < 3; ++ph) m.head_nodes[static_cast<std::size_t>(ph)] = network_->nodeIndex(head_bus_, ph + 1);
    const graph::Topology topo = graph::buildTopology(feeder);
    const model::BusId parent = topo.parent_bus[static_cast<std::size_t>(head_bus_)];
    auto touches = [&](const powerflow::Primitive& p, model::BusId bus) {
      for (int nidx : p.nodes)
        if (nidx >= 0 && network_->nodes()[static_cast<std::size_t>(nidx)].bus == bus) return true;
      return false;
    };
    // As the power flow's head_power (src/powerflow/results.cpp headInfo): every branch at
    // @head except those joining the parent bus and one-terminal shunts.
    const auto& br = network_->branches();
    for (std::size_t b = 0; b < br.size(); ++b) {
      const auto& p = br[b];
      if (p.terminals < 2 || !touches(p, head_bus_)) continue;
      if (parent != model::kNoBus && touches(p, parent)) continue;
      m.head_branches.push_back(static_cast<int>(b));
      int stamp = -1;
      for (std::size_t s = 0; s < m.stamps.size(); ++s)
        if (m.stamps[s].cancels == static_cast<int>(b)) stamp = static_cast<int>(s);
      m.head_branch_stamp.push_back(stamp);
    }
  }

  y0_.assign(n_, 0.0);
  yp0_.assign(n_, 0.0);
  m.finalized = true;
}

InitReport Assembler::initialize(double tolerance) {
  auto& m = *impl_;
  if (!m.finalized) finalize();
  const auto& nodes = network_->nodes();
  for (std::size_t k = 0; k < nodes.size(); ++k) {
    const auto v = m.pf->voltage(nodes[k].bus, nodes[k].node);
    const Complex u = v ? *v / m.vb[k] : Complex{};
    y0_[2 * k] = u.real();
    y0_[2 * k + 1] = u.imag();
  }
  std::fill(yp0_.begin(), yp0_.end(), 0.0);
  // The power-flow point is checked without imposed voltages (a playback may start elsewhere; the
  // solver's consistent-start step moves the algebraic unknowns onto it).
  m.imposed_enabled = false;
  struct Reenable {
    Impl& m;
    ~Reenable() { m.imposed_enabled = true; }
  } reenable{m};
  for (auto& d : m.devs)
    d.device->initialize(d.op, std::span<double>(y0_).subspan(d.offset, d.nx));

  std::vector<double> f(n_, 0.0);
  residual(0.0, y0_, yp0_, f);

  // Polish: the power flow converges to ~1e-12 pu in voltage, which through the large per-unit
  // admittances of switches and short lines leaves ~1e-8 pu of current mismatch. One linear
  // solve Y du = F_nodes with the device currents held fixed removes it; the devices are then
  // re-initialized at the corrected voltages drawing the same currents (their P/Q move by
  // ~1e-12 relative).
  if (nodes_ > 0) {
    using C = std::complex<double>;
    const auto nn = static_cast<std::size_t>(nodes_);
    std::vector<Eigen::Triplet<C>> trip;
    for (std::size_t c = 0; c < nn; ++c)
      for (int k = m.ycol[c]; k < m.ycol[c + 1]; ++k)
        trip.emplace_back(m.yrow[static_cast<std::size_t>(k)], static_cast<int>(c), m.yval[static_cast<std::size_t>(k)]);
    Eigen::SparseMatrix<C> ym(nodes_, nodes_);
    ym.setFromTriplets(trip.begin(), trip.end());
    ym.makeCompressed();
    Eigen::SparseLU<Eigen::SparseMatrix<C>> lu;
    lu.compute(ym);
    if (lu.info() == Eigen::Success) {
      Eigen::VectorXcd rhs(nodes_);
      for (std::size_t k = 0; k < nn; ++k) rhs[static_cast<Eigen::Index>(k)] = C(f[2 * k], f[2 * k + 1]);
      const Eigen::VectorXcd du = lu.solve(rhs);
      // Device currents (own per unit) at the unpolished point.
      Context ctx;
      std::vector<std::vector<double>> cur(m.devs.size());
      std::vector<double> fx;
      for (std::size_t di = 0; di < m.devs.size(); ++di) {
        auto& d = m.devs[di];
        m.portVoltages(d, y0_);
        fx.assign(d.nx, 0.0);
        cur[di].assign(2 * d.np, 0.0);
        d.device->residual(ctx, std::span<const double>(y0_).subspan(d.offset, d.nx),
                           std::span<const double>(yp0_).subspan(d.offset, d.nx),
                           std::span<const double>(m.v.data(), 2 * d.np), fx, cur[di]);
      }
      for (std::size_t k = 0; k < nn; ++k) {
        y0_[2 * k] += du[static_cast<Eigen::Index>(k)].real();
        y0_[2 * k + 1] += du[static_cast<Eigen::Index>(k)].imag();
      }
      for (std::size_t di = 0; di < m.devs.size(); ++di) {
        auto& d = m.devs[di];
        m.portVoltages(d, y0_);
        for (std::size_t p = 0; p < d.np; ++p) {
          const C v(m.v[2 * p], m.v[2 * p + 1]);
          const C i(cur[di][2 * p], cur[di][2 * p + 1]);
          d.op[p] = {v, v * std::conj(i)};
        }
        d.device->initialize(d.op, std::span<double>(y0_).subspan(d.offset, d.nx));
      }
      residual(0.0, y0_, yp0_, f);
    }
  }
  // Node rows are judged relative to their admittance scale max(1, sum_j |Y_kj|): with switches
  // of ~1e-4 ohm the per-unit entries reach ~1e6 and rounding alone leaves |F| ~ 1e-9 there.
  std::vector<double> scale(n_, 1.0);
  for (std::size_t c = 0; c < static_cast<std::size_t>(nodes_); ++c)
    for (int k = m.ycol[c]; k < m.ycol[c + 1]; ++k) {
      const auto r = static_cast<std::size_t>(m.yrow[static_cast<std::size_t>(k)]);
      const double a = std::abs(m.yval[static_cast<std::size_t>(k)]);
      scale[2 * r] += a, scale[2 * r + 1] += a;
    }
  InitReport r;
  std::size_t worst = 0;
  for (std::size_t j = 0; j < n_; ++j) {
    if (!std::isfinite(f[j])) {
      worst = j;
      r.max_residual = r.max_scaled_residual = std::numeric_limits<double>::infinity();
      break;
    }
    r.max_residual = std::max(r.max_residual, std::abs(f[j]));
    if (std::abs(f[j]) / scale[j] > r.max_scaled_residual) r.max_scaled_residual = std::abs(f[j]) / scale[j], worst = j;
  }
  r.worst = n_ > 0 ? variableName(worst) : std::string{};
  if (!(r.max_scaled_residual <= tolerance)) {
    std::ostringstream os;
    os << "DAE initialization: |F(y0, 0)| = " << r.max_scaled_residual << " (scaled) exceeds " << tolerance
       << " at " << r.worst << " (the devices do not reproduce the power-flow operating point)";
    throw core::NumericalError(os.str());
  }
  return r;
}

std::vector<double> Assembler::absTolerances(double node_abs_tolerance) const {
  std::vector<double> a(n_, node_abs_tolerance);
  for (const auto& d : impl_->devs)
    for (std::size_t k = 0; k < d.nx && k < d.vars.size(); ++k) a[d.offset + k] = d.vars[k].abs_tolerance;
  return a;
}

std::string Assembler::variableName(std::size_t j) const {
  if (j < nodeUnknowns()) return "node " + network_->nodeName(static_cast<int>(j / 2)) + (j % 2 ? " (im)" : " (re)");
  for (const auto& d : impl_->devs)
    if (j >= d.offset && j < d.offset + d.nx) {
      const std::size_t k = j - d.offset;
      return "device " + std::string(d.device->kind()) + " " + d.device->name() + " / " +
             (k < d.vars.size() ? d.vars[k].name : std::to_string(k));
    }
  return "unknown " + std::to_string(j);
}

void Assembler::residual(double t, std::span<const double> y, std::span<const double> yp, std::span<double> f) const {
  const auto& m = *impl_;
  const auto nn = static_cast<std::size_t>(nodes_);
  const auto s = m.emfScale(t);
  for (std::size_t k = 0; k < 2 * nn; ++k) f[k] = s[0] * m.norton[0][k] + s[1] * m.norton[1][k] + s[2] * m.norton[2][k];
  for (std::size_t c = 0; c < nn; ++c) {
    const double ur = y[2 * c], ui = y[2 * c + 1];
    for (int k = m.ycol[c]; k < m.ycol[c + 1]; ++k) {
      const Complex yy = m.yval[static_cast<std::size_t>(k)];
      const auto r = static_cast<std::size_t>(m.yrow[static_cast<std::size_t>(k)]);
      f[2 * r] -= yy.real() * ur - yy.imag() * ui;
      f[2 * r + 1] -= yy.imag() * ur + yy.real() * ui;
    }
  }
  Context ctx;
  ctx.t = t;
  for (const auto& d : m.devs) {
    m.portVoltages(d, y);
    const std::span<const double> v(m.v.data(), 2 * d.np);
    const std::span<double> i(m.i.data(), 2 * d.np);
    d.device->residual(ctx, y.subspan(d.offset, d.nx), yp.subspan(d.offset, d.nx), v, f.subspan(d.offset, d.nx), i);
    for (std::size_t p = 0; p < d.np; ++p)
      for (const auto& [node, a] : d.coeff[p]) {
        if (node < 0) continue;
        f[2 * static_cast<std::size_t>(node)] -= d.c * d.k * a * i[2 * p];
        f[2 * static_cast<std::size_t>(node) + 1] -= d.c * d.k * a * i[2 * p + 1];
      }
  }
  if (m.imposed_enabled)
  for (const auto& im : m.imposed) {  // u_k - u_set,k(t) = 0
    const std::span<Complex> u(m.uset.data(), im.nodes.size());
    im.set_point(t, u);
    for (std::size_t k = 0; k < im.nodes.size(); ++k) {
      const auto node = static_cast<std::size_t>(im.nodes[k]);
      f[2 * node] = y[2 * node] - u[k].real();
      f[2 * node + 1] = y[2 * node + 1] - u[k].imag();
    }
  }
}

void Assembler::jacobian(double t, std::span<const double> y, std::span<const double> yp, double cj,
                         std::span<double> values) const {
  const auto& m = *impl_;
  std::fill(values.begin(), values.end(), 0.0);
  for (std::size_t k = 0; k < m.yval.size(); ++k) {  // F = ... - Y u
    const Complex yy = m.yval[k];
    const auto& sl = m.yslots[k];
    values[static_cast<std::size_t>(sl[0])] -= yy.real();
    values[static_cast<std::size_t>(sl[1])] += yy.imag();
    values[static_cast<std::size_t>(sl[2])] -= yy.imag();
    values[static_cast<std::size_t>(sl[3])] -= yy.real();
  }
  Context ctx;
  ctx.t = t;
  for (const auto& d : m.devs) {
    m.portVoltages(d, y);
    SlotSink sink(d, values);
    d.device->jacobian(ctx, y.subspan(d.offset, d.nx), yp.subspan(d.offset, d.nx),
                       std::span<const double>(m.v.data(), 2 * d.np), cj, sink);
  }
  for (int k : m.imposed_slots) values[static_cast<std::size_t>(k)] = 0.0;
  for (int k : m.imposed_diag) values[static_cast<std::size_t>(k)] = 1.0;
}

void Assembler::roots(double t, std::span<const double> y, std::span<const double>, std::span<double> g) const {
  const auto& m = *impl_;
  Context ctx;
  ctx.t = t;
  for (const auto& d : m.devs) {
    if (d.nroots == 0) continue;
    m.portVoltages(d, y);
    d.device->roots(ctx, y.subspan(d.offset, d.nx), std::span<const double>(m.v.data(), 2 * d.np),
                    g.subspan(d.root_offset, d.nroots));
  }
}

void Assembler::deviceRoots(std::size_t di, double t, std::span<const double> y, std::span<double> g) const {
  const auto& m = *impl_;
  const auto& d = m.devs.at(di);
  if (d.nroots == 0) return;
  Context ctx;
  ctx.t = t;
  m.portVoltages(d, y);
  d.device->roots(ctx, y.subspan(d.offset, d.nx), std::span<const double>(m.v.data(), 2 * d.np),
                  g.subspan(d.root_offset, d.nroots));
}

std::size_t Assembler::rootDevice(std::size_t k) const {
  const auto& devs = impl_->devs;
  // root offsets increase with the device index: binary search over devices with roots
  std::size_t lo = 0, hi = devs.size();
  while (hi - lo > 1) {
    const std::size_t mid = (lo + hi) / 2;
    if (devs[mid].root_offset <= k) lo = mid; else hi = mid;
  }
  while (lo + 1 < devs.size() && devs[lo].nroots == 0) ++lo;  // skip devices without roots
  return lo;
}

bool Assembler::onDeviceRoots(std::size_t di, double t, std::span<double> y, std::span<const int> fired) {
  auto& m = *impl_;
  auto& d = m.devs.at(di);
  if (d.nroots == 0) return false;
  Context ctx;
  ctx.t = t;
  m.portVoltages(d, y);
  return d.device->onRoot(ctx, y.subspan(d.offset, d.nx), std::span<const double>(m.v.data(), 2 * d.np),
                          fired.subspan(d.root_offset, d.nroots));
}

std::string Assembler::rootName(std::size_t k) const {
  for (const auto& d : impl_->devs)
    if (k >= d.root_offset && k < d.root_offset + d.nroots)
      return "device " + std::string(d.device->kind()) + " " + d.device->name() + " / root " +
             std::to_string(k - d.root_offset);
  return "root " + std::to_string(k);
}

bool Assembler::onRoots(double t, std::span<double> y, std::span<const int> fired) {
  auto& m = *impl_;
  Context ctx;
  ctx.t = t;
  bool changed = false;
  for (auto& d : m.devs) {
    if (d.nroots == 0) continue;
    const auto f = fired.subspan(d.root_offset, d.nroots);
    if (std::all_of(f.begin(), f.end(), [](int k) { return k == 0; })) continue;
    m.portVoltages(d, y);
    changed |= d.device->onRoot(ctx, y.subspan(d.offset, d.nx), std::span<const double>(m.v.data(), 2 * d.np), f);
  }
  return changed;
}

void Assembler::setShunt(std::size_t shunt, std::complex<double> admittance_siemens) {
  impl_->shunts.at(shunt).y = admittance_siemens;
  if (impl_->finalized) impl_->refreshY();
}

void Assembler::setBranchStampScale(std::size_t stamp, double scale) {
  impl_->stamps.at(stamp).scale = scale;
  if (impl_->finalized) impl_->refreshY();
}

void Assembler::setDeviceScale(std::size_t d, double scale) { impl_->devs.at(d).k = scale; }
double Assembler::deviceScale(std::size_t d) const { return impl_->devs.at(d).k; }
void Assembler::setHeadExcludedDevices(std::vector<std::size_t> devices) { impl_->head_excluded = std::move(devices); }

void Assembler::setSourceEmfScale(std::array<double, 3> at_t0, double t0, std::array<double, 3> slope_per_s) {
  impl_->emf_at = at_t0;
  impl_->emf_t0 = t0;
  impl_->emf_slope = slope_per_s;
}

std::array<double, 3> Assembler::headVoltagePu(std::span<const double> y) const {
  std::array<double, 3> out{};
  for (std::size_t ph = 0; ph < 3; ++ph)
    if (impl_->head_nodes[ph] >= 0) out[ph] = std::abs(nodeVoltagePu(y, impl_->head_nodes[ph]));
  return out;
}

std::array<std::complex<double>, 3> Assembler::headPowerVa(std::span<const double> y) const {
  const auto& m = *impl_;
  std::array<Complex, 3> out{};
  const auto& br = network_->branches();
  std::vector<Complex> vc, ic;
  for (std::size_t h = 0; h < m.head_branches.size(); ++h) {
    const auto& p = br[static_cast<std::size_t>(m.head_branches[h])];
    double factor = 1.0;  // an opened switch carries nothing
    if (m.head_branch_stamp[h] >= 0) factor = 1.0 - m.stamps[static_cast<std::size_t>(m.head_branch_stamp[h])].scale;
    if (factor == 0.0) continue;
    const std::size_t order = p.nodes.size();
    vc.assign(order, Complex{});
    for (std::size_t a = 0; a < order; ++a)
      if (p.nodes[a] >= 0) vc[a] = nodeVoltagePu(y, p.nodes[a]) * m.vb[static_cast<std::size_t>(p.nodes[a])];
    for (std::size_t a = 0; a < order; ++a) {
      if (p.nodes[a] < 0) continue;
      const auto& info = network_->nodes()[static_cast<std::size_t>(p.nodes[a])];
      if (info.bus != head_bus_ || info.node < 1 || info.node > 3) continue;
      Complex i{};
      for (std::size_t b = 0; b < order; ++b) i += p.y[a * order + b] * vc[b];
      out[static_cast<std::size_t>(info.node - 1)] += factor * vc[a] * std::conj(i);  // into the branch = into the feeder
    }
  }
  for (std::size_t d : m.head_excluded) {
    const auto s = nodePowers(d, y);
    for (const auto& [node, va] : s) {
      const auto& info = network_->nodes()[static_cast<std::size_t>(node)];
      if (info.node >= 1 && info.node <= 3) out[static_cast<std::size_t>(info.node - 1)] -= va;
    }
  }
  return out;
}

std::vector<std::pair<int, std::complex<double>>> Assembler::nodePowers(std::size_t di, std::span<const double> y) const {
  const auto& m = *impl_;
  const auto& d = m.devs.at(di);
  m.portVoltages(d, y);
  std::vector<double> xdot(d.nx, 0.0), f(d.nx, 0.0), i(2 * d.np, 0.0);
  Context ctx;
  d.device->residual(ctx, y.subspan(d.offset, d.nx), xdot, std::span<const double>(m.v.data(), 2 * d.np), f, i);
  std::vector<std::pair<int, Complex>> out;
  for (std::size_t p = 0; p < d.np; ++p)
    for (const auto& [node, a] : d.coeff[p]) {
      if (node < 0) continue;
      const Complex cur = d.c * d.k * a * Complex(i[2 * p], i[2 * p + 1]);  // pu of the node's Ib
      out.push_back({node, nodeVoltagePu(y, node) * std::conj(cur) * kSystemBaseVa});
    }
  return out;
}

std::complex<double> Assembler::devicePowerVa(std::size_t d, std::span<const double> y) const {
  Complex s{};
  for (const auto& [node, va] : nodePowers(d, y)) s += va;
  return s;
}

std::size_t Assembler::deviceCount() const { return impl_->devs.size(); }
const Device& Assembler::device(std::size_t d) const { return *impl_->devs.at(d).device; }
Device& Assembler::device(std::size_t d) { return *impl_->devs.at(d).device; }
std::size_t Assembler::deviceOffset(std::size_t d) const { return impl_->devs.at(d).offset; }

}  // namespace feederlab::dae
