// Composite-load records for transmission planning tools: PSLF `cmpldw` (.dyd) read and write,
// PSS/E `CMLDBLU2` (.dyr) write.
//
// PSLF record layout as in ../shared/references/dynamics/interpss/threeBus_cmpldw.dyd:
//   cmpldw <bus number> "<bus name>" <kV> "<id>" : #<n> mva=<MVA> / "Key" value ... /
// continued over lines ending in '/'; keys case-insensitive (Bss Rfdr Xfdr Fb Xxf TfixHS TfixLS
// LTC Tmin Tmax step Vmin Vmax Tdel Ttap Rcomp Xcomp Fma Fmb Fmc Fmd Fel PFel Vd1 Vd2 Frcel Pfs
// P1e P1c P2e P2c Pfreq Q1e Q1c Q2e Q2c Qfreq MtpA..MtpD, motor A/B/C keys with suffix A/B/C,
// motor D keys). Fractions: static = 1 - (Fma+Fmb+Fmc+Fmd+Fel).
//
// Attaching records to a feeder (`simulate --dyd`): a record applies to the loads at the bus
// whose name equals the record's bus name (case-insensitive). When several records name the
// same bus, each applies to the load whose name equals the record's id (case-insensitive);
// a load without a matching record is an error naming the load and the bus.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <span>
#include <string>
#include <vector>

#include "feederlab/core/error.hpp"
#include "feederlab/model/load_composition.hpp"

namespace feederlab::io {

struct CompositeRecord {
  int bus_number = 0;        // PSLF bus number (writers: 1-based index of the bus in the feeder)
  std::string bus;           // bus name
  double kv = 0.0;           // bus base kV (line-to-line)
  std::string id = "1";      // load id (the load's name in feederlab's reduced feeders)
  double mva = 0.0;          // MVA base of the record (load MW / load factor; 0 = from the load)
  model::CompositeSpec spec;  // fractions and every parameter
  core::SourceLocation location;  // where a read record starts (file:line)
};

// Throws core::InputError naming file, line and the offending text (unknown keyword, missing
// value, bad number, fractions outside [0,1] or summing above 1, parameter validate() failures).
// Records other than cmpldw/cmpldwg and comment lines ('#' at the line start) are skipped.
std::vector<CompositeRecord> readDyd(const std::filesystem::path& path);

// Every key written, in the reference file's order; values with full precision.
std::string dydText(std::span<const CompositeRecord> records);
void writeDyd(const std::filesystem::path& path, std::span<const CompositeRecord> records);  // atomic

// PSS/E CMLDBLU2 records (one per composite), fields in the PSS/E Model Library's order.
std::string dyrText(std::span<const CompositeRecord> records);
void writeDyr(const std::filesystem::path& path, std::span<const CompositeRecord> records);  // atomic

}  // namespace feederlab::io
