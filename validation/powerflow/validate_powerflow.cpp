// Power-flow validation against OpenDSS solutions and the published IEEE tables (issue 3).
// Usage: validate_powerflow [--case NAME]... [--tolerances FILE]
// Runs every case of tolerances.json (or the named ones), prints one line per case with the
// measured agreement, and exits 1 if any case misses a tolerance (2 for input errors, 3 for
// non-convergence, as the CLI does).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "feederlab/core/error.hpp"
#include "feederlab/core/units.hpp"
#include "feederlab/io/import.hpp"
#include "feederlab/powerflow/powerflow.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace feederlab;

namespace {

int g_verbose = 0;  // --verbose N: list the N worst nodes of each comparison

struct Outcome {
  bool ok = true;
  std::vector<std::string> notes;
  void fail(const std::string& why) {
    ok = false;
    notes.push_back("FAIL " + why);
  }
  void note(const std::string& what) { notes.push_back(what); }
};

double angleDiff(double a, double b) {
  double d = std::fmod(a - b, 360.0);
  if (d > 180) d -= 360;
  if (d < -180) d += 360;
  return std::abs(d);
}

std::string fmtNum(double x) {
  std::ostringstream s;
  s.precision(3);
  s << x;
  return s.str();
}

std::map<std::string, const powerflow::NodeVoltage*> byName(const model::Feeder& f, const powerflow::Result& r) {
  std::map<std::string, const powerflow::NodeVoltage*> m;
  for (const auto& nv : r.voltages) m[f.buses[static_cast<size_t>(nv.bus)].name + "." + std::to_string(nv.node)] = &nv;
  return m;
}

void compareOpenDss(const model::Feeder& f, const powerflow::Result& r, const fs::path& csv, double vtol, double atol,
                    Outcome& out) {
  std::ifstream in(csv);
  if (!in) throw std::runtime_error("cannot read " + csv.string());
  const auto mine = byName(f, r);
  std::string line;
  std::getline(in, line);
  double worst_v = 0, worst_a = 0;
  std::string where_v, where_a;
  int missing = 0, compared = 0;
  std::vector<std::pair<double, std::string>> diffs;
  while (std::getline(in, line)) {
    std::stringstream ss(line);
    std::string bus, node, vmag, pu, ang, kv;
    std::getline(ss, bus, ',');
    std::getline(ss, node, ',');
    std::getline(ss, vmag, ',');
    std::getline(ss, pu, ',');
    std::getline(ss, ang, ',');
    std::getline(ss, kv, ',');
    const std::string key = bus + "." + node;
    auto it = mine.find(key);
    if (it == mine.end()) {
      if (std::stod(vmag) > 1e-3) ++missing;
      continue;
    }
    ++compared;
    const double base = std::stod(kv) > 0 ? core::lnVolts(std::stod(kv)) : it->second->base_volts;
    const double dv = std::abs(std::abs(it->second->volts) - std::stod(vmag)) / base;
    if (dv > worst_v) worst_v = dv, where_v = key;
    if (g_verbose > 0)
      diffs.emplace_back(dv, key + " ours " + fmtNum(std::abs(it->second->volts) / base) + " OpenDSS " + pu);
    if (std::stod(pu) > 0.05) {
      const double da = angleDiff(core::radToDeg(std::arg(it->second->volts)), std::stod(ang));
      if (da > worst_a) worst_a = da, where_a = key;
    }
  }
  out.note("opendss: " + std::to_string(compared) + " nodes, max |dV| " + fmtNum(worst_v) + " pu (" + where_v +
           "), max dAngle " + fmtNum(worst_a) + " deg (" + where_a + ")");
  std::sort(diffs.begin(), diffs.end(), std::greater<>());
  for (size_t i = 0; i < diffs.size() && i < static_cast<size_t>(g_verbose); ++i)
    out.note("  " + fmtNum(diffs[i].first) + " " + diffs[i].second);
  if (missing > 0) out.fail(std::to_string(missing) + " reference nodes missing from the solution");
  if (worst_v > vtol) out.fail("voltage " + fmtNum(worst_v) + " pu > " + fmtNum(vtol));
  if (worst_a > atol) out.fail("angle " + fmtNum(worst_a) + " deg > " + fmtNum(atol));
}

void compareControls(const powerflow::Result& r, const fs::path& summary_path, Outcome& out) {
  std::ifstream in(summary_path);
  const json s = json::parse(in);
  int tap_mismatch = 0, cap_mismatch = 0;
  for (const auto& reg : s.at("regulators")) {
    const std::string name = reg.at("regcontrol");
    auto it = r.taps.find(name);
    if (it == r.taps.end() || it->second != reg.at("tap_position").get<int>()) {
      ++tap_mismatch;
      out.note("tap " + name + ": ours " + (it == r.taps.end() ? "-" : std::to_string(it->second)) + ", OpenDSS " +
               std::to_string(reg.at("tap_position").get<int>()));
    }
  }
  for (const auto& [name, state] : s.at("capacitor_states").items()) {
    auto it = r.capacitor_states.find(name);
    std::string mine;
    if (it != r.capacitor_states.end())
      for (int st : it->second) mine += std::to_string(st);
    if (mine != state.get<std::string>()) {
      ++cap_mismatch;
      out.note("capacitor " + name + ": ours " + mine + ", OpenDSS " + state.get<std::string>());
    }
  }
  out.note("controls: " + std::to_string(r.taps.size()) + " taps, " + std::to_string(r.capacitor_states.size()) +
           " capacitors; control iterations " + std::to_string(r.control_iterations) + " (OpenDSS " +
           std::to_string(s.value("control_iterations", 0)) + ")");
  if (tap_mismatch) out.fail(std::to_string(tap_mismatch) + " regulator taps differ from OpenDSS");
  if (cap_mismatch) out.fail(std::to_string(cap_mismatch) + " capacitor states differ from OpenDSS");
}

void comparePublished(const model::Feeder& f, const powerflow::Result& r, const json& pub, const json& tol,
                      const fs::path& shared, Outcome& out) {
  std::ifstream in(shared / pub.at("table").get<std::string>());
  std::string line;
  std::getline(in, line);
  const auto mine = byName(f, r);
  const auto rename = pub.value("rename", json::object());
  const auto low = pub.value("low_voltage_buses", json::object());
  const auto known = pub.value("known_differences", json::object());
  double worst_v = 0, worst_a = 0;
  std::string where_v;
  int compared = 0;
  while (std::getline(in, line)) {
    for (auto& c : line)
      if (c == ',') c = ' ';
    std::stringstream ss(line);
    std::string name;
    if (!(ss >> name)) continue;
    std::string bus = name.substr(name.find_first_of("_") == std::string::npos ? 1 : name.find('_') + 1);
    if (rename.contains(bus)) bus = rename.at(bus).get<std::string>();
    for (int ph = 1; ph <= 3; ++ph) {
      std::string m, a;
      ss >> m >> a;
      if (m == "nan" || m.empty()) continue;
      auto it = mine.find(bus + "." + std::to_string(ph));
      if (it == mine.end()) {
        out.fail("published node " + bus + "." + std::to_string(ph) + " not in the solution");
        continue;
      }
      const double base = core::lnVolts(low.contains(bus) ? low.at(bus).get<double>() : 4.16);
      const double dv = std::abs(std::abs(it->second->volts) / base - std::stod(m));
      const double da = angleDiff(core::radToDeg(std::arg(it->second->volts)), std::stod(a));
      if (known.contains(bus)) {
        out.note("known difference at " + bus + "." + std::to_string(ph) + ": " + fmtNum(dv) + " pu, " + fmtNum(da) +
                 " deg (" + known.at(bus).get<std::string>() + ")");
        continue;
      }
      ++compared;
      if (dv > worst_v) worst_v = dv, where_v = bus + "." + std::to_string(ph);
      worst_a = std::max(worst_a, da);
    }
  }
  out.note("published: " + std::to_string(compared) + " nodes, max |dV| " + fmtNum(worst_v) + " pu (" + where_v +
           "), max dAngle " + fmtNum(worst_a) + " deg");
  if (worst_v > tol.at("vmag_pu").get<double>()) out.fail("published voltage " + fmtNum(worst_v));
  if (worst_a > tol.at("angle_deg").get<double>()) out.fail("published angle " + fmtNum(worst_a));
  const double rel = tol.at("head_power_rel").get<double>();
  std::string head = "head " + (r.head_bus >= 0 ? f.buses[static_cast<size_t>(r.head_bus)].name : "-") + " kW/kvar:";
  for (size_t ph = 0; ph < 3; ++ph) {
    const double kw = r.head_power[ph].real() / 1000, kvar = r.head_power[ph].imag() / 1000;
    const double pkw = pub.at("head_kw")[ph].get<double>(), pkvar = pub.at("head_kvar")[ph].get<double>();
    head += " " + fmtNum(kw) + "/" + fmtNum(kvar) + " (published " + fmtNum(pkw) + "/" + fmtNum(pkvar) + ")";
    if (std::abs(kw / pkw - 1) > rel || std::abs(kvar / pkvar - 1) > rel)
      out.fail("head power phase " + std::to_string(ph + 1));
  }
  out.note(head);
}

void checkBalance(const powerflow::Result& r, double tol, Outcome& out) {
  powerflow::Complex src{};
  for (const auto& s : r.source_power)
    for (const auto& p : s) src += p;
  const double err = std::abs(src - r.load_power - r.losses - r.shunt_power) / std::abs(src);
  out.note("balance: source " + fmtNum(src.real() / 1000) + " kW " + fmtNum(src.imag() / 1000) + " kvar, losses " +
           fmtNum(r.losses.real() / 1000) + " kW, error " + fmtNum(err));
  if (!(err <= tol)) out.fail("power balance error " + fmtNum(err));
}

Outcome runCase(const json& c, const json& doc, const fs::path& here, const fs::path& shared) {
  Outcome out;
  const auto t0 = std::chrono::steady_clock::now();
  const auto feeder = io::importFeeder((here / c.at("script").get<std::string>()).string(), "dss");
  const auto t1 = std::chrono::steady_clock::now();
  powerflow::Options o;
  const std::string controls = c.value("controls", "static");
  o.controls = controls == "off" ? powerflow::ControlMode::Off : powerflow::ControlMode::Static;
  const auto r = powerflow::solvePowerFlow(feeder, o);
  const auto t2 = std::chrono::steady_clock::now();
  out.note("controls " + controls + ", " + std::to_string(r.voltages.size()) + " nodes, " +
           std::to_string(r.iterations) + " iterations, import " +
           fmtNum(std::chrono::duration<double>(t1 - t0).count()) + " s, solve " +
           fmtNum(std::chrono::duration<double>(t2 - t1).count()) + " s");
  for (const auto& w : r.warnings) out.note("warning: " + w);
  if (r.head_bus >= 0) {
    std::string head = "head " + feeder.buses[static_cast<size_t>(r.head_bus)].name + " kW/kvar per phase:";
    for (const auto& s : r.head_power) head += " " + fmtNum(s.real() / 1000) + "/" + fmtNum(s.imag() / 1000);
    out.note(head);
  }
  checkBalance(r, doc.at("power_balance_rel").get<double>(), out);
  if (c.contains("reference"))
    compareOpenDss(feeder, r, shared / c.at("reference").get<std::string>(), c.at("vmag_pu").get<double>(),
                   c.at("angle_deg").get<double>(), out);
  if (c.contains("summary") && !c.at("summary").is_null() && controls == "static")
    compareControls(r, shared / c.at("summary").get<std::string>(), out);
  if (c.contains("published"))
    comparePublished(feeder, r, c.at("published"), doc.at("published_tolerance"), shared, out);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  fs::path tolerances = fs::path(FEEDERLAB_PF_VALIDATION_DIR) / "tolerances.json";
  const fs::path shared = fs::path(FEEDERLAB_SHARED_DIR) / "feeders";
  std::set<std::string> only;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--case" && i + 1 < argc)
      only.insert(argv[++i]);
    else if (a == "--tolerances" && i + 1 < argc)
      tolerances = argv[++i];
    else if (a == "--verbose" && i + 1 < argc)
      g_verbose = std::stoi(argv[++i]);
    else {
      std::cerr << "usage: validate_powerflow [--case NAME]... [--tolerances FILE] [--verbose N]\n";
      return core::kExitBadInput;
    }
  }
  std::ifstream in(tolerances);
  const json doc = json::parse(in);
  const fs::path here = tolerances.parent_path();
  int status = 0;
  std::vector<json> all(doc.at("cases").begin(), doc.at("cases").end());
  for (const auto& c : doc.value("convergence_only", json::array())) all.push_back(c);
  for (const auto& c : all) {
    const std::string name = c.at("name");
    if (!only.empty() && !only.count(name)) continue;
    try {
      const Outcome out = runCase(c, doc, here, shared);
      std::cout << (out.ok ? "PASS " : "FAIL ") << name << "\n";
      for (const auto& n : out.notes) std::cout << "     " << n << "\n";
      if (!out.ok) status = std::max(status, core::kExitChecksFailed);
    } catch (const core::NumericalError& e) {
      std::cout << "FAIL " << name << ": " << e.what() << "\n";
      status = core::kExitNumerical;
    } catch (const std::exception& e) {
      std::cout << "FAIL " << name << ": " << e.what() << "\n";
      status = std::max(status, core::kExitBadInput);
    }
  }
  return status;
}
