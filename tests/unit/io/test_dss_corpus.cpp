// Malformed input never crashes the OpenDSS importer: every script in tests/corpus/dss and
// real feeder files cut at many byte offsets either import (warnings allowed) or fail with
// core::InputError / core::ModelError whose message names file:line.
#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "feederlab/core/error.hpp"
#include "test_dss_support.hpp"

using namespace feederlab;
namespace fs = std::filesystem;

namespace {

enum class Outcome { Ok, Input, Model, Any };

// What happened when importing `path`; fails the test for anything but the allowed outcomes.
Outcome importOutcome(const fs::path& path, std::string* message = nullptr) {
  const std::string file = path.filename().string();
  try {
    const auto feeder = io::importDss(path);
    (void)feeder;
    return Outcome::Ok;
  } catch (const core::InputError& e) {
    if (message) *message = e.what();
    CHECK_MESSAGE(e.where().line > 0, e.what());
    CHECK_MESSAGE(std::regex_search(std::string(e.what()), std::regex(":[0-9]+")), e.what());
    return Outcome::Input;
  } catch (const core::ModelError& e) {
    if (message) *message = e.what();
    CHECK_MESSAGE(std::regex_search(std::string(e.what()), std::regex("\\.dss:[0-9]+|\\.DSS:[0-9]+")),
                  e.what());
    return Outcome::Model;
  } catch (const std::exception& e) {
    FAIL("unexpected exception type from " << file << ": " << e.what());
  }
  return Outcome::Any;
}

std::string readFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("dss corpus: malformed scripts give clean errors or warnings") {
  const fs::path dir = test::sourceDir() / "tests" / "corpus" / "dss";
  const std::map<std::string, Outcome> expected = {
      {"unterminated_bracket.dss", Outcome::Input},
      {"unterminated_quote.dss", Outcome::Input},
      {"bad_number.dss", Outcome::Input},
      {"bad_rpn.dss", Outcome::Input},
      {"rpn_underflow.dss", Outcome::Input},
      {"bad_node.dss", Outcome::Input},
      {"missing_redirect.dss", Outcome::Input},
      {"missing_buscoords.dss", Outcome::Input},
      {"unknown_class.dss", Outcome::Ok},
      {"property_before_new.dss", Outcome::Input},
      {"empty.dss", Outcome::Ok},
      {"missing_linecode.dss", Outcome::Model},
      {"five_winding_bad_arrays.dss", Outcome::Model},
      {"bad_winding_number.dss", Outcome::Input},
      {"element_before_circuit.dss", Outcome::Input},
      {"unknown_property_and_command.dss", Outcome::Ok},
      {"bad_matrix_order.dss", Outcome::Input},
      {"regcontrol_missing_transformer.dss", Outcome::Model},
      {"redirect_loop.dss", Outcome::Input},
      {"zero_power_factor.dss", Outcome::Model},
      {"missing_loadshape.dss", Outcome::Ok},
      {"bad_coords.dss", Outcome::Input},
      {"missing_wire.dss", Outcome::Model},
      {"truncated_array.dss", Outcome::Input},
      {"bad_units.dss", Outcome::Input},
      {"bad_zipv.dss", Outcome::Input},
      {"truncated_line.dss", Outcome::Ok},
      {"binary_junk.dss", Outcome::Any},
      {"binary_junk_lines.dss", Outcome::Any},
  };
  int scripts = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".dss") continue;
    ++scripts;
    const std::string name = entry.path().filename().string();
    CAPTURE(name);
    std::string message;
    const Outcome got = importOutcome(entry.path(), &message);
    auto it = expected.find(name);
    const Outcome want = it == expected.end() ? Outcome::Any : it->second;
    if (want != Outcome::Any) CHECK_MESSAGE(got == want, message);
  }
  CHECK(scripts >= 15);

  // Merely unknown things are warnings, never silent.
  const auto unknown = io::importDss(dir / "unknown_class.dss");
  CHECK(test::hasWarning(unknown, "unknown-class"));
  const auto props = io::importDss(dir / "unknown_property_and_command.dss");
  CHECK(test::hasWarning(props, "unknown-property"));
  CHECK(test::hasWarning(props, "unknown-command"));
  const auto shapes = io::importDss(dir / "missing_loadshape.dss");
  CHECK(test::hasWarning(shapes, "missing-loadshape-file"));
}

TEST_CASE("dss corpus: real feeders truncated at many byte offsets") {
  struct Case {
    const char* folder;
    const char* cut;  // file that gets truncated
    std::vector<const char*> others;
    int cuts;
  };
  const std::vector<Case> cases = {
      {"ieee13/opendss", "IEEE13Nodeckt.dss", {"IEEELineCodes.DSS", "IEEE13Node_BusXY.csv"}, 30},
      {"ieee123/opendss", "IEEE123Master.dss",
       {"IEEELineCodes.DSS", "IEEE123Regulators.DSS", "IEEE123Loads.DSS", "BusCoords.dat"}, 30},
  };
  std::uint32_t seed = 12345;
  auto next = [&seed]() {
    seed = seed * 1664525u + 1013904223u;
    return seed >> 8;
  };
  for (const Case& c : cases) {
    const fs::path src = test::sharedFeeder(c.folder);
    const std::string text = readFile(src / c.cut);
    REQUIRE(text.size() > 100);
    for (int k = 0; k < c.cuts; ++k) {
      const fs::path dir = test::scratchDir(std::string("dss_cut_") + std::to_string(k) + "_" + c.cut);
      for (const char* o : c.others) fs::copy_file(src / o, dir / o);
      const std::size_t at = next() % text.size();
      std::ofstream(dir / c.cut, std::ios::binary) << text.substr(0, at);
      CAPTURE(c.cut);
      CAPTURE(at);
      importOutcome(dir / c.cut);
    }
  }
}

TEST_CASE("dss corpus: real feeder with random byte mutations") {
  const fs::path src = test::sharedFeeder("ieee13/opendss");
  const std::string text = readFile(src / "IEEE13Nodeckt.dss");
  const std::string alphabet = "[](){}\"'=.,!~|/*0123456789 \t\nabcXYZ-+^\xff";
  std::uint32_t seed = 777;
  auto next = [&seed]() {
    seed = seed * 1664525u + 1013904223u;
    return seed >> 8;
  };
  for (int k = 0; k < 40; ++k) {
    std::string mutated = text;
    const int edits = 1 + static_cast<int>(next() % 4);
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = next() % mutated.size();
      if (next() % 3 == 0) {
        mutated.erase(at, 1 + next() % 20);
      } else {
        mutated[at] = alphabet[next() % alphabet.size()];
      }
    }
    const fs::path dir = test::scratchDir("dss_mutation_" + std::to_string(k));
    fs::copy_file(src / "IEEELineCodes.DSS", dir / "IEEELineCodes.DSS");
    fs::copy_file(src / "IEEE13Node_BusXY.csv", dir / "IEEE13Node_BusXY.csv");
    std::ofstream(dir / "IEEE13Nodeckt.dss", std::ios::binary) << mutated;
    CAPTURE(k);
    importOutcome(dir / "IEEE13Nodeckt.dss");
  }
}
