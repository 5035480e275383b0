// `feederlab powerflow FEEDER [-o DIR] [--controls static|off]` (../shared/design/cli.md).
#include <cmath>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "feederlab/core/atomic_file.hpp"
#include "feederlab/core/error.hpp"
#include "feederlab/core/log.hpp"
#include "feederlab/io/import.hpp"
#include "feederlab/powerflow/powerflow.hpp"

namespace feederlab::cli {

namespace {

// JSON number, refusing NaN/inf (cli.md: no NaN is ever written).
double finite(double x, const char* what) {
  if (!std::isfinite(x)) throw core::NumericalError(std::string("non-finite ") + what + " in the power-flow result");
  return x;
}

nlohmann::json summaryJson(const model::Feeder& feeder, const powerflow::Result& r) {
  using nlohmann::json;
  json j;
  j["converged"] = r.converged;
  j["iterations"] = r.iterations;
  j["control_iterations"] = r.control_iterations;
  j["max_mismatch_pu"] = r.max_mismatch_pu;
  json kw = json::array(), kvar = json::array();
  double total_kw = 0, total_kvar = 0;
  for (const auto& src : r.source_power)
    for (const auto& s : src) {
      kw.push_back(finite(s.real() / 1000.0, "source power"));
      kvar.push_back(finite(s.imag() / 1000.0, "source power"));
      total_kw += s.real() / 1000.0;
      total_kvar += s.imag() / 1000.0;
    }
  j["source_kw"] = kw;
  j["source_kvar"] = kvar;
  j["total_source_kw"] = total_kw;
  j["total_source_kvar"] = total_kvar;
  j["head_bus"] = r.head_bus >= 0 ? json(feeder.buses[static_cast<std::size_t>(r.head_bus)].name) : json(nullptr);
  json hkw = json::array(), hkvar = json::array();
  for (const auto& s : r.head_power) {
    hkw.push_back(finite(s.real() / 1000.0, "head power"));
    hkvar.push_back(finite(s.imag() / 1000.0, "head power"));
  }
  j["head_kw"] = hkw;
  j["head_kvar"] = hkvar;
  j["losses_kw"] = finite(r.losses.real() / 1000.0, "losses");
  j["losses_kvar"] = finite(r.losses.imag() / 1000.0, "losses");
  j["load_kw"] = finite(r.load_power.real() / 1000.0, "load power");
  j["load_kvar"] = finite(r.load_power.imag() / 1000.0, "load power");
  j["shunt_kvar"] = finite(r.shunt_power.imag() / 1000.0, "shunt power");
  j["taps"] = json::object();
  for (const auto& [name, pos] : r.taps) j["taps"][name] = pos;
  j["taps_pu"] = json::object();
  for (const auto& [name, tap] : r.taps_pu) j["taps_pu"][name] = tap;
  j["capacitors"] = json::object();
  for (const auto& [name, states] : r.capacitor_states) j["capacitors"][name] = states;
  j["warnings"] = r.warnings;
  return j;
}

}  // namespace

void registerPowerflow(CLI::App& app) {
  auto* cmd = app.add_subcommand("powerflow", "Unbalanced three-phase power flow");
  auto args = std::make_shared<FeederArgs>();
  auto out_dir = std::make_shared<std::string>(".");
  auto controls = std::make_shared<std::string>();
  auto limits = std::make_shared<powerflow::Options>();
  args->addTo(*cmd);
  cmd->add_option("-o,--output", *out_dir, "Output folder for voltages.csv and summary.json");
  cmd->add_option("--controls", *controls, "Regulator and capacitor controls (default: as the input sets)")
      ->check(CLI::IsMember({"static", "off"}));
  cmd->add_option("--tolerance", limits->tolerance, "Convergence: max |dV| per node in pu")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--max-iterations", limits->max_iterations, "Iteration limit per solution")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->callback([args, out_dir, controls, limits]() {
    const auto feeder = io::importFeeder(args->path, args->format);
    powerflow::Options options = *limits;
    if (*controls == "static") options.controls = powerflow::ControlMode::Static;
    if (*controls == "off") options.controls = powerflow::ControlMode::Off;
    const auto result = powerflow::solvePowerFlow(feeder, options);
    for (const auto& w : result.warnings) core::logWarning("powerflow: " + w);
    const std::filesystem::path dir(*out_dir);
    std::filesystem::create_directories(dir);
    const std::string csv = powerflow::voltagesCsv(feeder, result);
    const std::string json = summaryJson(feeder, result).dump(1) + "\n";
    core::writeFileAtomic(dir / "voltages.csv", csv);
    core::writeFileAtomic(dir / "summary.json", json);
  });
}

}  // namespace feederlab::cli
