// Parameter-set and load-composition readers on the shipped data/ files and on broken copies.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "feederlab/core/error.hpp"
#include "feederlab/io/composition_reader.hpp"
#include "paths.hpp"

namespace fs = std::filesystem;
using feederlab::core::InputError;
using feederlab::io::readComposition;
using feederlab::io::readParameterSet;

namespace {

fs::path dataFile(const std::string& relative) { return feederlab::test::sourceDir() / "data" / relative; }

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Writes `text` into a scratch file and returns the reader's error message ("" if none).
template <typename Read>
std::string errorOf(const std::string& name, const std::string& text, Read read) {
  const fs::path dir = feederlab::test::scratchDir("composition_reader_" + name);
  const fs::path file = dir / (name + ".json");
  std::ofstream(file) << text;
  try {
    read(file);
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).find(file.string()) != std::string::npos);  // names the file
    return e.what();
  }
  return "";
}

std::string replaced(std::string s, const std::string& from, const std::string& to) {
  const auto at = s.find(from);
  REQUIRE(at != std::string::npos);
  return s.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("composition reader: Set W file equals the model defaults (Set W) field by field") {
  const auto s = readParameterSet(dataFile("parameters/wecc_typical.json"));
  CHECK(s.name == "wecc_typical");
  CHECK(s.provenance.size() >= 3);
  const feederlab::model::MotorDParameters d;
  const auto& m = s.motor_d;
  CHECK(m.comp_lf == d.comp_lf);
  CHECK(m.comp_pf == d.comp_pf);
  CHECK(m.v_stall == d.v_stall);
  CHECK(m.r_stall == d.r_stall);
  CHECK(m.x_stall == d.x_stall);
  CHECK(m.t_stall == d.t_stall);
  CHECK(m.f_rst == d.f_rst);
  CHECK(m.v_rst == d.v_rst);
  CHECK(m.t_rst == d.t_rst);
  CHECK(m.f_uvr == d.f_uvr);
  CHECK(m.uv_tr1 == d.uv_tr1);
  CHECK(m.t_tr2 == d.t_tr2);
  CHECK(m.v_c1off == d.v_c1off);
  CHECK(m.v_c2off == d.v_c2off);
  CHECK(m.v_c1on == d.v_c1on);
  CHECK(m.v_c2on == d.v_c2on);
  CHECK(m.t_th == d.t_th);
  CHECK(m.th1t == d.th1t);
  CHECK(m.th2t == d.th2t);
  CHECK(m.t_v == d.t_v);
  CHECK(m.kq2 == d.kq2);
  CHECK(m.np2 == d.np2);
  CHECK(m.cmp_kqf == d.cmp_kqf);
  CHECK(std::isinf(s.motor_a.uv1.t_reconnect));
  CHECK(s.motor_a.lpp == 0.104);
  CHECK(s.motor_b.h == 0.5);
  CHECK(s.motor_c.uv1.v_trip == 0.65);
  CHECK(s.static_load.q2c == 1.5);
  CHECK(s.electronic.vd1 == 0.7);
  CHECK(s.feeder.step == 0.00625);
  CHECK(s.feeder.ltc == 1);
}

TEST_CASE("composition reader: Set G and the class compositions") {
  const auto g = readParameterSet(dataFile("parameters/ld1pac_gridpack.json"));
  CHECK(g.motor_d.comp_lf == 0.8);
  CHECK(g.motor_d.f_rst == 0.0);
  CHECK(g.motor_d.v_c2on == 0.40);
  CHECK(g.motor_b.lp == g.motor_b.lpp);
  CHECK(g.feeder.ltc == 0);
  for (const char* name : {"residential_summer_peak", "commercial_summer_peak", "industrial_summer_peak",
                           "constant_impedance"}) {
    CAPTURE(name);
    const auto c = readComposition(dataFile(std::string("compositions/") + name + ".json"));
    CHECK(c.name == name);
    const auto& f = c.fractions;
    CHECK(f.fm_a + f.fm_b + f.fm_c + f.fm_d + f.fel + f.static_load == doctest::Approx(1.0));
    CHECK(fs::exists(c.parameter_set));
    CHECK_NOTHROW(readParameterSet(c.parameter_set));
  }
  const auto z = readComposition(dataFile("compositions/constant_impedance.json"));
  REQUIRE(z.static_override.has_value());
  CHECK(z.fractions.static_load == 1.0);
  const auto zi = feederlab::model::constantImpedanceStatic();
  CHECK(z.static_override->p1c == zi.p1c);
  CHECK(z.static_override->p1e == zi.p1e);
  CHECK(z.static_override->q1c == zi.q1c);
  CHECK(z.static_override->pfrq == 0.0);
  CHECK(readComposition(dataFile("compositions/residential_summer_peak.json")).fractions.fm_d == 0.4);
}

TEST_CASE("composition reader: errors name the file and the key") {
  const std::string set = slurp(dataFile("parameters/wecc_typical.json"));
  auto readSet = [](const fs::path& p) { readParameterSet(p); };
  auto readComp = [](const fs::path& p) { readComposition(p); };

  // A wrong unit.
  std::string e = errorOf("unit", replaced(set, "\"v_stall\": {\n   \"value\": 0.55,\n   \"unit\": \"pu\"",
                                           "\"v_stall\": {\n   \"value\": 0.55,\n   \"unit\": \"V\""),
                          readSet);
  CHECK(e.find("motor_d.v_stall") != std::string::npos);
  CHECK(e.find("unit") != std::string::npos);
  // A missing parameter.
  e = errorOf("missing", replaced(set, "\"t_rst\"", "\"t_rst_typo\""), readSet);
  CHECK(e.find("motor_d.t_rst") != std::string::npos);
  // Inconsistent contactor thresholds are a validation error, not silently fixed.
  e = errorOf("contactor", replaced(set, "\"v_c2off\": {\n   \"value\": 0.4", "\"v_c2off\": {\n   \"value\": 0.55"),
              readSet);
  CHECK(e.find("motor_d.v_c1off") != std::string::npos);
  // JSON syntax error: the line is named.
  e = errorOf("syntax", "{\n \"format\": \"feederlab-parameter-set/1\",\n \"name\": ,\n}\n", readSet);
  CHECK(e.find(":3") != std::string::npos);
  // Fractions that do not sum to one; unknown key.
  const std::string comp = slurp(dataFile("compositions/residential_summer_peak.json"));
  e = errorOf("sum", replaced(comp, "\"fm_d\": {\n   \"value\": 0.4", "\"fm_d\": {\n   \"value\": 0.5"), readComp);
  CHECK(e.find("fractions.sum of fractions") != std::string::npos);
  e = errorOf("unknown", replaced(comp, "\"fractions\": {", "\"fractions\": {\n  \"fm_e\": {\"value\": 0, \"unit\": \"-\"},"),
              readComp);
  CHECK(e.find("fractions.fm_e") != std::string::npos);
  // A missing file.
  CHECK_THROWS_AS(readComposition(dataFile("compositions/no_such.json")), InputError);
}

TEST_CASE("composition reader: motor D populations are read, checked and assigned by name") {
  const auto c = readComposition(dataFile("compositions/residential_summer_peak.json"));
  REQUIRE(c.motor_d_populations.size() == 3);
  double sum = 0.0;
  for (const auto& p : c.motor_d_populations) sum += p.share;
  CHECK(sum == doctest::Approx(1.0));
  CHECK(c.motor_d_populations[0].v_stall == 0.55);  // the set's own values first
  CHECK(c.motor_d_populations[0].t_stall == 0.033);
  CHECK(c.motor_d_populations[2].t_stall == 0.1);
  CHECK(readComposition(dataFile("compositions/industrial_summer_peak.json")).motor_d_populations.empty());

  // Assignment: stable, and the shares hold over many names.
  using feederlab::model::motorDPopulationOf;
  CHECK(motorDPopulationOf({}, "house1") == -1);
  CHECK(motorDPopulationOf(c.motor_d_populations, "house1") == motorDPopulationOf(c.motor_d_populations, "house1"));
  std::vector<int> count(3, 0);
  const int n = 30000;
  for (int k = 0; k < n; ++k) ++count[static_cast<std::size_t>(motorDPopulationOf(c.motor_d_populations, "load_" + std::to_string(k)))];
  for (std::size_t p = 0; p < 3; ++p) CHECK(count[p] / double(n) == doctest::Approx(c.motor_d_populations[p].share).epsilon(0.03));

  // unitSpec applies the unit's population and clears the list.
  feederlab::model::CompositeSpec spec;
  spec.motor_d_populations = c.motor_d_populations;
  const auto u = feederlab::model::unitSpec(spec, "load_7");
  const auto& pop = c.motor_d_populations[static_cast<std::size_t>(motorDPopulationOf(c.motor_d_populations, "load_7"))];
  CHECK(u.parameters.motor_d.v_stall == pop.v_stall);
  CHECK(u.parameters.motor_d.t_stall == pop.t_stall);
  CHECK(u.motor_d_populations.empty());

  // Errors: shares that do not sum to one; a population's Vstall above the set's Vbrk.
  const std::string set_path = dataFile("parameters/wecc_typical.json").string();
  const std::string comp = replaced(slurp(dataFile("compositions/residential_summer_peak.json")),
                                    "\"../parameters/wecc_typical.json\"", "\"" + set_path + "\"");
  auto readComp = [](const fs::path& p) { readComposition(p); };
  std::string e = errorOf("pop_sum", replaced(comp, "\"value\": 0.4,\n    \"unit\": \"-\"", "\"value\": 0.5,\n    \"unit\": \"-\""), readComp);
  CHECK(e.find("sum of motor_d_populations shares") != std::string::npos);
  e = errorOf("pop_vstall", replaced(comp, "\"value\": 0.45,", "\"value\": 0.9,"), readComp);
  CHECK(e.find("motor_d_populations[1]") != std::string::npos);
  e = errorOf("pop_unit", replaced(comp, "\"value\": 0.1,\n    \"unit\": \"s\"", "\"value\": 0.1,\n    \"unit\": \"ms\""), readComp);
  CHECK(e.find("motor_d_populations[2].t_stall") != std::string::npos);
}
