// PSLF cmpldw (.dyd) reading and writing, PSS/E CMLDBLU2 (.dyr) writing.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "feederlab/core/error.hpp"
#include "feederlab/io/dyd.hpp"
#include "paths.hpp"

namespace fs = std::filesystem;
using feederlab::core::InputError;
using feederlab::io::CompositeRecord;
using feederlab::io::readDyd;

namespace {

fs::path referenceDyd() {
  return feederlab::test::sharedDir() / "references/dynamics/interpss/threeBus_cmpldw.dyd";
}

fs::path writeScratch(const std::string& name, const std::string& text) {
  const fs::path file = feederlab::test::scratchDir("dyd_" + name) / (name + ".dyd");
  std::ofstream(file) << text;
  return file;
}

// A small valid record whose lines are numbered 1..4.
const std::string kSmall =
    "cmpldw 7 \"Sec 1\" 12.47 \"L1\" : #1 mva=2.5 /\n"
    " \"Fma\" 0.1 \"Fmb\" 0.1 \"Fmc\" 0.05 /\n"
    " \"Fmd\" 0.2 \"Fel\" 0.15 /\n"
    " \"Vstall\" 0.6 \"Tstall\" 0.05\n";

struct Failure {
  int line = -1;
  std::string offending;
  std::string what;
};

Failure failureOf(const std::string& name, const std::string& text) {
  const fs::path file = writeScratch(name, text);
  try {
    readDyd(file);
  } catch (const InputError& e) {
    CHECK(e.where().file == file.string());
    return {e.where().line, e.offending(), e.what()};
  }
  FAIL("no InputError for " << name);
  return {};
}

bool sameSpec(const feederlab::model::CompositeSpec& a, const feederlab::model::CompositeSpec& b) {
  // Compare through the writer's text of every key: exact doubles, every field.
  CompositeRecord ra, rb;
  ra.spec = a;
  rb.spec = b;
  return feederlab::io::dydText(std::span(&ra, 1)) == feederlab::io::dydText(std::span(&rb, 1));
}

}  // namespace

TEST_CASE("dyd: InterPSS threeBus reference record lands in every field") {
  const auto records = readDyd(referenceDyd());
  REQUIRE(records.size() == 1);  // gencls skipped, #genrou is a comment
  const auto& r = records[0];
  CHECK(r.bus_number == 3);
  CHECK(r.bus == "BUS-/1");
  CHECK(r.kv == 115.0);
  CHECK(r.id == "1");
  CHECK(r.mva == 50.0);
  CHECK(r.location.line == 3);
  const auto& f = r.spec.fractions;
  CHECK(f.fm_a == 0.1);
  CHECK(f.fm_b == 0.1);
  CHECK(f.fm_c == 0.1);
  CHECK(f.fm_d == 0.3);
  CHECK(f.fel == 0.0);
  CHECK(f.static_load == doctest::Approx(0.4).epsilon(1e-15));
  const auto& p = r.spec.parameters;
  const auto& fd = p.feeder;
  CHECK(fd.bss == 0.04);
  CHECK(fd.rfdr == 0.04);
  CHECK(fd.xfdr == 0.04);
  CHECK(fd.fb == 0.0);
  CHECK(fd.xxf == 0.06);
  CHECK(fd.tfixhs == 1.0);
  CHECK(fd.tfixls == 1.0);
  CHECK(fd.ltc == 1);
  CHECK(fd.tmin == 0.9);
  CHECK(fd.tmax == 1.1);
  CHECK(fd.step == 0.00625);
  CHECK(fd.vmin == 1.0);
  CHECK(fd.vmax == 1.04);
  CHECK(fd.tdel == 30.0);
  CHECK(fd.ttap == 5.0);
  CHECK(fd.rcomp == 0.0);
  CHECK(fd.xcomp == 0.0);
  CHECK(p.electronic.pfel == 1.0);
  CHECK(p.electronic.vd1 == 0.7);
  CHECK(p.electronic.vd2 == 0.5);
  CHECK(p.electronic.frcel == 1.0);
  const auto& s = p.static_load;
  CHECK(s.pfs == -1.0);
  CHECK(s.p1e == 2.0);
  CHECK(s.p1c == 0.83);
  CHECK(s.p2e == 1.0);
  CHECK(s.p2c == 0.17);
  CHECK(s.pfrq == 0.0);
  CHECK(s.q1e == 2.0);
  CHECK(s.q1c == -0.5);
  CHECK(s.q2e == 1.0);
  CHECK(s.q2c == 1.5);
  CHECK(s.qfrq == -1.0);
  CHECK(p.motor_a.mtyp == 3);
  CHECK(p.motor_b.mtyp == 3);
  CHECK(p.motor_c.mtyp == 3);
  const auto& a = p.motor_a;
  CHECK(a.lfm == 0.75);
  CHECK(a.rs == 0.04);
  CHECK(a.ls == 1.8);
  CHECK(a.lp == 0.12);
  CHECK(a.lpp == 0.104);
  CHECK(a.tpo == 0.095);
  CHECK(a.tppo == 0.0021);
  CHECK(a.h == 0.1);
  CHECK(a.etrq == 0.0);
  CHECK(a.uv1.v_trip == 0.7);
  CHECK(a.uv1.t_trip == 0.02);
  CHECK(a.uv1.f_trip == 0.2);
  CHECK(a.uv1.v_reconnect == 1.0);
  CHECK(a.uv1.t_reconnect == 99999.0);
  CHECK(a.uv2.v_trip == 0.5);
  CHECK(a.uv2.t_trip == 0.02);
  CHECK(a.uv2.f_trip == 0.7);
  CHECK(a.uv2.v_reconnect == 0.7);
  CHECK(a.uv2.t_reconnect == 0.1);
  const auto& b = p.motor_b;
  CHECK(b.lfm == 0.75);
  CHECK(b.rs == 0.03);
  CHECK(b.ls == 1.8);
  CHECK(b.lp == 0.19);
  CHECK(b.lpp == 0.14);
  CHECK(b.tpo == 0.2);
  CHECK(b.tppo == 0.0026);
  CHECK(b.h == 0.5);
  CHECK(b.etrq == 2.0);
  CHECK(b.uv1.v_trip == 0.6);
  CHECK(b.uv1.v_reconnect == 0.75);
  CHECK(b.uv1.t_reconnect == 0.05);
  CHECK(b.uv2.f_trip == 0.3);
  CHECK(b.uv2.v_reconnect == 0.65);
  CHECK(b.uv2.t_reconnect == 0.05);
  const auto& c = p.motor_c;
  CHECK(c.h == 0.1);
  CHECK(c.uv1.v_trip == 0.65);
  CHECK(c.uv1.t_reconnect == 9999.0);
  CHECK(c.uv2.t_reconnect == 0.1);
  const auto& d = p.motor_d;
  CHECK(d.comp_lf == 1.0);
  CHECK(d.comp_pf == 0.98);
  CHECK(d.v_stall == 0.55);
  CHECK(d.r_stall == 0.1);
  CHECK(d.x_stall == 0.1);
  CHECK(d.t_stall == 9999.0);
  CHECK(d.f_rst == 0.2);
  CHECK(d.v_rst == 0.95);
  CHECK(d.t_rst == 0.3);
  CHECK(d.f_uvr == 0.1);
  CHECK(d.uv_tr1 == 0.6);
  CHECK(d.t_tr1 == 0.02);
  CHECK(d.uv_tr2 == 1.0);
  CHECK(d.t_tr2 == 9999.0);
  CHECK(d.v_c1off == 0.5);
  CHECK(d.v_c2off == 0.4);
  CHECK(d.v_c1on == 0.6);
  CHECK(d.v_c2on == 0.5);
  CHECK(d.t_th == 15.0);
  CHECK(d.th1t == 0.7);
  CHECK(d.th2t == 1.9);
  CHECK(d.t_v == 0.025);
  // Keys the reference omits keep the specification values.
  const feederlab::model::MotorDParameters defaults;
  CHECK(d.kq1 == defaults.kq1);
  CHECK(d.v_brk == defaults.v_brk);
  CHECK(d.lf_adj == defaults.lf_adj);
  CHECK(r.spec.name == referenceDyd().string() + ":3");
  CHECK_FALSE(r.spec.static_override.has_value());
}

TEST_CASE("dyd: InterPSS vloadbusmin variant reads with its own values") {
  const auto rs =
      readDyd(feederlab::test::sharedDir() / "references/dynamics/interpss/threeBus_cmpldw_vloadbusmin.dyd");
  REQUIRE(rs.size() == 1);
  const auto& r = rs[0];
  CHECK(r.mva == 25.0);
  CHECK(r.spec.parameters.feeder.rfdr == 0.08);
  CHECK(r.spec.parameters.feeder.xxf == 0.08);
  CHECK(r.spec.parameters.feeder.vmin == 0.98);
  CHECK(r.spec.fractions.fm_a == 0.2);
  CHECK(r.spec.fractions.fm_b == 0.0);
  CHECK(r.spec.fractions.fm_d == 0.5);
  CHECK(r.spec.fractions.static_load == doctest::Approx(0.3).epsilon(1e-15));
  const auto& d = r.spec.parameters.motor_d;
  CHECK(d.v_stall == 0.6);
  CHECK(d.r_stall == 0.124);
  CHECK(d.x_stall == 0.114);
  CHECK(d.t_stall == 0.033);
  CHECK(d.f_rst == 0.0);
  CHECK(d.v_rst == 0.9);
  CHECK(d.t_rst == 999.0);
  CHECK(d.f_uvr == 0.0);
  CHECK(d.th1t == 0.9);
  CHECK(d.th2t == 1.7);
  CHECK(d.t_v == 0.05);  // last value of the file, no newline after it
}

TEST_CASE("dyd: write then read is exact, every key") {
  auto first = readDyd(referenceDyd());
  REQUIRE(first.size() == 1);
  CompositeRecord second = first[0];
  second.bus = "Sec 2";
  second.bus_number = 12;
  second.id = "s2";
  second.kv = 12.47;
  second.mva = 1.0 / 3.0;  // needs all 17 digits
  second.spec.fractions = {.fm_a = 0.1, .fm_b = 0.2, .fm_c = 0.05, .fm_d = 0.3, .fel = 0.1, .static_load = 0.25};
  second.spec.parameters.motor_d.v_stall = 0.123456789012345678;
  second.spec.parameters.motor_d.kp2 = 11.75;
  second.spec.parameters.motor_d.lf_adj = 0.5;
  second.spec.parameters.motor_a.mtyp = 1;
  second.spec.parameters.feeder.ltc = 0;
  second.spec.parameters.static_load.q1c = -2.0 / 7.0;
  first.push_back(second);

  const fs::path file = feederlab::test::scratchDir("dyd_roundtrip") / "out.dyd";
  feederlab::io::writeDyd(file, first);
  const auto back = readDyd(file);
  REQUIRE(back.size() == 2);
  for (std::size_t k = 0; k < 2; ++k) {
    CAPTURE(k);
    CHECK(back[k].bus == first[k].bus);
    CHECK(back[k].bus_number == first[k].bus_number);
    CHECK(back[k].id == first[k].id);
    CHECK(back[k].kv == first[k].kv);
    CHECK(back[k].mva == first[k].mva);
    CHECK(sameSpec(back[k].spec, first[k].spec));
    CHECK(back[k].spec.fractions.static_load == doctest::Approx(first[k].spec.fractions.static_load).epsilon(1e-12));
  }
  CHECK(back[1].spec.parameters.motor_d.v_stall == 0.123456789012345678);
  CHECK(back[1].spec.parameters.motor_d.kp2 == 11.75);
  CHECK(back[1].spec.parameters.static_load.q1c == -2.0 / 7.0);
  CHECK(back[1].spec.parameters.motor_a.mtyp == 1);
  CHECK(back[1].spec.parameters.feeder.ltc == 0);
  // A second write of what was read is byte-identical.
  CHECK(feederlab::io::dydText(back) == feederlab::io::dydText(first));
  // The writer keeps the reference's key order: Bss first, tv before the extra motor D line.
  const std::string text = feederlab::io::dydText(back);
  CHECK(text.find("\"Bss\"") < text.find("\"Fma\""));
  CHECK(text.find("\"Fma\"") < text.find("\"LfmA\""));
  CHECK(text.find("\"tv\"") < text.find("\"Kp1\""));
}

TEST_CASE("dyd: default spec writes infinity as 99999 s and reads back valid") {
  CompositeRecord r;
  r.bus = "b";
  r.bus_number = 1;
  r.spec.fractions = {.fm_d = 0.5, .static_load = 0.5};
  const std::string text = feederlab::io::dydText(std::span(&r, 1));
  CHECK(text.find("\"Trc1A\" 99999") != std::string::npos);
  const auto back = readDyd(writeScratch("defaults", text));
  REQUIRE(back.size() == 1);
  CHECK(back[0].spec.parameters.motor_a.uv1.t_reconnect == 99999.0);
  CHECK(back[0].spec.fractions.fm_d == 0.5);
  CHECK(back[0].spec.fractions.static_load == 0.5);
}

TEST_CASE("dyd: small record, aliases, comments and other models") {
  const std::string text =
      "# a comment line\n"
      "gencls 1 \"G\" 115 \"1\" : #9 mva=1000 /\n"
      "  9999 0 0 0.2 0 0\n" +
      kSmall + "cmpldw 8 \"x\" 12.47 \"L2\" : #1 mva=1 \"CompLF\" 0.9 \"UVtr1\" 0.55 \"fmd\" 0.25\n";
  const auto rs = readDyd(writeScratch("small", text));
  REQUIRE(rs.size() == 2);
  CHECK(rs[0].bus == "Sec 1");
  CHECK(rs[0].id == "L1");
  CHECK(rs[0].kv == 12.47);
  CHECK(rs[0].mva == 2.5);
  CHECK(rs[0].location.line == 4);
  CHECK(rs[0].spec.fractions.fm_c == 0.05);
  CHECK(rs[0].spec.fractions.static_load == doctest::Approx(0.4).epsilon(1e-14));
  CHECK(rs[0].spec.parameters.motor_d.v_stall == 0.6);
  CHECK(rs[0].spec.parameters.motor_d.t_stall == 0.05);
  CHECK(rs[1].spec.parameters.motor_d.comp_lf == 0.9);
  CHECK(rs[1].spec.parameters.motor_d.uv_tr1 == 0.55);
  CHECK(rs[1].spec.fractions.fm_d == 0.25);
  CHECK(rs[1].spec.fractions.static_load == 0.75);
}

TEST_CASE("dyd: malformed records name file, line and the offending text") {
  auto with = [](const std::string& from, const std::string& to) {
    std::string s = kSmall;
    const auto at = s.find(from);
    REQUIRE(at != std::string::npos);
    return s.replace(at, from.size(), to);
  };
  SUBCASE("unknown key") {
    const auto f = failureOf("unknown", with("\"Fmb\" 0.1", "\"Fmx\" 0.1"));
    CHECK(f.line == 2);
    CHECK(f.offending == "Fmx");
    CHECK(f.what.find("unknown cmpldw key") != std::string::npos);
  }
  SUBCASE("missing value before the next key") {
    const auto f = failureOf("missing", with("\"Fmd\" 0.2", "\"Fmd\""));
    CHECK(f.line == 3);
    CHECK(f.offending == "Fmd");
    CHECK(f.what.find("missing value") != std::string::npos);
  }
  SUBCASE("missing value at the record end") {
    const auto f = failureOf("missing_end", with("\"Tstall\" 0.05", "\"Tstall\""));
    CHECK(f.line == 4);
    CHECK(f.offending == "Tstall");
  }
  SUBCASE("bad number") {
    const auto f = failureOf("badnumber", with("\"Vstall\" 0.6", "\"Vstall\" 0.6x"));
    CHECK(f.line == 4);
    CHECK(f.offending == "Vstall 0.6x");
    CHECK(f.what.find("bad number") != std::string::npos);
  }
  SUBCASE("fractions above 1") {
    const auto f = failureOf("sum", with("\"Fel\" 0.15", "\"Fel\" 0.65"));
    CHECK(f.line == 1);
    CHECK(f.offending.find("Fma+Fmb+Fmc+Fmd+Fel = 1.1") == 0);
    CHECK(f.what.find("sum above 1") != std::string::npos);
  }
  SUBCASE("negative fraction") {
    const auto f = failureOf("negative", with("\"Fel\" 0.15", "\"Fel\" -0.15"));
    CHECK(f.what.find("[0, 1]") != std::string::npos);
  }
  SUBCASE("whole number expected") {
    const auto f = failureOf("ltc", with("\"Fel\" 0.15", "\"Fel\" 0.15 \"LTC\" 0.5"));
    CHECK(f.offending == "LTC 0.5");
  }
  SUBCASE("motor D type other than 1") {
    const auto f = failureOf("mtpd", with("\"Fel\" 0.15", "\"Fel\" 0.15 \"MtpD\" 3"));
    CHECK(f.offending == "MtpD 3");
  }
  SUBCASE("key given twice") {
    const auto f = failureOf("twice", with("\"Fel\" 0.15", "\"Fel\" 0.15 \"fma\" 0.1"));
    CHECK(f.offending == "fma");
  }
  SUBCASE("value without a key") {
    const auto f = failureOf("nokey", with("\"Fel\" 0.15", "\"Fel\" 0.15 0.3"));
    CHECK(f.offending == "0.3");
  }
  SUBCASE("bad bus number and kV") {
    CHECK(failureOf("bus", with("cmpldw 7", "cmpldw seven")).offending == "seven");
    CHECK(failureOf("kv", with("12.47", "12,47kv")).line == 1);
  }
  SUBCASE("parameter validation") {
    const auto f = failureOf("validate", with("\"Vstall\" 0.6", "\"Vstall\" 1.2"));
    CHECK(f.line == 1);
    CHECK(f.what.find("motor_d.v_stall") != std::string::npos);
    CHECK(f.offending.find("Sec 1") != std::string::npos);
  }
  SUBCASE("unterminated quote") {
    CHECK(failureOf("quote", with("\"Fmd\" 0.2", "\"Fmd 0.2")).line == 3);
  }
}

TEST_CASE("dyd: unreadable file is an InputError naming it") {
  CHECK_THROWS_AS(readDyd("/nonexistent/x.dyd"), InputError);
}

TEST_CASE("dyr: CMLDBLU2 records have 133 CONs in PSS/E order") {
  auto records = readDyd(referenceDyd());
  records.push_back(records[0]);
  records[1].bus_number = 4;
  records[1].id = "2";
  const std::string text = feederlab::io::dyrText(records);
  // Split into records at '/', count whitespace-separated fields.
  std::vector<std::vector<std::string>> fields;
  std::istringstream in(text);
  std::string tok;
  fields.emplace_back();
  while (in >> tok) {
    if (tok == "/") {
      fields.emplace_back();
    } else {
      fields.back().push_back(tok);
    }
  }
  REQUIRE(fields.size() == 3);
  CHECK(fields[2].empty());
  for (int k = 0; k < 2; ++k) {
    const auto& f = fields[k];
    REQUIRE(f.size() == 13 + 133);  // bus 'USRLOD' id 'CMLDBLU2' 12 1 2 133 27 146 48 IT IT2 + CONs
    CHECK(f[1] == "'USRLOD'");
    CHECK(f[3] == "'CMLDBLU2'");
    CHECK(f[7] == "133");
    const auto con = [&](int j) { return std::stod(f[13 + j]); };  // CON(J+j)
    CHECK(con(0) == 50.0);                                         // MVA
    CHECK(con(14) == 30.0);                                        // Tdel
    CHECK(con(21) == 0.3);                                         // FmD
    CHECK(con(37) == 3.0);                                         // MtpA
    CHECK(con(45) == 0.1);                                         // HA
    CHECK(con(56) == 0.1);                                         // Trc2A
    CHECK(con(65) == 0.5);                                         // HB
    CHECK(con(87) == 0.65);                                        // Vtr1C
    CHECK(con(97) == 9999.0);                                      // Tstall
    CHECK(con(98) == 0.3);                                         // Trst
    CHECK(con(103) == 0.55);                                       // Vstall
    CHECK(con(124) == 15.0);                                       // Tth
    CHECK(con(131) == 9999.0);                                     // Ttr2
    CHECK(con(132) == 1.0);                                        // Frcel
  }
  CHECK(fields[0][0] == "3");
  CHECK(fields[1][0] == "4");
  CHECK(fields[1][2] == "'2'");
}
