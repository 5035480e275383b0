// Small string helpers; OpenDSS and most utility data are case-insensitive.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace feederlab::core {

std::string toLower(std::string_view s);
std::string_view trim(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
bool istartsWith(std::string_view text, std::string_view prefix);
std::vector<std::string> split(std::string_view s, char sep);
// Strict number parse of the whole text; false if any character is left over.
bool parseDouble(std::string_view text, double& out);
bool parseInt(std::string_view text, int& out);

}  // namespace feederlab::core
