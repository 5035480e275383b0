#include "paths.hpp"

#include <array>
#include <cstdio>
#include <stdexcept>
#include <sys/wait.h>

namespace feederlab::test {

namespace fs = std::filesystem;

fs::path sharedDir() {
  fs::path dir = FEEDERLAB_SHARED_DIR;
  if (!fs::exists(dir / "feeders")) {
    throw std::runtime_error("shared data not found at " + dir.string() +
                             " (expected ../shared beside the project)");
  }
  return fs::canonical(dir);
}

fs::path sharedFeeder(const std::string& relative) { return sharedDir() / "feeders" / relative; }
fs::path sourceDir() { return FEEDERLAB_SOURCE_DIR; }
fs::path binaryDir() { return FEEDERLAB_BINARY_DIR; }
fs::path cliExecutable() { return binaryDir() / "bin" / "feederlab"; }

fs::path scratchDir(const std::string& name) {
  fs::path dir = binaryDir() / "test-scratch" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

int runCommand(const std::string& command, std::string* output) {
  std::string full = command + " 2>&1";
  FILE* pipe = popen(full.c_str(), "r");
  if (!pipe) return -1;
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
    if (output) output->append(buffer.data(), n);
  }
  int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace feederlab::test
