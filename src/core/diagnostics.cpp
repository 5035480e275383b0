#include "feederlab/core/diagnostics.hpp"

#include <algorithm>

namespace feederlab::core {

const char* severityName(Severity s) {
  switch (s) {
    case Severity::Info: return "info";
    case Severity::Warning: return "warning";
    case Severity::Error: return "error";
  }
  return "error";
}

void Diagnostics::add(Severity severity, std::string code, std::string element,
                      SourceLocation where, std::string message) {
  findings_.push_back(Finding{severity, std::move(code), std::move(element), std::move(where),
                              std::move(message)});
}

std::size_t Diagnostics::count(Severity s) const {
  return static_cast<std::size_t>(std::count_if(
      findings_.begin(), findings_.end(), [s](const Finding& f) { return f.severity == s; }));
}

void Diagnostics::append(const Diagnostics& other) {
  findings_.insert(findings_.end(), other.findings_.begin(), other.findings_.end());
}

}  // namespace feederlab::core
