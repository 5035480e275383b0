#include <fmt/format.h>

#include <map>

#include "feederlab/core/atomic_file.hpp"
#include "feederlab/core/strings.hpp"
#include "feederlab/report/study_report.hpp"
#include "study_internal.hpp"

namespace feederlab::study {

namespace {

// The full feeder drawn from its bus coordinates (when at least two buses have them), each line
// coloured by the section its buses were folded into (section index k = 1..N, as the columns).
std::optional<report::FeederDrawing> drawing(const model::Feeder& full, const reduce::Reduction& r) {
  std::map<std::string, int> section_of_bus;
  for (const auto& s : r.sections)
    for (const auto& b : s.buses) section_of_bus[core::toLower(b)] = s.index + 1;
  auto sectionOf = [&](const std::string& bus) {
    auto it = section_of_bus.find(core::toLower(bus));
    return it == section_of_bus.end() ? -1 : it->second;
  };
  report::FeederDrawing d;
  auto coords = [&](model::BusId b) -> const std::optional<std::array<double, 2>>& { return full.buses[static_cast<std::size_t>(b)].coords; };
  auto addSegment = [&](model::BusId a, model::BusId b) {
    if (a == model::kNoBus || b == model::kNoBus) return;
    const auto &ca = coords(a), &cb = coords(b);
    if (!ca || !cb) return;
    const auto& nb = full.buses[static_cast<std::size_t>(b)].name;
    const auto& na = full.buses[static_cast<std::size_t>(a)].name;
    const int s = sectionOf(nb) >= 0 ? sectionOf(nb) : sectionOf(na);
    d.segments.push_back({(*ca)[0], (*ca)[1], (*cb)[0], (*cb)[1], s});
  };
  for (const auto& l : full.lines)
    if (l.enabled) addSegment(l.bus1.bus, l.bus2.bus);
  for (const auto& t : full.transformers)
    if (t.enabled && t.windings.size() >= 2) addSegment(t.windings[0].terminal.bus, t.windings[1].terminal.bus);
  if (d.segments.size() < 2) return std::nullopt;
  for (const auto& s : r.sections) {
    double x = 0, y = 0;
    int n = 0;
    for (const auto& b : s.buses)
      if (auto id = full.findBus(b); id && full.buses[static_cast<std::size_t>(*id)].coords) {
        x += (*full.buses[static_cast<std::size_t>(*id)].coords)[0];
        y += (*full.buses[static_cast<std::size_t>(*id)].coords)[1];
        ++n;
      }
    if (n) d.section_buses.push_back({x / n, y / n, s.index + 1, fmt::format("section {}", s.index + 1)});
  }
  return d;
}

report::RunResult runResult(const sim::Result& r) {
  report::RunResult out;
  if (r.series.rows() > 0) out.series = r.series;
  out.states = static_cast<long>(r.states);
  out.runtime_s = r.runtime_s;
  out.failure = r.completed ? "" : r.failure;
  return out;
}

}  // namespace

void writeStudyOutputs(const std::filesystem::path& dir, const StudyResult& study, const reduce::Reduction& reduction,
                       const model::Feeder& full, const std::vector<sim::Result>& results, const Options& options) {
  report::StudyReportInput in;
  in.feeder = study.feeder;
  in.sections = study.sections;
  in.notes = study.notes;
  in.stage_runtimes_s = {{"validate", study.times.validate_s},
                         {"reduce (incl. power flows)", study.times.reduce_s},
                         {"simulate (wall, all events)", study.times.simulate_s},
                         {"  full feeder runs (sum)", study.times.simulate_full_s},
                         {"  reduced feeder runs (sum)", study.times.simulate_reduced_s},
                         {"  baseline runs (sum)", study.times.simulate_baseline_s},
                         {"compare", study.times.compare_s}};
  for (std::size_t e = 0; e < study.events.size(); ++e) {
    const auto& ev = study.events[e];
    report::EventResult re;
    re.name = ev.event;
    re.description = ev.description;
    re.disturbance = ev.disturbance;
    re.full = runResult(results[e * 3]);
    re.reduced = runResult(results[e * 3 + 1]);
    re.baseline = runResult(results[e * 3 + 2]);
    re.reduced_metrics = ev.reduced;
    re.baseline_metrics = ev.baseline;
    in.events.push_back(std::move(re));
  }
  const auto& t = options.tolerances;
  in.tolerances = {{"head_v_nrmse", t.nrmse},
                   {"head_p_nrmse", t.nrmse},
                   {"head_q_nrmse", t.nrmse},
                   {"recovery_time_error_s", t.recovery_time_error_s},
                   {"stalled_fraction_max_error", t.stalled_fraction_error}};
  if (!options.write_reports) {  // a sweep keeps the metrics only
    core::writeFileAtomic(dir / "metrics.json", report::studyMetricsJson(in));
    return;
  }
  in.drawing = drawing(full, reduction);
  report::writeStudyReport(dir, in, [&](std::size_t done, std::size_t all, const std::string& what) {
    if (options.progress && done == all) options.progress(fmt::format("report written ({} steps, last: {})", all, what));
  });
}

}  // namespace feederlab::study
