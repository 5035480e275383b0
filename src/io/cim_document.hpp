// Private to the CIM importer: the parsed RDF/XML document with its identifier index, typed
// attribute access that reports errors with file:line, element class, name and mRID, and the
// shared import context. pugixml stays inside src/io.
#pragma once

#include <pugixml.hpp>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "feederlab/core/error.hpp"
#include "feederlab/model/feeder.hpp"

namespace feederlab::io::cim {

using Node = pugi::xml_node;

class Document {
 public:
  // Reads and parses the file; throws core::InputError when it is unreadable, not well-formed
  // XML, or not an RDF document.
  explicit Document(const std::filesystem::path& file);
  Document(const Document&) = delete;
  Document& operator=(const Document&) = delete;

  const std::string& file() const { return file_; }
  bool isCim16() const { return cim16_; }

  // Objects of one class (local name, e.g. "ACLineSegment"), in document order.
  const std::vector<Node>& objects(std::string_view cls) const;
  Node find(std::string_view id) const;  // null when absent
  // Objects whose reference property `prop` (e.g. "Terminal.ConductingEquipment") points at `target`.
  const std::vector<Node>& referrers(std::string_view prop, Node target) const;
  // AssetInfo objects linked to a resource through CIM16 Asset objects.
  std::vector<Node> assetInfos(Node resource) const;

  static std::string className(Node object);
  std::string idOf(Node object) const;
  std::string nameOf(Node object) const;  // IdentifiedObject.name, "" when absent
  std::string describe(Node object) const;  // Class 'name' (mRID ...)
  core::SourceLocation where(Node object) const;
  [[noreturn]] void fail(Node object, std::string offending, const std::string& message) const;

  // Attribute access by local property name ("Conductor.length").
  Node prop(Node object, std::string_view name) const;
  std::optional<std::string> text(Node object, std::string_view name) const;
  std::optional<double> number(Node object, std::string_view name) const;  // throws on bad text
  double number(Node object, std::string_view name, double fallback) const;
  double requiredNumber(Node object, std::string_view name) const;
  std::optional<int> integer(Node object, std::string_view name) const;
  bool flag(Node object, std::string_view name, bool fallback) const;
  // Enumeration value: the text after the last '.' of the rdf:resource ("...Kind.Y" -> "Y").
  std::string enumValue(Node object, std::string_view name) const;
  // Reference: null when the property is absent; InputError when it does not resolve.
  Node ref(Node object, std::string_view name) const;
  Node requiredRef(Node object, std::string_view name) const;

 private:
  void index();
  int lineOf(Node object) const;
  static std::string normalizeId(std::string_view raw);

  std::string file_;
  std::string buffer_;
  pugi::xml_document doc_;
  std::vector<std::size_t> newlines_;
  bool cim16_ = false;
  std::unordered_map<std::string, Node> by_id_;
  std::map<std::string, std::vector<Node>, std::less<>> by_class_;
  mutable std::map<std::string, std::unordered_map<std::string, std::vector<Node>>, std::less<>>
      inverse_;
};

// Terminals of conducting equipment, in sequence-number order, with their buses.
struct TerminalRef {
  Node node;
  model::BusId bus = model::kNoBus;
};

struct Context {
  const Document& doc;
  model::Feeder& feeder;
  // Equipment id -> its terminals (ordered), built once.
  std::unordered_map<std::string, std::vector<TerminalRef>> terminals;
  int dg_count = 0;  // PV and storage recorded as OtherElement
  // TransformerEnd (PowerTransformerEnd or TransformerTankEnd) -> transformer and winding index.
  std::unordered_map<std::size_t, std::pair<std::size_t, std::size_t>> end_windings;

  // Exactly-or-at-least `count` terminals of the equipment; InputError naming it otherwise.
  const std::vector<TerminalRef>& terminalsOf(Node equipment, std::size_t count) const;
  model::ElementBase base(Node object) const;  // name (lower-case), location
  void setBusBase(model::BusId bus, Node equipment, std::string_view base_voltage_prop);
  model::BusId busOfTerminal(Node terminal) const;  // through Terminal.ConnectivityNode
};

// Topology: buses from ConnectivityNodes and the terminal index.
void buildTopology(Context& ctx);

// Phase codes -> OpenDSS nodes: A,B,C -> 1,2,3; s1,s2 (or CIM16 "1","2") -> 1,2; N -> 0.
// singlePhaseNode returns -1 for a phase that has no node ("s" in CIM16 exports).
int singlePhaseNode(std::string_view kind);
std::vector<int> phaseCodeNodes(std::string_view code);  // in code order, N included as 0

// Element importers (one file each).
void importLines(Context& ctx);
void importSwitches(Context& ctx);
void importTransformers(Context& ctx);
void importRegulators(Context& ctx);  // RatioTapChanger, TapChangerControl (after transformers)
void importLoads(Context& ctx);
void importShunts(Context& ctx);   // capacitors
void importSources(Context& ctx);  // EnergySource
void importGenerators(Context& ctx);  // PV, batteries

}  // namespace feederlab::io::cim
