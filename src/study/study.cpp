#include "feederlab/study/study.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <mutex>
#include <thread>

#include "feederlab/core/error.hpp"
#include "feederlab/core/strings.hpp"
#include "feederlab/events/study_events.hpp"
#include "feederlab/reduce/reduce.hpp"
#include "feederlab/report/validation_report.hpp"
#include "feederlab/sim/simulate.hpp"
#include "feederlab/validate/validate.hpp"
#include "study_internal.hpp"

namespace feederlab::study {

namespace {

using Clock = std::chrono::steady_clock;
double secondsSince(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// A folder name from an event name: letters, digits, '.', '-' and '_' kept, others '_'.
std::string folderName(const std::string& name, std::size_t index) {
  std::string out;
  for (char c : name) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_') ? c : '_';
  return out.empty() ? fmt::format("event-{}", index + 1) : out;
}

struct ClassSpecs {
  model::CompositeSpec residential, commercial, industrial;
  const model::CompositeSpec& forLoad(const model::Load& load) const {
    switch (load.load_class) {
      case model::LoadClass::Commercial: return commercial;
      case model::LoadClass::Industrial:
      case model::LoadClass::Other: return industrial;
      default: return residential;  // OpenDSS's default class 1 (reduction.md "Decisions in force")
    }
  }
};

ClassSpecs classSpecs(const Options& options) {
  ClassSpecs c;
  if (options.composition_file) {
    const auto spec = reduce::readCompositeSpecFile(*options.composition_file);
    c = {spec, spec, spec};
  } else {
    const auto dir = reduce::defaultDataDir() / "compositions";
    c = {reduce::readCompositeSpecFile(dir / "residential_summer_peak.json"),
         reduce::readCompositeSpecFile(dir / "commercial_summer_peak.json"),
         reduce::readCompositeSpecFile(dir / "industrial_summer_peak.json")};
  }
  if (options.adjust_spec) {
    options.adjust_spec(c.residential);
    options.adjust_spec(c.commercial);
    options.adjust_spec(c.industrial);
  }
  return c;
}

std::vector<sim::LoadGroup> fullGroups(const model::Feeder& full, const reduce::Reduction& r) {
  std::vector<sim::LoadGroup> groups(r.sections.size());
  for (std::size_t k = 0; k < groups.size(); ++k) groups[k].name = fmt::format("section_{}", k + 1);
  for (std::size_t i = 0; i < r.section_of_full_load.size() && i < full.loads.size(); ++i) {
    const int s = r.section_of_full_load[i];
    if (s >= 0 && static_cast<std::size_t>(s) < groups.size()) groups[static_cast<std::size_t>(s)].loads.push_back(full.loads[i].name);
  }
  return groups;
}

std::vector<sim::LoadGroup> reducedGroups(const reduce::Reduction& r) {
  std::vector<sim::LoadGroup> groups(r.sections.size());
  for (std::size_t k = 0; k < groups.size(); ++k) groups[k].name = fmt::format("section_{}", k + 1);
  for (const auto& [name, s] : r.section_of_reduced_load)
    if (s >= 0 && static_cast<std::size_t>(s) < groups.size()) groups[static_cast<std::size_t>(s)].loads.push_back(name);
  return groups;
}

void checkTolerances(EventResult& e, const Tolerances& tol) {
  e.misses.clear();
  if (!e.reduced) {
    e.misses.push_back("reduced model: no metrics (a run did not complete)");
    e.reduced_passes = false;
    return;
  }
  const auto& m = *e.reduced;
  auto limit = [&](const char* what, const std::optional<double>& v, double lim) {
    if (!v) e.misses.push_back(fmt::format("{}: not defined", what));
    else if (!(*v <= lim)) e.misses.push_back(fmt::format("{} = {:.4g} > {:.4g}", what, *v, lim));
  };
  limit("head_v_nrmse", m.head_v_nrmse, tol.nrmse);
  limit("head_p_nrmse", m.head_p_nrmse, tol.nrmse);
  limit("head_q_nrmse", m.head_q_nrmse, tol.nrmse);
  limit("stalled_fraction_max_error", m.stalled_fraction_max_error, tol.stalled_fraction_error);
  if (!m.recovery_time_full_s && !m.recovery_time_model_s) {
    e.misses.push_back("recovery_time: neither run recovered by t_end");
  } else {
    limit("recovery_time_error_s", m.recovery_time_error_s, tol.recovery_time_error_s);
  }
  e.reduced_passes = e.misses.empty();
}

}  // namespace

compare::Disturbance disturbanceOf(const events::Scenario& scenario) {
  double on = scenario.t_end_s, off = 0.0;
  bool any = false;
  for (const auto& ev : scenario.events) {
    std::visit(
        [&](const auto& d) {
          using T = std::decay_t<decltype(d)>;
          if constexpr (std::is_same_v<T, events::Fault>) {
            on = std::min(on, d.t_on_s);
            off = std::max(off, d.t_off_s);
            any = true;
          } else if constexpr (std::is_same_v<T, events::SourceSag>) {
            if (d.isProfile()) {
              on = std::min(on, d.profile.front().t_s);
              off = std::max(off, d.profile.back().t_s);
            } else {
              on = std::min(on, d.t_on_s);
              off = std::max(off, d.t_on_s + d.duration_s);
            }
            any = true;
          } else if constexpr (std::is_same_v<T, events::VoltagePlayback>) {
            const auto& s = d.series.samples;
            if (s.size() >= 2) {
              // The disturbance: from the first sample that leaves the initial voltage to the
              // deepest point's recovery is the whole recording; use its first departure and the
              // last sample below 0.9 pu as the end.
              std::size_t first = s.size() - 1;
              for (std::size_t k = 1; k < s.size(); ++k)
                if (std::abs(s[k].magnitude_pu[0] - s[0].magnitude_pu[0]) > 0.01) {
                  first = k - 1;
                  break;
                }
              double last_low = s[first].t_s;
              for (const auto& p : s)
                if (*std::min_element(p.magnitude_pu.begin(), p.magnitude_pu.end()) < 0.9) last_low = p.t_s;
              on = std::min(on, s[first].t_s);
              off = std::max(off, last_low);
              any = true;
            }
          } else if constexpr (std::is_same_v<T, events::SwitchAction>) {
            on = std::min(on, d.t_s);
            off = std::max(off, d.t_s);
            any = true;
          } else if constexpr (std::is_same_v<T, events::LoadStep>) {
            on = std::min(on, d.t_s);
            off = std::max(off, d.t_s);
            any = true;
          }
        },
        ev.detail);
  }
  if (!any) return {0.0, 0.0};
  return {on, std::max(on, off)};
}

StudyResult runStudy(const model::Feeder& input, const std::string& feeder_name, const Options& options,
                     const std::filesystem::path& out_dir) {
  const auto t_total = Clock::now();
  StudyResult out;
  out.feeder = feeder_name;
  auto say = [&](const std::string& line) {
    if (options.progress) options.progress(line);
  };
  std::filesystem::create_directories(out_dir);

  // 1. Validation (the report is written whatever it finds; errors stop the study).
  auto t0 = Clock::now();
  const auto validation = validate::validateFeeder(input);
  if (options.write_reports) report::writeValidation(validation, out_dir);
  out.times.validate_s = secondsSince(t0);
  if (validation.summary.errors > 0)
    throw core::ModelError(feeder_name, fmt::format("validation found {} error(s); see {}/validation.md",
                                                    validation.summary.errors, out_dir.string()));
  say(fmt::format("validated: {} warning(s)", validation.summary.warnings));

  // 2. Source equivalent, 3. reduction.
  model::Feeder full = input;
  out.source = applySourceEquivalent(full, options.source);
  out.notes.push_back(out.source.note);
  t0 = Clock::now();
  const ClassSpecs specs = classSpecs(options);
  reduce::Options ro;
  ro.sections = options.sections;
  if (options.motor_d_blocks) ro.motor_d_blocks = *options.motor_d_blocks;
  if (options.motor_d_spread_gain) ro.motor_d_spread_gain = *options.motor_d_spread_gain;
  ro.class_compositions[model::LoadClass::Residential] = specs.residential;
  ro.class_compositions[model::LoadClass::Unknown] = specs.residential;
  ro.class_compositions[model::LoadClass::Commercial] = specs.commercial;
  ro.class_compositions[model::LoadClass::Industrial] = specs.industrial;
  ro.class_compositions[model::LoadClass::Other] = specs.industrial;
  const reduce::Reduction red = reduce::reduceFeeder(full, ro);
  if (red.allocated) full = *red.allocated;  // compare against the allocated full feeder
  if (options.write_reports) reduce::writeReduction(out_dir / "reduction", red);
  out.times.reduce_s = secondsSince(t0);
  out.sections = static_cast<int>(red.sections.size());
  for (const auto& n : red.notes) out.notes.push_back(n);
  say(fmt::format("reduced to {} sections: head power error {:.3f} %, section voltage error {:.4f} pu", out.sections,
                  red.head_power_error_pct, red.section_voltage_error_pu_max));

  // 4. Simulations: every (event, model) pair is a task.
  const std::vector<events::Scenario> scenarios = options.events.empty() ? events::defaultStudyEvents() : options.events;
  const char* kModels[] = {"full", "reduced", "baseline"};
  const model::Feeder* feeders[] = {&full, &red.reduced, &red.baseline};
  sim::Options so_full;
  so_full.default_spec = specs.residential;
  so_full.spec_for_load = [&specs](const model::Load& l) -> std::optional<model::CompositeSpec> { return specs.forLoad(l); };
  so_full.load_groups = fullGroups(full, red);
  sim::Options so_reduced;
  so_reduced.default_spec = specs.residential;
  so_reduced.records = red.reduced_records;
  so_reduced.load_groups = reducedGroups(red);
  sim::Options so_baseline;
  so_baseline.default_spec = specs.residential;
  so_baseline.records = red.baseline_records;
  for (sim::Options* so : {&so_full, &so_reduced, &so_baseline}) {
    so->output_interval_s = options.output_interval_s;
    so->ida.max_wall_s = options.max_run_wall_s;
  }
  const sim::Options* sim_options[] = {&so_full, &so_reduced, &so_baseline};

  const std::size_t n_tasks = scenarios.size() * 3;
  std::vector<sim::Result> results(n_tasks);
  std::vector<std::string> folders(scenarios.size());
  for (std::size_t e = 0; e < scenarios.size(); ++e) folders[e] = folderName(scenarios[e].name, e);
  std::atomic<std::size_t> next{0};
  std::mutex mutex;
  std::exception_ptr first_error;
  std::size_t done = 0;
  t0 = Clock::now();
  auto worker = [&]() {
    for (;;) {
      const std::size_t task = next.fetch_add(1);
      if (task >= n_tasks) return;
      const std::size_t e = task / 3, m = task % 3;
      try {
        std::optional<sim::Result> reused;
        if (m == 0 && options.reuse_full_from)
          reused = sim::readOutputs(*options.reuse_full_from / "cases" / folders[e] / kModels[m]);
        results[task] = reused ? std::move(*reused) : sim::simulate(*feeders[m], scenarios[e], *sim_options[m]);
        if (options.write_reports) sim::writeOutputs(out_dir / "cases" / folders[e] / kModels[m], results[task]);
        std::lock_guard lock(mutex);
        ++done;
        const auto& r = results[task];
        say(fmt::format("[{}/{}] {} {}: {} in {:.2f} s ({} states){}", done, n_tasks, scenarios[e].name, kModels[m],
                        r.completed ? "completed" : "FAILED", r.runtime_s, r.states,
                        r.completed ? "" : " - " + r.failure));
      } catch (...) {
        std::lock_guard lock(mutex);
        if (!first_error) first_error = std::current_exception();
        next = n_tasks;  // stop handing out work
      }
    }
  };
  unsigned threads = options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, n_tasks));
  {
    std::vector<std::jthread> pool;
    for (unsigned k = 0; k < threads; ++k) pool.emplace_back(worker);
  }
  if (first_error) std::rethrow_exception(first_error);
  out.times.simulate_s = secondsSince(t0);

  // 5. Compare.
  t0 = Clock::now();
  out.all_pass = true;
  for (std::size_t e = 0; e < scenarios.size(); ++e) {
    EventResult ev;
    ev.event = scenarios[e].name;
    ev.description = scenarios[e].description;
    ev.disturbance = disturbanceOf(scenarios[e]);
    for (int m = 0; m < 3; ++m) {
      const auto& r = results[e * 3 + static_cast<std::size_t>(m)];
      ev.runs.push_back({kModels[m], r.completed, r.failure, r.states, r.runtime_s,
                         options.write_reports ? out_dir / "cases" / folders[e] / kModels[m] / "timeseries.csv"
                                               : std::filesystem::path()});
      (m == 0 ? out.times.simulate_full_s : m == 1 ? out.times.simulate_reduced_s : out.times.simulate_baseline_s) +=
          r.runtime_s;
    }
    const auto& rf = results[e * 3];
    if (rf.completed && results[e * 3 + 1].completed)
      ev.reduced = compare::compareRuns(rf.series, results[e * 3 + 1].series, ev.disturbance);
    if (rf.completed && results[e * 3 + 2].completed)
      ev.baseline = compare::compareRuns(rf.series, results[e * 3 + 2].series, ev.disturbance);
    checkTolerances(ev, options.tolerances);
    out.all_pass = out.all_pass && ev.reduced_passes;
    out.events.push_back(std::move(ev));
  }
  out.times.compare_s = secondsSince(t0);

  // 6. Report.
  t0 = Clock::now();
  writeStudyOutputs(out_dir, out, red, full, results, options);
  out.times.report_s = secondsSince(t0);
  out.times.total_s = secondsSince(t_total);
  return out;
}

}  // namespace feederlab::study
