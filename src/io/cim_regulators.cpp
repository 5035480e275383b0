// RatioTapChanger -> winding tap, range and step count; TapChangerControl -> model::RegControl
// with the OpenDSS RegControl settings CIMHub exports (vreg = targetValue, band = targetDeadband,
// PT ratio, CT rating, LDC R/X in volts, delays).
#include <cmath>

#include "cim_document.hpp"
#include "feederlab/core/strings.hpp"

namespace feederlab::io::cim {

namespace {

// ptRatio / ctRating live on the TapChanger (CIM100) or on a TapChangerInfo asset (CIM16).
double tapChangerSetting(const Document& doc, Node rtc, const std::string& field, double fallback) {
  if (auto value = doc.number(rtc, "TapChanger." + field)) return *value;
  for (Node info : doc.assetInfos(rtc)) {
    if (auto value = doc.number(info, "TapChangerInfo." + field)) return *value;
  }
  return fallback;
}

double tapFromStep(const Document& doc, double step, int neutral, double increment) {
  // The 2016 CIM16 export wrote the per-unit ratio into TapChanger.step (e.g. 1.0625).
  const bool per_unit = doc.isCim16() && step != std::round(step) && std::fabs(step - 1.0) < 0.25;
  return per_unit ? step : 1.0 + (step - neutral) * increment / 100.0;
}

void addControl(Context& ctx, Node rtc, Node control, const model::Transformer& t,
                std::size_t winding) {
  const Document& doc = ctx.doc;
  model::RegControl rc;
  static_cast<model::ElementBase&>(rc) = ctx.base(rtc);
  rc.transformer = t.name;
  rc.winding = static_cast<int>(winding) + 1;
  rc.vreg = doc.requiredNumber(control, "RegulatingControl.targetValue");
  rc.band = doc.number(control, "RegulatingControl.targetDeadband", rc.band);
  rc.pt_ratio = tapChangerSetting(doc, rtc, "ptRatio", rc.pt_ratio);
  rc.ct_primary = tapChangerSetting(doc, rtc, "ctRating", rc.ct_primary);
  rc.r_ldc = doc.number(control, "TapChangerControl.lineDropR", 0.0);
  rc.x_ldc = doc.number(control, "TapChangerControl.lineDropX", 0.0);
  rc.delay = doc.number(rtc, "TapChanger.initialDelay", rc.delay);
  rc.tap_delay = doc.number(rtc, "TapChanger.subsequentDelay", rc.tap_delay);
  rc.reversible = doc.flag(control, "TapChangerControl.reversible", false);
  const std::string phase = doc.enumValue(control, "RegulatingControl.monitoredPhase");
  if (t.phases > 1) {
    const auto nodes = phaseCodeNodes(phase);
    if (!nodes.empty() && nodes.front() > 0) rc.pt_phase = nodes.front();
  }
  rc.in_service = doc.flag(control, "RegulatingControl.enabled", true) &&
                  doc.flag(rtc, "TapChanger.controlEnabled", true);
  ctx.feeder.regcontrols.push_back(std::move(rc));
}

}  // namespace

void importRegulators(Context& ctx) {
  const Document& doc = ctx.doc;
  for (Node rtc : doc.objects("RatioTapChanger")) {
    const Node end = doc.requiredRef(rtc, "RatioTapChanger.TransformerEnd");
    const auto found = ctx.end_windings.find(end.hash_value());
    if (found == ctx.end_windings.end()) {
      doc.fail(rtc, doc.nameOf(end), "RatioTapChanger.TransformerEnd is not a transformer winding");
    }
    auto& t = ctx.feeder.transformers[found->second.first];
    auto& w = t.windings[found->second.second];
    const double increment = doc.requiredNumber(rtc, "RatioTapChanger.stepVoltageIncrement");
    const int neutral = doc.integer(rtc, "TapChanger.neutralStep").value_or(0);
    const int high = doc.integer(rtc, "TapChanger.highStep").value_or(neutral + 16);
    const int low = doc.integer(rtc, "TapChanger.lowStep").value_or(neutral - 16);
    if (high <= low) doc.fail(rtc, "", "highStep must exceed lowStep");
    const double step = doc.number(rtc, "TapChanger.step", doc.number(rtc, "TapChanger.normalStep",
                                                                      neutral));
    w.tap = tapFromStep(doc, step, neutral, increment);
    w.min_tap = 1.0 + (low - neutral) * increment / 100.0;
    w.max_tap = 1.0 + (high - neutral) * increment / 100.0;
    w.num_taps = high - low;
    if (Node control = doc.ref(rtc, "TapChanger.TapChangerControl")) {
      t.is_regulator = true;
      addControl(ctx, rtc, control, t, found->second.second);
    }
  }
}

}  // namespace feederlab::io::cim
