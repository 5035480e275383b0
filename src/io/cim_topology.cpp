// Buses from ConnectivityNodes, the terminal index, phase-code parsing, element bases.
#include <algorithm>
#include <cctype>

#include "cim_document.hpp"
#include "feederlab/core/strings.hpp"

namespace feederlab::io::cim {

namespace {

std::string nodeKey(Node node) { return std::to_string(node.hash_value()); }

// "_T2" style suffix of CIM16 terminal names (they carry no sequence number).
int sequenceFromName(const std::string& name) {
  const auto pos = name.rfind("_T");
  if (pos == std::string::npos || pos + 2 >= name.size()) return 0;
  int value = 0;
  return core::parseInt(std::string_view(name).substr(pos + 2), value) ? value : 0;
}

}  // namespace

int singlePhaseNode(std::string_view kind) {
  if (kind == "A") return 1;
  if (kind == "B") return 2;
  if (kind == "C") return 3;
  if (kind == "N") return 0;
  if (kind == "s1" || kind == "1") return 1;
  if (kind == "s2" || kind == "2") return 2;
  return -1;
}

std::vector<int> phaseCodeNodes(std::string_view code) {
  std::vector<int> nodes;
  for (std::size_t i = 0; i < code.size(); ++i) {
    const char c = code[i];
    if (c == 'A') nodes.push_back(1);
    else if (c == 'B') nodes.push_back(2);
    else if (c == 'C') nodes.push_back(3);
    else if (c == 'N') nodes.push_back(0);
    else if (c == 's' && i + 1 < code.size() && (code[i + 1] == '1' || code[i + 1] == '2')) {
      // s1, s2 and s12 (both legs)
      nodes.push_back(code[i + 1] - '0');
      ++i;
      if (i + 1 < code.size() && code[i] == '1' && code[i + 1] == '2') {
        nodes.push_back(2);
        ++i;
      }
    }
  }
  return nodes;
}

void buildTopology(Context& ctx) {
  const Document& doc = ctx.doc;
  struct Entry {
    int sequence;
    std::size_t order;
    TerminalRef ref;
  };
  std::unordered_map<std::string, std::vector<Entry>> entries;
  std::size_t order = 0;
  for (Node terminal : doc.objects("Terminal")) {
    const Node equipment = doc.requiredRef(terminal, "Terminal.ConductingEquipment");
    const Node cn = doc.ref(terminal, "Terminal.ConnectivityNode");
    if (!cn) doc.fail(terminal, "", "terminal is not connected to a ConnectivityNode");
    const std::string bus_name = core::toLower(doc.nameOf(cn));
    if (bus_name.empty()) doc.fail(cn, "", "ConnectivityNode without IdentifiedObject.name");
    const model::BusId bus = ctx.feeder.addBus(bus_name);
    int sequence = doc.integer(terminal, "ACDCTerminal.sequenceNumber").value_or(0);
    if (sequence == 0) sequence = sequenceFromName(doc.nameOf(terminal));
    entries[nodeKey(equipment)].push_back({sequence, order++, {terminal, bus}});
  }
  for (auto& [key, list] : entries) {
    std::stable_sort(list.begin(), list.end(), [](const Entry& a, const Entry& b) {
      return a.sequence != b.sequence ? a.sequence < b.sequence : a.order < b.order;
    });
    auto& refs = ctx.terminals[key];
    for (const auto& e : list) refs.push_back(e.ref);
  }
  // Buses that no terminal touches still belong to the feeder.
  for (Node cn : doc.objects("ConnectivityNode")) {
    const std::string bus_name = core::toLower(doc.nameOf(cn));
    if (bus_name.empty()) doc.fail(cn, "", "ConnectivityNode without IdentifiedObject.name");
    ctx.feeder.addBus(bus_name);
  }
}

const std::vector<TerminalRef>& Context::terminalsOf(Node equipment, std::size_t count) const {
  static const std::vector<TerminalRef> kNone;
  const auto it = terminals.find(nodeKey(equipment));
  const auto& list = it == terminals.end() ? kNone : it->second;
  if (list.size() < count) {
    doc.fail(equipment, "",
             "needs " + std::to_string(count) + " terminal(s), the file gives " +
                 std::to_string(list.size()));
  }
  return list;
}

model::ElementBase Context::base(Node object) const {
  model::ElementBase base;
  base.name = core::toLower(doc.nameOf(object));
  if (base.name.empty()) doc.fail(object, "", "missing required attribute IdentifiedObject.name");
  base.location = doc.where(object);
  return base;
}

void Context::setBusBase(model::BusId bus, Node equipment, std::string_view base_voltage_prop) {
  if (bus == model::kNoBus) return;
  auto& b = feeder.buses[static_cast<std::size_t>(bus)];
  if (b.kv_base_ll > 0.0) return;
  const Node base_voltage = doc.ref(equipment, base_voltage_prop);
  if (!base_voltage) return;
  b.kv_base_ll = doc.requiredNumber(base_voltage, "BaseVoltage.nominalVoltage") / 1000.0;
}

model::BusId Context::busOfTerminal(Node terminal) const {
  const Node cn = doc.ref(terminal, "Terminal.ConnectivityNode");
  if (!cn) doc.fail(terminal, "", "terminal is not connected to a ConnectivityNode");
  const auto bus = feeder.findBus(core::toLower(doc.nameOf(cn)));
  if (!bus) doc.fail(cn, doc.nameOf(cn), "ConnectivityNode not indexed");
  return *bus;
}

}  // namespace feederlab::io::cim
