// OpenDSS script execution: reading files line by line and the object commands
// (New, Edit, ~/More, Class.name.property=value, BatchEdit, Enable/Disable, Open/Close).
#include "feederlab/io/dss_interpreter.hpp"

#include <fstream>
#include <regex>
#include <sstream>

#include "feederlab/core/strings.hpp"

namespace feederlab::io::dss {

namespace fs = std::filesystem;

void Workspace::clearCircuit() {
  sources.clear();
  lines.clear();
  transformers.clear();
  regcontrols.clear();
  capacitors.clear();
  capcontrols.clear();
  reactors.clear();
  loads.clear();
  others.clear();
  coords.clear();
  kv_bases.clear();
  calc_voltage_bases_at = -1;
  has_circuit = false;
}

void Workspace::clearAll() {
  clearCircuit();
  linecodes.clear();
  wires.clear();
  cndata.clear();
  tsdata.clear();
  spacings.clear();
  geometries.clear();
  xfmrcodes.clear();
  settings = ScriptSettings{};
  circuit_name.clear();
}

void EditEnv::warn(const std::string& code, const std::string& message) const {
  if (ws.diagnostics) ws.diagnostics->warn(code, element, where.location(), message);
}

Interpreter::Interpreter(Workspace& ws, core::Diagnostics& diagnostics)
    : ws_(ws), diag_(diagnostics) {
  ws_.diagnostics = &diag_;
}

void Interpreter::runFile(const fs::path& path, const Where& from) {
  if (depth_ > 32) fail(from, path.string(), "Redirect/Compile nesting deeper than 32 files");
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(from, path.string(), "cannot open file");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  if (depth_ == 0) cwd_ = path.parent_path();
  file_names_.push_back(path.string());
  files_read_.push_back(path.string());
  const std::string* name = &file_names_.back();
  ++depth_;
  try {
    runText(text, name);
  } catch (...) {
    --depth_;
    throw;
  }
  --depth_;
}

void Interpreter::runCommand(std::string_view line, const std::string& source, int line_number) {
  file_names_.push_back(source);
  execute(line, Where{&file_names_.back(), line_number});
}

void Interpreter::runText(const std::string& text, const std::string* file) {
  std::string_view all(text);
  if (all.substr(0, 3) == "\xEF\xBB\xBF") all.remove_prefix(3);
  int line_number = 0;
  bool in_block_comment = false;
  std::size_t pos = 0;
  while (pos < all.size()) {
    std::size_t end = all.find_first_of("\r\n", pos);
    if (end == std::string_view::npos) end = all.size();
    const std::string_view line = all.substr(pos, end - pos);
    ++line_number;
    pos = end;
    if (pos < all.size() && all[pos] == '\r') ++pos;
    if (pos < all.size() && all[pos] == '\n' && (pos == end || all[pos - 1] == '\r')) ++pos;
    const std::string_view trimmed = core::trim(line);
    if (in_block_comment) {
      if (trimmed.find("*/") != std::string_view::npos) in_block_comment = false;
      continue;
    }
    if (trimmed.substr(0, 2) == "/*") {
      in_block_comment = trimmed.find("*/", 2) == std::string_view::npos;
      continue;
    }
    execute(trimmed, Where{file, line_number});
  }
}

void Interpreter::execute(std::string_view line, const Where& where) {
  ++sequence_;
  std::string_view s = core::trim(stripComment(core::trim(line)));
  if (s.empty()) return;
  if (s[0] == '~') {
    ParamLexer lex(s.substr(1), where);
    editObject(active_, lex, where);
    return;
  }
  ParamLexer lex(s, where);
  Param first;
  if (!lex.next(first)) return;
  if (!first.name.empty()) {
    cmdShorthand(first.name, first.value, lex, where);
    return;
  }
  dispatch(first.value.text, lex, where);
}

bool Interpreter::resolveObject(std::string_view spec, const Where& where, ClassId& cls,
                                std::string& cls_name, std::string& name) {
  spec = core::trim(spec);
  const std::size_t dot = spec.find('.');
  if (dot == std::string_view::npos) {
    if (last_class_ == ClassId::None) fail(where, spec, "object name without a class");
    cls = last_class_;
    cls_name = last_class_name_;
    name = lower(spec);
  } else {
    cls_name = lower(spec.substr(0, dot));
    name = lower(spec.substr(dot + 1));
    cls = classFromName(cls_name);
  }
  if (name.empty()) fail(where, spec, "object name missing");
  if (cls == ClassId::None) {
    diag_.warn("unknown-class", cls_name + "." + name, where.location(),
               "unknown OpenDSS class '" + cls_name + "'; the object is ignored");
    return false;
  }
  return true;
}

Interpreter::Active Interpreter::findObject(ClassId cls, const std::string& cls_name,
                                            const std::string& name) const {
  int id = -1;
  switch (cls) {
    case ClassId::Vsource: id = ws_.sources.find(cls_name == "circuit" ? "source" : name); break;
    case ClassId::LineCode: id = ws_.linecodes.find(name); break;
    case ClassId::Line: id = ws_.lines.find(name); break;
    case ClassId::WireData: id = ws_.wires.find(name); break;
    case ClassId::CNData: id = ws_.cndata.find(name); break;
    case ClassId::TSData: id = ws_.tsdata.find(name); break;
    case ClassId::LineSpacing: id = ws_.spacings.find(name); break;
    case ClassId::LineGeometry: id = ws_.geometries.find(name); break;
    case ClassId::XfmrCode: id = ws_.xfmrcodes.find(name); break;
    case ClassId::Transformer: id = ws_.transformers.find(name); break;
    case ClassId::RegControl: id = ws_.regcontrols.find(name); break;
    case ClassId::Capacitor: id = ws_.capacitors.find(name); break;
    case ClassId::CapControl: id = ws_.capcontrols.find(name); break;
    case ClassId::Reactor: id = ws_.reactors.find(name); break;
    case ClassId::Load: id = ws_.loads.find(name); break;
    case ClassId::Other: id = ws_.others.find(cls_name + "." + name); break;
    default: break;
  }
  return id < 0 ? Active{} : Active{cls, id};
}

namespace {

template <class T>
T fresh(const std::string& name, const Where& where) {
  T t;
  t.name = name;
  t.where = where;
  return t;
}

bool isGeneralClass(std::string_view cls) {
  return cls == "loadshape" || cls == "tshape" || cls == "priceshape" || cls == "xycurve" ||
         cls == "growthshape" || cls == "tcc_curve" || cls == "spectrum";
}

}  // namespace

Interpreter::Active Interpreter::createObject(ClassId cls, const std::string& cls_name,
                                              const std::string& name, const Where& where) {
  const double f = ws_.settings.base_freq;
  switch (cls) {
    case ClassId::Vsource: {
      auto s = fresh<SourceState>(name, where);
      s.frequency = f;
      return {cls, ws_.sources.add(std::move(s))};
    }
    case ClassId::LineCode: {
      auto s = fresh<LineCodeState>(name, where);
      s.base_freq = f;
      return {cls, ws_.linecodes.add(std::move(s))};
    }
    case ClassId::Line: {
      auto s = fresh<LineState>(name, where);
      s.base_freq = f;
      return {cls, ws_.lines.add(std::move(s))};
    }
    case ClassId::WireData:
    case ClassId::CNData:
    case ClassId::TSData: {
      auto s = fresh<WireState>(name, where);
      s.kind = cls;
      auto& table = cls == ClassId::WireData ? ws_.wires : cls == ClassId::CNData ? ws_.cndata : ws_.tsdata;
      return {cls, table.add(std::move(s))};
    }
    case ClassId::LineSpacing: return {cls, ws_.spacings.add(fresh<SpacingState>(name, where))};
    case ClassId::LineGeometry: return {cls, ws_.geometries.add(fresh<GeometryState>(name, where))};
    case ClassId::XfmrCode: return {cls, ws_.xfmrcodes.add(fresh<TransformerState>(name, where))};
    case ClassId::Transformer: return {cls, ws_.transformers.add(fresh<TransformerState>(name, where))};
    case ClassId::RegControl: return {cls, ws_.regcontrols.add(fresh<RegControlState>(name, where))};
    case ClassId::Capacitor: return {cls, ws_.capacitors.add(fresh<CapacitorState>(name, where))};
    case ClassId::CapControl: return {cls, ws_.capcontrols.add(fresh<CapControlState>(name, where))};
    case ClassId::Reactor: return {cls, ws_.reactors.add(fresh<ReactorState>(name, where))};
    case ClassId::Load: return {cls, ws_.loads.add(fresh<LoadState>(name, where))};
    default: {
      auto s = fresh<OtherState>(cls_name + "." + name, where);
      s.cls = cls_name;
      noteRecorded(cls_name, where);
      return {ClassId::Other, ws_.others.add(std::move(s))};
    }
  }
}

void Interpreter::noteRecorded(const std::string& cls, const Where& where) {
  const std::string file = where.file ? *where.file : std::string();
  if (!recorded_warned_.emplace(cls, file).second) return;
  diag_.warn("recorded-not-simulated", cls, where.location(),
             "'" + cls + "' objects in this file are recorded but not simulated");
}

void Interpreter::cmdNew(ParamLexer& lex, const Where& where) {
  Param p;
  if (!lex.next(p)) fail(where, "New", "New needs Class.name");
  if (!p.name.empty() && !core::iequals(p.name, "object")) {
    fail(where, p.name, "New needs Class.name (or object=Class.name) first");
  }
  ClassId cls = ClassId::None;
  std::string cls_name, name;
  const std::string_view spec = core::trim(p.value.text);
  if (!resolveObject(spec, where, cls, cls_name, name)) {
    active_ = Active{ClassId::Other, -1};
    return;
  }
  if (cls_name == "circuit") {
    ws_.clearCircuit();
    ws_.has_circuit = true;
    ws_.circuit_name = name;
    active_ = createObject(ClassId::Vsource, "vsource", "source", where);
    ws_.sources.items.back().bus1 = BusSpec{"sourcebus", {}, true};
    cls_name = "vsource";
  } else {
    if (isCircuitElement(cls) && !ws_.has_circuit && !isGeneralClass(cls_name)) {
      fail(where, spec, "no circuit defined yet: use 'New Circuit.name' first");
    }
    const Active existing = findObject(cls, cls_name, name);
    if (existing.index >= 0) {
      diag_.warn("duplicate-definition", cls_name + "." + name, where.location(),
                 "duplicate New: the existing object is edited (OpenDSS semantics)");
      active_ = existing;
    } else {
      active_ = createObject(cls, cls_name, name, where);
    }
  }
  last_class_ = cls;
  last_class_name_ = cls_name;
  editObject(active_, lex, where);
}

void Interpreter::cmdEdit(ParamLexer& lex, const Where& where, bool select_only) {
  Param p;
  if (!lex.next(p)) fail(where, "Edit", "Edit needs Class.name");
  ClassId cls = ClassId::None;
  std::string cls_name, name;
  if (!resolveObject(p.value.text, where, cls, cls_name, name)) {
    active_ = Active{ClassId::Other, -1};
    return;
  }
  const Active target = findObject(cls, cls_name, name);
  if (target.index < 0) {
    diag_.warn("unknown-object", cls_name + "." + name, where.location(),
               "object not defined; the edit is ignored");
    active_ = Active{ClassId::Other, -1};
    return;
  }
  active_ = target;
  last_class_ = cls;
  last_class_name_ = cls_name;
  if (!select_only) editObject(active_, lex, where);
}

void Interpreter::cmdShorthand(std::string_view target, const Value& value, ParamLexer& lex,
                               const Where& where) {
  const std::size_t dot = target.rfind('.');
  if (dot == std::string_view::npos || dot == 0) {
    diag_.warn("unknown-command", "", where.location(),
               "unknown command '" + std::string(target) + "'; line ignored");
    return;
  }
  ClassId cls = ClassId::None;
  std::string cls_name, name;
  if (!resolveObject(target.substr(0, dot), where, cls, cls_name, name)) return;
  const Active found = findObject(cls, cls_name, name);
  if (found.index < 0) {
    diag_.warn("unknown-object", cls_name + "." + name, where.location(),
               "object not defined; '" + std::string(target) + "' ignored");
    return;
  }
  active_ = found;
  last_class_ = cls;
  last_class_name_ = cls_name;
  const Param first{target.substr(dot + 1), value};
  editObject(active_, lex, where, &first);
}

void Interpreter::cmdBatchEdit(ParamLexer& lex, const Where& where) {
  Param p;
  if (!lex.next(p)) fail(where, "BatchEdit", "BatchEdit needs Class..pattern");
  const std::string_view spec = core::trim(p.value.text);
  const std::size_t dot = spec.find('.');
  if (dot == std::string_view::npos) fail(where, spec, "BatchEdit needs Class.pattern");
  const std::string cls_name = lower(spec.substr(0, dot));
  const ClassId cls = classFromName(cls_name);
  if (cls == ClassId::None) {
    diag_.warn("unknown-class", cls_name, where.location(), "BatchEdit on unknown class ignored");
    return;
  }
  const std::string pattern(spec.substr(dot + 1));
  const bool all = pattern == ".*" || pattern == "*" || pattern.empty();
  std::regex re;
  if (!all) {
    try {
      re = std::regex(pattern, std::regex::icase | std::regex::ECMAScript);
    } catch (const std::regex_error&) {
      fail(where, pattern, "bad regular expression in BatchEdit");
    }
  }
  const std::string_view rest = lex.rest();
  auto run = [&](const auto& table, ClassId id) {
    for (std::size_t i = 0; i < table.items.size(); ++i) {
      const std::string& n = table.items[i].name;
      if (id == ClassId::Other && n.rfind(cls_name + ".", 0) != 0) continue;
      if (!all && !std::regex_search(n, re)) continue;
      ParamLexer each(rest, where);
      editObject(Active{id, static_cast<int>(i)}, each, where);
    }
  };
  switch (cls) {
    case ClassId::Load: run(ws_.loads, cls); break;
    case ClassId::Line: run(ws_.lines, cls); break;
    case ClassId::Transformer: run(ws_.transformers, cls); break;
    case ClassId::Capacitor: run(ws_.capacitors, cls); break;
    case ClassId::RegControl: run(ws_.regcontrols, cls); break;
    case ClassId::CapControl: run(ws_.capcontrols, cls); break;
    case ClassId::Reactor: run(ws_.reactors, cls); break;
    case ClassId::Other: run(ws_.others, cls); break;
    default:
      diag_.warn("unsupported-command", cls_name, where.location(),
                 "BatchEdit of this class is not supported; ignored");
      break;
  }
}

bool Interpreter::setEnabled(ClassId cls, const std::string& cls_name, const std::string& name,
                             bool on) {
  const Active a = findObject(cls, cls_name, name);
  if (a.index < 0) return false;
  const auto i = static_cast<std::size_t>(a.index);
  switch (cls) {
    case ClassId::Vsource: ws_.sources.items[i].enabled = on; break;
    case ClassId::Line: ws_.lines.items[i].enabled = on; break;
    case ClassId::Transformer: ws_.transformers.items[i].enabled = on; break;
    case ClassId::RegControl: ws_.regcontrols.items[i].enabled = on; break;
    case ClassId::Capacitor: ws_.capacitors.items[i].enabled = on; break;
    case ClassId::CapControl: ws_.capcontrols.items[i].enabled = on; break;
    case ClassId::Reactor: ws_.reactors.items[i].enabled = on; break;
    case ClassId::Load: ws_.loads.items[i].enabled = on; break;
    case ClassId::Other: ws_.others.items[i].enabled = on; break;
    default: return false;
  }
  return true;
}

void Interpreter::cmdEnable(ParamLexer& lex, const Where& where, bool enable) {
  Param p;
  if (!lex.next(p)) return;
  ClassId cls = ClassId::None;
  std::string cls_name, name;
  if (!resolveObject(p.value.text, where, cls, cls_name, name)) return;
  if (!setEnabled(cls, cls_name, name, enable)) {
    diag_.warn("unknown-object", cls_name + "." + name, where.location(),
               std::string(enable ? "Enable" : "Disable") + " of an undefined object ignored");
  }
}

void Interpreter::cmdOpenClose(ParamLexer& lex, const Where& where, bool open) {
  Param p;
  if (!lex.next(p)) return;
  ClassId cls = ClassId::None;
  std::string cls_name, name;
  if (!resolveObject(p.value.text, where, cls, cls_name, name)) return;
  const Active a = findObject(cls, cls_name, name);
  if (cls != ClassId::Line || a.index < 0) {
    diag_.warn("unsupported-command", cls_name + "." + name, where.location(),
               "Open/Close is only applied to existing lines; ignored");
    return;
  }
  ws_.lines.items[static_cast<std::size_t>(a.index)].open = open;
}

}  // namespace feederlab::io::dss
