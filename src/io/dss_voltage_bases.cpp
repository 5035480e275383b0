// CalcVoltageBases without a power flow: OpenDSS solves a zero-load snapshot and gives each
// bus the `Set VoltageBases` value nearest to its voltage; a breadth-first walk from the
// sources through lines, switches, series elements and transformer winding ratios reaches
// the same nominal voltages (taps and drops are ignored, as a zero-load flow has none).
#include <cmath>
#include <deque>

#include "feederlab/core/units.hpp"
#include "feederlab/io/dss_build.hpp"

namespace feederlab::io::dss {

namespace {

// The winding's voltage expressed as a line-to-line kV of the system it connects to:
// a single-phase winding between a phase and neutral (or ground) carries line-to-neutral kV.
double equivalentLineKv(const model::Transformer& t, const model::Winding& w) {
  if (t.phases > 1 || w.conn == model::Connection::Delta) return w.kv;
  const auto& n = w.terminal.nodes;
  const bool phase_to_phase = n.size() >= 2 && n[0] >= 1 && n[0] <= 3 && n[1] >= 1 &&
                              n[1] <= 3 && n[0] != n[1];
  return phase_to_phase ? w.kv : w.kv * core::kSqrt3;
}

struct Edge {
  int to;
  double ratio;
};

}  // namespace

double nearestBase(double kv, const std::vector<double>& bases_kv) {
  double best = bases_kv.empty() ? 0.0 : bases_kv.front();
  double best_diff = 1e300;
  for (double base : bases_kv) {
    if (base <= 0.0) continue;
    const double diff = std::fabs(1.0 - kv / base);
    if (diff < best_diff) {
      best_diff = diff;
      best = base;
    }
  }
  return best;
}

int assignVoltageBases(model::Feeder& feeder, const std::vector<double>& bases_kv) {
  const std::size_t n = feeder.buses.size();
  std::vector<std::vector<Edge>> adjacency(n);
  auto connect = [&](model::BusId a, model::BusId b, double ratio_ab) {
    if (a < 0 || b < 0 || a == b || ratio_ab <= 0.0) return;
    adjacency[static_cast<std::size_t>(a)].push_back({b, ratio_ab});
    adjacency[static_cast<std::size_t>(b)].push_back({a, 1.0 / ratio_ab});
  };
  for (const auto& line : feeder.lines) {
    if (line.enabled && !line.open) connect(line.bus1.bus, line.bus2.bus, 1.0);
  }
  for (const auto& r : feeder.reactors) {
    if (r.enabled && r.bus2) connect(r.bus1.bus, r.bus2->bus, 1.0);
  }
  for (const auto& c : feeder.capacitors) {
    if (c.enabled && c.bus2) connect(c.bus1.bus, c.bus2->bus, 1.0);
  }
  for (const auto& t : feeder.transformers) {
    if (!t.enabled) continue;
    for (std::size_t i = 0; i < t.windings.size(); ++i) {
      for (std::size_t j = i + 1; j < t.windings.size(); ++j) {
        const double ki = equivalentLineKv(t, t.windings[i]);
        const double kj = equivalentLineKv(t, t.windings[j]);
        if (ki > 0.0 && kj > 0.0) connect(t.windings[i].terminal.bus, t.windings[j].terminal.bus, kj / ki);
      }
    }
  }
  std::vector<double> kv(n, 0.0);
  std::deque<model::BusId> queue;
  for (const auto& s : feeder.sources) {
    if (!s.enabled || s.bus1.bus < 0) continue;
    const auto b = static_cast<std::size_t>(s.bus1.bus);
    if (kv[b] > 0.0) continue;
    kv[b] = s.phases > 1 ? s.base_kv : s.base_kv * core::kSqrt3;
    queue.push_back(s.bus1.bus);
  }
  while (!queue.empty()) {
    const auto b = static_cast<std::size_t>(queue.front());
    queue.pop_front();
    for (const Edge& e : adjacency[b]) {
      const auto to = static_cast<std::size_t>(e.to);
      if (kv[to] > 0.0) continue;
      kv[to] = kv[b] * e.ratio;
      queue.push_back(e.to);
    }
  }
  int unreached = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (kv[i] > 0.0) {
      feeder.buses[i].kv_base_ll = nearestBase(kv[i], bases_kv);
    } else {
      ++unreached;
    }
  }
  return unreached;
}

}  // namespace feederlab::io::dss
