// Outputs are written to a temporary file and renamed, so a reader never sees a partial file.
#pragma once

#include <filesystem>
#include <string_view>

namespace feederlab::core {

// Throws std::runtime_error naming the path when the file cannot be written.
void writeFileAtomic(const std::filesystem::path& path, std::string_view content);

}  // namespace feederlab::core
