// Simulation driver (include/feederlab/sim/simulate.hpp): power flow, devices, events, IDA run,
// recorded series (cli.md "simulate" columns and fraction definitions).
#include "feederlab/sim/simulate.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <memory>
#include <numbers>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "feederlab/core/error.hpp"
#include "feederlab/core/strings.hpp"
#include "feederlab/graph/topology.hpp"
#include "feederlab/loads/composite_load.hpp"
#include "feederlab/sim/dynamic_model.hpp"

namespace feederlab::sim {

namespace {

using Complex = std::complex<double>;
using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// ---------------------------------------------------------------------------------------------
// Which composite a load gets (precedence in simulate.hpp).
class SpecChooser {
 public:
  SpecChooser(const model::Feeder& feeder, const Options& options) : feeder_(feeder), options_(options) {
    for (const auto& r : options.records) by_bus_[core::toLower(r.bus)].push_back(&r);
  }

  model::CompositeSpec specFor(const model::Load& load) const {
    const std::string bus = core::toLower(feeder_.buses[static_cast<std::size_t>(load.bus1.bus)].name);
    if (const auto it = by_bus_.find(bus); it != by_bus_.end()) {
      const auto& recs = it->second;
      if (recs.size() == 1) return recs.front()->spec;
      for (const auto* r : recs)
        if (core::iequals(r->id, load.name)) return r->spec;
      throw core::ModelError(load.name, fmt::format("bus {} has {} composite-load records and none has the load's "
                                                    "name as its id",
                                                    bus, recs.size()));
    }
    // A composition's motor D populations: each load is one member (model::unitSpec).
    if (options_.spec_for_load)
      if (auto s = options_.spec_for_load(load)) return model::unitSpec(*s, load.name);
    return model::unitSpec(options_.default_spec, load.name);
  }

 private:
  const model::Feeder& feeder_;
  const Options& options_;
  std::map<std::string, std::vector<const io::CompositeRecord*>> by_bus_;
};

loads::CompositeBuild buildFromSpec(const model::Load& load, const model::CompositeSpec& spec,
                                    std::span<const Complex> v0, std::span<const Complex> s0) {
  model::LoadComposition comp;
  comp.name = spec.name;
  comp.fractions = spec.fractions;
  comp.static_override = spec.static_override;
  return loads::buildCompositeLoad(load, comp, spec.parameters, v0, s0);
}

// ---------------------------------------------------------------------------------------------
// Small dense complex inverse (line series impedance, at most a few conductors).
std::vector<Complex> invert(std::vector<Complex> a, std::size_t n, const std::string& element) {
  std::vector<Complex> inv(n * n, Complex{});
  for (std::size_t i = 0; i < n; ++i) inv[i * n + i] = 1.0;
  for (std::size_t c = 0; c < n; ++c) {
    std::size_t piv = c;
    for (std::size_t r = c + 1; r < n; ++r)
      if (std::abs(a[r * n + c]) > std::abs(a[piv * n + c])) piv = r;
    if (std::abs(a[piv * n + c]) == 0.0) throw core::ModelError(element, "singular series impedance");
    for (std::size_t k = 0; k < n; ++k) std::swap(a[c * n + k], a[piv * n + k]), std::swap(inv[c * n + k], inv[piv * n + k]);
    const Complex d = a[c * n + c];
    for (std::size_t k = 0; k < n; ++k) a[c * n + k] /= d, inv[c * n + k] /= d;
    for (std::size_t r = 0; r < n; ++r) {
      if (r == c) continue;
      const Complex f = a[r * n + c];
      if (f == Complex{}) continue;
      for (std::size_t k = 0; k < n; ++k) a[r * n + k] -= f * a[c * n + k], inv[r * n + k] -= f * inv[c * n + k];
    }
  }
  return inv;
}

// ---------------------------------------------------------------------------------------------
// The scenario as registered on the assembler; applyAt(t) sets every event's state at t (from
// scratch, so it is idempotent).
class EventDriver {
 public:
  EventDriver(const events::Scenario& scenario, dae::Assembler& a, const powerflow::Network& net,
              const std::vector<AttachedLoad>& attached, const std::vector<bool>& source_side)
      : a_(a) {
    const auto& feeder = net.feeder();
    for (const auto& ev : scenario.events) {
      if (const auto* f = std::get_if<events::Fault>(&ev.detail)) {
        faults_.push_back(registerFault(a, net, *f, kBoltedFaultPu));
      } else if (const auto* s = std::get_if<events::SourceSag>(&ev.detail)) {
        sags_.push_back(*s);
      } else if (const auto* p = std::get_if<events::VoltagePlayback>(&ev.detail)) {
        registerPlayback(*p, net);
      } else if (const auto* w = std::get_if<events::SwitchAction>(&ev.detail)) {
        registerSwitch(*w, net);
      } else if (const auto* l = std::get_if<events::LoadStep>(&ev.detail)) {
        std::vector<std::size_t> devices;
        if (l->load == events::kAllLoads) {
          for (std::size_t k = 0; k < attached.size(); ++k)
            if (!source_side[k]) devices.push_back(attached[k].device);
        } else {
          for (const auto& al : attached)
            if (core::iequals(feeder.loads[static_cast<std::size_t>(al.load)].name, l->load)) devices.push_back(al.device);
          if (devices.empty()) throw core::ModelError(l->load, "load step on a load that is not in the feeder's power flow");
        }
        steps_.push_back({*l, std::move(devices)});
      }
    }
  }

  bool hasPlayback() const { return has_playback_; }

  void applyAt(double t, double t_next) {
    for (const auto& f : faults_) f.apply(a_, t);
    if (!sags_.empty()) {
      auto at = [&](double tt) {
        std::array<double, 3> m{1.0, 1.0, 1.0};
        for (const auto& s : sags_) {
          const auto v = s.magnitudeAt(tt);
          for (int k = 0; k < 3; ++k) m[static_cast<std::size_t>(k)] *= v[static_cast<std::size_t>(k)];
        }
        return m;
      };
      // Linear between two stops (profile points are stops): slope from t to the midpoint.
      const auto m0 = at(t);
      std::array<double, 3> slope{};
      if (t_next > t) {
        const double mid = 0.5 * (t + t_next);
        const auto m1 = at(mid);
        for (std::size_t k = 0; k < 3; ++k) slope[k] = (m1[k] - m0[k]) / (mid - t);
      }
      a_.setSourceEmfScale(m0, t, slope);
    }
    for (auto& sw : switches_) {
      bool closed = sw.closed_in_pf;
      for (const auto* act : sw.actions)
        if (act->t_s <= t) closed = act->operation == events::SwitchOperation::Close;
      a_.setBranchStampScale(sw.stamp, sw.closed_in_pf ? (closed ? 0.0 : 1.0) : (closed ? 1.0 : 0.0));
    }
    if (!steps_.empty()) {
      std::map<std::size_t, double> scale;
      for (const auto& st : steps_)
        for (std::size_t d : st.devices) scale.emplace(d, 1.0);
      for (const auto& st : steps_)
        if (st.step.t_s <= t)
          for (std::size_t d : st.devices) scale[d] *= st.step.scale;
      for (const auto& [d, k] : scale) a_.setDeviceScale(d, k);
    }
  }

 private:
  struct Switch {
    std::string element;
    std::size_t stamp = 0;
    bool closed_in_pf = true;
    std::vector<const events::SwitchAction*> actions;  // in time order
  };
  struct Step {
    events::LoadStep step;
    std::vector<std::size_t> devices;
  };

  void registerPlayback(const events::VoltagePlayback& p, const powerflow::Network& net) {
    const auto& feeder = net.feeder();
    const model::BusId bus = p.bus == events::kHeadBus ? a_.headBus() : feeder.findBus(p.bus).value_or(model::kNoBus);
    if (bus == model::kNoBus) throw core::ModelError(p.bus, "playback bus not found in the feeder");
    std::vector<int> nodes;
    std::vector<int> phases;
    for (int ph = 1; ph <= 3; ++ph) {
      const int n = net.nodeIndex(bus, ph);
      if (n >= 0) nodes.push_back(n), phases.push_back(ph - 1);
    }
    if (nodes.empty()) throw core::ModelError(p.bus, "playback bus has no phase nodes in the network");
    auto series = std::make_shared<events::PlaybackSeries>(p.series);
    a_.addImposedVoltage("playback at " + feeder.buses[static_cast<std::size_t>(bus)].name, nodes,
                         [series, phases](double t, std::span<Complex> u) {
                           const auto ph = series->phasorsAt(t);
                           for (std::size_t k = 0; k < phases.size(); ++k) u[k] = ph[static_cast<std::size_t>(phases[k])];
                         });
    has_playback_ = true;
  }

  void registerSwitch(const events::SwitchAction& w, const powerflow::Network& net) {
    for (auto& sw : switches_)
      if (core::iequals(sw.element, w.element)) {
        sw.actions.push_back(&w);
        std::stable_sort(sw.actions.begin(), sw.actions.end(), [](auto* x, auto* y) { return x->t_s < y->t_s; });
        return;
      }
    const auto& feeder = net.feeder();
    std::string name = w.element;
    if (name.size() > 5 && core::iequals(name.substr(0, 5), "line.")) name = name.substr(5);
    int idx = -1;
    for (std::size_t k = 0; k < feeder.lines.size(); ++k)
      if (core::iequals(feeder.lines[k].name, name)) idx = static_cast<int>(k);
    if (idx < 0) throw core::ModelError(w.element, "switch action on a line that is not in the feeder");
    const auto& line = feeder.lines[static_cast<std::size_t>(idx)];
    Switch sw;
    sw.element = w.element;
    sw.actions.push_back(&w);
    sw.closed_in_pf = line.enabled && !line.open;
    if (sw.closed_in_pf) {
      const auto& br = net.branches();
      int bi = -1;
      for (std::size_t b = 0; b < br.size(); ++b)
        if (br[b].kind == powerflow::ElementKind::Line && br[b].element == idx) bi = static_cast<int>(b);
      if (bi < 0) throw core::ModelError(w.element, "the line is not energized in the power flow");
      std::vector<Complex> y = br[static_cast<std::size_t>(bi)].y;
      for (auto& v : y) v = -v;
      sw.stamp = a_.addBranchStamp(w.element, br[static_cast<std::size_t>(bi)].nodes, std::move(y), bi);
    } else {
      // Pi model of the line (as the power flow's Network builds lines): series Z^-1, half the
      // shunt admittance at each end.
      const auto n = static_cast<std::size_t>(line.phases);
      const auto z = line.totalZ();
      const auto ysh = line.totalY();
      if (z.n != n) throw core::ModelError(w.element, "line impedance matrix does not match its phases");
      const auto ys = invert(z.values, n, w.element);
      std::vector<int> nodes;
      for (const auto* term : {&line.bus1, &line.bus2})
        for (std::size_t k = 0; k < n; ++k) {
          const int num = k < term->nodes.size() ? term->nodes[k] : static_cast<int>(k) + 1;
          const int node = net.nodeIndex(term->bus, num);
          if (node < 0)
            throw core::ModelError(w.element, "closing a switch open in the power flow needs both ends energized (" +
                                                  feeder.buses[static_cast<std::size_t>(term->bus)].name + " is not)");
          nodes.push_back(node);
        }
      std::vector<Complex> y(4 * n * n, Complex{});
      for (std::size_t r = 0; r < n; ++r)
        for (std::size_t c = 0; c < n; ++c) {
          const Complex sh = ysh.n == n ? 0.5 * ysh.values[r * n + c] : Complex{};
          y[r * 2 * n + c] = ys[r * n + c] + sh;
          y[(r + n) * 2 * n + c + n] = ys[r * n + c] + sh;
          y[r * 2 * n + c + n] = -ys[r * n + c];
          y[(r + n) * 2 * n + c] = -ys[r * n + c];
        }
      sw.stamp = a_.addBranchStamp(w.element, std::move(nodes), std::move(y));
    }
    switches_.push_back(std::move(sw));
  }

  dae::Assembler& a_;
  std::vector<FaultShunts> faults_;
  std::vector<events::SourceSag> sags_;
  std::vector<Switch> switches_;
  std::vector<Step> steps_;
  bool has_playback_ = false;
};

// ---------------------------------------------------------------------------------------------
// Recorder columns.
class SeriesRecorder {
 public:
  SeriesRecorder(const dae::Assembler& a, const powerflow::Network& net, const std::vector<AttachedLoad>& attached,
                 const std::vector<bool>& source_side, const std::vector<LoadGroup>& groups,
                 const std::vector<std::string>& probes)
      : a_(a) {
    const auto& feeder = net.feeder();
    for (int ph = 0; ph < 3; ++ph)
      head_nodes_[static_cast<std::size_t>(ph)] =
          a.headBus() == model::kNoBus ? -1 : net.nodeIndex(a.headBus(), ph + 1);
    std::map<std::string, std::size_t> by_name;
    for (std::size_t k = 0; k < attached.size(); ++k) {
      if (source_side[k] || !attached[k].composite) continue;
      by_name[core::toLower(feeder.loads[static_cast<std::size_t>(attached[k].load)].name)] = units_.size();
      units_.push_back({attached[k].composite, a.deviceOffset(attached[k].device), 0.0});
    }
    for (const auto& g : groups) {
      Group gr{g.name, {}};
      for (const auto& l : g.loads) {
        const auto it = by_name.find(core::toLower(l));
        if (it == by_name.end())
          throw core::ModelError(l, "load group " + g.name + " names a load without a composite (unknown or source-side)");
        gr.units.push_back(it->second);
      }
      groups_.push_back(std::move(gr));
    }
    series_.addColumn(column::kTime);
    for (const char* c : {column::kHeadV, column::kHeadVa, column::kHeadVb, column::kHeadVc, column::kHeadP,
                          column::kHeadQ, column::kStalled, column::kContactor, column::kThermal, column::kUv,
                          column::kStallShare})
      series_.addColumn(c);
    for (const auto& g : groups_) series_.addColumn(g.name + "_stalled_fraction");
    for (const auto& p : probes) {
      const auto dot = p.rfind('.');
      const auto bus = dot == std::string::npos ? std::nullopt : feeder.findBus(p.substr(0, dot));
      int node = -1;
      if (bus) node = net.nodeIndex(*bus, std::atoi(p.substr(dot + 1).c_str()));
      if (node < 0) throw core::ModelError(p, "probe is not a network node (write bus.node, e.g. 675.1)");
      probe_nodes_.push_back(node);
      series_.addColumn("v_" + core::toLower(p) + "_pu");
    }
    row_.resize(series_.names.size());
  }

  void sample(double t, std::span<const double> y) {
    compute(t, y);
    series_.appendRow(row_);
  }

  // The row at (t, y) without recording it.
  const std::vector<double>& compute(double t, std::span<const double> y) {
    std::size_t c = 0;
    row_[c++] = t;
    // Positive sequence at @head (Fortescue); with a missing phase the mean magnitude.
    std::array<Complex, 3> u{};
    bool all = true;
    double mean = 0.0;
    int present = 0;
    for (std::size_t ph = 0; ph < 3; ++ph) {
      if (head_nodes_[ph] < 0) {
        all = false;
        continue;
      }
      u[ph] = a_.nodeVoltagePu(y, head_nodes_[ph]);
      mean += std::abs(u[ph]);
      ++present;
    }
    const Complex al = std::polar(1.0, 2.0 * std::numbers::pi / 3.0);
    row_[c++] = all ? std::abs(u[0] + al * u[1] + al * al * u[2]) / 3.0 : (present ? mean / present : 0.0);
    for (std::size_t ph = 0; ph < 3; ++ph) row_[c++] = std::abs(u[ph]);
    Complex s{};
    for (const auto& p : a_.headPowerVa(y)) s += p;
    row_[c++] = s.real() / 1000.0;
    row_[c++] = s.imag() / 1000.0;
    // Motor D fractions (cli.md), P0_D weighted.
    loads::CompositeOutputs tot;
    for (auto& un : units_) {
      const auto o = un.composite->outputs(y.subspan(un.offset, un.composite->stateCount()));
      un.last = o.motor_d_p0_mw > 0.0 ? o.connected_stalled_p0_mw : 0.0;
      tot.motor_d_p0_mw += o.motor_d_p0_mw;
      tot.stall_p0_mw += o.stall_p0_mw;
      tot.connected_stalled_p0_mw += o.connected_stalled_p0_mw;
      tot.kcon_p0_mw += o.kcon_p0_mw;
      tot.fth_p0_mw += o.fth_p0_mw;
      tot.kuv_p0_mw += o.kuv_p0_mw;
      un.p0 = o.motor_d_p0_mw;
    }
    const double p0 = tot.motor_d_p0_mw;
    auto frac = [&](double x) { return p0 > 0.0 ? x / p0 : 0.0; };
    row_[c++] = frac(tot.connected_stalled_p0_mw);
    row_[c++] = frac(p0 - tot.kcon_p0_mw);
    row_[c++] = frac(p0 - tot.fth_p0_mw);
    row_[c++] = frac(p0 - tot.kuv_p0_mw);
    row_[c++] = frac(tot.stall_p0_mw);
    for (const auto& g : groups_) {
      double num = 0.0, den = 0.0;
      for (std::size_t k : g.units) num += units_[k].last, den += units_[k].p0;
      row_[c++] = den > 0.0 ? num / den : 0.0;
    }
    for (int n : probe_nodes_) row_[c++] = std::abs(a_.nodeVoltagePu(y, n));
    motor_d_p0_mw_ = p0;
    return row_;
  }

  core::TimeSeries& series() { return series_; }
  double motorDP0Mw() const { return motor_d_p0_mw_; }

 private:
  struct Unit {
    const loads::CompositeLoad* composite;
    std::size_t offset;
    double last = 0.0;  // connected stalled P0_D share (MW) at the last sample
    double p0 = 0.0;
  };
  struct Group {
    std::string name;
    std::vector<std::size_t> units;
  };
  const dae::Assembler& a_;
  std::array<int, 3> head_nodes_{-1, -1, -1};
  std::vector<Unit> units_;
  std::vector<Group> groups_;
  std::vector<int> probe_nodes_;
  core::TimeSeries series_;
  std::vector<double> row_;
  double motor_d_p0_mw_ = 0.0;
};

}  // namespace

solver::IdaOptions defaultIdaOptions() {
  solver::IdaOptions o;
  o.rtol = 1e-4;
  o.node_abs_tolerance = 1e-5;
  // Feeder runs: roots handled at step ends (thousands of units cross thresholds together), the
  // step capped so a mode takes effect at most 20 ms late (solver/ida_solver.hpp RootLocation).
  o.root_location = solver::RootLocation::StepEnd;
  o.suppress_algebraic_error = true;
  o.restart_on_mode_change = false;
  o.max_step_s = 0.02;
  // Re-initializations after mode changes of many units are strongly nonlinear: IDACalcIC with
  // its line search first (full Newton steps as the second try) took 25% fewer residual
  // evaluations on ieee8500 (bench/README.md "simulate").
  o.line_search_first = true;
  o.max_steps_per_call = 50000;
  return o;
}

powerflow::Options defaultPowerflowOptions() {
  powerflow::Options o;
  o.tolerance = 1e-12;
  return o;
}

Result simulate(const model::Feeder& feeder, const events::Scenario& scenario, const Options& options) {
  const auto t_start = Clock::now();
  if (const auto problems = scenario.validate(); !problems.empty())
    throw core::ModelError(scenario.name.empty() ? "scenario" : scenario.name, "invalid scenario: " + problems.front());
  const double interval = options.output_interval_s.value_or(scenario.output_interval_s);
  if (!(interval > 0.0)) throw core::ModelError("output_interval_s", "output interval must be > 0");

  Result res;
  // 1. Power flow; the network keeps its converged taps and capacitor states (frozen controls).
  powerflow::Solver pf_solver(feeder, options.powerflow);
  const powerflow::Result pf = pf_solver.solve();
  const powerflow::Network& net = pf_solver.network();

  // 2. Devices.
  dae::Assembler assembler(net, pf);
  const graph::Topology topo = graph::buildTopology(feeder);
  std::vector<bool> is_source_side(feeder.loads.size(), false);
  for (int li : graph::sourceSideLoads(feeder, topo)) is_source_side[static_cast<std::size_t>(li)] = true;
  const SpecChooser chooser(feeder, options);
  const auto attached = attachLoads(assembler, net, pf,
                                    [&](const model::Load& load, int index, std::span<const Complex> v0,
                                        std::span<const Complex> s0) {
                                      if (is_source_side[static_cast<std::size_t>(index)])
                                        return loads::buildConstantImpedanceLoad(load, v0, s0);
                                      return buildFromSpec(load, chooser.specFor(load), v0, s0);
                                    });
  std::vector<bool> source_side(attached.size(), false);
  std::vector<std::size_t> excluded;
  const model::BusId head = assembler.headBus();
  double shunt_mvar = 0.0, shunt_mw = 0.0;
  std::size_t with_notes = 0;
  for (std::size_t k = 0; k < attached.size(); ++k) {
    const auto li = static_cast<std::size_t>(attached[k].load);
    source_side[k] = is_source_side[li];
    if (source_side[k]) {
      ++res.constant_impedance_loads;
      if (feeder.loads[li].bus1.bus != head) excluded.push_back(attached[k].device);
      continue;
    }
    ++res.composite_loads;
    if (!attached[k].note.empty()) {
      if (with_notes < 10) res.notes.push_back(attached[k].note);
      ++with_notes;
    }
  }
  if (with_notes > 10) res.notes.push_back(fmt::format("... and {} more loads with notes like the above", with_notes - 10));
  assembler.setHeadExcludedDevices(excluded);

  // 3. Events, finalize, initialize.
  EventDriver driver(scenario, assembler, net, attached, source_side);
  assembler.finalize();
  res.init = assembler.initialize(options.init_tolerance);
  for (const auto& al : attached)
    if (al.composite) shunt_mvar += al.composite->shuntMvar(), shunt_mw += al.composite->shuntMw();
  res.notes.push_back(fmt::format("{} composite loads, {} source-side loads at constant impedance",
                                  res.composite_loads, res.constant_impedance_loads));
  res.notes.push_back(fmt::format("composite Q-balancing shunts at the terminals: {:.6g} Mvar, {:.6g} MW in all",
                                  shunt_mvar, shunt_mw));
  res.states = assembler.size();
  res.devices = assembler.deviceCount();

  std::vector<double> stops;
  for (double t : events::discontinuityTimes(scenario))
    if (t > 0.0 && t < scenario.t_end_s) stops.push_back(t);
  auto nextStop = [&](double t) {
    const auto it = std::upper_bound(stops.begin(), stops.end(), t + 1e-12);
    return it == stops.end() ? scenario.t_end_s : *it;
  };

  SeriesRecorder recorder(assembler, net, attached, source_side, options.load_groups, options.probes);
  // Pre-event values at the power-flow point.
  {
    const auto& row = recorder.compute(0.0, assembler.y0());
    res.pre_event = {row[1], row[5], row[6]};  // head_v_pu, head_p_kw, head_q_kvar
  }
  res.motor_d_p0_kw = recorder.motorDP0Mw() * 1000.0;

  // Events at t = 0 (those that start at once) and a consistent start when needed.
  const auto all_stops = events::discontinuityTimes(scenario);
  const bool event_at_zero = !all_stops.empty() && all_stops.front() <= 0.0;
  driver.applyAt(0.0, nextStop(0.0));
  solver::IdaOptions ida = options.ida;
  if (driver.hasPlayback() || event_at_zero) ida.consistent_start = true;

  // 4. Integration.
  const auto t_int = Clock::now();
  solver::IdaSolver solver(assembler, ida, 0.0);
  solver::Recorder rec;
  rec.interval_s = interval;
  rec.on_sample = [&](double t, std::span<const double> y, std::span<const double>) {
    recorder.sample(t, y);
    if (options.on_progress) options.on_progress(t, scenario.t_end_s);
  };
  try {
    solver.run(scenario.t_end_s, stops, [&](double t) { driver.applyAt(t, nextStop(t)); }, &rec);
    res.completed = true;
  } catch (const core::NumericalError& e) {
    res.completed = false;
    res.failure = e.what();
  }
  res.t_end = solver.time();
  for (std::size_t j = 0; j < assembler.nodeUnknowns(); ++j)
    res.max_node_change_pu = std::max(res.max_node_change_pu, std::abs(solver.y()[j] - assembler.y0()[j]));
  res.stats = solver.stats();
  res.integration_s = secondsSince(t_int);
  res.series = std::move(recorder.series());
  res.runtime_s = secondsSince(t_start);
  return res;
}

}  // namespace feederlab::sim
