// Renders `feederlab validate` and `feederlab info` results (JSON, Markdown, HTML).
#pragma once

#include <filesystem>
#include <string>

#include "feederlab/validate/validate.hpp"

namespace feederlab::report {

std::string countsJson(const validate::FeederCounts& counts);  // `info --json`
std::string countsText(const validate::FeederCounts& counts);  // `info` for people
std::string validationJson(const validate::ValidationReport& report);
std::string validationMarkdown(const validate::ValidationReport& report);
std::string validationHtml(const validate::ValidationReport& report);

// Writes validation.json, validation.md and validation.html into `dir` (atomically each).
void writeValidation(const validate::ValidationReport& report, const std::filesystem::path& dir);

}  // namespace feederlab::report
