// studyRunner (sweep.hpp): one sweep case = study::runStudy with one event and one variation.
// Kept in its own file so that programs using only the scheduler do not link the study chain.
#include <nlohmann/json.hpp>

#include "feederlab/io/import.hpp"
#include "feederlab/study/study.hpp"
#include "feederlab/sweep/sweep.hpp"

namespace feederlab::sweep {

namespace {

using ojson = nlohmann::ordered_json;

ojson value(const std::optional<double>& v) {
  return v ? ojson(*v) : ojson(nullptr);
}

// metrics.json keys of cli.md `study` (runtimes left out: sweep.json is deterministic).
ojson metricsJson(const std::optional<compare::CaseMetrics>& metrics, const study::ModelRun* full,
                  const study::ModelRun* model) {
  const compare::CaseMetrics m = metrics.value_or(compare::CaseMetrics{});
  ojson j;
  j["head_v_nrmse"] = value(m.head_v_nrmse);
  j["head_p_nrmse"] = value(m.head_p_nrmse);
  j["head_q_nrmse"] = value(m.head_q_nrmse);
  j["head_v_max_error_pu"] = value(m.head_v_max_error_pu);
  j["recovery_time_full_s"] = value(m.recovery_time_full_s);
  j["recovery_time_model_s"] = value(m.recovery_time_model_s);
  j["recovery_time_error_s"] = value(m.recovery_time_error_s);
  j["recovery_time_095_full_s"] = value(m.recovery_time_095_full_s);
  j["recovery_time_095_model_s"] = value(m.recovery_time_095_model_s);
  j["stalled_fraction_max_error"] = value(m.stalled_fraction_max_error);
  j["contactor_fraction_max_error"] = value(m.contactor_fraction_max_error);
  j["thermal_fraction_end_error"] = value(m.thermal_fraction_end_error);
  j["uv_fraction_max_error"] = value(m.uv_fraction_max_error);
  j["full_peak_stalled_fraction"] = value(m.full_peak_stalled_fraction);
  j["states_full"] = full ? ojson(full->states) : ojson(nullptr);
  j["states_model"] = model ? ojson(model->states) : ojson(nullptr);
  j["head_p_max_error_kw"] = value(m.head_p_max_error_kw);
  j["head_q_max_error_kvar"] = value(m.head_q_max_error_kvar);
  ojson stall = ojson::array();
  for (const auto& s : m.sections)
    stall.push_back({{"section", s.section}, {"full_s", value(s.full_s)}, {"model_s", value(s.model_s)}});
  j["section_stall"] = stall;
  return j;
}

const study::ModelRun* findRun(const study::EventResult& e, const char* model) {
  for (const auto& r : e.runs)
    if (r.model == model) return &r;
  return nullptr;
}

}  // namespace

CaseRunner studyRunner(const SweepPlan& plan) {
  const bool write_reports = plan.write_reports;
  const study::SourceEquivalentOptions source{plan.source_mva, plan.source_xr, false};
  return [write_reports, source](const Case& c, const std::filesystem::path& dir) -> std::string {
    const model::Feeder feeder = io::importFeeder(c.feeder.path, c.feeder.format);
    study::Options o;
    o.sections = c.variation.sections;
    o.events = {c.event};
    o.composition_file = c.variation.composition;
    o.source = source;
    o.threads = 1;  // parallelism is across cases
    o.write_reports = write_reports;
    if (!c.variation.parameters.empty()) {
      const auto parameters = c.variation.parameters;
      o.adjust_spec = [parameters](model::CompositeSpec& spec) { applyParameters(spec, parameters); };
    }
    const study::StudyResult r = study::runStudy(feeder, c.feeder.name, o, dir);
    if (r.events.size() != 1) throw std::runtime_error("the study returned no result for the event");
    const auto& e = r.events.front();
    ojson j;
    j["sections"] = r.sections;
    j["reduced_within_tolerance"] = e.reduced_passes;
    j["misses"] = e.misses;
    ojson runs = ojson::object();
    for (const auto& run : e.runs)
      runs[run.model] = {{"completed", run.completed},
                         {"failure", run.failure.empty() ? ojson(nullptr) : ojson(run.failure)},
                         {"states", run.states}};
    j["runs"] = runs;
    j["reduced"] = metricsJson(e.reduced, findRun(e, "full"), findRun(e, "reduced"));
    j["baseline"] = metricsJson(e.baseline, findRun(e, "full"), findRun(e, "baseline"));
    j["notes"] = r.notes;
    return j.dump();
  };
}

}  // namespace feederlab::sweep
