// OpenDSS export: any model::Feeder (imported from OpenDSS, CIM or utility CSV, or reduced)
// written as one OpenDSS script that importDss reads back to the same model and the same power
// flow, and that OpenDSS itself can compile and solve.
//
// What is written and how it reads back (see src/io/dss_export*.cpp):
//   - lines: phase matrices per unit of the line's length unit (rmatrix/xmatrix in ohm,
//     cmatrix in nF from the shunt susceptance at the base frequency), or sequence values when
//     the line was given that way and they reproduce its matrices; `switch=yes` comes before
//     the impedances (it would overwrite them otherwise); open lines get an `Open` command;
//   - every terminal names all of its conductors' nodes (neutrals included), so the re-import
//     does not depend on OpenDSS's default nodes;
//   - Vsource impedances as Z1=[r x] Z0=[r x] in ohm (exact); the circuit's own source is
//     always called `source` (OpenDSS's rule);
//   - bus voltage bases as one `SetkVBase` per bus (exact), after `CalcVoltageBases` when that
//     cannot give a base to a bus that has none;
//   - coordinates in a separate file named by a `BusCoords` command (OpenDSS has no inline form
//     that both it and feederlab read);
//   - recorded-only elements (model::OtherElement: PV, storage, meters, ...) as comments; load
//     shapes that loads name become flat placeholders so OpenDSS finds them.
// Numbers are written in their shortest exact form (they read back bit for bit).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "feederlab/model/feeder.hpp"

namespace feederlab::io {

struct DssExportOptions {
  // File name the script's BusCoords command names (relative: beside the script).
  std::string bus_coords_file = "buscoords.csv";
};

struct DssExport {
  std::string script;
  std::string bus_coords;          // "bus, x, y" lines; empty when no bus has coordinates
  std::vector<std::string> notes;  // what could not be written exactly (also in the script)
};

// Throws core::ModelError naming the element when a name cannot be written (a bus name with
// '.', or with both kinds of quote).
DssExport exportDss(const model::Feeder& feeder, const DssExportOptions& options = {});

// Writes `path` and, when buses have coordinates, `<stem>_buscoords.csv` beside it, each
// atomically. Returns the notes of exportDss.
std::vector<std::string> exportDssFile(const model::Feeder& feeder, const std::filesystem::path& path);

}  // namespace feederlab::io
