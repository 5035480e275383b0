// The data checks of `feederlab validate`. Each finding names the element and where it was
// defined; codes are stable (listed in docs/validation.md).
#include <algorithm>
#include <array>
#include <cmath>
#include <fmt/format.h>
#include <functional>
#include <set>
#include <unordered_map>

#include "feederlab/graph/topology.hpp"
#include "feederlab/validate/validate.hpp"

namespace feederlab::validate {

namespace {

using core::Severity;
using model::BusId;
using model::Feeder;
using model::kNoBus;

struct TerminalRef {
  std::string element;  // "load.x"
  core::SourceLocation location;
  const model::Terminal* terminal;
  bool is_branch;
};

// Every terminal of every enabled element, with its element name.
std::vector<TerminalRef> enabledTerminals(const Feeder& f) {
  std::vector<TerminalRef> out;
  auto add = [&](const std::string& cls, const model::ElementBase& e, const model::Terminal& t, bool branch) {
    if (e.enabled && t.bus != kNoBus) out.push_back({cls + "." + e.name, e.location, &t, branch});
  };
  for (const auto& s : f.sources) add("vsource", s, s.bus1, false);
  for (const auto& l : f.lines) {
    add("line", l, l.bus1, true);
    add("line", l, l.bus2, true);
  }
  for (const auto& x : f.transformers)
    for (const auto& w : x.windings) add("transformer", x, w.terminal, true);
  for (const auto& c : f.capacitors) {
    add("capacitor", c, c.bus1, c.bus2.has_value());
    if (c.bus2) add("capacitor", c, *c.bus2, true);
  }
  for (const auto& r : f.reactors) {
    add("reactor", r, r.bus1, r.bus2.has_value());
    if (r.bus2) add("reactor", r, *r.bus2, true);
  }
  for (const auto& l : f.loads) add("load", l, l.bus1, false);
  for (const auto& o : f.others)
    for (const auto& t : o.terminals) add(o.cls, o, t, false);
  return out;
}

class Checker {
 public:
  Checker(const Feeder& f, const graph::Topology& topo) : f_(f), topo_(topo), terminals_(enabledTerminals(f)) {
    at_bus_.assign(f.buses.size(), {});
    for (std::size_t i = 0; i < terminals_.size(); ++i)
      at_bus_[static_cast<std::size_t>(terminals_[i].terminal->bus)].push_back(i);
  }

  std::vector<core::Finding> run() {
    checkSource();
    checkEnergization();
    checkLoops();
    checkTiesAndDanglingEnds();
    checkPhases();
    checkVoltageBases();
    checkImpedances();
    checkDuplicates();
    return std::move(findings_);
  }

 private:
  void add(Severity s, const char* code, const std::string& element, const core::SourceLocation& where,
           std::string message) {
    findings_.push_back({s, code, element, where, std::move(message)});
  }
  const std::string& busName(BusId b) const { return f_.buses[static_cast<std::size_t>(b)].name; }

  void checkSource() {
    if (f_.sources.empty() || topo_.root == kNoBus)
      add(Severity::Error, "no-source", "", {}, "the feeder has no enabled source (Vsource/Circuit)");
  }

  void checkEnergization() {
    std::set<BusId> reported_island_roots;
    for (std::size_t b = 0; b < f_.buses.size(); ++b) {
      if (topo_.energized[b] || at_bus_[b].empty()) continue;
      // One island finding per connected dead component, named by its first element.
      BusId rep = static_cast<BusId>(b);
      std::vector<bool> seen(f_.buses.size(), false);
      std::vector<BusId> stack{rep};
      std::size_t count = 0;
      seen[b] = true;
      while (!stack.empty()) {
        const BusId x = stack.back();
        stack.pop_back();
        ++count;
        rep = std::min(rep, x);
        for (int bi : topo_.adjacency[static_cast<std::size_t>(x)]) {
          const auto& br = topo_.branches[static_cast<std::size_t>(bi)];
          const BusId o = br.from == x ? br.to : br.from;
          if (!seen[static_cast<std::size_t>(o)]) {
            seen[static_cast<std::size_t>(o)] = true;
            stack.push_back(o);
          }
        }
      }
      if (!reported_island_roots.insert(rep).second) continue;
      const auto& t = terminals_[at_bus_[static_cast<std::size_t>(rep)].front()];
      add(Severity::Error, "island", t.element, t.location,
          fmt::format("{} bus(es) starting at '{}' are not connected to the source", count, busName(rep)));
    }
    for (const auto& load : f_.loads) {
      if (!load.enabled || load.bus1.bus == kNoBus) continue;
      if (!topo_.energized[static_cast<std::size_t>(load.bus1.bus)])
        add(Severity::Error, "load-deenergized", "load." + load.name, load.location,
            fmt::format("load on bus '{}', which no closed path connects to the source", busName(load.bus1.bus)));
    }
  }

  // A loop is reported on a switch in the cycle when there is one (closing a normally-open tie
  // is the usual cause; of several, the one farthest from the source, where ties sit), else on
  // the branch outside the radial tree.
  void checkLoops() {
    for (int bi : topo_.loop_branches) {
      const auto& closing = topo_.branches[static_cast<std::size_t>(bi)];
      const graph::Branch* blamed = &closing;
      int best_depth = -1;
      auto consider = [&](const graph::Branch& br) {
        if (br.kind != graph::BranchKind::Switch) return;
        const int depth = std::min(topo_.depth[static_cast<std::size_t>(br.from)],
                                   topo_.depth[static_cast<std::size_t>(br.to)]);
        if (depth > best_depth) {
          best_depth = depth;
          blamed = &br;
        }
      };
      consider(closing);
      for (int ci : cycleBranches(closing)) consider(topo_.branches[static_cast<std::size_t>(ci)]);
      add(Severity::Warning, "loop", graph::branchName(f_, *blamed), locationOf(*blamed),
          fmt::format("closed loop through {} between '{}' and '{}': the feeder is meshed, reduction assumes "
                      "a radial feeder",
                      graph::branchName(f_, closing), busName(closing.from), busName(closing.to)));
    }
  }

  // Tree branches on the cycle that `closing` forms (paths from both ends up to their meeting bus).
  std::vector<int> cycleBranches(const graph::Branch& closing) const {
    const auto a = graph::pathToSource(topo_, closing.from);
    const auto b = graph::pathToSource(topo_, closing.to);
    std::set<BusId> on_a(a.begin(), a.end());
    BusId meet = kNoBus;
    for (BusId x : b)
      if (on_a.count(x)) {
        meet = x;
        break;
      }
    std::vector<int> out;
    for (const auto* path : {&a, &b})
      for (BusId x : *path) {
        if (x == meet) break;
        out.push_back(topo_.parent_branch[static_cast<std::size_t>(x)]);
      }
    return out;
  }

  const core::SourceLocation& locationOf(const graph::Branch& br) const {
    const auto i = static_cast<std::size_t>(br.element);
    switch (br.kind) {
      case graph::BranchKind::Line:
      case graph::BranchKind::Switch: return f_.lines[i].location;
      case graph::BranchKind::Transformer: return f_.transformers[i].location;
      case graph::BranchKind::Reactor: return f_.reactors[i].location;
      case graph::BranchKind::Capacitor: return f_.capacitors[i].location;
    }
    return f_.lines.front().location;
  }

  void checkTiesAndDanglingEnds() {
    for (const auto& line : f_.lines) {
      if (!line.enabled && !line.is_switch) continue;
      for (const auto* end : {&line.bus1, &line.bus2}) {
        const auto b = static_cast<std::size_t>(end->bus);
        if (end->bus == kNoBus || at_bus_[b].size() != (line.enabled ? 1u : 0u)) continue;
        if (line.is_switch) {
          add(Severity::Info, "normally-open-tie", "line." + line.name, line.location,
              fmt::format("switch ends at the dead, load-free bus '{}': treated as a normally-open tie",
                          busName(end->bus)));
        } else {
          add(Severity::Info, "dangling-end", "line." + line.name, line.location,
              fmt::format("line ends at bus '{}', where nothing else is connected", busName(end->bus)));
        }
      }
      if (line.is_switch && (line.open || !line.enabled))
        add(Severity::Info, "open-switch", "line." + line.name, line.location, "switch is open");
    }
  }

  // Phase nodes (a..c) energized from the source, traced conductor by conductor: a line or series
  // element joins node k of one end to node k of the other; a transformer energizes every phase
  // node of its other windings. Phases may reach a bus by different paths (ckt24 does this).
  std::vector<std::array<bool, 4>> energizedPhases() const {
    std::vector<std::array<bool, 4>> on(f_.buses.size(), {false, false, false, false});
    if (topo_.root == kNoBus) return on;
    std::vector<std::pair<BusId, int>> queue;
    auto mark = [&](BusId b, int n) {
      if (b == kNoBus || n < 1 || n > 3 || on[static_cast<std::size_t>(b)][static_cast<std::size_t>(n)]) return;
      on[static_cast<std::size_t>(b)][static_cast<std::size_t>(n)] = true;
      queue.emplace_back(b, n);
    };
    for (int n : f_.sources.front().bus1.nodes) mark(topo_.root, n);
    while (!queue.empty()) {
      const auto [bus, node] = queue.back();
      queue.pop_back();
      for (int bi : topo_.adjacency[static_cast<std::size_t>(bus)]) propagate(topo_.branches[static_cast<std::size_t>(bi)], bus, node, mark);
    }
    return on;
  }

  template <class Mark>
  void propagate(const graph::Branch& br, BusId bus, int node, Mark& mark) const {
    auto across = [&](const model::Terminal& a, const model::Terminal& b) {
      if (a.bus != bus) return;
      for (std::size_t k = 0; k < a.nodes.size() && k < b.nodes.size(); ++k)
        if (a.nodes[k] == node) mark(b.bus, b.nodes[k]);
    };
    const auto i = static_cast<std::size_t>(br.element);
    switch (br.kind) {
      case graph::BranchKind::Line:
      case graph::BranchKind::Switch:
        across(f_.lines[i].bus1, f_.lines[i].bus2);
        across(f_.lines[i].bus2, f_.lines[i].bus1);
        break;
      case graph::BranchKind::Reactor:
        across(f_.reactors[i].bus1, *f_.reactors[i].bus2);
        across(*f_.reactors[i].bus2, f_.reactors[i].bus1);
        break;
      case graph::BranchKind::Capacitor:
        across(f_.capacitors[i].bus1, *f_.capacitors[i].bus2);
        across(*f_.capacitors[i].bus2, f_.capacitors[i].bus1);
        break;
      case graph::BranchKind::Transformer: {
        const auto& x = f_.transformers[i];
        const bool fed = std::any_of(x.windings.begin(), x.windings.end(), [&](const model::Winding& w) {
          return w.terminal.bus == bus &&
                 std::find(w.terminal.nodes.begin(), w.terminal.nodes.end(), node) != w.terminal.nodes.end();
        });
        if (!fed) break;
        for (const auto& w : x.windings)
          for (int n : w.terminal.nodes) mark(w.terminal.bus, n);
        break;
      }
    }
  }

  void checkPhases() {
    const auto on = energizedPhases();
    static const char* kPhase = "?abc";
    std::set<std::string> reported;
    for (const BusId b : topo_.bfs_order) {
      const auto& have = on[static_cast<std::size_t>(b)];
      for (std::size_t ti : at_bus_[static_cast<std::size_t>(b)]) {
        const auto& t = terminals_[ti];
        std::string missing;
        for (int n : t.terminal->nodes)
          if (n >= 1 && n <= 3 && !have[static_cast<std::size_t>(n)] && missing.find(kPhase[n]) == std::string::npos)
            missing += kPhase[n];
        if (missing.empty() || !reported.insert(t.element).second) continue;
        std::string got;
        for (int n = 1; n <= 3; ++n)
          if (have[static_cast<std::size_t>(n)]) got += kPhase[n];
        add(Severity::Error, "phase-mismatch", t.element, t.location,
            fmt::format("uses phase(s) {} at bus '{}', which the paths from the source supply with {} only", missing,
                        busName(b), got.empty() ? "none" : got));
      }
    }
  }

  void checkVoltageBases();
  void checkImpedances();
  void checkDuplicates();

  const Feeder& f_;
  const graph::Topology& topo_;
  std::vector<TerminalRef> terminals_;
  std::vector<std::vector<std::size_t>> at_bus_;
  std::vector<core::Finding> findings_;
};

// Line-to-line kV a winding implies at its bus: 1-phase windings between a phase and neutral are
// rated line-to-neutral, between two phases line-to-line.
double windingBaseKv(const model::Transformer& x, const model::Winding& w) {
  if (x.phases != 1 || w.conn == model::Connection::Delta) return w.kv;
  int phase_nodes = 0;
  for (std::size_t i = 0; i < w.terminal.nodes.size() && i < 2; ++i)
    if (w.terminal.nodes[i] >= 1 && w.terminal.nodes[i] <= 3) ++phase_nodes;
  return phase_nodes >= 2 ? w.kv : w.kv * core::kSqrt3;
}

bool differs(double a, double b, double tolerance) { return std::fabs(a - b) > tolerance * std::max(a, b); }

void Checker::checkVoltageBases() {
  int unknown = 0;
  for (const BusId b : topo_.bfs_order)
    if (f_.buses[static_cast<std::size_t>(b)].kv_base_ll <= 0) ++unknown;
  if (unknown > 0)
    add(Severity::Info, "no-voltage-base", "", {},
        fmt::format("{} energized bus(es) have no voltage base (no Set VoltageBases/CalcVoltageBases)", unknown));
  for (const auto& line : f_.lines) {
    if (!line.enabled || line.bus1.bus == kNoBus || line.bus2.bus == kNoBus) continue;
    const double k1 = f_.buses[static_cast<std::size_t>(line.bus1.bus)].kv_base_ll;
    const double k2 = f_.buses[static_cast<std::size_t>(line.bus2.bus)].kv_base_ll;
    if (k1 > 0 && k2 > 0 && differs(k1, k2, 0.01))
      add(Severity::Error, "kv-base-mismatch", "line." + line.name, line.location,
          fmt::format("joins '{}' ({} kV) and '{}' ({} kV): a line cannot change voltage", busName(line.bus1.bus), k1,
                      busName(line.bus2.bus), k2));
  }
  for (const auto& x : f_.transformers) {
    if (!x.enabled) continue;
    for (std::size_t w = 0; w < x.windings.size(); ++w) {
      const auto& wd = x.windings[w];
      if (wd.terminal.bus == kNoBus) continue;
      const double base = f_.buses[static_cast<std::size_t>(wd.terminal.bus)].kv_base_ll;
      const double rated = windingBaseKv(x, wd);
      if (base > 0 && rated > 0 && differs(base, rated, 0.15))
        add(Severity::Error, "transformer-kv-mismatch", "transformer." + x.name, x.location,
            fmt::format("winding {} is rated {:.4g} kV (line-to-line) but bus '{}' has a {:.4g} kV base", w + 1, rated,
                        busName(wd.terminal.bus), base));
    }
  }
}

void Checker::checkImpedances() {
  for (const auto& line : f_.lines) {
    if (!line.enabled) continue;
    const auto z = line.totalZ();
    bool negative = false;
    bool zero = z.n == 0 || line.length <= 0;
    for (std::size_t i = 0; i < z.n; ++i) {
      if (z(i, i).real() < 0) negative = true;
      if (std::abs(z(i, i)) == 0.0) zero = true;
    }
    if (negative)
      add(Severity::Error, "negative-impedance", "line." + line.name, line.location, "negative series resistance");
    if (zero)
      add(Severity::Error, "zero-impedance", "line." + line.name, line.location,
          fmt::format("zero series impedance (length {}): the network would be singular", line.length));
  }
  for (const auto& x : f_.transformers) {
    if (!x.enabled) continue;
    bool bad = x.windings.size() >= 2 && x.xhl_pct <= 0;
    for (const auto& w : x.windings) bad = bad || w.kva <= 0 || w.kv <= 0 || w.r_pct < 0;
    if (bad)
      add(Severity::Error, "zero-impedance", "transformer." + x.name, x.location,
          "non-positive reactance, rating or kV, or negative %R");
  }
  for (const auto& s : f_.sources)
    if (s.enabled && std::abs(s.z1_ohm) == 0.0)
      add(Severity::Error, "zero-impedance", "vsource." + s.name, s.location, "zero positive-sequence impedance");
  for (const auto& l : f_.loads)
    if (l.enabled && l.kv <= 0)
      add(Severity::Error, "bad-rating", "load." + l.name, l.location, "non-positive kV");
}

void Checker::checkDuplicates() {
  auto scan = [&](const char* cls, const auto& elements) {
    std::unordered_map<std::string, int> seen;
    for (const auto& e : elements)
      if (++seen[e.name] == 2)
        add(Severity::Error, "duplicate-name", std::string(cls) + "." + e.name, e.location,
            "more than one element of this class has this name");
  };
  scan("line", f_.lines);
  scan("transformer", f_.transformers);
  scan("load", f_.loads);
  scan("capacitor", f_.capacitors);
  scan("regcontrol", f_.regcontrols);
  scan("capcontrol", f_.capcontrols);
  scan("reactor", f_.reactors);
}

}  // namespace

ValidationReport validateFeeder(const model::Feeder& feeder) {
  ValidationReport report;
  report.feeder_name = feeder.name;
  const auto topo = graph::buildTopology(feeder);
  report.findings = feeder.diagnostics.findings();
  auto checks = Checker(feeder, topo).run();
  report.findings.insert(report.findings.end(), checks.begin(), checks.end());

  auto& s = report.summary;
  s.counts = countFeeder(feeder);
  std::set<double> levels;
  for (const BusId b : topo.bfs_order) {
    const double kv = feeder.buses[static_cast<std::size_t>(b)].kv_base_ll;
    if (kv > 0) levels.insert(std::round(kv * 1000.0) / 1000.0);
  }
  s.voltage_levels_kv.assign(levels.rbegin(), levels.rend());
  for (const auto& line : feeder.lines) {
    if (!line.enabled || line.is_switch || line.length_unit == core::LengthUnit::None) continue;
    const double km = line.length * core::metersPer(line.length_unit) / 1000.0;
    const double kv = line.bus1.bus == kNoBus ? 0 : feeder.buses[static_cast<std::size_t>(line.bus1.bus)].kv_base_ll;
    (kv > 1.0 || kv <= 0 ? s.primary_length_km : s.secondary_length_km) += km;
  }
  s.energized_buses = static_cast<int>(topo.bfs_order.size());
  s.islands = topo.islands;
  s.loops = static_cast<int>(topo.loop_branches.size());
  s.source_side_loads = static_cast<int>(graph::sourceSideLoads(feeder, topo).size());
  const BusId head = graph::headBus(feeder, topo);
  s.head_bus = head == kNoBus ? "" : feeder.buses[static_cast<std::size_t>(head)].name;
  for (const auto& f : report.findings) {
    if (f.severity == Severity::Error) ++s.errors;
    if (f.severity == Severity::Warning) ++s.warnings;
    if (f.severity == Severity::Info) ++s.infos;
  }
  return report;
}

}  // namespace feederlab::validate
