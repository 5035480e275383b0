// OpenDSS script semantics on small hand-written scripts.
#include <doctest/doctest.h>

#include <cmath>

#include "feederlab/core/error.hpp"
#include "feederlab/io/import.hpp"
#include "test_dss_support.hpp"

using namespace feederlab;
using test::byName;
using test::importText;
using test::kCircuit;

TEST_CASE("dss continuation - comments - CRLF - tabs and block comments") {
  const auto f = importText(std::string(kCircuit) +
                            "New Load.a bus1=b.1 phases=1 kV=7.2\r\n"
                            "~ kW=10 ! trailing comment\r\n"
                            "more kvar=3 // another\r\n"
                            "/* block\n New Load.ghost bus1=x kW=99\n*/\n"
                            "New\tLoad.b\tbus1=b.2\tphases=1\tkV=7.2\tkW=5\tpf=1\n");
  REQUIRE(f.loads.size() == 2);
  const auto& a = byName(f.loads, "a");
  CHECK(a.kw == doctest::Approx(10.0));
  CHECK(a.kvar == doctest::Approx(3.0));
  CHECK(byName(f.loads, "b").kvar == doctest::Approx(0.0));
}

TEST_CASE("dss property prefixes - positional values and like=") {
  const auto f = importText(std::string(kCircuit) +
                            "New Load.a bus=b.1 phases=1 kV=7.2 kW=10 pf=0.9 mode=4\n"
                            "New Load.b like=a kW=20\n"
                            "New Line.l1 b 2 length=1 R1=1 2 3 4 C1=0 C0=0\n"
                            "New Line.l2 bus1=b bus2=3 units=kft nphase=3\n");
  const auto& a = byName(f.loads, "a");
  CHECK(a.model == model::LoadModel::Cvr);
  CHECK(f.bus_index.count("b") == 1);
  const auto& b = byName(f.loads, "b");
  CHECK(b.model == model::LoadModel::Cvr);
  CHECK(b.kw == doctest::Approx(20.0));
  CHECK(b.kvar == doctest::Approx(20.0 * std::sqrt(1.0 / 0.81 - 1.0)));
  const auto& l1 = byName(f.lines, "l1");  // positional: r1=1 x1=2 r0=3 x0=4
  REQUIRE(l1.impedance.sequence);
  CHECK(l1.impedance.sequence->x1 == doctest::Approx(2.0));
  CHECK(l1.impedance.sequence->x0 == doctest::Approx(4.0));
  CHECK(f.buses[static_cast<std::size_t>(l1.bus2.bus)].name == "2");
  CHECK(test::hasWarning(f, "unknown-property"));  // nphase is not a Line property
}

TEST_CASE("dss shorthand edits - BatchEdit and Set") {
  const auto f = importText(std::string(kCircuit) +
                            "New Transformer.reg1a phases=1 buses=[x.1 y.1] kvs=[7.2 7.2] kvas=[100 100]\n"
                            "Transformer.reg1a.wdg=2 Tap=(0.00625 7 * 1 +)\n"
                            "New Load.x bus1=y.1 phases=1 kV=7.2 xfkVA=100 pf=0.9\n"
                            "Load.x.AllocationFactor=0.5\n"
                            "New Load.y bus1=y.1 phases=1 kV=7.2 kW=1\n"
                            "BatchEdit Load..* Vminpu=0.85\n"
                            "Set loadmult=1.5 controlmode=off maxiter=30 earthmodel=carson\n");
  const auto& t = byName(f.transformers, "reg1a");
  CHECK(t.windings[1].tap == doctest::Approx(1.04375));
  CHECK(t.windings[0].tap == doctest::Approx(1.0));
  const auto& x = byName(f.loads, "x");
  CHECK(x.kw == doctest::Approx(100 * 0.5 * 0.9));
  CHECK(x.vminpu == doctest::Approx(0.85));
  CHECK(byName(f.loads, "y").vminpu == doctest::Approx(0.85));
  CHECK(f.settings.load_mult == doctest::Approx(1.5));
  CHECK(f.settings.controls_off);
  CHECK(f.settings.max_iterations == 30);
  CHECK(f.settings.earth_model == "carson");
}

TEST_CASE("dss load kW/kvar/pf/kVA/xfkVA/AllocationFactor: the last spec decides") {
  const auto f = importText(std::string(kCircuit) +
                            "New Load.kwpf bus1=b kV=12.47 kW=100 pf=0.8\n"
                            "New Load.kwkvar bus1=b kV=12.47 kW=100 kvar=30 pf=0.8\n"
                            "New Load.pfkvar bus1=b kV=12.47 kvar=30 kW=100 pf=0.8\n"
                            "New Load.kva bus1=b kV=12.47 kVA=(2475) pf=0.95\n"
                            "New Load.lead bus1=b kV=12.47 kW=5000 pf=-0.98\n"
                            "New Load.alloc bus1=b kV=12.47 kW=7 xfkVA=50 pf=0.9\n"
                            "Load.alloc.AllocationFactor=0.4\n"
                            "New Load.kwlast bus1=b kV=12.47 xfkVA=50 AllocationFactor=1 kW=7\n"
                            "New Load.noxf bus1=b kV=12.47 xfkVA=0 pf=0.98\n");
  CHECK(byName(f.loads, "kwpf").kvar == doctest::Approx(75.0));
  CHECK(byName(f.loads, "kwkvar").kvar == doctest::Approx(30.0));  // kvar stays: spec kW+kvar
  CHECK(byName(f.loads, "pfkvar").kvar == doctest::Approx(75.0));  // kW last: kW+pf
  CHECK(byName(f.loads, "kva").kw == doctest::Approx(2475 * 0.95));
  CHECK(byName(f.loads, "lead").kvar == doctest::Approx(-5000 * std::sqrt(1 / (0.98 * 0.98) - 1)));
  CHECK(byName(f.loads, "alloc").kw == doctest::Approx(50 * 0.4 * 0.9));
  CHECK(byName(f.loads, "kwlast").kw == doctest::Approx(7.0));
  // xfkVA=0: OpenDSS keeps the default 10 kW (ComputeAllocatedLoad needs xfkVA > 0).
  CHECK(byName(f.loads, "noxf").kw == doctest::Approx(10.0));
  CHECK_THROWS_AS(importText(std::string(kCircuit) + "New Load.bad bus1=b kW=1 pf=1.5\n"),
                  core::ModelError);
}

TEST_CASE("dss switch=yes: earlier impedances are overwritten - later ones win") {
  const auto f = importText(std::string(kCircuit) +
                            "New Line.before bus1=a bus2=b r1=0.5 x1=0.5 switch=yes\n"
                            "New Line.after bus1=a bus2=c switch=yes r1=1e-4 r0=1e-4 x1=0 x0=0 c1=0 c0=0\n"
                            "New Line.open bus1=a bus2=d switch=y enabled=false\n");
  const auto& before = byName(f.lines, "before");
  CHECK(before.is_switch);
  CHECK(before.length == doctest::Approx(0.001));
  CHECK(before.length_unit == core::LengthUnit::None);
  CHECK(before.impedance.sequence->r1 == doctest::Approx(1.0));
  CHECK(before.impedance.sequence->c1_nf == doctest::Approx(1.1));
  const auto& after = byName(f.lines, "after");
  CHECK(after.impedance.sequence->r1 == doctest::Approx(1e-4));
  CHECK(after.impedance.sequence->x1 == doctest::Approx(0.0));
  CHECK(after.totalZ()(0, 0).real() == doctest::Approx(1e-7));
  const auto& open = byName(f.lines, "open");
  CHECK(open.open);
  CHECK_FALSE(open.enabled);
}

TEST_CASE("dss line units and line codes convert as OpenDSS does") {
  const auto f = importText(std::string(kCircuit) +
                            "New linecode.mtx601 nphases=3 rmatrix=(0.3465 | 0.1560 0.3375 | 0.1580 0.1535 0.3414)\n"
                            "~ xmatrix=(1.0179 | 0.5017 1.0478 | 0.4236 0.3849 1.0348) units=mi\n"
                            "New Line.ft bus1=a bus2=b linecode=mtx601 length=2000 units=ft\n"
                            "New Line.none bus1=a bus2=c linecode=mtx601 length=0.5\n"
                            "New Line.seq bus1=a bus2=d r1=0.3 x1=0.6 r0=0.9 x0=1.8 c1=10 c0=5 units=km length=2\n");
  const auto& ft = byName(f.lines, "ft");
  CHECK(ft.length_unit == core::LengthUnit::Foot);
  CHECK(ft.totalZ()(0, 0).real() == doctest::Approx(0.3465 * 2000 / 5280));
  CHECK(ft.totalZ()(2, 1).imag() == doctest::Approx(0.3849 * 2000 / 5280));
  // No cmatrix: OpenDSS keeps the default C1=3.4, C0=1.6 nF per unit length.
  const double w = 2 * 3.14159265358979 * 60;
  CHECK(ft.totalY()(0, 0).imag() == doctest::Approx(w * (2 * 3.4 + 1.6) / 3 * 1e-9 * 2000 / 5280));
  const auto& none = byName(f.lines, "none");
  CHECK(none.length_unit == core::LengthUnit::Mile);
  CHECK(none.totalZ()(0, 0).real() == doctest::Approx(0.3465 * 0.5));
  const auto& seq = byName(f.lines, "seq");
  CHECK(seq.length_unit == core::LengthUnit::Km);
  CHECK(seq.totalZ()(0, 0).real() == doctest::Approx((2 * 0.3 + 0.9) / 3 * 2));
  CHECK(seq.totalZ()(0, 1).imag() == doctest::Approx((1.8 - 0.6) / 3 * 2));
  CHECK(seq.totalY()(0, 0).imag() == doctest::Approx(w * (2 * 10 + 5) / 3 * 1e-9 * 2));
}

TEST_CASE("dss Vsource impedance: MVAsc3/MVAsc1 and ohms") {
  const auto f = importText("Clear\nNew Circuit.c basekv=115 pu=1.0001 angle=30 MVAsc3=20000 MVASC1=21000\n");
  REQUIRE(f.sources.size() == 1);
  const auto& s = f.sources[0];
  // Hand computation (X1/R1=4, X0/R0=3): X1 = kV^2/MVAsc3/sqrt(1+1/16), R1 = X1/4, and the
  // quadratic for R0 makes |2 Z1 + Z0| = 3 kV^2 / MVAsc1.
  CHECK(s.z1_ohm.real() == doctest::Approx(0.160376682));
  CHECK(s.z1_ohm.imag() == doctest::Approx(0.641506728));
  CHECK(s.z0_ohm.real() == doctest::Approx(0.179603583));
  CHECK(s.z0_ohm.imag() == doctest::Approx(0.538810749));
  CHECK(std::abs(2.0 * s.z1_ohm + s.z0_ohm) == doctest::Approx(3 * 115.0 * 115.0 / 21000));
  CHECK(s.angle_deg == doctest::Approx(30.0));
  CHECK(f.buses[static_cast<std::size_t>(s.bus1.bus)].name == "sourcebus");
  const auto g = importText("Clear\nNew Circuit.c basekv=69 bus1=S R1=1.376 X1=14.257 R0=0.001 X0=8.203\n");
  CHECK(g.sources[0].z1_ohm == core::Complex(1.376, 14.257));
  CHECK(g.sources[0].z0_ohm == core::Complex(0.001, 8.203));
  CHECK(g.sources[0].mvasc3 == doctest::Approx(69.0 * 69.0 / std::abs(core::Complex(1.376, 14.257))));
}

TEST_CASE("dss transformers: windings - arrays - losses and center-tap service transformers") {
  const auto f = importText(std::string(kCircuit) +
                            "New Transformer.sub phases=3 windings=2 XHL=(8 1000 /)\n"
                            "~ wdg=1 bus=src conn=delta kv=115 kva=5000 %r=(.5 1000 /)\n"
                            "~ wdg=2 bus=650 conn=wye kv=4.16 kva=5000 %r=(.5 1000 /)\n"
                            "New XfmrCode.CT5 phases=1 windings=3 kvs=[7.2 0.12 0.12] kVAs=[5 5 5] %imag=0.5\n"
                            "~ %Rs=[0.6 1.2 1.2] %noloadloss=.2 Xhl=2.04 Xht=2.04 Xlt=1.36\n"
                            "New Transformer.ct XfmrCode=CT5 buses=[650.2 house.1.0 house.0.2]\n"
                            "New Transformer.ll phases=1 buses=[650.1 y.1] kvs=[2.4 2.4] kvas=[100 100] %LoadLoss=0.01 X12=1\n");
  const auto& sub = byName(f.transformers, "sub");
  CHECK(sub.xhl_pct == doctest::Approx(0.008));
  CHECK(sub.windings[0].conn == model::Connection::Delta);
  CHECK(sub.windings[1].r_pct == doctest::Approx(0.0005));
  CHECK(sub.windings[1].terminal.nodes == std::vector<int>{1, 2, 3, 0});
  const auto& ct = byName(f.transformers, "ct");
  REQUIRE(ct.windings.size() == 3);
  CHECK(ct.xfmrcode == "ct5");
  CHECK(ct.windings[0].terminal.nodes == std::vector<int>{2, 0});
  CHECK(ct.windings[1].terminal.nodes == std::vector<int>{1, 0});
  CHECK(ct.windings[2].terminal.nodes == std::vector<int>{0, 2});
  CHECK(ct.windings[2].r_pct == doctest::Approx(1.2));
  CHECK(ct.xht_pct == doctest::Approx(2.04));
  CHECK(ct.xlt_pct == doctest::Approx(1.36));
  CHECK(ct.pct_imag == doctest::Approx(0.5));
  const auto& ll = byName(f.transformers, "ll");
  CHECK(ll.pct_loadloss == doctest::Approx(0.01));
  CHECK(ll.windings[0].r_pct == doctest::Approx(0.005));
  CHECK(ll.xhl_pct == doctest::Approx(1.0));
}

TEST_CASE("dss Redirect resolves file names case-insensitively - extra commands run last") {
  const auto master = test::writeScript("redirect", "Master.dss",
                                        std::string(kCircuit) + "Redirect SUB/loads.DSS\n"
                                                                "Set voltagebases=[12.47]\nCalcv\n");
  std::filesystem::create_directories(master.parent_path() / "sub");
  std::ofstream(master.parent_path() / "sub" / "Loads.dss") << "New Load.x bus1=src kW=10 pf=1\n";
  io::DssImportOptions options;
  options.extra_commands = {"Load.x.kW=20", "Set loadmult=2"};
  const auto f = io::importDss(master, options);
  CHECK(byName(f.loads, "x").kw == doctest::Approx(20.0));
  CHECK(model::totalLoad(f).first == doctest::Approx(40.0));
  CHECK(f.buses[0].kv_base_ll == doctest::Approx(12.47));
  CHECK(f.source_files.size() == 2);
}

TEST_CASE("importFeeder: format detection and not-yet-supported formats") {
  const auto master = test::writeScript("detect", "feeder.dss", std::string(kCircuit));
  CHECK(io::detectFormat(master) == "dss");
  CHECK(io::importFeeder(master).sources.size() == 1);
  CHECK(io::detectFormat(master.parent_path()) == "csv");
  const auto xml = master.parent_path() / "model.xml";
  std::ofstream(xml) << "<?xml version=\"1.0\"?><rdf:RDF/>";
  CHECK(io::detectFormat(xml) == "cim");
  CHECK_THROWS_AS(io::importFeeder(xml), core::InputError);
  CHECK_THROWS_AS(io::importFeeder(master.parent_path()), core::InputError);
  CHECK_THROWS_AS(io::importFeeder(master, "shp"), core::InputError);
  CHECK_THROWS_AS(io::importFeeder(master.parent_path() / "missing.dss"), core::InputError);
}
