#include "feederlab/core/error.hpp"

namespace feederlab::core {

namespace {
std::string describeInput(const SourceLocation& where, const std::string& offending,
                          const std::string& message) {
  std::string text = where.str() + ": " + message;
  if (!offending.empty()) text += " [" + offending + "]";
  return text;
}
}  // namespace

InputError::InputError(SourceLocation where, std::string offending, const std::string& message)
    : std::runtime_error(describeInput(where, offending, message)),
      where_(std::move(where)),
      offending_(std::move(offending)) {}

ModelError::ModelError(std::string element, const std::string& message)
    : std::runtime_error(element + ": " + message), element_(std::move(element)) {}

}  // namespace feederlab::core
