// CIM RDF/XML document: parsing, identifier index, attribute access with precise errors.
#include <algorithm>
#include <fstream>
#include <iterator>
#include <sstream>

#include "cim_document.hpp"
#include "feederlab/core/strings.hpp"

namespace feederlab::io::cim {

namespace {

std::string_view localName(std::string_view qualified) {
  const auto colon = qualified.find(':');
  return colon == std::string_view::npos ? qualified : qualified.substr(colon + 1);
}

// rdf:about / rdf:ID, whatever the prefix.
pugi::xml_attribute identifierAttribute(Node object) {
  for (auto attr : object.attributes()) {
    const auto name = localName(attr.name());
    if (name == "about" || name == "ID") return attr;
  }
  return {};
}

pugi::xml_attribute resourceAttribute(Node property) {
  for (auto attr : property.attributes()) {
    if (localName(attr.name()) == "resource") return attr;
  }
  return {};
}

std::string readWholeFile(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw core::InputError({file.string(), 0}, "", "cannot open CIM file");
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) throw core::InputError({file.string(), 0}, "", "cannot read CIM file");
  return content.str();
}

const std::vector<Node> kNoNodes;

}  // namespace

Document::Document(const std::filesystem::path& file) : file_(file.string()) {
  buffer_ = readWholeFile(file);
  for (std::size_t i = 0; i < buffer_.size(); ++i) {
    if (buffer_[i] == '\n') newlines_.push_back(i);
  }
  if (core::trim(buffer_).empty()) throw core::InputError({file_, 0}, "", "empty CIM file");
  const auto result = doc_.load_buffer(buffer_.data(), buffer_.size(),
                                       pugi::parse_default, pugi::encoding_utf8);
  if (!result) {
    const auto offset = static_cast<std::size_t>(std::max<std::ptrdiff_t>(result.offset, 0));
    const auto line = static_cast<int>(
        std::upper_bound(newlines_.begin(), newlines_.end(), offset) - newlines_.begin() + 1);
    const auto end = std::min(buffer_.size(), offset + 40);
    std::string near = offset < buffer_.size() ? buffer_.substr(offset, end - offset) : "";
    for (auto& c : near) {
      if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '?';
    }
    throw core::InputError({file_, line}, near,
                           std::string("malformed XML: ") + result.description());
  }
  const Node root = doc_.document_element();
  if (localName(root.name()) != "RDF") {
    throw core::InputError(where(root), root.name(),
                           "not a CIM RDF/XML document (the root element is not rdf:RDF)");
  }
  index();
}

void Document::index() {
  const Node root = doc_.document_element();
  for (Node object : root.children()) {
    if (object.type() != pugi::node_element) continue;
    by_class_[className(object)].push_back(object);
    const auto id_attr = identifierAttribute(object);
    if (!id_attr) continue;
    if (localName(id_attr.name()) == "ID") cim16_ = true;
    const std::string id = normalizeId(id_attr.value());
    if (id.empty()) fail(object, id_attr.value(), "empty identifier");
    if (!by_id_.emplace(id, object).second) {
      fail(object, id_attr.value(), "duplicate identifier (first defined at line " +
                                        std::to_string(lineOf(by_id_[id])) + ")");
    }
  }
  if (by_class_.find("ConnectivityNode") == by_class_.end()) {
    throw core::InputError({file_, lineOf(root)}, "",
                           "no ConnectivityNode in the CIM file: nothing to import");
  }
}

std::string Document::normalizeId(std::string_view raw) {
  raw = core::trim(raw);
  if (core::istartsWith(raw, "urn:uuid:")) raw.remove_prefix(9);
  const auto hash = raw.rfind('#');
  if (hash != std::string_view::npos) raw.remove_prefix(hash + 1);
  return core::toLower(raw);
}

const std::vector<Node>& Document::objects(std::string_view cls) const {
  const auto it = by_class_.find(cls);
  return it == by_class_.end() ? kNoNodes : it->second;
}

Node Document::find(std::string_view id) const {
  const auto it = by_id_.find(normalizeId(id));
  return it == by_id_.end() ? Node() : it->second;
}

const std::vector<Node>& Document::referrers(std::string_view prop, Node target) const {
  auto it = inverse_.find(prop);
  if (it == inverse_.end()) {
    std::unordered_map<std::string, std::vector<Node>> map;
    for (const auto& [cls, nodes] : by_class_) {
      for (Node object : nodes) {
        for (Node child : object.children()) {
          if (localName(child.name()) != prop) continue;
          const auto res = resourceAttribute(child);
          if (res) map[normalizeId(res.value())].push_back(object);
        }
      }
    }
    it = inverse_.emplace(std::string(prop), std::move(map)).first;
  }
  const auto id_attr = identifierAttribute(target);
  if (!id_attr) return kNoNodes;
  const auto found = it->second.find(normalizeId(id_attr.value()));
  return found == it->second.end() ? kNoNodes : found->second;
}

std::vector<Node> Document::assetInfos(Node resource) const {
  std::vector<Node> infos;
  for (Node asset : referrers("Asset.PowerSystemResources", resource)) {
    if (Node info = ref(asset, "Asset.AssetInfo")) infos.push_back(info);
  }
  return infos;
}

std::string Document::className(Node object) { return std::string(localName(object.name())); }

std::string Document::idOf(Node object) const {
  if (auto mrid = text(object, "IdentifiedObject.mRID"); mrid && !mrid->empty()) return *mrid;
  const auto id_attr = identifierAttribute(object);
  return id_attr ? normalizeId(id_attr.value()) : std::string();
}

std::string Document::nameOf(Node object) const {
  return text(object, "IdentifiedObject.name").value_or("");
}

std::string Document::describe(Node object) const {
  std::string text = className(object);
  const std::string name = nameOf(object);
  if (!name.empty()) text += " '" + name + "'";
  const std::string id = idOf(object);
  if (!id.empty()) text += " (mRID " + id + ")";
  return text;
}

int Document::lineOf(Node object) const {
  const auto offset = object.offset_debug();
  if (offset < 0) return 0;
  return static_cast<int>(std::upper_bound(newlines_.begin(), newlines_.end(),
                                           static_cast<std::size_t>(offset)) -
                          newlines_.begin() + 1);
}

core::SourceLocation Document::where(Node object) const { return {file_, lineOf(object)}; }

void Document::fail(Node object, std::string offending, const std::string& message) const {
  Node owner = object;
  while (owner.parent() && owner.parent() != doc_.document_element() &&
         owner.parent().type() == pugi::node_element) {
    owner = owner.parent();
  }
  std::string text = message;
  if (owner && owner.parent() == doc_.document_element()) text = describe(owner) + ": " + message;
  throw core::InputError(where(object), std::move(offending), text);
}

Node Document::prop(Node object, std::string_view name) const {
  for (Node child : object.children()) {
    if (child.type() == pugi::node_element && localName(child.name()) == name) return child;
  }
  return {};
}

std::optional<std::string> Document::text(Node object, std::string_view name) const {
  const Node p = prop(object, name);
  if (!p) return std::nullopt;
  return std::string(core::trim(p.child_value()));
}

std::optional<double> Document::number(Node object, std::string_view name) const {
  const Node p = prop(object, name);
  if (!p) return std::nullopt;
  double value = 0.0;
  const std::string raw = p.child_value();
  if (!core::parseDouble(raw, value)) {
    fail(p, raw, "bad number in " + std::string(name));
  }
  return value;
}

double Document::number(Node object, std::string_view name, double fallback) const {
  return number(object, name).value_or(fallback);
}

double Document::requiredNumber(Node object, std::string_view name) const {
  const auto value = number(object, name);
  if (!value) fail(object, std::string(name), "missing required attribute " + std::string(name));
  return *value;
}

std::optional<int> Document::integer(Node object, std::string_view name) const {
  const Node p = prop(object, name);
  if (!p) return std::nullopt;
  int value = 0;
  const std::string raw = p.child_value();
  if (!core::parseInt(raw, value)) fail(p, raw, "bad integer in " + std::string(name));
  return value;
}

bool Document::flag(Node object, std::string_view name, bool fallback) const {
  const auto value = text(object, name);
  if (!value) return fallback;
  if (core::iequals(*value, "true") || *value == "1") return true;
  if (core::iequals(*value, "false") || *value == "0") return false;
  fail(prop(object, name), *value, "bad boolean in " + std::string(name));
}

std::string Document::enumValue(Node object, std::string_view name) const {
  const Node p = prop(object, name);
  if (!p) return {};
  const auto res = resourceAttribute(p);
  std::string_view value = res ? std::string_view(res.value()) : core::trim(p.child_value());
  const auto hash = value.rfind('#');
  if (hash != std::string_view::npos) value.remove_prefix(hash + 1);
  const auto dot = value.rfind('.');
  if (dot != std::string_view::npos) value.remove_prefix(dot + 1);
  return std::string(value);
}

Node Document::ref(Node object, std::string_view name) const {
  const Node p = prop(object, name);
  if (!p) return {};
  const auto res = resourceAttribute(p);
  if (!res || core::trim(res.value()).empty()) {
    fail(p, std::string(name), "reference " + std::string(name) + " without rdf:resource");
  }
  const Node target = find(res.value());
  if (!target) {
    fail(p, res.value(), "unresolved reference " + std::string(name));
  }
  return target;
}

Node Document::requiredRef(Node object, std::string_view name) const {
  const Node target = ref(object, name);
  if (!target) {
    fail(object, std::string(name), "missing required reference " + std::string(name));
  }
  return target;
}

}  // namespace feederlab::io::cim
