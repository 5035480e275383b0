// Trunk and sections (reduction.md 2.4 and "Decisions in force": trunk by most downstream kW,
// laterals fold into their tap section, boundaries at trunk regulators and voltage-changing
// transformers, customer-voltage bands along the trunk).
#include <algorithm>
#include <cmath>
#include <limits>

#include "feederlab/core/error.hpp"
#include "feederlab/core/strings.hpp"
#include "internal.hpp"

namespace feederlab::reduce::detail {

namespace {

bool changesVoltage(const model::Transformer& xf) {
  if (xf.is_regulator) return true;
  if (xf.windings.size() < 2) return false;
  for (const auto& w : xf.windings)
    if (std::abs(w.tap - 1.0) > 1e-9) return true;
  return std::abs(xf.windings[0].kv - xf.windings[1].kv) > 1e-6 * xf.windings[0].kv &&
         // a 1-phase unit rated line-to-neutral on one side and line-to-line on the other is
         // still "voltage-changing" in kV; compare bus bases instead below
         true;
}

}  // namespace

Trunk findTrunk(const BaseCase& b, const std::vector<LoadPoint>& points, const std::vector<std::string>& keep_buses,
                std::vector<std::string>& notes) {
  const auto& f = b.feeder;
  const auto& topo = b.topology;
  const std::size_t nb = f.buses.size();
  Trunk t;
  t.downstream_kw.assign(nb, 0.0);
  for (const auto& p : points)
    t.downstream_kw[static_cast<std::size_t>(f.loads[static_cast<std::size_t>(p.load)].bus1.bus)] += std::abs(p.kw);
  for (auto it = topo.bfs_order.rbegin(); it != topo.bfs_order.rend(); ++it) {
    const auto par = topo.parent_bus[static_cast<std::size_t>(*it)];
    if (par != model::kNoBus) t.downstream_kw[static_cast<std::size_t>(par)] += t.downstream_kw[static_cast<std::size_t>(*it)];
  }
  std::vector<std::vector<model::BusId>> children(nb);
  for (auto bus : topo.bfs_order) {
    const auto par = topo.parent_bus[static_cast<std::size_t>(bus)];
    if (par != model::kNoBus && b.feeder_bus[static_cast<std::size_t>(bus)]) children[static_cast<std::size_t>(par)].push_back(bus);
  }
  // Trunk: most downstream kW at each branching.
  model::BusId cur = b.head;
  t.buses.push_back(cur);
  while (true) {
    model::BusId best = model::kNoBus;
    double best_kw = 0.0;
    for (auto c : children[static_cast<std::size_t>(cur)]) {
      const double kv = f.buses[static_cast<std::size_t>(c)].kv_base_ll;
      if (kv > 0.0 && kv < 1.0) continue;  // the trunk is primary: it never enters a secondary
      if (t.downstream_kw[static_cast<std::size_t>(c)] > best_kw) {
        best_kw = t.downstream_kw[static_cast<std::size_t>(c)];
        best = c;
      }
    }
    if (best == model::kNoBus) break;
    t.buses.push_back(best);
    cur = best;
  }
  t.pos_of_bus.assign(nb, -1);
  for (std::size_t p = 0; p < t.buses.size(); ++p) t.pos_of_bus[static_cast<std::size_t>(t.buses[p])] = static_cast<int>(p);
  for (auto bus : topo.bfs_order) {
    const auto s = static_cast<std::size_t>(bus);
    if (!b.feeder_bus[s] || t.pos_of_bus[s] >= 0) continue;
    const auto par = topo.parent_bus[s];
    t.pos_of_bus[s] = par == b.head ? 0 : t.pos_of_bus[static_cast<std::size_t>(par)];
  }
  // Forced boundaries: trunk transformers that change voltage (regulators included).
  std::map<int, std::string> forced;
  for (std::size_t p = 1; p < t.buses.size(); ++p) {
    const int br = topo.parent_branch[static_cast<std::size_t>(t.buses[p])];
    const auto& branch = topo.branches[static_cast<std::size_t>(br)];
    if (branch.kind != graph::BranchKind::Transformer) continue;
    const auto& xf = f.transformers[static_cast<std::size_t>(branch.element)];
    const double kv_from = f.buses[static_cast<std::size_t>(branch.from)].kv_base_ll;
    const double kv_to = f.buses[static_cast<std::size_t>(branch.to)].kv_base_ll;
    if (xf.is_regulator || changesVoltage(xf) || std::abs(kv_from - kv_to) > 1e-6 * std::max(kv_from, 1e-9))
      forced[static_cast<int>(p)] = "transformer." + xf.name;
  }
  for (const auto& name : keep_buses) {
    const auto id = f.findBus(core::toLower(name));
    if (!id) throw core::ModelError(name, "reduce: keep bus not found in the feeder");
    const auto s = static_cast<std::size_t>(*id);
    if (b.kept_bus[s]) {
      notes.push_back("keep bus " + name + " is on the source side: kept as it is");
      continue;
    }
    if (!b.feeder_bus[s]) throw core::ModelError(name, "reduce: keep bus is not energized");
    const int pos = t.pos_of_bus[s];
    if (pos > 0 && !forced.count(pos)) forced[pos] = "keep:" + f.buses[s].name;
    if (t.pos_of_bus[s] >= 0 && t.buses[static_cast<std::size_t>(pos)] != *id)
      notes.push_back("keep bus " + name + " is on a lateral: its section starts at its tap point " +
                      f.buses[static_cast<std::size_t>(t.buses[static_cast<std::size_t>(pos)])].name);
  }
  // A forced start with no load between it and the previous start would leave an empty section:
  // its transformer then sits at the upstream side of the section that holds it (no load of that
  // section lies upstream of it).
  std::vector<double> pos_kw(t.buses.size(), 0.0);
  for (const auto& p : points)
    pos_kw[static_cast<std::size_t>(t.pos_of_bus[static_cast<std::size_t>(f.loads[static_cast<std::size_t>(p.load)].bus1.bus)])] += std::abs(p.kw);
  int prev = 0;
  for (const auto& [pos, why] : forced) {
    double kw = 0.0;
    for (int q = prev; q < pos; ++q) kw += pos_kw[static_cast<std::size_t>(q)];
    if (why.rfind("transformer.", 0) == 0) t.transformer_at[pos] = why;
    if (kw <= 1e-9) {
      notes.push_back(why + " has no load between it and the previous boundary: it opens the section that holds it");
      continue;
    }
    t.forced.push_back(pos);
    t.forced_why.push_back(why);
    prev = pos;
  }
  return t;
}

std::vector<int> partition(const Trunk& t, const std::vector<LoadPoint>& points, int n) {
  const int len = static_cast<int>(t.buses.size());
  // Prefix sums of kW, kW|V|, kW|V|^2 over trunk positions.
  std::vector<double> w(static_cast<std::size_t>(len) + 1, 0.0), wv(w), wv2(w);
  for (const auto& p : points) {
    const auto pos = static_cast<std::size_t>(p.trunk_pos) + 1;
    const double v = std::abs(p.v_customer), k = std::abs(p.kw) + 1e-12;
    w[pos] += k;
    wv[pos] += k * v;
    wv2[pos] += k * v * v;
  }
  for (std::size_t i = 1; i < w.size(); ++i) {
    w[i] += w[i - 1];
    wv[i] += wv[i - 1];
    wv2[i] += wv2[i - 1];
  }
  const double inf = std::numeric_limits<double>::infinity();
  // Segment [a, b] (positions, inclusive) is allowed when no forced start lies in (a, b].
  std::vector<int> next_forced(static_cast<std::size_t>(len) + 1, len);  // first forced start > a
  {
    int nf = len;
    for (int a = len - 1; a >= 0; --a) {
      next_forced[static_cast<std::size_t>(a)] = nf;
      if (std::binary_search(t.forced.begin(), t.forced.end(), a)) nf = a;
    }
  }
  auto cost = [&](int a, int bb) {
    const double ws = w[static_cast<std::size_t>(bb) + 1] - w[static_cast<std::size_t>(a)];
    if (ws <= 1e-9) return inf;
    const double s1 = wv[static_cast<std::size_t>(bb) + 1] - wv[static_cast<std::size_t>(a)];
    const double s2 = wv2[static_cast<std::size_t>(bb) + 1] - wv2[static_cast<std::size_t>(a)];
    return std::max(0.0, s2 - s1 * s1 / ws);
  };
  const int need = static_cast<int>(t.forced.size()) + 1;
  n = std::max(n, need);
  // Positions that can start a section: only where the section before would carry load, so limit
  // n to the number of loaded positions.
  int loaded = 0;
  for (int p = 0; p < len; ++p)
    if (w[static_cast<std::size_t>(p) + 1] - w[static_cast<std::size_t>(p)] > 1e-9) ++loaded;
  n = std::max(need, std::min(n, loaded));
  // best[k][b]: min cost of covering [0, b] with k+1 sections; arg for the traceback.
  std::vector<std::vector<double>> best(static_cast<std::size_t>(n), std::vector<double>(static_cast<std::size_t>(len), inf));
  std::vector<std::vector<int>> arg(static_cast<std::size_t>(n), std::vector<int>(static_cast<std::size_t>(len), -1));
  for (int bb = 0; bb < len; ++bb)
    if (next_forced[0] > bb) best[0][static_cast<std::size_t>(bb)] = cost(0, bb);
  for (int k = 1; k < n; ++k)
    for (int bb = k; bb < len; ++bb) {
      double m = inf;
      int am = -1;
      for (int a = bb; a >= k; --a) {
        // section [a, bb]: no forced start in (a, bb]
        if (next_forced[static_cast<std::size_t>(a)] <= bb) continue;
        const double prev = best[static_cast<std::size_t>(k) - 1][static_cast<std::size_t>(a) - 1];
        if (prev == inf) continue;
        const double c = prev + cost(a, bb);
        if (c < m) {
          m = c;
          am = a;
        }
      }
      best[static_cast<std::size_t>(k)][static_cast<std::size_t>(bb)] = m;
      arg[static_cast<std::size_t>(k)][static_cast<std::size_t>(bb)] = am;
    }
  // Fewest sections that are feasible at or above n? Take the largest k <= n-1 that is feasible.
  int k = n - 1;
  while (k > 0 && best[static_cast<std::size_t>(k)][static_cast<std::size_t>(len) - 1] == inf) --k;
  if (best[static_cast<std::size_t>(k)][static_cast<std::size_t>(len) - 1] == inf)
    throw core::ModelError("reduce", "no feasible partition of the trunk (a forced boundary leaves a section without load)");
  std::vector<int> starts;
  int bb = len - 1;
  for (; k > 0; --k) {
    const int a = arg[static_cast<std::size_t>(k)][static_cast<std::size_t>(bb)];
    starts.push_back(a);
    bb = a - 1;
  }
  starts.push_back(0);
  std::reverse(starts.begin(), starts.end());
  // No merging of sections whose mean voltage rises above their upstream neighbour's (laterals
  // behind their own regulators, capacitor-heavy stretches): the physical equivalents meet every
  // section's |V| with the aggregated transformer taps, so a rise is representable. (Merging them,
  // which only a fitted passive chain needs, made J1's three sections too coarse for its
  // off-design checks: 0.011 pu at loads x1.2 against 0.004-0.010 unmerged.)
  return starts;
}

}  // namespace feederlab::reduce::detail
