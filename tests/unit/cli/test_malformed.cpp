// Malformed input never crashes the command line: every script of the corpus in tests/corpus/dss
// either imports (unknown things are warnings) or exits 2 with a message naming file:line.
#include <doctest/doctest.h>

#include <filesystem>
#include <regex>

#include "paths.hpp"

namespace fs = std::filesystem;
using feederlab::test::cliExecutable;
using feederlab::test::runCommand;

TEST_CASE("corpus of malformed scripts: exit 0 or 2 - never a crash - errors name file:line") {
  const auto corpus = feederlab::test::sourceDir() / "tests/corpus/dss";
  int scripts = 0;
  int rejected = 0;
  const std::regex file_line(R"([A-Za-z0-9_.\-]+\.(dss|csv|txt):[0-9]+)", std::regex::icase);
  for (const auto& entry : fs::directory_iterator(corpus)) {
    if (entry.path().extension() != ".dss") continue;
    ++scripts;
    std::string out;
    const int rc = runCommand(cliExecutable().string() + " info \"" + entry.path().string() + "\"", &out);
    CAPTURE(entry.path().filename().string());
    CAPTURE(out);
    CHECK((rc == 0 || rc == 2));
    if (rc == 2) {
      ++rejected;
      CHECK(std::regex_search(out, file_line));
    }
  }
  CHECK(scripts >= 15);
  CHECK(rejected >= 10);
}
