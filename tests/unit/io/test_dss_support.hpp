// Helpers for the OpenDSS importer tests: write a small script to a scratch folder and import it.
#pragma once

#include <unistd.h>

#include <fstream>
#include <string>

#include "feederlab/io/dss_importer.hpp"
#include "paths.hpp"

namespace feederlab::test {

inline std::filesystem::path writeScript(const std::string& dir_name, const std::string& file,
                                         const std::string& text) {
  // ctest runs each test case as its own process, several at a time: the process id keeps two
  // processes' first scripts (counter 1 in both) out of each other's folder.
  static int counter = 0;
  const auto dir = scratchDir("dss_" + dir_name + "_" + std::to_string(::getpid()) + "_" + std::to_string(++counter));
  std::ofstream(dir / file, std::ios::binary) << text;
  return dir / file;
}

inline model::Feeder importText(const std::string& text, const std::string& name = "script") {
  return io::importDss(writeScript(name, "master.dss", text));
}

// A circuit header most small tests start from.
inline const char* kCircuit = "Clear\nNew Circuit.t basekv=12.47 bus1=src\n";

template <class T>
const T& byName(const std::vector<T>& items, const std::string& name) {
  for (const auto& x : items) {
    if (x.name == name) return x;
  }
  throw std::runtime_error("no element " + name);
}

inline bool hasWarning(const model::Feeder& f, const std::string& code) {
  for (const auto& d : f.diagnostics.findings()) {
    if (d.code == code) return true;
  }
  return false;
}

}  // namespace feederlab::test
