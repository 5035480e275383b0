// Turns the OpenDSS importer's Workspace into a model::Feeder (internal).
#pragma once

#include <vector>

#include "feederlab/io/dss_edit.hpp"
#include "feederlab/model/feeder.hpp"

namespace feederlab::io::dss {

// Fills feeder (elements, buses, settings, voltage bases, coordinates). Throws
// core::ModelError naming the element for inconsistencies (missing references, ...).
void buildFeeder(const Workspace& ws, model::Feeder& feeder);

// Pieces of buildFeeder shared between its source files.
// A terminal with `nconds` conductors: phases default to nodes 1..nphases, the rest to ground,
// then the nodes written in the bus specification override them in order.
model::Terminal makeTerminal(model::Feeder& feeder, const BusSpec& bus, int nconds, int nphases,
                             const std::string& element, const Where& where, const char* which);
// core::ModelError naming `element`, with the file:line where it was defined.
[[noreturn]] void modelError(const std::string& element, const Where& where,
                             const std::string& message);
// Lines and switches (impedances from sequence data, matrices, line codes or geometry).
void buildLines(const Workspace& ws, model::Feeder& feeder);

// CalcVoltageBases: each bus reached from the sources through closed lines, series elements
// and transformers (by winding kV ratios) gets the voltage base nearest to its nominal
// line-to-line kV. Returns the number of buses not reached.
int assignVoltageBases(model::Feeder& feeder, const std::vector<double>& bases_kv);

// The base in `bases_kv` nearest (relative difference) to `kv`; OpenDSS's NearestBasekV.
double nearestBase(double kv, const std::vector<double>& bases_kv);

}  // namespace feederlab::io::dss
