// Per-class property edits of the OpenDSS importer (internal). Each class has
//   apply<Class>(state, property index, value, env)   one `name=value` (1-based OpenDSS index)
//   end<Class>(state, env)                             after each New/Edit/More command, as
//                                                      OpenDSS's RecalcElementData
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "feederlab/core/diagnostics.hpp"
#include "feederlab/io/dss_objects.hpp"

namespace feederlab::io::dss {

struct ScriptSettings {
  double base_freq = 60.0;
  std::vector<double> voltage_bases;
  bool controls_off = false;
  double load_mult = 1.0;
  int max_iterations = 15, max_control_iterations = 10;
  double tolerance = 1e-4;
  std::string earth_model = "deri";
};

struct CoordEntry {
  std::string bus;
  double x = 0.0, y = 0.0;
};

struct KvBaseEntry {
  std::string bus;
  double kv_ll = 0.0;
  int sequence = 0;  // command order, compared with the last CalcVoltageBases
};

// Everything a script defines.
struct Workspace {
  std::string circuit_name;
  bool has_circuit = false;
  ObjectTable<SourceState> sources;
  ObjectTable<LineCodeState> linecodes;
  ObjectTable<LineState> lines;
  ObjectTable<WireState> wires, cndata, tsdata;
  ObjectTable<SpacingState> spacings;
  ObjectTable<GeometryState> geometries;
  ObjectTable<TransformerState> xfmrcodes, transformers;
  ObjectTable<RegControlState> regcontrols;
  ObjectTable<CapacitorState> capacitors;
  ObjectTable<CapControlState> capcontrols;
  ObjectTable<ReactorState> reactors;
  ObjectTable<LoadState> loads;
  ObjectTable<OtherState> others;  // keyed "class.name"
  ScriptSettings settings;
  std::vector<CoordEntry> coords;
  std::vector<KvBaseEntry> kv_bases;
  int calc_voltage_bases_at = -1;  // sequence number of the last CalcVoltageBases
  core::Diagnostics* diagnostics = nullptr;

  void clearCircuit();  // circuit elements only (library objects survive New Circuit)
  void clearAll();
};

struct EditEnv {
  Workspace& ws;
  Where where;
  std::string element;  // "class.name" for messages
  std::filesystem::path cwd;
  void warn(const std::string& code, const std::string& message) const;
};

// Per-class edits (property indices are 1-based, in propTable(cls) order).
void applySource(SourceState& s, int prop, const Value& v, EditEnv& env);
void applyLineCode(LineCodeState& s, int prop, const Value& v, EditEnv& env);
void endLineCode(LineCodeState& s, EditEnv& env);
void applyLine(LineState& s, int prop, const Value& v, EditEnv& env);
void applyWire(WireState& s, int prop, const Value& v, EditEnv& env);
void endWire(WireState& s, EditEnv& env);
void applySpacing(SpacingState& s, int prop, const Value& v, EditEnv& env);
void applyGeometry(GeometryState& s, int prop, const Value& v, EditEnv& env);
void applyTransformer(TransformerState& s, int prop, const Value& v, EditEnv& env, bool is_code);
void endTransformer(TransformerState& s, EditEnv& env);
void applyRegControl(RegControlState& s, int prop, const Value& v, EditEnv& env);
void applyCapacitor(CapacitorState& s, int prop, const Value& v, EditEnv& env);
void applyCapControl(CapControlState& s, int prop, const Value& v, EditEnv& env);
void applyReactor(ReactorState& s, int prop, const Value& v, EditEnv& env);
void applyLoad(LoadState& s, int prop, const Value& v, EditEnv& env);
void endLoad(LoadState& s, EditEnv& env);
void setLoadAllocationFactor(LoadState& s, double af);
void applyOther(OtherState& s, int prop, const Value& v, EditEnv& env);

// Shared by several classes.
LengthUnit toUnits(const Value& v, const Where& where);
void matrixToCMatrix(const std::vector<double>& values, int order, CMatrix& m, bool imag,
                     double factor);
// Sequence impedances to phase matrices (Zs = (2Z1+Z0)/3, Zm = (Z0-Z1)/3).
void sequenceToMatrices(int phases, double r1, double x1, double r0, double x0, double c1,
                        double c0, double freq, CMatrix& z, CMatrix& yc);

}  // namespace feederlab::io::dss
