#include "tiny_feeders.hpp"

namespace feederlab::test {

using model::Feeder;

void addLine(Feeder& f, const std::string& name, const std::string& from, const std::string& to,
             std::vector<int> nodes, bool is_switch) {
  model::Line line;
  line.name = name;
  line.phases = static_cast<int>(nodes.size());
  line.bus1 = {f.addBus(from), nodes};
  line.bus2 = {f.addBus(to), nodes};
  line.impedance.z_per_length = core::CMatrix(nodes.size());
  line.impedance.y_per_length = core::CMatrix(nodes.size());
  for (std::size_t i = 0; i < nodes.size(); ++i) line.impedance.z_per_length(i, i) = {1.0, 2.0};
  line.is_switch = is_switch;
  f.lines.push_back(line);
}

void addLoad(Feeder& f, const std::string& name, const std::string& bus, std::vector<int> nodes, double kw) {
  model::Load load;
  load.name = name;
  load.phases = static_cast<int>(nodes.size());
  nodes.push_back(0);
  load.bus1 = {f.addBus(bus), nodes};
  load.kv = load.phases == 1 ? 7.2 : 12.47;
  load.kw = kw;
  load.kvar = kw * 0.3;
  f.loads.push_back(load);
}

Feeder tinyRadialFeeder() {
  Feeder f;
  f.name = "tiny";
  f.format = "test";
  model::Source src;
  src.name = "source";
  src.bus1 = {f.addBus("src"), {1, 2, 3}};
  src.z1_ohm = {0.1, 1.0};
  src.z0_ohm = {0.3, 3.0};
  f.sources.push_back(src);
  model::Transformer sub;
  sub.name = "sub";
  sub.windings.resize(2);
  sub.windings[0] = {{f.addBus("src"), {1, 2, 3, 0}}, model::Connection::Delta, 115.0, 10000.0};
  sub.windings[1] = {{f.addBus("head"), {1, 2, 3, 0}}, model::Connection::Wye, 12.47, 10000.0};
  sub.xhl_pct = 8.0;
  f.transformers.push_back(sub);
  addLine(f, "l1", "head", "a");
  addLine(f, "l2", "a", "b");
  addLine(f, "sw", "b", "c", {1, 2, 3}, true);
  addLine(f, "lat", "a", "d", {1});
  addLoad(f, "c", "c", {1, 2, 3}, 300.0);
  addLoad(f, "d", "d", {1}, 50.0);
  f.buses[static_cast<std::size_t>(*f.findBus("src"))].kv_base_ll = 115.0;
  for (const char* b : {"head", "a", "b", "c", "d"}) f.buses[static_cast<std::size_t>(*f.findBus(b))].kv_base_ll = 12.47;
  return f;
}

}  // namespace feederlab::test
