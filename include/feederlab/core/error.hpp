// Error types that carry the context a user needs to fix the input or the model.
// Exit codes follow ../shared/design/cli.md: 2 input/model, 3 numerical.
#pragma once

#include <stdexcept>
#include <string>

namespace feederlab::core {

struct SourceLocation {
  std::string file;  // path as the user gave it (or as resolved from a Redirect)
  int line = 0;      // 1-based; 0 when unknown
  std::string str() const { return line > 0 ? file + ":" + std::to_string(line) : file; }
};

// Unreadable or malformed input: names the file, line and the offending text.
class InputError : public std::runtime_error {
 public:
  InputError(SourceLocation where, std::string offending, const std::string& message);
  const SourceLocation& where() const { return where_; }
  const std::string& offending() const { return offending_; }

 private:
  SourceLocation where_;
  std::string offending_;
};

// A model that cannot be built or solved as given: names the element.
class ModelError : public std::runtime_error {
 public:
  ModelError(std::string element, const std::string& message);
  const std::string& element() const { return element_; }

 private:
  std::string element_;
};

// Non-convergence or solver failure (exit code 3).
class NumericalError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

inline constexpr int kExitOk = 0;
inline constexpr int kExitChecksFailed = 1;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitNumerical = 3;

}  // namespace feederlab::core
