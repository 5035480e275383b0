// OpenDSS lexer and value conversions: RPN, arrays, matrices, quotes, comments, bus specs.
#include <doctest/doctest.h>

#include <cmath>

#include "feederlab/core/error.hpp"
#include "feederlab/io/dss_lexer.hpp"

using namespace feederlab::io::dss;
using feederlab::core::InputError;

namespace {

const std::string kFile = "test.dss";
const Where kAt{&kFile, 7};

std::vector<Param> lexAll(std::string_view text) {
  std::vector<Param> out;
  ParamLexer lex(text, kAt);
  Param p;
  while (lex.next(p)) out.push_back(p);
  return out;
}

}  // namespace

TEST_CASE("dss rpn: arithmetic - functions and errors") {
  CHECK(evalRpn("8 1000 /", kAt) == doctest::Approx(0.008));
  CHECK(evalRpn("0.00625 7 * 1 +", kAt) == doctest::Approx(1.04375));
  // ieee8500 source reactor: (1.051 - (0.88 - 0.003)) * (115/12.47)^2
  CHECK(evalRpn("1.051 0.88 0.001 3 * - - 115 12.47 / sqr *", kAt) ==
        doctest::Approx(0.174 * std::pow(115.0 / 12.47, 2)));
  CHECK(evalRpn("2 3 ^", kAt) == doctest::Approx(8.0));
  CHECK(evalRpn("16 sqrt", kAt) == doctest::Approx(4.0));
  CHECK(evalRpn("4 inv", kAt) == doctest::Approx(0.25));
  CHECK(evalRpn(" 900", kAt) == doctest::Approx(900.0));
  CHECK_THROWS_AS(evalRpn("1 +", kAt), InputError);
  CHECK_THROWS_AS(evalRpn("2 foo *", kAt), InputError);
  CHECK_THROWS_AS(evalRpn("1 0 /", kAt), InputError);
  CHECK_THROWS_AS(evalRpn("", kAt), InputError);
  try {
    evalRpn("3 bar", kAt);
    FAIL("expected an error");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).find("test.dss:7") != std::string::npos);
    CHECK(e.offending() == "3 bar");
  }
}

TEST_CASE("dss lexer: names - positional values - quotes and blanks around =") {
  const auto p = lexAll("bus1=650.1  kV = 2.4 , 5 XHL=(8 1000 /) kvs=\"14.376 14.376\" conns='wye wye'");
  REQUIRE(p.size() == 6);
  CHECK(p[0].name == "bus1");
  CHECK(p[0].value.text == "650.1");
  CHECK(p[1].name == "kV");
  CHECK(p[1].value.text == "2.4");
  CHECK(p[2].name.empty());
  CHECK(p[2].value.text == "5");
  CHECK(p[3].value.quoted);
  CHECK(toNumber(p[3].value, kAt) == doctest::Approx(0.008));
  CHECK(p[4].value.text == "14.376 14.376");
  CHECK(p[5].value.text == "wye wye");
  const auto tabs = lexAll("Switch=\tyes\tphases=1");
  REQUIRE(tabs.size() == 2);
  CHECK(tabs[0].value.text == "yes");
  CHECK_THROWS_AS(lexAll("rmatrix=(1 2 | 3"), InputError);
  CHECK_THROWS_AS(lexAll("kvs=[1 2"), InputError);
}

TEST_CASE("dss comments are stripped outside brackets") {
  CHECK(stripComment("kw=5 ! comment") == "kw=5 ");
  CHECK(stripComment("kw=5 // comment") == "kw=5 ");
  CHECK(stripComment("yearly=Other!!!! New x") == "yearly=Other");
  CHECK(stripComment("linecode=4/0Triplex") == "linecode=4/0Triplex");
  CHECK(stripComment("name=\"a!b\" x=1") == "name=\"a!b\" x=1");
}

TEST_CASE("dss arrays and numbers") {
  CHECK(toNumbers(Value{"115, 12.47, ", true}, kAt) == std::vector<double>{115.0, 12.47});
  CHECK(toNumbers(Value{"1 (2 3 +) [4]", true}, kAt) == std::vector<double>{1.0, 5.0, 4.0});
  const auto names = toArray(Value{"s, ls_bus, ", true}, kAt);
  REQUIRE(names.size() == 2);
  CHECK(names[1].text == "ls_bus");
  CHECK(toInt(Value{"3", false}, kAt) == 3);
  CHECK_THROWS_AS(toNumber(Value{"12.4x", false}, kAt), InputError);
  CHECK(toYesNo(Value{"Yes", false}));
  CHECK(toYesNo(Value{"true", false}));
  CHECK_FALSE(toYesNo(Value{"no", false}));
  CHECK_FALSE(toYesNo(Value{"1", false}));  // OpenDSS reads only y/t as true
}

TEST_CASE("dss matrices: lower triangle - full - without separators") {
  const auto lower3 = toSymMatrix(Value{"0.3465 | 0.1560 0.3375 | 0.1580 0.1535 0.3414", true}, 3, kAt);
  CHECK(lower3[0] == doctest::Approx(0.3465));
  CHECK(lower3[1] == doctest::Approx(0.1560));
  CHECK(lower3[3] == doctest::Approx(0.1560));
  CHECK(lower3[8] == doctest::Approx(0.3414));
  CHECK(lower3[2 * 3 + 1] == doctest::Approx(0.1535));
  const auto full = toSymMatrix(Value{"0.0497 0.0234 | 0.0234 0.0497", true}, 2, kAt);
  CHECK(full == std::vector<double>{0.0497, 0.0234, 0.0234, 0.0497});
  const auto tight = toSymMatrix(Value{"0.79 |0.31 0.78 |0.28 0.31 0.79", true}, 3, kAt);
  CHECK(tight[6] == doctest::Approx(0.28));
  CHECK(toSymMatrix(Value{"1 2 3", true}, 2, kAt) == std::vector<double>{1, 2, 2, 3});
  CHECK(toSymMatrix(Value{"0.25", false}, 1, kAt) == std::vector<double>{0.25});
  CHECK_THROWS_AS(toSymMatrix(Value{"1 | 2 3", true}, 3, kAt), InputError);
  CHECK_THROWS_AS(toSymMatrix(Value{"1 2", true}, 2, kAt), InputError);
}

TEST_CASE("dss bus specifications") {
  const BusSpec b = toBus(Value{"RG60.1.2.3", false}, kAt);
  CHECK(b.name == "rg60");
  CHECK(b.nodes == std::vector<int>{1, 2, 3});
  CHECK(toBus(Value{"X.0.2", false}, kAt).nodes == std::vector<int>{0, 2});
  CHECK(toBus(Value{"sourcebus", false}, kAt).nodes.empty());
  CHECK_THROWS_AS(toBus(Value{"650.a", false}, kAt), InputError);
  CHECK_THROWS_AS(toBus(Value{"650.1.", false}, kAt), InputError);
  CHECK_THROWS_AS(toBus(Value{"650.1.5x", false}, kAt), InputError);
  CHECK_THROWS_AS(toBus(Value{"650.-1", false}, kAt), InputError);
}
