// Runs the FIDVR study on one case of tolerances.json and checks it (issue 7, "validation/"):
// the reduced model within the limits on every event, partial stalling of the full feeder in at
// least N events, and the reduced model better than the single-bus baseline. Prints the figures;
// exits 1 on any miss, 2 on a bad tolerance file or case name.
#include <fmt/format.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "feederlab/io/import.hpp"
#include "feederlab/study/study.hpp"

using namespace feederlab;
using nlohmann::json;

namespace {

double required(const json& j, const char* group, const char* key) {
  if (!j.contains(group) || !j[group].contains(key) || !j[group][key].is_number())
    throw std::runtime_error(fmt::format("tolerances.json: missing number {}.{}", group, key));
  return j[group][key].get<double>();
}

std::string resolve(std::string path) {
  auto swap = [&](const std::string& tag, const std::string& dir) {
    if (path.rfind(tag, 0) == 0) path = dir + path.substr(tag.size());
  };
  swap("@shared", FEEDERLAB_SHARED_DIR);
  swap("@source", FEEDERLAB_SOURCE_DIR);
  return path;
}

std::string num(const std::optional<double>& v, const char* f = "{:.4f}") {
  return v ? fmt::format(fmt::runtime(f), *v) : std::string("null");
}

// Mean of the three NRMSE and the stall error: the single figure "reduced beats baseline" uses.
std::optional<double> score(const std::optional<compare::CaseMetrics>& m) {
  if (!m || !m->head_v_nrmse || !m->head_p_nrmse || !m->head_q_nrmse || !m->stalled_fraction_max_error)
    return std::nullopt;
  return (*m->head_v_nrmse + *m->head_p_nrmse + *m->head_q_nrmse) / 3.0 + *m->stalled_fraction_max_error;
}

}  // namespace

int main(int argc, char** argv) {
  std::string name, out = "study-validation";
  for (int k = 1; k + 1 < argc; k += 2) {
    if (!std::strcmp(argv[k], "--case")) name = argv[k + 1];
    else if (!std::strcmp(argv[k], "--out")) out = argv[k + 1];
  }
  try {
    std::ifstream in(std::string(FEEDERLAB_STUDY_VALIDATION_DIR) + "/tolerances.json");
    const json tol = json::parse(in);
    json case_j;
    for (const auto& c : tol.at("cases"))
      if (c.at("name") == name) case_j = c;
    if (case_j.is_null()) throw std::runtime_error("no case '" + name + "' in tolerances.json");
    study::Options o;
    o.tolerances.nrmse = required(tol, "reduced", "head_v_nrmse_max");
    const double p_max = required(tol, "reduced", "head_p_nrmse_max");
    const double q_max = required(tol, "reduced", "head_q_nrmse_max");
    o.tolerances.recovery_time_error_s = required(tol, "reduced", "recovery_time_error_s_max");
    o.tolerances.stalled_fraction_error = required(tol, "reduced", "stalled_fraction_max_error_max");
    const double peak_min = required(tol, "partial_stall", "full_peak_stalled_fraction_min");
    const double peak_max = required(tol, "partial_stall", "full_peak_stalled_fraction_max");
    const int at_least = static_cast<int>(required(tol, "partial_stall", "events_at_least"));
    if (!tol.contains("reduced_beats_baseline")) throw std::runtime_error("tolerances.json: missing reduced_beats_baseline");
    const bool must_beat = tol["reduced_beats_baseline"].get<bool>();
    o.progress = [](const std::string& line) { std::cerr << "  " << line << '\n'; };

    const auto feeder = io::importFeeder(resolve(case_j.at("feeder").get<std::string>()), "auto");
    const auto r = study::runStudy(feeder, name, o, out);

    int failures = 0, partial = 0, beaten = 0, compared = 0;
    std::cout << fmt::format("study validation '{}': {} sections, {:.1f} s\n", name, r.sections, r.times.total_s);
    std::cout << "event | V nrmse | P nrmse | Q nrmse | rec err s | stall err | full peak stall | baseline V/P/Q nrmse, stall err | verdict\n";
    for (const auto& e : r.events) {
      const auto& m = e.reduced;
      const auto& b = e.baseline;
      bool ok = e.reduced_passes;
      // P and Q limits may differ from V's in the file: check them separately.
      if (m && m->head_p_nrmse && *m->head_p_nrmse > p_max) ok = false;
      if (m && m->head_q_nrmse && *m->head_q_nrmse > q_max) ok = false;
      const double peak = m && m->full_peak_stalled_fraction ? *m->full_peak_stalled_fraction : std::nan("");
      if (peak >= peak_min && peak <= peak_max) ++partial;
      const auto sr = score(m), sb = score(b);
      if (sr && sb) {
        ++compared;
        if (*sr < *sb) ++beaten;
      }
      std::cout << fmt::format("{} | {} | {} | {} | {} | {} | {:.3f} | {}/{}/{}, {} | {}\n", e.event,
                               num(m ? m->head_v_nrmse : std::nullopt), num(m ? m->head_p_nrmse : std::nullopt),
                               num(m ? m->head_q_nrmse : std::nullopt), num(m ? m->recovery_time_error_s : std::nullopt, "{:.3f}"),
                               num(m ? m->stalled_fraction_max_error : std::nullopt, "{:.3f}"), peak,
                               num(b ? b->head_v_nrmse : std::nullopt), num(b ? b->head_p_nrmse : std::nullopt),
                               num(b ? b->head_q_nrmse : std::nullopt), num(b ? b->stalled_fraction_max_error : std::nullopt, "{:.3f}"),
                               ok ? "pass" : "FAIL");
      for (const auto& miss : e.misses) std::cout << "    miss: " << miss << '\n';
      if (!ok) ++failures;
    }
    std::cout << fmt::format("partial stalling (peak in [{}, {}]) in {} events (required {})\n", peak_min, peak_max,
                             partial, at_least);
    if (partial < at_least) ++failures;
    std::cout << fmt::format("reduced better than baseline in {} of {} events\n", beaten, compared);
    if (must_beat && (compared == 0 || beaten < compared)) ++failures;
    if (failures) {
      std::cout << fmt::format("FAILED: {} check(s) missed (tolerances: validation/study/tolerances.json)\n", failures);
      return 1;
    }
    std::cout << "PASSED\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "validate_study: " << e.what() << '\n';
    return 2;
  }
}
