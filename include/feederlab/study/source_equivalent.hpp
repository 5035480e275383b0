// The transmission equivalent behind a feeder for FIDVR studies (issue 7, cli.md `study`).
//
// Utility feeder models often carry an effectively infinite source (IEEE feeders: 2,000+ MVA
// for a 3-5 MVA feeder). Behind such a source, stalled A/C motors cannot depress the head
// voltage, and the delayed recovery that FIDVR studies are about cannot appear. When the
// source's three-phase short-circuit MVA exceeds kStiffRatio times the feeder's load MVA, the
// study replaces its Thevenin impedance by a typical transmission equivalent: |Z1| = kV^2 / MVA
// at the given X/R, Z0 = Z1 (a solidly grounded transmission system seen through a delta-wye
// substation transformer hardly sees Z0; equal sequence impedances keep the SLG event simple).
// The EMF magnitude and angle are kept, so the operating point changes only by the new drop.
#pragma once

#include <string>

#include "feederlab/model/feeder.hpp"

namespace feederlab::study {

inline constexpr double kStiffRatio = 100.0;

struct SourceEquivalentOptions {
  double mva = 1000.0;  // three-phase short-circuit MVA of the equivalent
  double x_over_r = 10.0;
  bool force = false;   // replace even when the source is not stiff
};

struct SourceEquivalentResult {
  bool replaced = false;
  double original_mvasc3 = 0.0;
  double load_mva = 0.0;
  std::string note;  // one sentence for the report
};

// Modifies every enabled source of `feeder` when replacement applies (see above).
SourceEquivalentResult applySourceEquivalent(model::Feeder& feeder, const SourceEquivalentOptions& options);

}  // namespace feederlab::study
