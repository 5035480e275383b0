#include "feederlab/study/source_equivalent.hpp"

#include <fmt/format.h>

#include <cmath>
#include <complex>

#include "feederlab/core/error.hpp"

namespace feederlab::study {

SourceEquivalentResult applySourceEquivalent(model::Feeder& feeder, const SourceEquivalentOptions& options) {
  if (!(options.mva > 0.0) || !(options.x_over_r > 0.0))
    throw core::ModelError("--source-mva", "the source equivalent needs a positive MVA and X/R");
  SourceEquivalentResult r;
  const auto [kw, kvar] = model::totalLoad(feeder);
  r.load_mva = std::hypot(kw, kvar) / 1000.0;
  double weakest = 0.0;
  for (const auto& s : feeder.sources)
    if (s.enabled) weakest = weakest == 0.0 ? s.mvasc3 : std::min(weakest, s.mvasc3);
  r.original_mvasc3 = weakest;
  const bool stiff = r.load_mva > 0.0 && weakest > kStiffRatio * r.load_mva;
  if (!stiff && !options.force) {
    r.note = fmt::format("Source kept as given: {:.0f} MVA short-circuit for {:.2f} MVA of load ({:.0f} x).", weakest,
                         r.load_mva, r.load_mva > 0 ? weakest / r.load_mva : 0.0);
    return r;
  }
  for (auto& s : feeder.sources) {
    if (!s.enabled) continue;
    const double z = s.base_kv * s.base_kv / options.mva;  // ohm, kV^2 / MVA
    const double rr = z / std::sqrt(1.0 + options.x_over_r * options.x_over_r);
    s.z1_ohm = {rr, rr * options.x_over_r};
    s.z0_ohm = s.z1_ohm;
    s.mvasc3 = options.mva;
    s.mvasc1 = options.mva;  // Z0 = Z1: |2 Z1 + Z0| = 3 |Z1|
  }
  r.replaced = true;
  r.note = fmt::format(
      "The source ({:.0f} MVA short-circuit, {:.0f} x the {:.2f} MVA feeder load) is effectively stiff; the study "
      "replaced it by a typical transmission equivalent of {:.0f} MVA at X/R {:.0f} (Z0 = Z1), so that stalled "
      "motors can depress the head voltage.",
      weakest, r.load_mva > 0 ? weakest / r.load_mva : 0.0, r.load_mva, options.mva, options.x_over_r);
  return r;
}

}  // namespace feederlab::study
