// Malformed XML and CIM: every case is a core::InputError naming file:line and the element,
// never a crash or another exception type. Inputs: tests/corpus/cim/ and files written here.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "feederlab/core/error.hpp"
#include "feederlab/io/cim_importer.hpp"
#include "paths.hpp"

namespace {

namespace fs = std::filesystem;
using feederlab::core::InputError;
using feederlab::io::importCim;

fs::path corpus(const std::string& name) {
  return feederlab::test::sourceDir() / "tests" / "corpus" / "cim" / name;
}

fs::path writeFile(const std::string& dir, const std::string& name, const std::string& content) {
  const fs::path path = feederlab::test::scratchDir(dir) / name;
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Imports and returns the InputError message; fails the test for success or any other exception.
InputError expectInputError(const fs::path& path) {
  try {
    importCim(path);
  } catch (const InputError& e) {
    return e;
  } catch (const std::exception& e) {
    FAIL("wrong exception type for " << path << ": " << e.what());
  } catch (...) {
    FAIL("non-standard exception for " << path);
  }
  FAIL("no error for " << path);
  throw;  // unreachable
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("CIM corpus: the valid minimal feeder imports") {
  const auto f = importCim(corpus("valid_minimal.xml"));
  REQUIRE(f.lines.size() == 1);
  CHECK(f.buses.size() == 2);
  CHECK(f.lines[0].name == "line1");
  CHECK(f.loads[0].bus1.nodes == std::vector<int>{1, 2, 3, 0});
  CHECK(f.sources[0].pu == doctest::Approx(1.01));
  // Sequence data -> phase matrix: Zs = (2 Z1 + Z0) / 3, Zm = (Z0 - Z1) / 3 (per metre).
  CHECK(f.lines[0].impedance.z_per_length(0, 0).real() == doctest::Approx(0.0002));
  CHECK(f.lines[0].impedance.z_per_length(0, 1).imag() == doctest::Approx(0.0002));
  CHECK(f.buses[static_cast<std::size_t>(f.lines[0].bus2.bus)].kv_base_ll == doctest::Approx(4.16));
}

TEST_CASE("CIM corpus: malformed CIM gives InputError with file:line and the element") {
  SUBCASE("unresolved reference") {
    const auto e = expectInputError(corpus("unresolved_reference.xml"));
    CHECK(contains(e.what(), "unresolved reference Terminal.ConductingEquipment"));
    CHECK(contains(e.what(), "Terminal 'load1_T1'"));
    CHECK(e.offending() == "urn:uuid:EC-404");
    CHECK(e.where().line == 68);  // the property element
  }
  SUBCASE("unresolved impedance") {
    const auto e = expectInputError(corpus("missing_impedance_ref.xml"));
    CHECK(contains(e.what(), "ACLineSegment 'Line1' (mRID L-1)"));
    CHECK(contains(e.what(), "unresolved reference ACLineSegment.PerLengthImpedance"));
  }
  SUBCASE("missing required attribute") {
    const auto e = expectInputError(corpus("missing_length.xml"));
    CHECK(contains(e.what(), "ACLineSegment 'Line1' (mRID L-1): missing required attribute Conductor.length"));
    CHECK(e.where().line == 39);  // the ACLineSegment element
  }
  SUBCASE("bad number") {
    const auto e = expectInputError(corpus("bad_number.xml"));
    CHECK(contains(e.what(), "EnergyConsumer 'Load1' (mRID EC-1): bad number in EnergyConsumer.p"));
    CHECK(e.offending() == "100 kW");
    CHECK(e.where().line == 62);
  }
  SUBCASE("unclosed element") {
    const auto e = expectInputError(corpus("unclosed_element.xml"));
    CHECK(contains(e.what(), "malformed XML"));
    CHECK(e.where().line > 0);
  }
  SUBCASE("duplicate identifier") {
    const auto e = expectInputError(corpus("duplicate_id.xml"));
    CHECK(contains(e.what(), "duplicate identifier"));
    CHECK(e.where().line == 13);  // the second definition
  }
}

TEST_CASE("CIM: broken files written by the test") {
  const std::string valid = readFile(corpus("valid_minimal.xml"));
  SUBCASE("empty file") {
    const auto e = expectInputError(writeFile("cim_malformed", "empty.xml", ""));
    CHECK(contains(e.what(), "empty CIM file"));
  }
  SUBCASE("whitespace only") {
    expectInputError(writeFile("cim_malformed", "blank.xml", "\n  \n"));
  }
  SUBCASE("truncated shared feeder") {
    const std::string full = readFile(feederlab::test::sharedFeeder("ieee13/cim/IEEE13.xml"));
    const auto e = expectInputError(writeFile("cim_malformed", "truncated.xml", full.substr(0, full.size() / 2)));
    CHECK(contains(e.what(), "malformed XML"));
    CHECK(e.where().line > 1000);
  }
  SUBCASE("truncated in the middle of a tag") {
    expectInputError(writeFile("cim_malformed", "cut.xml", valid.substr(0, valid.find("rdf:about=\"urn:uuid:L-1") + 8)));
  }
  SUBCASE("binary junk") {
    std::string junk;
    for (int i = 0; i < 4096; ++i) junk.push_back(static_cast<char>((i * 7919 + 13) % 256));
    expectInputError(writeFile("cim_malformed", "junk.xml", junk));
  }
  SUBCASE("NUL bytes inside the document") {
    std::string text = valid;
    text.insert(text.find("<cim:EnergyConsumer "), std::string("\0\0\0", 3));
    expectInputError(writeFile("cim_malformed", "nul.xml", text));
  }
  SUBCASE("XML that is not RDF") {
    const auto e = expectInputError(writeFile("cim_malformed", "html.xml", "<html><body/></html>"));
    CHECK(contains(e.what(), "not a CIM RDF/XML document"));
  }
  SUBCASE("RDF without any ConnectivityNode") {
    const auto e = expectInputError(writeFile(
        "cim_malformed", "nothing.xml",
        "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"></rdf:RDF>"));
    CHECK(contains(e.what(), "no ConnectivityNode"));
  }
  SUBCASE("missing file") {
    const auto e = expectInputError(feederlab::test::scratchDir("cim_malformed") / "absent.xml");
    CHECK(contains(e.what(), "cannot open"));
  }
  SUBCASE("line without terminals") {
    std::string text = valid;
    const auto from = text.find("<cim:Terminal rdf:about=\"urn:uuid:T-2\">");
    const auto to = text.find("<cim:EnergyConsumer ");
    text.erase(from, to - from);
    const auto e = expectInputError(writeFile("cim_malformed", "no_terminals.xml", text));
    CHECK(contains(e.what(), "needs 2 terminal(s), the file gives 0"));
  }
  SUBCASE("no source") {
    std::string text = valid;
    const auto from = text.find("<cim:EnergySource ");
    const auto to = text.find("<cim:PerLengthSequenceImpedance ");
    text.erase(from, to - from);
    const auto e = expectInputError(writeFile("cim_malformed", "no_source.xml", text));
    CHECK(contains(e.what(), "no EnergySource"));
  }
  SUBCASE("bad boolean") {
    std::string text = valid;
    text.insert(text.find("</cim:EnergyConsumer>"),
                "  <cim:EnergyConsumer.grounded>maybe</cim:EnergyConsumer.grounded>\n");
    text.insert(text.find("  <cim:EnergyConsumer.p>"),
                "  <cim:EnergyConsumer.customerCount>2.5</cim:EnergyConsumer.customerCount>\n");
    const auto e = expectInputError(writeFile("cim_malformed", "bad_integer.xml", text));
    CHECK(contains(e.what(), "bad integer in EnergyConsumer.customerCount"));
  }
}
