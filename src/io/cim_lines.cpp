// ACLineSegment -> model::Line: phase impedance matrices (PerLengthPhaseImpedance), sequence
// impedances (PerLengthSequenceImpedance or ACLineSegment.r/x/r0/x0), and the assets variant
// (WireSpacingInfo + WirePosition + wire/cable info through lineconst::computeLineConstants).
// Impedances are stored per metre (length_unit = Meter), as the CIM gives them.
#include <algorithm>
#include <stdexcept>

#include "cim_document.hpp"
#include "feederlab/core/strings.hpp"
#include "feederlab/io/line_constants.hpp"

namespace feederlab::io::cim {

namespace {

constexpr double kOmega60 = 2.0 * core::kPi * 60.0;

struct PhaseWire {
  std::string kind;  // SinglePhaseKind: A, B, C, N, s1, s2
  int node = 0;
  int sequence = 0;
  Node phase;  // ACLineSegmentPhase (null when the segment has none)
  Node wire;   // WireInfo (assets variant)
};

Node wireInfoOf(const Document& doc, Node phase) {
  if (Node wire = doc.ref(phase, "ACLineSegmentPhase.WireInfo")) return wire;
  for (Node info : doc.assetInfos(phase)) {
    const auto cls = Document::className(info);
    if (cls.find("WireInfo") != std::string::npos || cls.find("CableInfo") != std::string::npos) {
      return info;
    }
  }
  return {};
}

// All conductors of the segment (phases and neutrals) in conductor order.
std::vector<PhaseWire> segmentWires(const Document& doc, Node segment) {
  std::vector<PhaseWire> wires;
  bool all_sequenced = true;
  for (Node phase : doc.referrers("ACLineSegmentPhase.ACLineSegment", segment)) {
    PhaseWire w;
    w.kind = doc.enumValue(phase, "ACLineSegmentPhase.phase");
    w.node = singlePhaseNode(w.kind);
    if (w.node < 0) doc.fail(phase, w.kind, "unknown phase in ACLineSegmentPhase.phase");
    w.sequence = doc.integer(phase, "ACLineSegmentPhase.sequenceNumber").value_or(0);
    all_sequenced = all_sequenced && w.sequence > 0;
    w.phase = phase;
    w.wire = wireInfoOf(doc, phase);
    wires.push_back(w);
  }
  std::stable_sort(wires.begin(), wires.end(), [&](const PhaseWire& a, const PhaseWire& b) {
    if (all_sequenced) return a.sequence < b.sequence;
    const int ka = a.node == 0 ? 99 : a.node, kb = b.node == 0 ? 99 : b.node;
    return ka < kb;
  });
  return wires;
}

// CIM16 PhaseImpedanceData.sequenceNumber: lower triangle, column by column.
std::pair<int, int> packedIndex(int sequence, int n) {
  int k = 0;
  for (int c = 1; c <= n; ++c) {
    for (int r = c; r <= n; ++r) {
      if (++k == sequence) return {r, c};
    }
  }
  return {0, 0};
}

void phaseImpedance(const Document& doc, Node plpi, model::LineImpedance& out) {
  const auto& data = doc.referrers("PhaseImpedanceData.PhaseImpedance", plpi);
  if (data.empty()) doc.fail(plpi, "", "no PhaseImpedanceData for this impedance");
  int n = doc.integer(plpi, "PerLengthPhaseImpedance.conductorCount").value_or(0);
  if (n <= 0) {
    const auto size = static_cast<int>(data.size());
    while (n * (n + 1) / 2 < size) ++n;
  }
  const auto size = static_cast<std::size_t>(n);
  out.z_per_length = core::CMatrix(size);
  out.y_per_length = core::CMatrix(size);
  for (Node d : data) {
    int row = doc.integer(d, "PhaseImpedanceData.row").value_or(0);
    int col = doc.integer(d, "PhaseImpedanceData.column").value_or(0);
    if (row == 0 || col == 0) {
      const auto seq = doc.integer(d, "PhaseImpedanceData.sequenceNumber");
      if (!seq) doc.fail(d, "", "missing required attribute PhaseImpedanceData.row/column");
      std::tie(row, col) = packedIndex(*seq, n);
    }
    if (row < 1 || col < 1 || row > n || col > n) {
      doc.fail(d, std::to_string(row) + "," + std::to_string(col),
               "PhaseImpedanceData outside the " + std::to_string(n) + "x" + std::to_string(n) +
                   " matrix");
    }
    const core::Complex z{doc.requiredNumber(d, "PhaseImpedanceData.r"),
                          doc.requiredNumber(d, "PhaseImpedanceData.x")};
    const core::Complex y{doc.number(d, "PhaseImpedanceData.g", 0.0),
                          doc.number(d, "PhaseImpedanceData.b", 0.0)};
    const auto r = static_cast<std::size_t>(row - 1), c = static_cast<std::size_t>(col - 1);
    out.z_per_length(r, c) = out.z_per_length(c, r) = z;
    out.y_per_length(r, c) = out.y_per_length(c, r) = y;
  }
}

// Symmetric-component data (per unit length) -> phase matrices, as OpenDSS does for r1/x1/r0/x0.
void sequenceImpedance(const model::LineImpedance::Sequence& s, double b1, double b0, int phases,
                       model::LineImpedance& out) {
  const auto n = static_cast<std::size_t>(phases);
  const core::Complex z1{s.r1, s.x1}, z0{s.r0, s.x0};
  const core::Complex y1{0.0, b1}, y0{0.0, b0};
  out.z_per_length = core::CMatrix(n);
  out.y_per_length = core::CMatrix(n);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      const bool diag = i == j;
      out.z_per_length(i, j) = n == 1 ? z1 : (diag ? (2.0 * z1 + z0) / 3.0 : (z0 - z1) / 3.0);
      out.y_per_length(i, j) = n == 1 ? y1 : (diag ? (2.0 * y1 + y0) / 3.0 : (y0 - y1) / 3.0);
    }
  }
  out.sequence = s;
}

model::LineImpedance::Sequence sequenceFrom(const Document& doc, Node object,
                                            const std::string& cls, double scale, double& b1,
                                            double& b0) {
  model::LineImpedance::Sequence s;
  s.r1 = doc.requiredNumber(object, cls + ".r") * scale;
  s.x1 = doc.requiredNumber(object, cls + ".x") * scale;
  s.r0 = doc.number(object, cls + ".r0", s.r1 / scale) * scale;
  s.x0 = doc.number(object, cls + ".x0", s.x1 / scale) * scale;
  b1 = doc.number(object, cls + ".bch", 0.0) * scale;
  b0 = doc.number(object, cls + ".b0ch", b1 / scale) * scale;
  s.c1_nf = b1 / kOmega60 * 1e9;
  s.c0_nf = b0 / kOmega60 * 1e9;
  return s;
}

}  // namespace

// Defined in cim_line_assets.cpp.
bool assetsImpedance(const Document& doc, Node segment, const std::vector<Node>& wires,
                     const std::vector<std::string>& kinds, int phases, model::Line& line);

namespace {

void importSegment(Context& ctx, Node segment) {
  const Document& doc = ctx.doc;
  model::Line line;
  static_cast<model::ElementBase&>(line) = ctx.base(segment);
  const auto& terms = ctx.terminalsOf(segment, 2);
  line.length = doc.requiredNumber(segment, "Conductor.length");
  if (line.length < 0.0) doc.fail(segment, std::to_string(line.length), "negative length");
  line.length_unit = core::LengthUnit::Meter;

  std::vector<PhaseWire> wires = segmentWires(doc, segment);
  std::vector<int> nodes;
  for (const auto& w : wires) {
    if (w.node != 0) nodes.push_back(w.node);
  }
  if (Node z = doc.ref(segment, "ACLineSegment.PerLengthImpedance")) {
    line.linecode = core::toLower(doc.nameOf(z));
    if (Document::className(z) == "PerLengthSequenceImpedance") {
      double b1 = 0, b0 = 0;
      const auto s = sequenceFrom(doc, z, "PerLengthSequenceImpedance", 1.0, b1, b0);
      if (nodes.empty()) nodes = {1, 2, 3};
      sequenceImpedance(s, b1, b0, static_cast<int>(nodes.size()), line.impedance);
    } else {
      phaseImpedance(doc, z, line.impedance);
      const auto n = line.impedance.z_per_length.n;
      if (nodes.empty()) {
        for (std::size_t k = 1; k <= n; ++k) nodes.push_back(static_cast<int>(k));
      }
      if (nodes.size() != n) {
        doc.fail(segment, line.linecode,
                 std::to_string(nodes.size()) + " phase(s) but a " + std::to_string(n) + "x" +
                     std::to_string(n) + " impedance matrix");
      }
    }
  } else if (doc.prop(segment, "ACLineSegment.r")) {
    // Sequence impedances of the whole segment (ohm, siemens), as CIMHub writes lines without codes.
    const double per = line.length > 0.0 ? 1.0 / line.length : 1.0;
    if (line.length <= 0.0) line.length_unit = core::LengthUnit::None;
    if (line.length <= 0.0) line.length = 1.0;
    double b1 = 0, b0 = 0;
    const auto s = sequenceFrom(doc, segment, "ACLineSegment", per, b1, b0);
    if (nodes.empty()) nodes = {1, 2, 3};
    sequenceImpedance(s, b1, b0, static_cast<int>(nodes.size()), line.impedance);
  } else {
    std::vector<Node> infos;
    std::vector<std::string> kinds;
    for (const auto& w : wires) {
      infos.push_back(w.wire);
      kinds.push_back(w.kind);
    }
    if (nodes.empty() || !assetsImpedance(doc, segment, infos, kinds,
                                          static_cast<int>(nodes.size()), line)) {
      doc.fail(segment, "", "no impedance: needs PerLengthImpedance, r/x or WireSpacingInfo");
    }
  }
  line.phases = static_cast<int>(nodes.size());
  line.bus1 = {terms[0].bus, nodes};
  line.bus2 = {terms[1].bus, nodes};
  ctx.setBusBase(terms[0].bus, segment, "ConductingEquipment.BaseVoltage");
  ctx.setBusBase(terms[1].bus, segment, "ConductingEquipment.BaseVoltage");
  ctx.feeder.lines.push_back(std::move(line));
}

}  // namespace

void importLines(Context& ctx) {
  for (Node segment : ctx.doc.objects("ACLineSegment")) importSegment(ctx, segment);
}

void importSwitches(Context& ctx) {
  static const char* const kClasses[] = {"LoadBreakSwitch", "Breaker",      "Recloser",
                                         "Fuse",            "Disconnector", "Jumper",
                                         "Sectionaliser",   "Switch",       "GroundDisconnector"};
  const Document& doc = ctx.doc;
  for (const char* cls : kClasses) {
    for (Node sw : doc.objects(cls)) {
      model::Line line;
      static_cast<model::ElementBase&>(line) = ctx.base(sw);
      const auto& terms = ctx.terminalsOf(sw, 2);
      std::vector<int> nodes;
      bool any_closed_phase = false, any_phase = false;
      for (Node phase : doc.referrers("SwitchPhase.Switch", sw)) {
        const std::string kind = doc.enumValue(phase, "SwitchPhase.phaseSide1");
        const int node = singlePhaseNode(kind);
        if (node < 0) doc.fail(phase, kind, "unknown phase in SwitchPhase.phaseSide1");
        if (node > 0) nodes.push_back(node);
        any_phase = true;
        any_closed_phase = any_closed_phase || doc.flag(phase, "SwitchPhase.closed", true);
      }
      std::sort(nodes.begin(), nodes.end());
      if (nodes.empty()) nodes = {1, 2, 3};
      line.phases = static_cast<int>(nodes.size());
      line.bus1 = {terms[0].bus, nodes};
      line.bus2 = {terms[1].bus, nodes};
      line.is_switch = true;
      const bool normal_open = doc.flag(sw, "Switch.normalOpen", false);
      line.open = doc.flag(sw, "Switch.open", normal_open) || (any_phase && !any_closed_phase);
      line.norm_amps = doc.number(sw, "Switch.ratedCurrent", 0.0);
      // The GridAPPS-D scripts' switch: r1 = r0 = 1e-4 ohm, x = c = 0, length 0.001, units none.
      line.length = 0.001;
      line.length_unit = core::LengthUnit::None;
      model::LineImpedance::Sequence s;
      s.r1 = s.r0 = 1e-4;
      sequenceImpedance(s, 0.0, 0.0, line.phases, line.impedance);
      ctx.setBusBase(terms[0].bus, sw, "ConductingEquipment.BaseVoltage");
      ctx.setBusBase(terms[1].bus, sw, "ConductingEquipment.BaseVoltage");
      ctx.feeder.lines.push_back(std::move(line));
    }
  }
}

}  // namespace feederlab::io::cim
