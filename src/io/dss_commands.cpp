// OpenDSS command dispatch, property edits on the active object, Set options and the
// file commands (Redirect/Compile, BusCoords/LatLongCoords, SetkVBase).
#include <fstream>
#include <sstream>

#include "feederlab/core/strings.hpp"
#include "feederlab/io/dss_interpreter.hpp"

namespace feederlab::io::dss {

namespace fs = std::filesystem;

namespace {

// OpenDSS executive commands in OpenDSS's order (abbreviations resolve to the first match).
const std::vector<std::string>& commandList() {
  static const std::vector<std::string> list = {
      "new", "edit", "more", "m", "~", "select", "save", "show", "solve", "enable", "disable",
      "plot", "reset", "compile", "set", "dump", "open", "close", "//", "redirect", "help",
      "quit", "?", "next", "panel", "sample", "clear", "about", "calcvoltagebases", "setkvbase",
      "buildy", "get", "init", "export", "fileedit", "voltages", "currents", "powers",
      "seqvoltages", "seqcurrents", "seqpowers", "losses", "phaselosses", "cktlosses",
      "allocateloads", "formedit", "totals", "capacity", "classes", "userclasses", "zsc",
      "zsc10", "zscrefresh", "ysc", "puvoltages", "varvalues", "varnames", "buscoords",
      "makebuslist", "makeposseq", "reduce", "interpolate", "alignfile", "top", "rotate",
      "vdiff", "summary", "distribute", "di_plot", "comparecases", "yearlycurves", "cd",
      "visualize", "closedi", "doscmd", "estimate", "reconductor", "_initsnap",
      "_solvenocontrol", "_samplecontrols", "_docontrolactions", "_showcontrolqueue",
      "_solvedirect", "_solvepflow", "addbusmarker", "uuids", "setloadandgenkv",
      "cvrtloadshapes", "nodediff", "rephase", "setbusxy", "updatestorage", "obfuscate",
      "latlongcoords", "batchedit", "pstcalc", "variable", "reprocessbuses", "clearbusmarkers",
      "relcalc", "var", "cleanup", "finishtimestep", "nodelist", "connect", "disconnect",
      "remove", "abort", "calcincmatrix", "calcincmatrix_o", "refine_buslevels",
      "calclaplacian", "clone", "fncspublish", "exportoverloads", "exportvviolations",
      "zsc012", "giscoords", "gisshowbuffer", "aggregateprofiles", "allpceatbus", "allpdeatbus",
      "totalpowers"};
  return list;
}

// Commands that would change the circuit in ways the importer does not emulate.
bool notEmulated(std::string_view c) {
  return c == "allocateloads" || c == "makeposseq" || c == "reduce" || c == "rephase" ||
         c == "setloadandgenkv" || c == "remove" || c == "connect" || c == "disconnect" ||
         c == "reconductor" || c == "distribute" || c == "obfuscate" || c == "cd" ||
         c == "clone" || c == "setbusxy" || c == "aggregateprofiles" || c == "estimate";
}

const std::vector<std::string>& optionList() {
  static const std::vector<std::string> list = {
      "type", "element", "hour", "sec", "year", "frequency", "stepsize", "mode", "random",
      "number", "time", "class", "object", "circuit", "editor", "tolerance", "maxiterations",
      "h", "loadmodel", "loadmult", "normvminpu", "normvmaxpu", "emergvminpu", "emergvmaxpu",
      "%mean", "%stddev", "ldcurve", "%growth", "genkw", "genpf", "capkvar", "addtype",
      "allowduplicates", "zonelock", "ueweight", "lossweight", "ueregs", "lossregs",
      "voltagebases", "algorithm", "trapezoidal", "autobuslist", "controlmode", "tracecontrol",
      "genmult", "defaultdaily", "defaultyearly", "allocationfactors", "cktmodel",
      "pricesignal", "pricecurve", "terminal", "basefrequency", "harmonics", "maxcontroliter",
      "bus", "datapath", "keeplist", "reduceoption", "demandinterval", "%normal", "diverbose",
      "casename", "markercode", "nodewidth", "log", "recorder", "overloadreport",
      "voltexceptionreport", "cfactors", "showexport", "numallociterations",
      "defaultbasefrequency", "markswitches", "switchmarkercode", "daisysize",
      "marktransformers", "transmarkercode", "transmarkersize", "loadshapeclass", "earthmodel",
      "querylog", "markcapacitors", "markregulators", "markpvsystems", "markstorage",
      "capmarkercode", "regmarkercode", "pvmarkercode", "storemarkercode", "capmarkersize",
      "regmarkersize", "pvmarkersize", "storemarkersize", "neglectloady", "markfuses",
      "fusemarkercode", "fusemarkersize", "markreclosers", "reclosermarkercode",
      "reclosermarkersize", "markrelays", "relaymarkercode", "relaymarkersize", "ktlssize",
      "miniterations", "duplicatesallowed", "numcpus", "numcores", "activeactor",
      "concatenatereports", "dssvisualizationtool", "keepload", "zmag", "seasonrating",
      "seasonsignal", "numsubcircuits", "adiakoptics", "minaccumulator", "linktype",
      "coordinates", "sampleenergymeters"};
  return list;
}

// Index into `list` by exact name or first prefix match; -1 when unknown.
int lookup(const std::vector<std::string>& list, std::string_view word) {
  const std::string w = lower(word);
  if (w.empty()) return -1;
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (list[i] == w) return static_cast<int>(i);
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (list[i].compare(0, w.size(), w) == 0) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

void Interpreter::dispatch(std::string_view word, ParamLexer& lex, const Where& where) {
  const int index = lookup(commandList(), word);
  if (index < 0) {
    const std::size_t dot = word.find('.');
    if (dot != std::string_view::npos && dot > 0) {
      diag_.warn("unknown-command", "", where.location(),
                 "'" + std::string(word) + "' is neither a command nor Class.name.property=value");
    } else {
      diag_.warn("unknown-command", "", where.location(),
                 "unknown command '" + std::string(word.substr(0, 60)) + "'; line ignored");
    }
    return;
  }
  const std::string& c = commandList()[static_cast<std::size_t>(index)];
  if (c == "new") return cmdNew(lex, where);
  if (c == "edit") return cmdEdit(lex, where, false);
  if (c == "select") return cmdEdit(lex, where, true);
  if (c == "more" || c == "m" || c == "~") return editObject(active_, lex, where);
  if (c == "set") return cmdSet(lex, where);
  if (c == "redirect" || c == "compile") return cmdRedirect(lex, where, c == "compile");
  if (c == "buscoords" || c == "latlongcoords") return cmdCoords(lex, where, c != "buscoords");
  if (c == "batchedit") return cmdBatchEdit(lex, where);
  if (c == "enable" || c == "disable") return cmdEnable(lex, where, c == "enable");
  if (c == "open" || c == "close") return cmdOpenClose(lex, where, c == "open");
  if (c == "setkvbase") return cmdSetKvBase(lex, where);
  if (c == "calcvoltagebases") {
    ws_.calc_voltage_bases_at = sequence_;
    return;
  }
  if (c == "clear") {
    ws_.clearAll();
    active_ = Active{};
    last_class_ = ClassId::None;
    return;
  }
  if (notEmulated(c)) {
    diag_.warn("command-not-emulated", "", where.location(),
               "'" + c + "' changes the circuit in OpenDSS but is not emulated; ignored");
  }
  // Everything else (Solve, Show, Export, Plot, Sample, ...) does not change the model.
}

template <class T, class Apply>
void Interpreter::editTable(ObjectTable<T>& table, int index, ClassId cls, ParamLexer& lex,
                            const Where& where, const Param* first, Apply apply) {
  T& obj = table.items[static_cast<std::size_t>(index)];
  const bool other = cls == ClassId::Other;
  EditEnv env{ws_, where, other ? obj.name : std::string(className(cls)) + "." + obj.name, cwd_};
  const PropTable& props = propTable(cls);
  int pointer = 0;
  auto handle = [&](const Param& p) {
    if (p.value.text.empty()) return false;  // OpenDSS stops at an empty value
    int prop = 0;
    if (p.name.empty()) {
      if (other) return true;
      prop = ++pointer;
    } else {
      prop = props.find(p.name);
      pointer = prop;
    }
    if constexpr (std::is_same_v<T, OtherState>) checkLoadShapeFile(p, where);
    if (prop == 0 || prop > props.size()) {
      if (!other) {
        env.warn("unknown-property", "unknown property '" + std::string(p.name.empty() ? "#" : p.name) +
                                         "' for " + className(cls) + "; ignored");
      }
      return true;
    }
    if (props.names[static_cast<std::size_t>(prop - 1)] == "like") {
      std::string key = lower(core::trim(p.value.text));
      if constexpr (std::is_same_v<T, OtherState>) key = obj.cls + "." + key;
      const int src = table.find(key);
      if (src < 0) {
        env.warn("unknown-object", "like=" + std::string(p.value.text) + ": object not defined");
      } else if (src != index) {
        const std::string name = obj.name;
        const Where defined = obj.where;
        obj = table.items[static_cast<std::size_t>(src)];
        obj.name = name;
        obj.where = defined;
      }
      return true;
    }
    apply(obj, prop, p.value, env);
    return true;
  };
  bool go = first == nullptr || handle(*first);
  Param p;
  while (go && lex.next(p)) go = handle(p);
  finishEdit(Active{cls, index}, env);
}

void Interpreter::editObject(const Active& target, ParamLexer& lex, const Where& where,
                             const Param* first) {
  if (target.index < 0) {
    if (target.cls == ClassId::None) fail(where, lex.rest(), "no active object to edit (property before New)");
    return;  // sink: the object was unknown and already reported
  }
  const int i = target.index;
  switch (target.cls) {
    case ClassId::Vsource: return editTable(ws_.sources, i, target.cls, lex, where, first, applySource);
    case ClassId::LineCode: return editTable(ws_.linecodes, i, target.cls, lex, where, first, applyLineCode);
    case ClassId::Line: return editTable(ws_.lines, i, target.cls, lex, where, first, applyLine);
    case ClassId::WireData: return editTable(ws_.wires, i, target.cls, lex, where, first, applyWire);
    case ClassId::CNData: return editTable(ws_.cndata, i, target.cls, lex, where, first, applyWire);
    case ClassId::TSData: return editTable(ws_.tsdata, i, target.cls, lex, where, first, applyWire);
    case ClassId::LineSpacing: return editTable(ws_.spacings, i, target.cls, lex, where, first, applySpacing);
    case ClassId::LineGeometry: return editTable(ws_.geometries, i, target.cls, lex, where, first, applyGeometry);
    case ClassId::XfmrCode:
      return editTable(ws_.xfmrcodes, i, target.cls, lex, where, first,
                       [](TransformerState& s, int prop, const Value& v, EditEnv& env) {
                         applyTransformer(s, prop, v, env, true);
                       });
    case ClassId::Transformer:
      return editTable(ws_.transformers, i, target.cls, lex, where, first,
                       [](TransformerState& s, int prop, const Value& v, EditEnv& env) {
                         applyTransformer(s, prop, v, env, false);
                       });
    case ClassId::RegControl: return editTable(ws_.regcontrols, i, target.cls, lex, where, first, applyRegControl);
    case ClassId::Capacitor: return editTable(ws_.capacitors, i, target.cls, lex, where, first, applyCapacitor);
    case ClassId::CapControl: return editTable(ws_.capcontrols, i, target.cls, lex, where, first, applyCapControl);
    case ClassId::Reactor: return editTable(ws_.reactors, i, target.cls, lex, where, first, applyReactor);
    case ClassId::Load: return editTable(ws_.loads, i, target.cls, lex, where, first, applyLoad);
    case ClassId::Other: return editTable(ws_.others, i, target.cls, lex, where, first, applyOther);
    default: return;
  }
}

void Interpreter::finishEdit(const Active& target, EditEnv& env) {
  const auto i = static_cast<std::size_t>(target.index);
  switch (target.cls) {
    case ClassId::LineCode: endLineCode(ws_.linecodes.items[i], env); break;
    case ClassId::XfmrCode: endTransformer(ws_.xfmrcodes.items[i], env); break;
    case ClassId::Transformer: endTransformer(ws_.transformers.items[i], env); break;
    case ClassId::Load: endLoad(ws_.loads.items[i], env); break;
    default: break;
  }
}

void Interpreter::checkLoadShapeFile(const Param& p, const Where& where) {
  if (p.name.empty() || active_.cls != ClassId::Other || active_.index < 0) return;
  if (ws_.others.items[static_cast<std::size_t>(active_.index)].cls != "loadshape") return;
  const std::string name = lower(p.name);
  std::string_view file;
  if (name == "csvfile" || name == "sngfile" || name == "dblfile") {
    file = p.value.text;
  } else if (name == "mult" || name == "pmult" || name == "qmult") {
    const std::string_view t = core::trim(p.value.text);
    const std::size_t eq = t.find('=');
    if (eq == std::string_view::npos) return;
    const std::string key = lower(core::trim(t.substr(0, eq)));
    if (key != "file" && key != "sngfile" && key != "dblfile") return;
    file = core::trim(t.substr(eq + 1));
  } else {
    return;
  }
  if (resolvePath(file).empty()) {
    diag_.warn("missing-loadshape-file", ws_.others.items[static_cast<std::size_t>(active_.index)].name,
               where.location(), "loadshape file '" + std::string(file) + "' not found; ignored");
  }
}

void Interpreter::cmdSet(ParamLexer& lex, const Where& where) {
  Param p;
  ScriptSettings& s = ws_.settings;
  while (lex.next(p)) {
    if (p.name.empty()) continue;
    const int index = lookup(optionList(), p.name);
    if (index < 0) {
      diag_.warn("unknown-option", "", where.location(),
                 "unknown Set option '" + std::string(p.name) + "'; ignored");
      continue;
    }
    const std::string& o = optionList()[static_cast<std::size_t>(index)];
    const Value& v = p.value;
    if (o == "voltagebases") {
      s.voltage_bases = toNumbers(v, where);
    } else if (o == "defaultbasefrequency" || o == "basefrequency") {
      s.base_freq = toNumber(v, where);
    } else if (o == "controlmode") {
      s.controls_off = core::istartsWith(core::trim(v.text), "off");
    } else if (o == "loadmult") {
      s.load_mult = toNumber(v, where);
    } else if (o == "maxiterations") {
      s.max_iterations = toInt(v, where);
    } else if (o == "maxcontroliter") {
      s.max_control_iterations = toInt(v, where);
    } else if (o == "tolerance") {
      s.tolerance = toNumber(v, where);
    } else if (o == "earthmodel") {
      const std::string m = lower(core::trim(v.text));
      s.earth_model = core::istartsWith(m, "f") ? "fullcarson" : core::istartsWith(m, "c") ? "carson" : "deri";
    } else if (o == "allocationfactors") {
      const double af = toNumber(v, where);
      for (auto& load : ws_.loads.items) setLoadAllocationFactor(load, af);
    } else if (o == "datapath") {
      diag_.warn("option-not-emulated", "", where.location(), "Set DataPath is ignored");
    } else {
      // mode, algorithm, markers, ...: they do not change the model; keep a note of them.
      diag_.add(core::Severity::Info, "option-recorded", "", where.location(),
                "Set " + o + "=" + std::string(v.text) + " does not change the model");
    }
  }
}

fs::path Interpreter::resolvePath(std::string_view name) const {
  try {
    const std::string_view t = core::trim(name);
    if (t.empty()) return {};
    fs::path p(std::string{t});
    if (p.is_relative()) p = cwd_ / p;
    std::error_code ec;
    if (fs::is_regular_file(p, ec)) return p;
    // Windows-made scripts: match each missing path component case-insensitively.
    fs::path current = p.root_path();
    for (const auto& part : p.relative_path()) {
      fs::path next = current / part;
      if (!fs::exists(next, ec)) {
        bool found = false;
        for (const auto& entry : fs::directory_iterator(current.empty() ? "." : current, ec)) {
          if (core::iequals(entry.path().filename().string(), part.string())) {
            next = entry.path();
            found = true;
            break;
          }
        }
        if (!found) return {};
      }
      current = next;
    }
    return fs::is_regular_file(current, ec) ? current : fs::path{};
  } catch (const std::exception&) {
    return {};
  }
}

void Interpreter::cmdRedirect(ParamLexer& lex, const Where& where, bool compile) {
  Param p;
  if (!lex.next(p) || p.value.text.empty()) fail(where, "Redirect", "file name missing");
  const std::string_view name = core::trim(p.value.text);
  const fs::path path = resolvePath(name);
  if (path.empty()) {
    if (lower(name).find("loadshape") != std::string::npos) {
      diag_.warn("missing-loadshape-file", "", where.location(),
                 "loadshape file '" + std::string(name) + "' not found; skipped");
      return;
    }
    fail(where, name, "file not found");
  }
  const fs::path saved = cwd_;
  cwd_ = path.parent_path();
  runFile(path, where);
  if (!compile) cwd_ = saved;
}

void Interpreter::cmdCoords(ParamLexer& lex, const Where& where, bool latlong) {
  Param p;
  if (!lex.next(p) || p.value.text.empty()) fail(where, "BusCoords", "file name missing");
  const fs::path path = resolvePath(p.value.text);
  if (path.empty()) fail(where, p.value.text, "coordinates file not found");
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  file_names_.push_back(path.string());
  Where at{&file_names_.back(), 0};
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    ++at.line;
    const std::string_view s = core::trim(stripComment(line));
    if (s.empty()) continue;
    ParamLexer lx(s, at);
    Param name, a, b;
    if (!lx.next(name) || !lx.next(a) || !lx.next(b)) {
      diag_.warn("bad-coordinates", "", at.location(), "coordinate line needs bus, x, y; skipped");
      continue;
    }
    const double x = toNumber(a.value, at), y = toNumber(b.value, at);
    const std::string bus = lower(core::trim(name.value.text));
    if (latlong) ws_.coords.push_back({bus, y, x});
    else ws_.coords.push_back({bus, x, y});
  }
}

void Interpreter::cmdSetKvBase(ParamLexer& lex, const Where& where) {
  Param p;
  int position = 0;
  KvBaseEntry entry;
  entry.sequence = sequence_;
  while (lex.next(p)) {
    const std::string n = p.name.empty() ? std::string() : lower(p.name);
    ++position;
    const int slot = n.empty() ? position : n == "bus" ? 1 : core::istartsWith("kvll", n) ? 2
                                                      : core::istartsWith("kvln", n) ? 3 : 0;
    if (slot == 1) entry.bus = toBus(p.value, where).name;
    if (slot == 2) entry.kv_ll = toNumber(p.value, where);
    if (slot == 3) entry.kv_ll = toNumber(p.value, where) * core::kSqrt3;
  }
  if (entry.bus.empty() || entry.kv_ll <= 0.0) fail(where, lex.rest(), "SetkVBase needs bus= and kVLL=");
  ws_.kv_bases.push_back(std::move(entry));
}

}  // namespace feederlab::io::dss
