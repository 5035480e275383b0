// simulate outputs (timeseries.csv, simulation.json), composition specs and the data folder
// (include/feederlab/sim/simulate.hpp).
#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include <fstream>
#include <optional>
#include <system_error>

#include "feederlab/core/atomic_file.hpp"
#include "feederlab/io/composition_reader.hpp"
#include "feederlab/sim/simulate.hpp"

#ifndef FEEDERLAB_DATA_DIR
#define FEEDERLAB_DATA_DIR ""
#endif

namespace feederlab::sim {

namespace {

nlohmann::json number(double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); }

}  // namespace

std::string simulationJson(const Result& r) {
  nlohmann::json j;
  j["completed"] = r.completed;
  j["t_end"] = number(r.t_end);
  j["steps"] = r.stats.steps;
  j["residual_evals"] = r.stats.residual_evals;
  j["jacobian_evals"] = r.stats.jacobian_evals;
  j["root_returns"] = r.stats.root_returns;
  j["reinits"] = r.stats.reinits;
  j["states"] = r.states;
  j["devices"] = r.devices;
  j["composite_loads"] = r.composite_loads;
  j["constant_impedance_loads"] = r.constant_impedance_loads;
  j["motor_d_p0_kw"] = number(r.motor_d_p0_kw);
  j["runtime_s"] = number(r.runtime_s);
  j["integration_s"] = number(r.integration_s);
  j["failure"] = r.completed ? nlohmann::json(nullptr) : nlohmann::json(r.failure);
  j["init_residual"] = number(r.init.max_scaled_residual);
  j["init_worst"] = r.init.worst;
  j["head_pre_event"] = {{"v_pu", number(r.pre_event.v_pu)},
                         {"p_kw", number(r.pre_event.p_kw)},
                         {"q_kvar", number(r.pre_event.q_kvar)}};
  j["notes"] = r.notes;
  return j.dump(1) + "\n";
}

void writeOutputs(const std::filesystem::path& dir, const Result& result) {
  std::filesystem::create_directories(dir);
  core::writeTimeSeriesCsv(dir / "timeseries.csv", result.series);
  core::writeFileAtomic(dir / "simulation.json", simulationJson(result));
}

std::optional<Result> readOutputs(const std::filesystem::path& dir) {
  if (!std::filesystem::exists(dir / "timeseries.csv") || !std::filesystem::exists(dir / "simulation.json"))
    return std::nullopt;
  std::ifstream in(dir / "simulation.json");
  const auto j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  auto num = [&](const char* key) { return j.contains(key) && j[key].is_number() ? j[key].get<double>() : 0.0; };
  Result r;
  r.series = core::readTimeSeriesCsv(dir / "timeseries.csv");
  r.completed = j.value("completed", false);
  r.failure = j.contains("failure") && j["failure"].is_string() ? j["failure"].get<std::string>() : "";
  r.t_end = num("t_end");
  r.states = static_cast<std::size_t>(num("states"));
  r.devices = static_cast<std::size_t>(num("devices"));
  r.runtime_s = num("runtime_s");
  r.integration_s = num("integration_s");
  r.motor_d_p0_kw = num("motor_d_p0_kw");
  if (j.contains("head_pre_event") && j["head_pre_event"].is_object()) {
    const auto& h = j["head_pre_event"];
    auto hv = [&](const char* key) { return h.contains(key) && h[key].is_number() ? h[key].get<double>() : 0.0; };
    r.pre_event = {.v_pu = hv("v_pu"), .p_kw = hv("p_kw"), .q_kvar = hv("q_kvar")};
  }
  r.notes.push_back("reused from " + dir.string());
  return r;
}

model::CompositeSpec readCompositeSpec(const std::filesystem::path& composition_file) {
  return io::readCompositeSpec(composition_file);
}

std::filesystem::path dataDir() {
  namespace fs = std::filesystem;
  if (const char* env = std::getenv("FEEDERLAB_DATA_DIR"); env && *env) return fs::path(env);
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    // build/bin/feederlab -> <project>/data; also an installed <prefix>/bin -> <prefix>/share/feederlab/data
    for (const fs::path& cand : {exe.parent_path().parent_path().parent_path() / "data",
                                 exe.parent_path().parent_path() / "share" / "feederlab" / "data"})
      if (fs::exists(cand / "compositions", ec)) return cand;
  }
  return fs::path(FEEDERLAB_DATA_DIR);
}

std::filesystem::path defaultCompositionFile() { return dataDir() / "compositions" / "residential_summer_peak.json"; }

}  // namespace feederlab::sim
