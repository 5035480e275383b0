// One entry point for every input format the CLI accepts.
#pragma once

#include <filesystem>
#include <string>

#include "feederlab/model/feeder.hpp"

namespace feederlab::io {

// format: "auto" (from path and content: .dss -> dss, .xml -> cim, directory -> csv), "dss",
// "cim" or "csv". Throws core::InputError for unknown formats and unreadable input.
model::Feeder importFeeder(const std::filesystem::path& path, const std::string& format = "auto");

// The format "auto" resolves to for `path` ("dss", "cim" or "csv"); throws core::InputError
// when it cannot tell.
std::string detectFormat(const std::filesystem::path& path);

}  // namespace feederlab::io
