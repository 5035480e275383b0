// Where tests find the shared feeders, the project tree and the built executable.
#pragma once

#include <filesystem>
#include <string>

namespace feederlab::test {

// ../shared beside the project (CI lays it there). Throws if it is missing: tests never skip.
std::filesystem::path sharedDir();
std::filesystem::path sharedFeeder(const std::string& relative);  // sharedDir()/feeders/relative
std::filesystem::path sourceDir();
std::filesystem::path binaryDir();
std::filesystem::path cliExecutable();  // build/bin/feederlab
// A fresh empty directory under the build tree for one test's outputs.
std::filesystem::path scratchDir(const std::string& name);
// Runs a shell command, returns its exit status; stdout+stderr go to `output` when given.
int runCommand(const std::string& command, std::string* output = nullptr);

}  // namespace feederlab::test
