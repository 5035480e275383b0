// PowerTransformer -> model::Transformer, in the two forms CIMHub writes:
//   - PowerTransformerEnd (balanced 3-phase): r in ohm referred to each end, ratedU/ratedS,
//     TransformerMeshImpedance x in ohm referred to the From end, TransformerCoreAdmittance g/b;
//   - TransformerTank + TransformerTankEnd with TransformerTankInfo / TransformerEndInfo /
//     ShortCircuitTest / NoLoadTest: one model::Transformer per tank (bank = PowerTransformer).
// Percent values use OpenDSS bases: %R on each winding's own kVA, %X and no-load data on
// winding 1's kVA. CIMHub writes ShortCircuitTest.leakageImpedance as |Z| (the 2016 CIM16
// export as X) and no-load losses in kW (the CIM16 export in W); both are reversed here.
#include <algorithm>
#include <cmath>

#include "cim_document.hpp"
#include "feederlab/core/strings.hpp"

namespace feederlab::io::cim {

namespace {

std::vector<Node> sortedEnds(const Document& doc, const std::vector<Node>& ends,
                             const char* number_prop) {
  std::vector<std::pair<int, Node>> keyed;
  for (Node end : ends) {
    const auto number = doc.integer(end, number_prop);
    if (!number) doc.fail(end, "", std::string("missing required attribute ") + number_prop);
    keyed.emplace_back(*number, end);
  }
  std::stable_sort(keyed.begin(), keyed.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Node> out;
  for (const auto& [n, end] : keyed) out.push_back(end);
  return out;
}

model::Connection connectionOf(const std::string& kind) {
  return (kind == "D") ? model::Connection::Delta : model::Connection::Wye;
}

// Neutral of a wye winding: solidly grounded on node 0, or a separate node 4 with the grounding
// impedance (OpenDSS rneut/xneut), or floating on node 4 when explicitly ungrounded.
void setNeutral(const Document& doc, Node end, bool allow_floating, model::Winding& w) {
  if (w.conn == model::Connection::Delta || w.terminal.nodes.empty()) return;
  const bool grounded = doc.flag(end, "TransformerEnd.grounded", true);
  const double rg = doc.number(end, "TransformerEnd.rground", 0.0);
  const double xg = doc.number(end, "TransformerEnd.xground", 0.0);
  int& neutral = w.terminal.nodes.back();
  if (neutral != 0) return;
  if (grounded && (rg != 0.0 || xg != 0.0)) {
    neutral = 4;
    w.r_neutral = rg;
    w.x_neutral = xg;
  } else if (!grounded && allow_floating) {
    neutral = 4;
  }
}

void recordEnd(Context& ctx, Node end, std::size_t winding) {
  ctx.end_windings[end.hash_value()] = {ctx.feeder.transformers.size(), winding};
}

double zBase(double rated_u, double rated_s) { return rated_u * rated_u / rated_s; }

void importEndTransformer(Context& ctx, Node pt, const std::vector<Node>& unsorted) {
  const Document& doc = ctx.doc;
  const auto ends = sortedEnds(doc, unsorted, "TransformerEnd.endNumber");
  model::Transformer t;
  static_cast<model::ElementBase&>(t) = ctx.base(pt);
  t.phases = 3;
  double s1 = 0.0;
  for (std::size_t k = 0; k < ends.size(); ++k) {
    const Node end = ends[k];
    model::Winding w;
    const double u = doc.requiredNumber(end, "PowerTransformerEnd.ratedU");
    const double s = doc.requiredNumber(end, "PowerTransformerEnd.ratedS");
    if (u <= 0.0 || s <= 0.0) doc.fail(end, "", "ratedU and ratedS must be positive");
    if (k == 0) s1 = s;
    w.kv = u / 1000.0;
    w.kva = s / 1000.0;
    w.r_pct = doc.number(end, "PowerTransformerEnd.r", 0.0) / zBase(u, s) * 100.0;
    w.conn = connectionOf(doc.enumValue(end, "PowerTransformerEnd.connectionKind"));
    const Node terminal = doc.requiredRef(end, "TransformerEnd.Terminal");
    w.terminal = {ctx.busOfTerminal(terminal), {1, 2, 3, 0}};
    setNeutral(doc, end, !doc.isCim16(), w);
    ctx.setBusBase(w.terminal.bus, end, "TransformerEnd.BaseVoltage");
    recordEnd(ctx, end, k);
    t.windings.push_back(w);
  }
  // Short-circuit reactances between end pairs, in % on winding 1's kVA.
  std::vector<double> x_pct(ends.size() * ends.size(), 0.0);
  for (std::size_t i = 0; i < ends.size(); ++i) {
    for (Node mesh : doc.referrers("TransformerMeshImpedance.FromTransformerEnd", ends[i])) {
      const Node to = doc.requiredRef(mesh, "TransformerMeshImpedance.ToTransformerEnd");
      const auto j = static_cast<std::size_t>(
          std::find(ends.begin(), ends.end(), to) - ends.begin());
      if (j >= ends.size()) doc.fail(mesh, doc.nameOf(to), "ToTransformerEnd of another transformer");
      const double zb = zBase(t.windings[i].kv * 1000.0, s1);
      x_pct[i * ends.size() + j] = x_pct[j * ends.size() + i] =
          doc.requiredNumber(mesh, "TransformerMeshImpedance.x") / zb * 100.0;
    }
  }
  const auto n = ends.size();
  if (n >= 2) t.xhl_pct = x_pct[1];
  if (n >= 3) {
    t.xht_pct = x_pct[2];
    t.xlt_pct = x_pct[n + 2];
  }
  for (Node core_y : doc.referrers("TransformerCoreAdmittance.TransformerEnd", ends[0])) {
    const double zb = zBase(t.windings[0].kv * 1000.0, s1);
    t.pct_noload_loss = doc.number(core_y, "TransformerCoreAdmittance.g", 0.0) * zb * 100.0;
    t.pct_imag = doc.number(core_y, "TransformerCoreAdmittance.b", 0.0) * zb * 100.0;
  }
  ctx.feeder.transformers.push_back(std::move(t));
}

Node tankInfoOf(const Document& doc, Node tank) {
  if (Node info = doc.ref(tank, "TransformerTank.TransformerTankInfo")) return info;
  for (Node info : doc.assetInfos(tank)) {
    if (Document::className(info) == "TransformerTankInfo") return info;
  }
  doc.fail(tank, "", "no TransformerTankInfo (TransformerTank.TransformerTankInfo or Asset)");
}

// Tests of one tank info: |Z| (or X) and no-load data, on OpenDSS bases.
void applyTests(const Document& doc, const std::vector<Node>& infos, model::Transformer& t) {
  const auto n = infos.size();
  const double s1 = t.windings[0].kva * 1000.0;
  auto indexOf = [&](Node info) {
    return static_cast<std::size_t>(std::find(infos.begin(), infos.end(), info) - infos.begin());
  };
  std::vector<double> x_pct(n * n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    for (Node test : doc.referrers("ShortCircuitTest.EnergisedEnd", infos[i])) {
      const Node other = doc.requiredRef(test, "ShortCircuitTest.GroundedEnds");
      const auto j = indexOf(other);
      if (j >= n) doc.fail(test, doc.nameOf(other), "GroundedEnds of another tank info");
      const double zb = zBase(t.windings[i].kv * 1000.0, doc.number(test, "TransformerTest.basePower", s1));
      const double z = doc.requiredNumber(test, "ShortCircuitTest.leakageImpedance") / zb * 100.0;
      const double r = t.windings[i].r_pct + t.windings[j].r_pct;
      const double x = doc.isCim16() ? z : std::sqrt(std::max(z * z - r * r, 0.0));
      x_pct[i * n + j] = x_pct[j * n + i] = x;
    }
  }
  if (n >= 2) t.xhl_pct = x_pct[1];
  if (n >= 3) {
    t.xht_pct = x_pct[2];
    t.xlt_pct = x_pct[n + 2];
  }
  for (Node test : doc.referrers("NoLoadTest.EnergisedEnd", infos[0])) {
    const double base = doc.number(test, "TransformerTest.basePower", s1);
    const double exciting = doc.number(test, "NoLoadTest.excitingCurrent", 0.0);
    // CIMHub (CIM100) writes the loss in kW, the 2016 CIM16 export in W.
    const double loss_w = doc.number(test, "NoLoadTest.loss", 0.0) * (doc.isCim16() ? 1.0 : 1000.0);
    t.pct_noload_loss = loss_w / base * 100.0;
    t.pct_imag = std::sqrt(std::max(exciting * exciting - t.pct_noload_loss * t.pct_noload_loss, 0.0));
  }
}

void importTank(Context& ctx, Node tank, const std::string& bank) {
  const Document& doc = ctx.doc;
  const Node info = tankInfoOf(doc, tank);
  const auto infos = sortedEnds(doc, doc.referrers("TransformerEndInfo.TransformerTankInfo", info),
                                "TransformerEndInfo.endNumber");
  const auto ends = sortedEnds(doc, doc.referrers("TransformerTankEnd.TransformerTank", tank),
                               "TransformerEnd.endNumber");
  if (ends.size() < 2 || infos.size() != ends.size()) {
    doc.fail(tank, doc.nameOf(info), std::to_string(ends.size()) + " TransformerTankEnd(s) but " +
                                         std::to_string(infos.size()) + " TransformerEndInfo(s)");
  }
  model::Transformer t;
  static_cast<model::ElementBase&>(t) = ctx.base(tank);
  t.bank = bank;
  t.xfmrcode = core::toLower(doc.nameOf(info));
  for (std::size_t k = 0; k < ends.size(); ++k) {
    model::Winding w;
    const double u = doc.requiredNumber(infos[k], "TransformerEndInfo.ratedU");
    const double s = doc.requiredNumber(infos[k], "TransformerEndInfo.ratedS");
    if (u <= 0.0 || s <= 0.0) doc.fail(infos[k], "", "ratedU and ratedS must be positive");
    w.kv = u / 1000.0;
    w.kva = s / 1000.0;
    w.r_pct = doc.number(infos[k], "TransformerEndInfo.r", 0.0) / zBase(u, s) * 100.0;
    const std::string kind = doc.enumValue(infos[k], "TransformerEndInfo.connectionKind");
    w.conn = connectionOf(kind);
    std::string code = doc.enumValue(ends[k], "TransformerTankEnd.orderedPhases");
    if (code.empty()) code = doc.enumValue(ends[k], "TransformerTankEnd.phases");
    if (code.empty()) code = "ABCN";
    auto nodes = phaseCodeNodes(code);
    const auto phase_count = std::count_if(nodes.begin(), nodes.end(), [](int v) { return v != 0; });
    // A single-phase ("I") winding whose ends are two phase conductors and no neutral (ordered
    // phases AB, BC, CA, ...) is connected phase to phase: OpenDSS's one-phase delta winding, which
    // is what CIMHub's OpenDSS export writes for it (e.g. IEEE 37's open-delta regulators, buses
    // 799.1.2 conn=delta). Wye would invent an ungrounded neutral on the second phase conductor.
    const bool phase_to_phase = code.size() == 2 && code.find_first_not_of("ABC") == std::string::npos;
    if (kind == "I" && phase_to_phase) w.conn = model::Connection::Delta;
    if (k == 0) t.phases = kind == "I" ? 1 : static_cast<int>(std::max<std::ptrdiff_t>(phase_count, 1));
    nodes.resize(static_cast<std::size_t>(t.phases + 1), 0);
    const Node terminal = doc.requiredRef(ends[k], "TransformerEnd.Terminal");
    w.terminal = {ctx.busOfTerminal(terminal), nodes};
    setNeutral(doc, ends[k], false, w);
    ctx.setBusBase(w.terminal.bus, ends[k], "TransformerEnd.BaseVoltage");
    recordEnd(ctx, ends[k], k);
    t.windings.push_back(w);
  }
  applyTests(doc, infos, t);
  ctx.feeder.transformers.push_back(std::move(t));
}

}  // namespace

void importTransformers(Context& ctx) {
  const Document& doc = ctx.doc;
  for (Node pt : doc.objects("PowerTransformer")) {
    const auto& ends = doc.referrers("PowerTransformerEnd.PowerTransformer", pt);
    const auto& tanks = doc.referrers("TransformerTank.PowerTransformer", pt);
    if (!ends.empty()) {
      importEndTransformer(ctx, pt, ends);
    } else if (!tanks.empty()) {
      const std::string bank = core::toLower(doc.nameOf(pt));
      for (Node tank : tanks) importTank(ctx, tank, bank);
    } else {
      doc.fail(pt, "", "no PowerTransformerEnd and no TransformerTank");
    }
  }
  // Tanks without a PowerTransformer.
  for (Node tank : doc.objects("TransformerTank")) {
    if (!doc.ref(tank, "TransformerTank.PowerTransformer")) importTank(ctx, tank, "");
  }
}

}  // namespace feederlab::io::cim
