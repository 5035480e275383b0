// Malformed utility CSV folders: every defect is a core::InputError naming file:row:column,
// never a crash or another exception type.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "csv_test_folder.hpp"
#include "feederlab/io/csv_importer.hpp"
#include "paths.hpp"

namespace fs = std::filesystem;
using namespace feederlab;

namespace {

// The message of the InputError that importing the broken folder throws ("" if none).
std::string importError(const std::string& name, const std::map<std::string, std::string>& replace) {
  const fs::path dir = test::writeCsvFolder(test::scratchDir("csv_bad_" + name), replace);
  try {
    io::importUtilityCsv(dir);
  } catch (const core::InputError& e) {
    return e.what();
  }
  return "";
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

std::string file(const std::string& name) {
  return test::csvFolderFiles().at(name);
}

}  // namespace

TEST_CASE("csv malformed: missing column") {
  const auto msg =
      importError("missing_column", {{"sections.csv", replaced(file("sections.csv"), ",length,", ",len,")}});
  CHECK(msg.find("sections.csv:1:length") != std::string::npos);
  CHECK(msg.find("required column") != std::string::npos);
}

TEST_CASE("csv malformed: bad number") {
  const auto msg = importError("bad_number", {{"customers.csv", replaced(file("customers.csv"), ",5,,", ",5kW,,")}});
  CHECK(msg.find("customers.csv:2:peak_kw") != std::string::npos);
  CHECK(msg.find("not a number [5kW]") != std::string::npos);
}

TEST_CASE("csv malformed: unknown node reference") {
  const auto msg = importError("unknown_node", {{"sections.csv", replaced(file("sections.csv"), "n1,n2", "n1,n9")}});
  CHECK(msg.find("sections.csv:3:to_node") != std::string::npos);
  CHECK(msg.find("unknown node") != std::string::npos);
}

TEST_CASE("csv malformed: unknown transformer and conductor references") {
  auto msg = importError("unknown_xfmr", {{"customers.csv", replaced(file("customers.csv"), "m3,t2", "m3,t7")}});
  CHECK(msg.find("customers.csv:4:transformer_id") != std::string::npos);
  msg = importError("unknown_cond", {{"sections.csv", replaced(file("sections.csv"), "acsr_1_0_1ph", "acsr_2")}});
  CHECK(msg.find("sections.csv:3:conductor_id") != std::string::npos);
}

TEST_CASE("csv malformed: duplicate id") {
  auto msg = importError("duplicate", {{"transformers.csv", replaced(file("transformers.csv"), "t2,n1", "t1,n1")}});
  CHECK(msg.find("transformers.csv:3:transformer_id: duplicate id") != std::string::npos);
  // Sections and switches share one name space (both are lines).
  msg = importError("duplicate_line", {{"switches.csv", replaced(file("switches.csv"), "tie,n1", "s1,n1")}});
  CHECK(msg.find("switches.csv:3:switch_id: duplicate id") != std::string::npos);
}

TEST_CASE("csv malformed: truncated file") {
  const std::string customers = file("customers.csv");
  auto msg = importError("truncated_row", {{"customers.csv", customers.substr(0, customers.find("m3,t2,comm") + 10)}});
  CHECK(msg.find("customers.csv:4:count") != std::string::npos);
  CHECK(msg.find("missing value") != std::string::npos);
  const std::string conductors = file("conductors.csv");
  msg = importError("truncated_quote", {{"conductors.csv", conductors.substr(0, conductors.find("IEEE 123"))}});
  CHECK(msg.find("conductors.csv:2:description: unterminated quoted field") != std::string::npos);
}

TEST_CASE("csv malformed: empty file and missing table") {
  auto msg = importError("empty", {{"nodes.csv", ""}});
  CHECK(msg.find("nodes.csv:1:node_id: empty file") != std::string::npos);
  msg = importError("blank", {{"customers.csv", "\n\n"}});
  CHECK(msg.find("customers.csv:1:customer_id: empty file") != std::string::npos);
  msg = importError("missing_table", {{"transformers.csv", "<delete>"}});
  CHECK(msg.find("transformers.csv: required table is missing") != std::string::npos);
}

TEST_CASE("csv malformed: bad values are located") {
  struct Case {
    std::string file, from, to, expect;
  };
  const std::vector<Case> cases = {
      {"customers.csv", "residential,1", "residental,1", "customers.csv:2:class"},
      {"customers.csv", ",0.9\n", ",1.9\n", "customers.csv:4:pf"},
      {"customers.csv", "m3,t2,commercial,1", "m3,t2,commercial,0", "customers.csv:4:count"},
      {"sections.csv", "n2,B,", "n2,BD,", "sections.csv:3:phases"},
      {"sections.csv", "n2,B,", "n2,ABC,", "sections.csv:3:phases"},  // matrix conductor has one phase
      {"sections.csv", ",1000,ft", ",-1000,ft", "sections.csv:2:length"},
      {"sections.csv", ",1000,ft", ",1000,furlong", "sections.csv:2:length_unit"},
      {"switches.csv", "open,tie", "ajar,tie", "switches.csv:3:normal_state"},
      {"transformers.csv", "split_phase,25,7.2,0.24", "split_phase,25,7.2,0.48", "transformers.csv:2:secondary_kv"},
      {"transformers.csv", "three_phase", "four_phase", "transformers.csv:3:type"},
      {"substation.csv", "2000,10,1800", "0,10,1800", "substation.csv:2:sc_mva_3ph"},
      {"nodes.csv", "n2,1530,0,12.47", "n.2,1530,0,12.47", "nodes.csv:7:node_id"},
      {"regulators.csv", ",0,0,2\n", ",0,0,20\n", "regulators.csv:2:tap"},
      {"capacitors.csv", "wye,closed", "star,closed", "capacitors.csv:2:connection"},
      {"scada.csv", "f1,brk,60", "f1,brk,sixty", "scada.csv:2:p_kw"},
      {"conductors.csv", "1.32920,1.34750", "1.32920 0.1,1.34750", "conductors.csv:3:r_matrix"},
      {"conductors.csv", "530,\"336", "530,extra,\"336", "conductors.csv:2:description"},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto& c = cases[i];
    CAPTURE(c.expect);
    const auto msg = importError("value" + std::to_string(i), {{c.file, replaced(file(c.file), c.from, c.to)}});
    CHECK(msg.find(c.expect) != std::string::npos);
  }
}

TEST_CASE("csv malformed: any truncation is an InputError or a valid feeder - never a crash") {
  for (const auto& [name, content] : test::csvFolderFiles()) {
    for (int k = 0; k < 8; ++k) {
      const auto cut = content.size() * static_cast<std::size_t>(k) / 8;
      CAPTURE(name);
      CAPTURE(cut);
      const fs::path dir = test::writeCsvFolder(test::scratchDir("csv_cut"), {{name, content.substr(0, cut)}});
      try {
        io::importUtilityCsv(dir);
      } catch (const core::InputError& e) {
        CHECK(std::string(e.what()).find(".csv:") != std::string::npos);
      } catch (const std::exception& e) {
        FAIL("not an InputError: " << e.what());
      }
    }
  }
}
