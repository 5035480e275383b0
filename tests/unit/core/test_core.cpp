#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "feederlab/core/atomic_file.hpp"
#include "feederlab/core/strings.hpp"
#include "feederlab/core/units.hpp"
#include "paths.hpp"

using namespace feederlab::core;

TEST_CASE("strict number parsing rejects trailing text") {
  double v = 0;
  CHECK(parseDouble(" 1.5e3 ", v));
  CHECK(v == doctest::Approx(1500.0));
  CHECK(parseDouble("+2", v));
  CHECK(v == 2.0);
  CHECK_FALSE(parseDouble("1.5x", v));
  CHECK_FALSE(parseDouble("", v));
  CHECK_FALSE(parseDouble("nan", v));
  int i = 0;
  CHECK(parseInt("3", i));
  CHECK(i == 3);
  CHECK_FALSE(parseInt("3.5", i));
}

TEST_CASE("case-insensitive helpers") {
  CHECK(iequals("Line", "LINE"));
  CHECK_FALSE(iequals("Line", "Lines"));
  CHECK(istartsWith("Transformer.reg1", "transformer"));
  CHECK(toLower("AbC") == "abc");
  CHECK(split("a.b..c", '.') == std::vector<std::string>{"a", "b", "", "c"});
}

TEST_CASE("length units convert as OpenDSS spells them") {
  CHECK(parseLengthUnit("mi") == LengthUnit::Mile);
  CHECK(parseLengthUnit("kft") == LengthUnit::Kft);
  CHECK(parseLengthUnit("ft") == LengthUnit::Foot);
  CHECK(parseLengthUnit("m") == LengthUnit::Meter);
  CHECK(parseLengthUnit("none") == LengthUnit::None);
  CHECK_FALSE(parseLengthUnit("furlong").has_value());
  CHECK(lengthConversion(LengthUnit::Mile, LengthUnit::Kft) == doctest::Approx(1609.3 / 304.8));
  CHECK(lengthConversion(LengthUnit::None, LengthUnit::Km) == 1.0);
}

TEST_CASE("atomic write leaves only the complete file") {
  const auto dir = feederlab::test::scratchDir("atomic");
  const auto path = dir / "out.txt";
  writeFileAtomic(path, "hello");
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  CHECK(ss.str() == "hello");
  int files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir)) ++files;
  CHECK(files == 1);
}
