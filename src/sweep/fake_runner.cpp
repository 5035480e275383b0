// fakeRunner (sweep.hpp): deterministic made-up results for scheduler and restart tests.
#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "feederlab/core/atomic_file.hpp"
#include "feederlab/core/error.hpp"
#include "feederlab/sweep/sweep.hpp"

namespace feederlab::sweep {

namespace {

// splitmix64 over an FNV-1a hash of the id: a reproducible stream of numbers in [0, 1).
struct Stream {
  std::uint64_t state;
  explicit Stream(const std::string& id) : state(1469598103934665603ull) {
    for (unsigned char c : id) {
      state ^= c;
      state *= 1099511628211ull;
    }
  }
  double next() {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    return static_cast<double>(z >> 11) / 9007199254740992.0;
  }
};

nlohmann::ordered_json fakeMetrics(Stream& s, double scale) {
  nlohmann::ordered_json m;
  m["head_v_nrmse"] = scale * 0.02 * s.next();
  m["head_p_nrmse"] = scale * 0.04 * s.next();
  m["head_q_nrmse"] = scale * 0.05 * s.next();
  m["head_v_max_error_pu"] = scale * 0.1 * s.next();
  const double full = 2.0 + 10.0 * s.next();
  m["recovery_time_full_s"] = full;
  if (s.next() < 0.15) {
    m["recovery_time_model_s"] = nullptr;  // "did not recover": exercises null handling
    m["recovery_time_error_s"] = nullptr;
  } else {
    const double model = full + scale * (s.next() - 0.5);
    m["recovery_time_model_s"] = model;
    m["recovery_time_error_s"] = std::abs(model - full);
  }
  m["stalled_fraction_max_error"] = scale * 0.08 * s.next();
  m["full_peak_stalled_fraction"] = s.next();
  m["states_full"] = 1000 + static_cast<int>(5000 * s.next());
  m["states_model"] = 50 + static_cast<int>(200 * s.next());
  return m;
}

}  // namespace

CaseRunner fakeRunner() {
  return [](const Case& c, const std::filesystem::path& dir) -> std::string {
    if (const char* ms = std::getenv("FEEDERLAB_SWEEP_FAKE_MS"); ms && *ms)
      std::this_thread::sleep_for(std::chrono::milliseconds(std::atoi(ms)));
    if (const char* fail = std::getenv("FEEDERLAB_SWEEP_FAKE_FAIL");
        fail && *fail && c.id.find(fail) != std::string::npos)
      throw core::NumericalError(
          fmt::format("fake runner: case {} fails on purpose (FEEDERLAB_SWEEP_FAKE_FAIL)", c.id));
    Stream s(c.id);
    nlohmann::ordered_json r;
    r["sections"] = c.variation.sections.value_or(3);
    r["reduced"] = fakeMetrics(s, 1.0);
    r["baseline"] = fakeMetrics(s, 3.0);
    const double v = r["reduced"]["head_v_nrmse"].get<double>();
    r["reduced_within_tolerance"] = v < 0.015;
    r["misses"] = nlohmann::ordered_json::array();
    if (v >= 0.015) r["misses"].push_back(fmt::format("head_v_nrmse = {:.4g} > 0.015", v));
    core::writeFileAtomic(dir / "report.html",
                          fmt::format("<!DOCTYPE html><html><body><h1>fake report of {}</h1></body></html>\n", c.id));
    return r.dump();
  };
}

}  // namespace feederlab::sweep
