// Data validation on ieee123 (no false errors, normally-open ties found by topology) and on
// broken copies of it that a test writes (each defect reported on the right element and line).
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "feederlab/io/dss_importer.hpp"
#include "feederlab/report/validation_report.hpp"
#include "feederlab/validate/validate.hpp"
#include "paths.hpp"

namespace fs = std::filesystem;
using feederlab::core::Finding;
using feederlab::core::Severity;
using feederlab::validate::ValidationReport;

namespace {

ValidationReport validateDss(const fs::path& path) {
  return feederlab::validate::validateFeeder(feederlab::io::importDss(path));
}

std::vector<Finding> withCode(const ValidationReport& r, const std::string& code) {
  std::vector<Finding> out;
  std::copy_if(r.findings.begin(), r.findings.end(), std::back_inserter(out),
               [&](const Finding& f) { return f.code == code; });
  return out;
}

// Copies ieee123's OpenDSS folder into a scratch dir and writes broken.dss, which compiles the
// copy and then applies `edits`; the edits start on line 2 of broken.dss.
fs::path brokenIeee123(const std::string& name, const std::string& edits) {
  const auto dir = feederlab::test::scratchDir("validate-" + name);
  for (const auto& entry : fs::directory_iterator(feederlab::test::sharedFeeder("ieee123/opendss")))
    fs::copy_file(entry.path(), dir / entry.path().filename());
  std::ofstream out(dir / "broken.dss");
  out << "Redirect IEEE123Master.dss\n" << edits;
  return dir / "broken.dss";
}

bool hasFinding(const ValidationReport& r, const std::string& code, const std::string& element,
                const std::string& location_suffix) {
  return std::any_of(r.findings.begin(), r.findings.end(), [&](const Finding& f) {
    const auto loc = f.location.str();
    return f.code == code && f.element == element &&
           loc.size() >= location_suffix.size() &&
           loc.compare(loc.size() - location_suffix.size(), location_suffix.size(), location_suffix) == 0;
  });
}

}  // namespace

TEST_CASE("ieee123: no errors - normally-open ties Sw7 and Sw8 found by topology") {
  const auto r = validateDss(feederlab::test::sharedFeeder("ieee123/opendss/IEEE123Master.dss"));
  for (const auto& f : r.findings)
    CHECK_MESSAGE(f.severity != Severity::Error, f.code << " " << f.element << " " << f.message);
  CHECK(r.summary.errors == 0);
  const auto ties = withCode(r, "normally-open-tie");
  REQUIRE(ties.size() == 2);
  std::vector<std::string> names{ties[0].element, ties[1].element};
  std::sort(names.begin(), names.end());
  CHECK(names == std::vector<std::string>{"line.sw7", "line.sw8"});
  CHECK(r.summary.head_bus == "150");
  CHECK(r.summary.islands == 0);
  CHECK(r.summary.loops == 0);
  CHECK(r.summary.counts.loads == 91);
}

TEST_CASE("ieee13: @head is the low side of the substation transformer") {
  const auto r = validateDss(feederlab::test::sharedFeeder("ieee13/opendss/IEEE13Nodeckt.dss"));
  CHECK(r.summary.head_bus == "650");
  CHECK(r.summary.errors == 0);
  CHECK(r.summary.voltage_levels_kv == std::vector<double>{115.0, 4.16, 0.48});
}

TEST_CASE("broken copies: each defect is reported with its element and file:line") {
  SUBCASE("islanded lateral") {
    const auto r = validateDss(brokenIeee123("island", "New Line.orphan phases=1 bus1=900.1 bus2=901.1 linecode=10 length=0.2 units=kft\n"
                                                       "New Load.orphan bus1=901.1 phases=1 kv=2.4 kw=20 kvar=10\n"));
    CHECK(hasFinding(r, "island", "line.orphan", "broken.dss:2"));
    CHECK(hasFinding(r, "load-deenergized", "load.orphan", "broken.dss:3"));
    CHECK(r.summary.islands == 1);
  }
  SUBCASE("phase mismatch") {
    const auto r = validateDss(brokenIeee123("phase", "New Line.badphase phases=1 bus1=114.3 bus2=9114.3 linecode=11 length=0.2 units=kft\n"));
    CHECK(hasFinding(r, "phase-mismatch", "line.badphase", "broken.dss:2"));
  }
  SUBCASE("closed loop") {
    const auto r = validateDss(brokenIeee123("loop", "Line.Sw7.bus2=300\n"));
    CHECK(withCode(r, "loop").size() == 1);
    CHECK(hasFinding(r, "loop", "line.sw7", "IEEE123Master.dss:184"));
  }
  SUBCASE("kV-base mismatch") {
    // A 13.2 kV winding on the 4.16 kV bus 151.
    const auto r = validateDss(brokenIeee123(
        "kv", "New Transformer.badkv phases=3 windings=2 buses=[151 9151] kvs=[13.2 0.48] kvas=[500 500] XHL=2\n"));
    CHECK(hasFinding(r, "transformer-kv-mismatch", "transformer.badkv", "broken.dss:2"));
  }
  SUBCASE("zero-impedance line") {
    const auto r = validateDss(brokenIeee123("zeroz", "New Line.zeroz phases=3 bus1=151 bus2=9151 r1=0 x1=0 r0=0 x0=0 c1=0 c0=0 length=1\n"));
    CHECK(hasFinding(r, "zero-impedance", "line.zeroz", "broken.dss:2"));
  }
}

TEST_CASE("validation report files: JSON keys as cli.md specifies - Markdown and HTML") {
  const auto r = validateDss(feederlab::test::sharedFeeder("ieee13/opendss/IEEE13Nodeckt.dss"));
  const auto dir = feederlab::test::scratchDir("validate-report");
  feederlab::report::writeValidation(r, dir);
  std::ifstream in(dir / "validation.json");
  const auto j = nlohmann::json::parse(in);
  REQUIRE(j.contains("summary"));
  REQUIRE(j["findings"].is_array());
  for (const auto& f : j["findings"]) {
    for (const char* key : {"severity", "code", "element", "location", "message"}) CHECK(f.contains(key));
  }
  CHECK(j["summary"]["loads"] == 15);
  CHECK(fs::file_size(dir / "validation.md") > 100);
  CHECK(fs::file_size(dir / "validation.html") > 100);
}

TEST_CASE("every shared master validates with no errors - @head and source-side loads as cli.md defines") {
  struct Case {
    const char* master;
    const char* head;
    int source_side_loads;
  };
  const Case cases[] = {
      {"ieee13/opendss/IEEE13Nodeckt.dss", "650", 0},
      {"ieee34/opendss/ieee34Mod1.dss", "800", 0},
      {"ieee37/opendss/ieee37.dss", "799", 0},
      {"ieee123/opendss/IEEE123Master.dss", "150", 0},
      {"ieee8500/opendss/Master.dss", "regxfmr_hvmv_sub_lsb", 0},
      {"epri_ckt5/opendss/Master_ckt5.dss", "_mdv_sub_1_lsb", 0},
      {"epri_ckt7/opendss/Master_ckt7.dss", "ckt7", 39},          // other feeders on the substation bus
      {"epri_ckt24/opendss/master_ckt24.dss", "subxfmr_lsb", 1},  // Other_Feeders on a stub
      {"epri_j1/opendss/Master_noPV.dss", "ls_bus", 1},           // Aggregate_Load
      {"epri_k1/opendss/Master_NoPV.dss", "k_lsb", 1},            // K_22_Aggregate
      {"epri_m1/opendss/Master_NoPV.dss", "temp", 1},             // Aggregated, behind two switches
  };
  for (const auto& c : cases) {
    const std::string master = c.master;
    CAPTURE(master);
    const auto r = validateDss(feederlab::test::sharedFeeder(c.master));
    for (const auto& f : r.findings)
      CHECK_MESSAGE(f.severity != Severity::Error, f.code << " " << f.element << " " << f.message);
    CHECK(r.summary.head_bus == c.head);
    CHECK(r.summary.source_side_loads == c.source_side_loads);
  }
}
