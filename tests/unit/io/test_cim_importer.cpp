// CIM importer on the shared CIM feeders: element counts and load totals from
// ../shared/feeders/README.md, impedances against the OpenDSS sources the files were exported from.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "feederlab/io/cim_importer.hpp"
#include "paths.hpp"

namespace {

using feederlab::io::importCim;
using feederlab::model::Feeder;
using feederlab::test::sharedFeeder;

constexpr double kMile = 1609.344;    // CIMHub converts ohm/mile with the exact mile
constexpr double kDssMile = 1609.3;   // the 2016 CIM16 export used OpenDSS's mile

std::size_t countLines(const Feeder& f, bool switches) {
  std::size_t n = 0;
  for (const auto& l : f.lines) n += l.is_switch == switches ? 1 : 0;
  return n;
}

const feederlab::model::Line& lineNamed(const Feeder& f, const std::string& name) {
  for (const auto& l : f.lines) {
    if (l.name == name) return l;
  }
  FAIL("no line " << name);
  return f.lines.front();
}

const feederlab::model::Transformer& transformerNamed(const Feeder& f, const std::string& name) {
  for (const auto& t : f.transformers) {
    if (t.name == name) return t;
  }
  FAIL("no transformer " << name);
  return f.transformers.front();
}

void checkRelative(double actual, double expected, double tol = 1e-6) {
  CHECK(std::fabs(actual - expected) <= tol * std::max(std::fabs(expected), 1e-12));
}

}  // namespace

TEST_CASE("CIM IEEE13.xml: counts - totals and the OpenDSS line code") {
  const Feeder f = importCim(sharedFeeder("ieee13/cim/IEEE13.xml"));
  CHECK(f.format == "cim");
  CHECK(f.buses.size() == 22);
  CHECK(countLines(f, false) == 11);
  CHECK(countLines(f, true) == 5);  // 671692, brkr1, fuse1, rec1, sect1
  CHECK(f.loads.size() == 16);
  const auto [kw, kvar] = feederlab::model::totalLoad(f);
  CHECK(kw == doctest::Approx(3471.0).epsilon(1e-9));
  CHECK(kvar == doctest::Approx(2105.1).epsilon(1e-6));
  CHECK(f.transformers.size() == 6);  // sub3, reg1-3, xfm1, tpoletop
  CHECK(f.regcontrols.size() == 3);
  CHECK(f.capacitors.size() == 2);
  CHECK(f.sources.size() == 1);
  CHECK(f.others.size() == 5);  // 2 PV + 3 storage
  CHECK(f.diagnostics.findings().size() == 1);
  CHECK(f.settings.voltage_bases_kv == std::vector<double>{115.0, 13.2, 4.16, 0.48, 0.208});

  // mtx601 (IEEE13_CDPSM.dss, ohm/mile): the CIM matrix is per metre.
  const auto& l = lineNamed(f, "650632");
  CHECK(l.phases == 3);
  CHECK(l.length == doctest::Approx(609.6));
  const double r[3][3] = {{0.3465, 0.1535, 0.1580}, {0.1535, 0.3375, 0.1560}, {0.1580, 0.1560, 0.3414}};
  const double x[3][3] = {{1.0179, 0.3849, 0.4236}, {0.3849, 1.0478, 0.5017}, {0.4236, 0.5017, 1.0348}};
  for (std::size_t i = 0; i < 3; ++i) {
    for (std::size_t j = 0; j < 3; ++j) {
      checkRelative(l.impedance.z_per_length(i, j).real() * kMile, r[i][j]);
      checkRelative(l.impedance.z_per_length(i, j).imag() * kMile, x[i][j]);
    }
  }
  // 632645 is on 632.3.2: conductor order C, B as in the script.
  const auto& l645 = lineNamed(f, "632645");
  CHECK(l645.bus1.nodes == std::vector<int>{3, 2});
}

TEST_CASE("CIM IEEE13.xml: transformers match IEEE13_CDPSM.dss") {
  const Feeder f = importCim(sharedFeeder("ieee13/cim/IEEE13.xml"));
  // New Transformer.Sub3 XHL=0.01 XHT=0.025 XLT=0.025, %r=0.0005, kv 115/4.16/13.2
  const auto& sub3 = transformerNamed(f, "sub3");
  REQUIRE(sub3.windings.size() == 3);
  checkRelative(sub3.xhl_pct, 0.01);
  checkRelative(sub3.xht_pct, 0.025);
  checkRelative(sub3.xlt_pct, 0.025);
  checkRelative(sub3.windings[0].r_pct, 0.0005);
  CHECK(sub3.windings[0].conn == feederlab::model::Connection::Delta);
  CHECK(sub3.windings[1].terminal.nodes == std::vector<int>{1, 2, 3, 4});  // Rneut=0 Xneut=0.4
  CHECK(sub3.windings[1].x_neutral == doctest::Approx(0.4));
  // XFM1: XHL=2, %r=.55
  const auto& xfm1 = transformerNamed(f, "xfm1");
  checkRelative(xfm1.xhl_pct, 2.0);
  checkRelative(xfm1.windings[1].r_pct, 0.55);
  CHECK(xfm1.windings[1].kv == doctest::Approx(0.48));
  // Reg1: xhl=0.01 %LoadLoss=0.01, tap 1.0625 (step 10), 1-phase 2.4 kV
  const auto& reg1 = transformerNamed(f, "reg1");
  CHECK(reg1.phases == 1);
  CHECK(reg1.is_regulator);
  CHECK(reg1.bank == "reg");
  checkRelative(reg1.xhl_pct, 0.01, 1e-5);
  checkRelative(reg1.windings[0].r_pct + reg1.windings[1].r_pct, 0.01, 1e-5);
  CHECK(reg1.windings[1].tap == doctest::Approx(1.0625));
  CHECK(reg1.windings[0].terminal.nodes == std::vector<int>{1, 0});
  CHECK(reg1.windings[0].conn == feederlab::model::Connection::Wye);  // "I" on AN: phase to neutral
  // Center-tap CT5: Xhl=2.04 Xht=2.04 Xlt=1.36, %Rs=[0.6 1.2 1.2], %imag=0.5, %noloadloss=0.2
  const auto& ct = transformerNamed(f, "tpoletop");
  REQUIRE(ct.windings.size() == 3);
  checkRelative(ct.xhl_pct, 2.04, 1e-5);
  checkRelative(ct.xht_pct, 2.04, 1e-5);
  checkRelative(ct.xlt_pct, 1.36, 1e-5);
  checkRelative(ct.windings[2].r_pct, 1.2, 1e-5);
  checkRelative(ct.pct_imag, 0.5, 1e-5);
  checkRelative(ct.pct_noload_loss, 0.2, 1e-5);
  CHECK(ct.windings[2].terminal.nodes == std::vector<int>{0, 2});
  const auto& rc = f.regcontrols.front();
  CHECK(rc.vreg == 122.0);
  CHECK(rc.band == 2.0);
  CHECK(rc.pt_ratio == 20.0);
  CHECK(rc.ct_primary == 700.0);
  CHECK(rc.r_ldc == 3.0);
  CHECK(rc.x_ldc == 9.0);
  CHECK(rc.winding == 2);
  // Source: 115 kV, angle 30 deg, and capacitors 600 + 100 kvar.
  CHECK(f.sources[0].base_kv == doctest::Approx(115.0));
  CHECK(f.sources[0].angle_deg == doctest::Approx(30.0).epsilon(1e-6));
  CHECK(f.capacitors[0].kvar[0] + f.capacitors[1].kvar[0] == doctest::Approx(700.0).epsilon(1e-6));
}

TEST_CASE("CIM IEEE13_Assets.xml: geometry lines and totals") {
  const Feeder f = importCim(sharedFeeder("ieee13/cim/IEEE13_Assets.xml"));
  CHECK(f.buses.size() == 16);
  CHECK(countLines(f, false) == 11);
  CHECK(countLines(f, true) == 1);
  CHECK(f.loads.size() == 15);
  const auto [kw, kvar] = feederlab::model::totalLoad(f);
  CHECK(kw == doctest::Approx(3466.0).epsilon(1e-9));
  CHECK(kvar == doctest::Approx(2102.0).epsilon(1e-9));
  CHECK(f.transformers.size() == 5);
  const auto& l = lineNamed(f, "650632");
  CHECK(l.geometry == "601");
  REQUIRE(l.impedance.z_per_length.n == 3);
  // Kersting's configuration 601 (Carson): about 0.3465 + j1.0179 ohm/mile on the diagonal.
  CHECK(l.impedance.z_per_length(0, 0).real() * kMile == doctest::Approx(0.3465).epsilon(0.03));
  CHECK(l.impedance.z_per_length(0, 0).imag() * kMile == doctest::Approx(1.0179).epsilon(0.03));
}

TEST_CASE("CIM IEEE37 - IEEE123 and reduced J1") {
  SUBCASE("IEEE37") {
    const Feeder f = importCim(sharedFeeder("ieee37/cim/IEEE37.xml"));
    CHECK(f.buses.size() == 39);
    CHECK(countLines(f, false) == 36);
    CHECK(f.loads.size() == 30);
    const auto [kw, kvar] = feederlab::model::totalLoad(f);
    CHECK(kw == doctest::Approx(2457.0).epsilon(1e-9));
    CHECK(kvar == doctest::Approx(1201.0).epsilon(1e-9));
    CHECK(f.regcontrols.size() == 2);
    const auto& reg1a = transformerNamed(f, "reg1a");
    CHECK(reg1a.windings[0].terminal.nodes == std::vector<int>{1, 2});
    CHECK(reg1a.windings[1].tap == doctest::Approx(1.1));  // step 16
    // Open delta: single-phase ("I") windings on phases AB and CB are phase-to-phase (delta),
    // as the script's conns='delta delta'.
    for (const char* name : {"reg1a", "reg1c"}) {
      for (const auto& w : transformerNamed(f, name).windings) {
        CHECK(w.conn == feederlab::model::Connection::Delta);
      }
    }
    CHECK(transformerNamed(f, "reg1c").windings[1].terminal.nodes == std::vector<int>{3, 2});
    for (const auto& load : f.loads) CHECK(load.conn == feederlab::model::Connection::Delta);
  }
  SUBCASE("IEEE123") {
    const Feeder f = importCim(sharedFeeder("ieee123/cim/IEEE123.xml"));
    CHECK(f.buses.size() == 130);
    CHECK(countLines(f, false) == 118);
    CHECK(countLines(f, true) == 8);
    CHECK(f.loads.size() == 91);
    const auto [kw, kvar] = feederlab::model::totalLoad(f);
    CHECK(kw == doctest::Approx(3490.0).epsilon(1e-9));
    CHECK(kvar == doctest::Approx(1920.0).epsilon(1e-9));
    CHECK(f.regcontrols.size() == 7);
    CHECK(f.capacitors.size() == 4);
  }
  SUBCASE("reduced J1") {
    const Feeder f = importCim(sharedFeeder("epri_j1/reduced_j1red/cim/j1red.xml"));
    CHECK(f.buses.size() == 81);
    CHECK(countLines(f, false) == 73);
    CHECK(f.loads.size() == 97);
    const auto [kw, kvar] = feederlab::model::totalLoad(f);
    CHECK(kw == doctest::Approx(8541.3).epsilon(1e-5));
    CHECK(kvar == doctest::Approx(1693.4).epsilon(1e-4));
    CHECK(f.transformers.size() == 5);
    CHECK(f.capacitors.size() == 5);
  }
}

TEST_CASE("CIM16 CDPSM 2016 files") {
  SUBCASE("IEEE13Nodeckt_CDPSM_Combined.XML") {
    const Feeder f = importCim(sharedFeeder("ieee13/cim/cdpsm_cim16_2016/IEEE13Nodeckt_CDPSM_Combined.XML"));
    CHECK(f.buses.size() == 17);
    CHECK(countLines(f, false) == 11);
    CHECK(f.loads.size() == 15);
    const auto [kw, kvar] = feederlab::model::totalLoad(f);
    CHECK(kw == doctest::Approx(3466.0).epsilon(1e-9));
    CHECK(kvar == doctest::Approx(2102.0).epsilon(1e-9));
    CHECK(f.transformers.size() == 5);
    const auto& reg2 = transformerNamed(f, "reg2");
    CHECK(reg2.windings[1].tap == doctest::Approx(1.05));
    const auto& l = lineNamed(f, "650632");
    checkRelative(l.impedance.z_per_length(1, 0).real() * kDssMile, 0.1535, 1e-5);
    checkRelative(l.impedance.z_per_length(2, 1).imag() * kDssMile, 0.5017, 1e-5);
  }
  SUBCASE("IEEE13NodecktAssets_CDPSM_Combined.XML") {
    const Feeder f = importCim(sharedFeeder("ieee13/cim/cdpsm_cim16_2016/IEEE13NodecktAssets_CDPSM_Combined.XML"));
    CHECK(f.buses.size() == 16);
    CHECK(countLines(f, false) == 11);
    CHECK(f.loads.size() == 15);
    const auto [kw, kvar] = feederlab::model::totalLoad(f);
    CHECK(kw == doctest::Approx(3466.0).epsilon(1e-9));
    CHECK(kvar == doctest::Approx(2102.0).epsilon(1e-9));
  }
}
