// Findings collected while importing and checking a feeder (warnings never pass silently).
#pragma once

#include <string>
#include <vector>

#include "feederlab/core/error.hpp"

namespace feederlab::core {

enum class Severity { Info, Warning, Error };

const char* severityName(Severity s);

struct Finding {
  Severity severity = Severity::Warning;
  std::string code;     // stable machine-readable code, e.g. "unknown-property"
  std::string element;  // "Class.name" in lower case, or "" when not about one element
  SourceLocation location;
  std::string message;
};

class Diagnostics {
 public:
  void add(Severity severity, std::string code, std::string element, SourceLocation where,
           std::string message);
  void warn(std::string code, std::string element, SourceLocation where, std::string message) {
    add(Severity::Warning, std::move(code), std::move(element), std::move(where),
        std::move(message));
  }
  const std::vector<Finding>& findings() const { return findings_; }
  std::size_t count(Severity s) const;
  void append(const Diagnostics& other);

 private:
  std::vector<Finding> findings_;
};

}  // namespace feederlab::core
