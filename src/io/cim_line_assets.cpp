// Assets variant of ACLineSegment: conductor geometry (WireSpacingInfo, WirePosition) and wire or
// cable data (OverheadWireInfo, ConcentricNeutralCableInfo, TapeShieldCableInfo) turned into
// phase impedances with the line-constants routine the OpenDSS importer uses.
//
// The CIM does not carry OpenDSS's earth model. The GridAPPS-D scripts these files were exported
// from (IEEE13_Assets.dss, IEEE13_CDPSM.dss) set `earthmodel=carson`, so Carson is used here.
#include <algorithm>
#include <stdexcept>

#include "cim_document.hpp"
#include "feederlab/core/strings.hpp"
#include "feederlab/io/line_constants.hpp"

namespace feederlab::io::cim {

namespace {

constexpr lineconst::EarthModel kAssetsEarthModel = lineconst::EarthModel::Carson;

Node spacingOf(const Document& doc, Node segment) {
  if (Node spacing = doc.ref(segment, "ACLineSegment.WireSpacingInfo")) return spacing;
  for (Node info : doc.assetInfos(segment)) {
    if (Document::className(info) == "WireSpacingInfo") return info;
  }
  return {};
}

// WirePositions in conductor order: by sequenceNumber (CIM100), else phase positions A, B, C
// then neutrals (CIM16 labels positions by phase; a line's k-th phase takes the k-th position).
std::vector<Node> orderedPositions(const Document& doc, Node spacing) {
  std::vector<std::pair<int, Node>> keyed;
  for (Node pos : doc.referrers("WirePosition.WireSpacingInfo", spacing)) {
    int key = doc.integer(pos, "WirePosition.sequenceNumber").value_or(0);
    if (key == 0) {
      const int node = singlePhaseNode(doc.enumValue(pos, "WirePosition.phase"));
      key = node <= 0 ? 1000 + static_cast<int>(keyed.size()) : node;
    }
    keyed.emplace_back(key, pos);
  }
  std::stable_sort(keyed.begin(), keyed.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Node> out;
  for (const auto& [key, pos] : keyed) out.push_back(pos);
  return out;
}

lineconst::Conductor conductorFrom(const Document& doc, Node wire, Node pos) {
  lineconst::Conductor c;
  c.x_m = doc.requiredNumber(pos, "WirePosition.xCoord");
  c.h_m = doc.requiredNumber(pos, "WirePosition.yCoord");
  c.gmr_m = doc.requiredNumber(wire, "WireInfo.gmr");
  c.radius_m = doc.requiredNumber(wire, "WireInfo.radius");
  c.r_dc_ohm_per_m = doc.number(wire, "WireInfo.rDC20", 0.0);
  c.r_ac_ohm_per_m = doc.number(wire, "WireInfo.rAC50", doc.number(wire, "WireInfo.rAC25", 0.0));
  if (c.r_dc_ohm_per_m <= 0.0 && c.r_ac_ohm_per_m <= 0.0) {
    doc.fail(wire, "", "missing required attribute WireInfo.rAC50 or WireInfo.rDC20");
  }
  const std::string cls = Document::className(wire);
  if (cls == "OverheadWireInfo" || cls == "WireInfo") return c;
  c.eps_r = doc.number(wire, "CableInfo.relativePermittivity", 2.3);
  c.ins_layer_m = doc.requiredNumber(wire, "WireInfo.insulationThickness");
  c.dia_ins_m = doc.requiredNumber(wire, "CableInfo.diameterOverInsulation");
  c.dia_cable_m = doc.requiredNumber(wire, "CableInfo.diameterOverJacket");
  if (cls == "ConcentricNeutralCableInfo") {
    c.kind = lineconst::ConductorKind::ConcentricNeutral;
    c.k_strands = doc.integer(wire, "ConcentricNeutralCableInfo.neutralStrandCount").value_or(0);
    c.dia_strand_m = 2.0 * doc.requiredNumber(wire, "ConcentricNeutralCableInfo.neutralStrandRadius");
    c.gmr_strand_m = doc.requiredNumber(wire, "ConcentricNeutralCableInfo.neutralStrandGmr");
    c.r_strand_ohm_per_m = doc.requiredNumber(wire, "ConcentricNeutralCableInfo.neutralStrandRDC20");
  } else if (cls == "TapeShieldCableInfo") {
    c.kind = lineconst::ConductorKind::TapeShield;
    c.tape_layer_m = doc.requiredNumber(wire, "TapeShieldCableInfo.tapeThickness");
    c.tape_lap_pct = doc.number(wire, "TapeShieldCableInfo.tapeLap", 20.0);
    // CIMHub writes diameterOverScreen as the diameter under the tape (OpenDSS DiaShield - 2 t).
    c.dia_shield_m = doc.requiredNumber(wire, "CableInfo.diameterOverScreen") + 2.0 * c.tape_layer_m;
  } else {
    doc.fail(wire, cls, "unsupported wire information class");
  }
  return c;
}

}  // namespace

bool assetsImpedance(const Document& doc, Node segment, const std::vector<Node>& wires,
                     const std::vector<std::string>& kinds, int phases, model::Line& line) {
  const Node spacing = spacingOf(doc, segment);
  if (!spacing) return false;
  line.geometry = core::toLower(doc.nameOf(spacing));
  std::vector<lineconst::Conductor> conductors;
  const auto positions = orderedPositions(doc, spacing);
  for (std::size_t k = 0; k < wires.size(); ++k) {
    if (!wires[k]) doc.fail(segment, kinds[k], "phase " + kinds[k] + " has no WireInfo");
    const Node pos = k < positions.size() ? positions[k] : Node();
    if (!pos) {
      doc.fail(spacing, kinds[k], "no WirePosition for conductor " + std::to_string(k + 1) +
                                      " of ACLineSegment '" + doc.nameOf(segment) + "'");
    }
    conductors.push_back(conductorFrom(doc, wires[k], pos));
  }
  lineconst::Options options;
  options.earth_model = kAssetsEarthModel;
  try {
    const auto result = lineconst::computeLineConstants(conductors, phases, options);
    line.impedance.z_per_length = result.z_ohm_per_m;
    line.impedance.y_per_length = result.y_s_per_m;
  } catch (const std::invalid_argument& e) {
    doc.fail(segment, line.geometry, std::string("inconsistent conductor data: ") + e.what());
  }
  double amps = 0.0;
  for (Node wire : wires) amps = std::max(amps, doc.number(wire, "WireInfo.ratedCurrent", 0.0));
  line.norm_amps = amps;
  return true;
}

}  // namespace feederlab::io::cim
