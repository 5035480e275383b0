// Property names of the OpenDSS classes the importer builds, in OpenDSS's own order: a property
// may be abbreviated to any prefix, and an ambiguous prefix resolves to the first match in this
// order (as OpenDSS's TCommandList does). Positional values also follow this order.
#include <algorithm>
#include <array>

#include "feederlab/core/strings.hpp"
#include "feederlab/io/dss_objects.hpp"

namespace feederlab::io::dss {

PropTable::PropTable(std::vector<std::string> list) : names(std::move(list)) {
  for (auto& n : names) n = lower(n);
  for (std::size_t i = 0; i < names.size(); ++i) {
    exact.emplace(names[i], static_cast<int>(i + 1));
  }
}

int PropTable::find(std::string_view name) const {
  char buffer[64];
  if (name.empty() || name.size() >= sizeof(buffer)) return 0;
  for (std::size_t i = 0; i < name.size(); ++i) {
    buffer[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(name[i])));
  }
  const std::string key(buffer, name.size());
  auto it = exact.find(key);
  if (it != exact.end()) return it->second;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i].compare(0, key.size(), key) == 0) return static_cast<int>(i + 1);
  }
  return 0;
}

namespace {

std::vector<std::string> withPd(std::vector<std::string> own) {
  for (const char* n : {"normamps", "emergamps", "faultrate", "pctperm", "repair", "basefreq",
                        "enabled", "like"}) {
    own.emplace_back(n);
  }
  return own;
}

std::vector<std::string> withPc(std::vector<std::string> own) {
  for (const char* n : {"spectrum", "basefreq", "enabled", "like"}) own.emplace_back(n);
  return own;
}

std::vector<std::string> withControl(std::vector<std::string> own) {
  for (const char* n : {"basefreq", "enabled", "like"}) own.emplace_back(n);
  return own;
}

const std::vector<std::string> kConductor = {"rdc", "rac", "runits", "gmrac", "gmrunits",
                                             "radius", "radunits", "normamps", "emergamps",
                                             "diam", "seasons", "ratings", "capradius"};

std::vector<std::string> cat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

const std::vector<std::string> kCable = {"epsr", "inslayer", "diains", "diacable"};

}  // namespace

const PropTable& propTable(ClassId cls) {
  static const PropTable kSource(withPc(
      {"bus1", "basekv", "pu", "angle", "frequency", "phases", "mvasc3", "mvasc1", "x1r1",
       "x0r0", "isc3", "isc1", "r1", "x1", "r0", "x0", "scantype", "sequence", "bus2", "z1",
       "z0", "z2", "puz1", "puz0", "puz2", "basemva", "yearly", "daily", "duty", "model",
       "puzideal"}));
  static const PropTable kLineCode(
      {"nphases", "r1", "x1", "r0", "x0", "c1", "c0", "units", "rmatrix", "xmatrix", "cmatrix",
       "basefreq", "normamps", "emergamps", "faultrate", "pctperm", "repair", "kron", "rg",
       "xg", "rho", "neutral", "b1", "b0", "seasons", "ratings", "linetype", "like"});
  static const PropTable kLine(withPd(
      {"bus1", "bus2", "linecode", "length", "phases", "r1", "x1", "r0", "x0", "c1", "c0",
       "rmatrix", "xmatrix", "cmatrix", "switch", "rg", "xg", "rho", "geometry", "units",
       "spacing", "wires", "earthmodel", "cncables", "tscables", "b1", "b0", "seasons",
       "ratings", "linetype"}));
  static const PropTable kWire(cat(kConductor, {"like"}));
  static const PropTable kCN(cat(cat(cat({"k", "diastrand", "gmrstrand", "rstrand"}, kCable),
                                     kConductor),
                                 {"like"}));
  static const PropTable kTS(cat(cat(cat({"diashield", "tapelayer", "tapelap"}, kCable),
                                     kConductor),
                                 {"like"}));
  static const PropTable kSpacing({"nconds", "nphases", "x", "h", "units", "like"});
  static const PropTable kGeometry(
      {"nconds", "nphases", "cond", "wire", "x", "h", "units", "normamps", "emergamps",
       "reduce", "spacing", "wires", "cncable", "tscable", "cncables", "tscables", "seasons",
       "ratings", "linetype", "like"});
  static const PropTable kXfmrCode(
      {"phases", "windings", "wdg", "conn", "kv", "kva", "tap", "%r", "rneut", "xneut",
       "conns", "kvs", "kvas", "taps", "xhl", "xht", "xlt", "xscarray", "thermal", "n", "m",
       "flrise", "hsrise", "%loadloss", "%noloadloss", "normhkva", "emerghkva", "maxtap",
       "mintap", "numtaps", "%imag", "ppm_antifloat", "%rs", "x12", "x13", "x23", "rdcohms",
       "seasons", "ratings", "like"});
  static const PropTable kTransformer(withPd(
      {"phases", "windings", "wdg", "bus", "conn", "kv", "kva", "tap", "%r", "rneut",
       "xneut", "buses", "conns", "kvs", "kvas", "taps", "xhl", "xht", "xlt", "xscarray",
       "thermal", "n", "m", "flrise", "hsrise", "%loadloss", "%noloadloss", "normhkva",
       "emerghkva", "sub", "maxtap", "mintap", "numtaps", "subname", "%imag",
       "ppm_antifloat", "%rs", "bank", "xfmrcode", "xrconst", "x12", "x13", "x23", "leadlag",
       "wdgcurrents", "core", "rdcohms", "seasons", "ratings"}));
  static const PropTable kRegControl(withControl(
      {"transformer", "winding", "vreg", "band", "ptratio", "ctprim", "r", "x", "bus",
       "delay", "reversible", "revvreg", "revband", "revr", "revx", "tapdelay", "debugtrace",
       "maxtapchange", "inversetime", "tapwinding", "vlimit", "ptphase", "revthreshold",
       "revdelay", "revneutral", "eventlog", "remoteptratio", "tapnum", "reset", "ldc_z",
       "rev_z", "cogen"}));
  static const PropTable kCapacitor(withPd({"bus1", "bus2", "phases", "kvar", "kv", "conn",
                                            "cmatrix", "cuf", "r", "xl", "harm", "numsteps",
                                            "states"}));
  static const PropTable kCapControl(withControl(
      {"element", "terminal", "capacitor", "type", "ptratio", "ctratio", "onsetting",
       "offsetting", "delay", "voltoverride", "vmax", "vmin", "delayoff", "deadtime",
       "ctphase", "ptphase", "vbus", "eventlog", "usermodel", "userdata", "pctminkvar",
       "reset"}));
  static const PropTable kReactor(withPd({"bus1", "bus2", "phases", "kvar", "kv", "conn",
                                          "rmatrix", "xmatrix", "parallel", "r", "x", "rp",
                                          "z1", "z2", "z0", "z", "rcurve", "lcurve", "lmh"}));
  static const PropTable kLoad(withPc(
      {"phases", "bus1", "kv", "kw", "pf", "model", "yearly", "daily", "duty", "growth",
       "conn", "kvar", "rneut", "xneut", "status", "class", "vminpu", "vmaxpu", "vminnorm",
       "vminemerg", "xfkva", "allocationfactor", "kva", "%mean", "%stddev", "cvrwatts",
       "cvrvars", "kwh", "kwhdays", "cfactor", "cvrcurve", "numcust", "zipv", "%seriesrl",
       "relweight", "vlowpu", "puxharm", "xrharm"}));
  // Recorded classes: only the few properties the model keeps; the rest are accepted silently.
  static const PropTable kOther({"phases", "bus1", "bus2", "kv", "kw", "kvar", "kva", "pmpp",
                                 "kwrated", "prated", "conn", "enabled", "like"});
  switch (cls) {
    case ClassId::Vsource: return kSource;
    case ClassId::LineCode: return kLineCode;
    case ClassId::Line: return kLine;
    case ClassId::WireData: return kWire;
    case ClassId::CNData: return kCN;
    case ClassId::TSData: return kTS;
    case ClassId::LineSpacing: return kSpacing;
    case ClassId::LineGeometry: return kGeometry;
    case ClassId::XfmrCode: return kXfmrCode;
    case ClassId::Transformer: return kTransformer;
    case ClassId::RegControl: return kRegControl;
    case ClassId::Capacitor: return kCapacitor;
    case ClassId::CapControl: return kCapControl;
    case ClassId::Reactor: return kReactor;
    case ClassId::Load: return kLoad;
    default: return kOther;
  }
}

namespace {

struct ClassName {
  const char* name;
  ClassId id;
};

constexpr std::array<ClassName, 17> kClasses = {{
    {"vsource", ClassId::Vsource},         {"circuit", ClassId::Vsource},
    {"linecode", ClassId::LineCode},       {"line", ClassId::Line},
    {"wiredata", ClassId::WireData},       {"cndata", ClassId::CNData},
    {"tsdata", ClassId::TSData},           {"linespacing", ClassId::LineSpacing},
    {"linegeometry", ClassId::LineGeometry}, {"xfmrcode", ClassId::XfmrCode},
    {"transformer", ClassId::Transformer}, {"regcontrol", ClassId::RegControl},
    {"capacitor", ClassId::Capacitor},     {"capcontrol", ClassId::CapControl},
    {"reactor", ClassId::Reactor},         {"load", ClassId::Load},
    {"other", ClassId::Other},
}};

// OpenDSS classes that the model records as OtherElement.
constexpr std::array<const char*, 39> kOtherClasses = {
    "loadshape", "tshape", "priceshape", "xycurve", "growthshape", "tcc_curve", "spectrum",
    "energymeter", "monitor", "sensor", "pvsystem", "storage", "generator", "vccs", "relay",
    "recloser", "fuse", "swtcontrol", "invcontrol", "expcontrol", "storagecontroller",
    "gendispatcher", "upfc", "upfccontrol", "espvlcontrol", "indmach012", "gicline",
    "gictransformer", "gicsource", "isource", "fault", "dynamicexp", "pvsystem2", "storage2",
    "invcontrol2", "storagecontroller2", "vsconverter", "genericcontroller", "fmonitor"};

}  // namespace

ClassId classFromName(std::string_view lower_name) {
  for (const auto& c : kClasses) {
    if (lower_name == c.name && c.id != ClassId::Other) return c.id;
  }
  return isKnownOtherClass(lower_name) ? ClassId::Other : ClassId::None;
}

bool isKnownOtherClass(std::string_view lower_name) {
  return std::any_of(kOtherClasses.begin(), kOtherClasses.end(),
                     [&](const char* n) { return lower_name == n; });
}

const char* className(ClassId cls) {
  for (const auto& c : kClasses) {
    if (c.id == cls && std::string_view(c.name) != "circuit") return c.name;
  }
  return "other";
}

bool isCircuitElement(ClassId cls) {
  switch (cls) {
    case ClassId::LineCode:
    case ClassId::WireData:
    case ClassId::CNData:
    case ClassId::TSData:
    case ClassId::LineSpacing:
    case ClassId::LineGeometry:
    case ClassId::XfmrCode:
      return false;
    default:
      return true;
  }
}

}  // namespace feederlab::io::dss
