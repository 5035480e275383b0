// `feederlab synth`: portable random numbers, byte-for-byte determinism, the shipped feeders
// (equal to a fresh generation, import, validate, counts and totals as their READMEs say).
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "feederlab/io/csv_importer.hpp"
#include "feederlab/synth/random.hpp"
#include "feederlab/synth/synth.hpp"
#include "feederlab/validate/validate.hpp"
#include "paths.hpp"
#include "synth_shipped.hpp"

namespace fs = std::filesystem;
using namespace feederlab;

namespace {

std::string readText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

fs::path writeFolder(const synth::SyntheticFeeder& f, const std::string& name) {
  const fs::path dir = test::scratchDir(name);
  for (const auto& [file, content] : synth::writeUtilityCsv(f.tables)) {
    std::ofstream out(dir / file, std::ios::binary);
    out << content;
  }
  return dir;
}

}  // namespace

TEST_CASE("synth rng: portable transforms of mt19937_64") {
  synth::Rng a(42), b(42), c(43);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    const double x = a.uniform();
    CHECK(x == b.uniform());
    differs = differs || x != c.uniform();
    CHECK(x >= 0.0);
    CHECK(x < 1.0);
  }
  CHECK(differs);
  // The first draw is the top 53 bits of mt19937_64's first output (fixed by the C++ standard).
  std::mt19937_64 engine(7);
  synth::Rng r(7);
  CHECK(r.uniform() == static_cast<double>(engine() >> 11) * 0x1.0p-53);
  synth::Rng g(1);
  double sum = 0, sum2 = 0;
  std::set<int> seen;
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    const double x = g.normal(0.0, 1.0);
    sum += x;
    sum2 += x * x;
    const int k = g.integer(3, 6);
    CHECK(k >= 3);
    CHECK(k <= 6);
    seen.insert(k);
  }
  CHECK(seen.size() == 4);
  CHECK(std::fabs(sum / n) < 0.03);
  CHECK(std::sqrt(sum2 / n) == doctest::Approx(1.0).epsilon(0.03));
  CHECK(g.logNormal(10.0, 0.5, 9.0, 9.5) <= 9.5);
  std::vector<int> v{1, 2, 3, 4, 5};
  g.shuffle(v);
  CHECK(std::set<int>(v.begin(), v.end()).size() == 5);
}

TEST_CASE("synth: a seed gives identical bytes - another seed another feeder") {
  const synth::Options options{300, 7};
  const auto first = synth::writeUtilityCsv(synth::generateFeeder(options).tables);
  const auto second = synth::writeUtilityCsv(synth::generateFeeder(options).tables);
  CHECK(first == second);
  const auto other = synth::writeUtilityCsv(synth::generateFeeder({300, 8}).tables);
  CHECK(first != other);
  CHECK_THROWS_AS(synth::generateFeeder({5, 1}), std::invalid_argument);
}

TEST_CASE("synth: the shipped feeders equal a fresh generation") {
  for (const auto& s : test::kShippedSynth) {
    CAPTURE(s.folder);
    const fs::path dir = test::sourceDir() / "feeders" / s.folder;
    const synth::Options options{s.customers, s.seed};
    const auto feeder = synth::generateFeeder(options);
    for (const auto& [file, content] : synth::writeUtilityCsv(feeder.tables)) {
      CAPTURE(file);
      CHECK(readText(dir / file) == content);
    }
    const std::string readme = readText(dir / "README.md");
    const std::string command = "build/bin/feederlab synth --customers " + std::to_string(s.customers) + " --seed " +
                                std::to_string(s.seed) + " -o feeders/" + s.folder;
    CHECK(readme.find(command) != std::string::npos);
    CHECK(readme.find(synth::describe(feeder, options)) != std::string::npos);
  }
}

TEST_CASE("synth: the shipped feeders import and validate with no errors - totals as documented") {
  for (const auto& s : test::kShippedSynth) {
    CAPTURE(s.folder);
    const fs::path dir = test::sourceDir() / "feeders" / s.folder;
    const auto generated = synth::generateFeeder({s.customers, s.seed});
    const auto& summary = generated.summary;
    const auto feeder = io::importUtilityCsv(dir);
    const auto report = validate::validateFeeder(feeder);
    for (const auto& f : report.findings)
      if (f.severity == core::Severity::Error) FAIL_CHECK(f.location.str() << ": " << f.message);
    CHECK(report.summary.errors == 0);
    CHECK(report.summary.warnings == 0);
    CHECK(report.summary.head_bus == "sub_lv");
    CHECK(report.summary.islands == 0);
    CHECK(report.summary.loops == 0);

    int customers = 0;
    std::map<model::LoadClass, int> by_class;
    std::map<model::LoadClass, double> kw_by_class;
    for (const auto& l : feeder.loads) {
      customers += l.num_customers;
      by_class[l.load_class] += l.num_customers;
      kw_by_class[l.load_class] += l.kw;
    }
    CHECK(customers == s.customers);
    CHECK(by_class[model::LoadClass::Residential] == summary.customers[0]);
    CHECK(by_class[model::LoadClass::Commercial] == summary.customers[1]);
    CHECK(by_class[model::LoadClass::Industrial] == summary.customers[2]);
    CHECK(kw_by_class[model::LoadClass::Residential] == doctest::Approx(summary.kw[0]));
    CHECK(kw_by_class[model::LoadClass::Commercial] == doctest::Approx(summary.kw[1]));
    const auto [kw, kvar] = model::totalLoad(feeder);
    CHECK(kw == doctest::Approx(summary.total_kw));
    CHECK(kvar == doctest::Approx(summary.total_kvar).epsilon(1e-4));
    // About 95.7 % residential customers; residential demand 1-4 kW at the study hour on average.
    CHECK(summary.customers[0] > 0.94 * s.customers);
    CHECK(summary.kw[0] / summary.customers[0] > 1.5);
    CHECK(summary.kw[0] / summary.customers[0] < 3.0);
    // Head SCADA = loads + losses - capacitor output: P a little above the load.
    double scada_p = 0;
    for (const auto& o : feeder.others)
      if (o.cls == "energymeter") scada_p += o.kw;
    CHECK(scada_p > kw);
    CHECK(scada_p < 1.08 * kw);
  }
}

TEST_CASE("synth: realistic equipment and source") {
  const auto f = synth::generateFeeder({2000, 2});
  const auto& sub = f.tables.substation;
  CHECK(sub.source_kv == 115.0);
  CHECK(sub.sc_mva_3ph >= 1000.0);
  CHECK(sub.sc_mva_3ph <= 3000.0);
  CHECK(sub.mva >= 12.0);
  CHECK(sub.mva <= 30.0);
  CHECK(sub.z_pct >= 8.0);
  CHECK(sub.z_pct <= 12.0);
  std::set<std::string> conductors_used;
  bool single_phase = false, three_phase_lateral = false, underground = false;
  for (const auto& s : f.tables.sections) {
    conductors_used.insert(s.conductor);
    single_phase = single_phase || s.phases.size() == 1;
    three_phase_lateral = three_phase_lateral || s.conductor == "acsr_4_0";
    underground = underground || s.underground;
  }
  CHECK(conductors_used.size() == 5);
  CHECK(single_phase);
  CHECK(three_phase_lateral);
  CHECK(underground);
  for (const auto& t : f.tables.transformers) {
    CAPTURE(t.id);
    if (t.type == "split_phase") {
      CHECK(t.kva >= 10.0);
      CHECK(t.kva <= 100.0);
    } else {
      CHECK(t.kva >= 75.0);
      CHECK(t.kva <= 500.0);
    }
  }
  CHECK(f.tables.regulators.size() >= 1);
  CHECK(f.summary.est_min_customer_pu > 0.95);
  CHECK(f.summary.est_max_customer_pu < 1.05);
}

TEST_CASE("synth: monthly kWh alone gives back the study-hour kW (load factors agree)") {
  const auto f = synth::generateFeeder({300, 1});
  const fs::path dir = writeFolder(f, "synth_kwh_only");
  // Blank the peak_kw column (the 5th) of customers.csv.
  std::istringstream in(readText(dir / "customers.csv"));
  std::string line, out;
  while (std::getline(in, line)) {
    auto fields = std::vector<std::string>{};
    std::stringstream ss(line);
    for (std::string field; std::getline(ss, field, ',');) fields.push_back(field);
    if (out.empty()) {
      out = line + "\n";
      continue;
    }
    fields[4].clear();
    for (std::size_t k = 0; k < fields.size(); ++k) out += (k ? "," : "") + fields[k];
    out += "\n";
  }
  std::ofstream(dir / "customers.csv", std::ios::binary) << out;
  const auto feeder = io::importUtilityCsv(dir);
  REQUIRE(feeder.loads.size() == f.tables.customers.size());
  for (std::size_t i = 0; i < feeder.loads.size(); ++i) {
    const auto& c = f.tables.customers[i];
    const double lf = io::defaultLoadFactor(feeder.loads[i].load_class);
    CHECK(feeder.loads[i].kw == doctest::Approx(c.peak_kw).epsilon(0.6 / (730.0 * lf * std::max(c.peak_kw, 0.1))));
  }
}
