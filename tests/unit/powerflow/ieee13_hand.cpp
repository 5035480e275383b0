// IEEE 13-node feeder transcribed from ../shared/feeders/ieee13/opendss/IEEE13Nodeckt.dss, so the
// power flow can be checked against OpenDSS without the importer.
#include "pf_test_support.hpp"

namespace feederlab::test {

namespace {

struct Code {
  std::size_t n;
  std::vector<double> r, x, c;
};

const std::map<std::string, Code>& codes() {
  static const std::map<std::string, Code> m = {
      {"601",
       {3, {0.3465, 0.1560, 0.3375, 0.1580, 0.1535, 0.3414}, {1.0179, 0.5017, 1.0478, 0.4236, 0.3849, 1.0348}, {}}},
      {"602",
       {3, {0.7526, 0.1580, 0.7475, 0.1560, 0.1535, 0.7436}, {1.1814, 0.4236, 1.1983, 0.5017, 0.3849, 1.2112}, {}}},
      {"603", {2, {1.3238, 0.2066, 1.3294}, {1.3569, 0.4591, 1.3471}, {}}},
      {"604", {2, {1.3238, 0.2066, 1.3294}, {1.3569, 0.4591, 1.3471}, {}}},
      {"605", {1, {1.3292}, {1.3475}, {}}},
      {"606",
       {3,
        {0.791721, 0.318476, 0.781649, 0.28345, 0.318476, 0.791721},
        {0.438352, 0.0276838, 0.396697, -0.0184204, 0.0276838, 0.438352},
        {383.948, 0, 383.948, 0, 0, 383.948}}},
      {"607", {1, {1.3425}, {0.5124}, {236}}},
  };
  return m;
}

void addLine(model::Feeder& f, const std::string& name, const std::string& b1, const std::string& b2,
             std::vector<int> nodes, const std::string& code, double feet) {
  const Code& c = codes().at(code);
  model::Line l;
  l.name = name;
  l.phases = static_cast<int>(c.n);
  l.bus1 = term(f, b1, nodes);
  l.bus2 = term(f, b2, nodes);
  l.length = feet / 5280.0;
  l.length_unit = core::LengthUnit::Mile;
  l.impedance.z_per_length = lowerTri(c.n, c.r, c.x);
  l.impedance.y_per_length = c.c.empty() ? core::CMatrix(c.n) : shuntFromC(c.n, c.c);
  f.lines.push_back(l);
}

model::Winding winding(model::Terminal t, model::Connection conn, double kv, double kva, double r_pct) {
  model::Winding w;
  w.terminal = std::move(t);
  w.conn = conn;
  w.kv = kv;
  w.kva = kva;
  w.r_pct = r_pct;
  return w;
}

void addLoad(model::Feeder& f, const std::string& name, const std::string& bus, std::vector<int> nodes, int phases,
             model::Connection conn, model::LoadModel lm, double kv, double kw, double kvar) {
  model::Load l;
  l.name = name;
  l.phases = phases;
  l.conn = conn;
  if (conn == model::Connection::Wye) nodes.push_back(0);
  l.bus1 = term(f, bus, nodes);
  l.model = lm;
  l.kv = kv;
  l.kw = kw;
  l.kvar = kvar;
  f.loads.push_back(l);
}

void addSourceAndTransformers(model::Feeder& f) {
  using model::Connection;
  model::Source s;
  s.name = "source";
  s.bus1 = term(f, "sourcebus", {1, 2, 3});
  s.base_kv = 115;
  s.pu = 1.0001;
  s.angle_deg = 30;
  setShortCircuit(s, 20000, 21000);
  f.sources.push_back(s);

  model::Transformer sub;
  sub.name = "sub";
  sub.windings = {winding(term(f, "sourcebus", {1, 2, 3, 0}), Connection::Delta, 115, 5000, 0.0005),
                  winding(term(f, "650", {1, 2, 3, 0}), Connection::Wye, 4.16, 5000, 0.0005)};
  sub.xhl_pct = 0.008;
  f.transformers.push_back(sub);
  const double taps[3] = {1.0625, 1.05, 1.06875};
  for (int ph = 1; ph <= 3; ++ph) {
    model::Transformer reg;
    reg.name = "reg" + std::to_string(ph);
    reg.phases = 1;
    reg.bank = "reg1";
    reg.xhl_pct = 0.01;
    reg.pct_loadloss = 0.01;
    reg.windings = {winding(term(f, "650", {ph, 0}), Connection::Wye, 2.4, 1666, 0.005),
                    winding(term(f, "rg60", {ph, 0}), Connection::Wye, 2.4, 1666, 0.005)};
    reg.windings[1].tap = taps[ph - 1];
    reg.is_regulator = true;
    f.transformers.push_back(reg);
    model::RegControl rc;
    rc.name = reg.name;
    rc.transformer = reg.name;
    rc.winding = 2;
    rc.vreg = 122;
    rc.band = 2;
    rc.pt_ratio = 20;
    rc.ct_primary = 700;
    rc.r_ldc = 3;
    rc.x_ldc = 9;
    f.regcontrols.push_back(rc);
  }
  model::Transformer xfm1;
  xfm1.name = "xfm1";
  xfm1.xhl_pct = 2;
  xfm1.windings = {winding(term(f, "633", {1, 2, 3, 0}), Connection::Wye, 4.16, 500, 0.55),
                   winding(term(f, "634", {1, 2, 3, 0}), Connection::Wye, 0.48, 500, 0.55)};
  f.transformers.push_back(xfm1);
}

void addLoadsAndCapacitors(model::Feeder& f) {
  using model::Connection;
  using model::LoadModel;
  addLoad(f, "671", "671", {1, 2, 3}, 3, Connection::Delta, LoadModel::ConstPQ, 4.16, 1155, 660);
  addLoad(f, "634a", "634", {1}, 1, Connection::Wye, LoadModel::ConstPQ, 0.277, 160, 110);
  addLoad(f, "634b", "634", {2}, 1, Connection::Wye, LoadModel::ConstPQ, 0.277, 120, 90);
  addLoad(f, "634c", "634", {3}, 1, Connection::Wye, LoadModel::ConstPQ, 0.277, 120, 90);
  addLoad(f, "645", "645", {2}, 1, Connection::Wye, LoadModel::ConstPQ, 2.4, 170, 125);
  addLoad(f, "646", "646", {2, 3}, 1, Connection::Delta, LoadModel::ConstZ, 4.16, 230, 132);
  addLoad(f, "692", "692", {3, 1}, 1, Connection::Delta, LoadModel::ConstI, 4.16, 170, 151);
  addLoad(f, "675a", "675", {1}, 1, Connection::Wye, LoadModel::ConstPQ, 2.4, 485, 190);
  addLoad(f, "675b", "675", {2}, 1, Connection::Wye, LoadModel::ConstPQ, 2.4, 68, 60);
  addLoad(f, "675c", "675", {3}, 1, Connection::Wye, LoadModel::ConstPQ, 2.4, 290, 212);
  addLoad(f, "611", "611", {3}, 1, Connection::Wye, LoadModel::ConstI, 2.4, 170, 80);
  addLoad(f, "652", "652", {1}, 1, Connection::Wye, LoadModel::ConstZ, 2.4, 128, 86);
  addLoad(f, "670a", "670", {1}, 1, Connection::Wye, LoadModel::ConstPQ, 2.4, 17, 10);
  addLoad(f, "670b", "670", {2}, 1, Connection::Wye, LoadModel::ConstPQ, 2.4, 66, 38);
  addLoad(f, "670c", "670", {3}, 1, Connection::Wye, LoadModel::ConstPQ, 2.4, 117, 68);

  model::Capacitor cap1;
  cap1.name = "cap1";
  cap1.bus1 = term(f, "675", {1, 2, 3, 0});
  cap1.kv = 4.16;
  cap1.kvar = {600};
  f.capacitors.push_back(cap1);
  model::Capacitor cap2;
  cap2.name = "cap2";
  cap2.phases = 1;
  cap2.bus1 = term(f, "611", {3, 0});
  cap2.kv = 2.4;
  cap2.kvar = {100};
  f.capacitors.push_back(cap2);
}

void addLines(model::Feeder& f) {
  addLine(f, "650632", "rg60", "632", {1, 2, 3}, "601", 2000);
  addLine(f, "632670", "632", "670", {1, 2, 3}, "601", 667);
  addLine(f, "670671", "670", "671", {1, 2, 3}, "601", 1333);
  addLine(f, "671680", "671", "680", {1, 2, 3}, "601", 1000);
  addLine(f, "632633", "632", "633", {1, 2, 3}, "602", 500);
  addLine(f, "632645", "632", "645", {3, 2}, "603", 500);
  addLine(f, "645646", "645", "646", {3, 2}, "603", 300);
  addLine(f, "692675", "692", "675", {1, 2, 3}, "606", 500);
  addLine(f, "671684", "671", "684", {1, 3}, "604", 300);
  addLine(f, "684611", "684", "611", {3}, "605", 300);
  addLine(f, "684652", "684", "652", {1}, "607", 800);
  model::Line sw;
  sw.name = "671692";
  sw.is_switch = true;
  sw.bus1 = term(f, "671", {1, 2, 3});
  sw.bus2 = term(f, "692", {1, 2, 3});
  sw.length = 0.001;
  sw.impedance.z_per_length = lowerTri(3, {1e-4, 0, 1e-4, 0, 0, 1e-4}, {});
  sw.impedance.y_per_length = core::CMatrix(3);
  f.lines.push_back(sw);
}

}  // namespace

model::Feeder ieee13Hand() {
  model::Feeder f;
  f.name = "ieee13nodeckt";
  addSourceAndTransformers(f);
  addLoadsAndCapacitors(f);
  addLines(f);
  f.settings.voltage_bases_kv = {115, 4.16, 0.48};
  f.settings.controls_off = true;
  for (auto& b : f.buses) b.kv_base_ll = b.name == "sourcebus" ? 115.0 : b.name == "634" ? 0.48 : 4.16;
  return f;
}

}  // namespace feederlab::test
