// Shared pieces of the validation/dynamics replays: the tolerances file, reference paths,
// error bookkeeping and the excluded time windows (see README.md beside this file).
#pragma once

#include <algorithm>
#include <cmath>
#include <complex>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "feederlab/dae/device.hpp"
#include "device_test_support.hpp"
#include "paths.hpp"

namespace feederlab::validation {

inline std::filesystem::path caseDir() { return test::sourceDir() / "validation" / "dynamics"; }
inline std::filesystem::path referenceDir() { return test::sharedDir() / "references" / "dynamics"; }

// tolerances.json; every key is read with at(): a missing key throws (an error, never a default).
inline nlohmann::json tolerances() {
  std::ifstream in(caseDir() / "tolerances.json");
  if (!in) throw std::runtime_error("cannot open validation/dynamics/tolerances.json");
  return nlohmann::json::parse(in);
}

struct Window {
  double from = 0.0, to = 0.0;
};
inline std::vector<Window> windows(const nlohmann::json& list) {
  std::vector<Window> out;
  for (const auto& w : list) out.push_back({w.at("from_s").get<double>(), w.at("to_s").get<double>()});
  return out;
}
inline bool excluded(double t, const std::vector<Window>& ws) {
  return std::any_of(ws.begin(), ws.end(), [t](const Window& w) { return t >= w.from && t <= w.to; });
}

// Largest |ours - reference| / scale over the compared samples, with where it happened.
struct ErrorTrack {
  std::string name;
  double scale = 1.0;  // the pre-event reference value (or the stated substitute)
  double max_rel = 0.0, at_t = 0.0, ours = 0.0, ref = 0.0;
  std::size_t samples = 0;
  void add(double t, double our_value, double ref_value) {
    ++samples;
    const double e = std::abs(our_value - ref_value) / scale;
    if (e > max_rel) {
      max_rel = e;
      at_t = t;
      ours = our_value;
      ref = ref_value;
    }
  }
  std::string line(double tol, bool gated = true) const {
    return fmt::format("  {:<28} scale {:9.5f}  max err {:7.3f} % (tol {:5.2f} %) at t = {:.6f} s "
                       "(ours {:.5f}, ref {:.5f}), {} samples  {}",
                       name, scale, 100.0 * max_rel, 100.0 * tol, at_t, ours, ref, samples,
                       !gated ? "(not gated)" : max_rel <= tol ? "ok" : "MISSED");
  }
};

// Complex power drawn by a device at a port voltage, pu of the device base (i from residual()).
inline std::complex<double> devicePower(const dae::Device& dev, double t, const std::vector<double>& x,
                                        const std::vector<double>& v) {
  dae::Context ctx;
  ctx.t = t;
  std::vector<double> xd(x.size(), 0.0);
  const auto e = loads::testing::evaluate(dev, ctx, x, xd, v);
  const std::complex<double> vv{v[0], v[1]}, ii{e.i[0], e.i[1]};
  return vv * std::conj(ii);
}

}  // namespace feederlab::validation
