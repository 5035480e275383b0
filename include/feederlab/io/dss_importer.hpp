// OpenDSS script importer: runs an OpenDSS master script (Redirect/Compile chains, New/Edit,
// Set, BusCoords, CalcVoltageBases, ...) the way OpenDSS interprets it and fills the plain
// model::Feeder. Classes the model does not simulate are kept as model::OtherElement.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "feederlab/model/feeder.hpp"

namespace feederlab::io {

struct DssImportOptions {
  std::vector<std::string> extra_commands;  // run after the script, as if appended
};

// Throws core::InputError (file:line and offending text) for malformed input and missing files,
// core::ModelError (naming the element, e.g. "line.l1") for inconsistent models. Warnings
// (unknown classes, commands or properties, missing loadshape files, ...) go to
// feeder.diagnostics.
model::Feeder importDss(const std::filesystem::path& script, const DssImportOptions& options = {});

}  // namespace feederlab::io
