// Composite-load records for transmission planning tools: PSLF `cmpldw` (.dyd) read and write,
// PSS/E `CMLDBLU2` (.dyr) write. Format, key table and conventions: docs/dyd.md.
//
// PSLF record layout as in ../shared/references/dynamics/interpss/threeBus_cmpldw.dyd:
//   cmpldw <bus number> "<bus name>" <kV> "<id>" : #<n> mva=<MVA> / "Key" value ... /
// continued over lines ending in '/'; keys case-insensitive (Bss Rfdr Xfdr Fb Xxf TfixHS TfixLS
// LTC Tmin Tmax step Vmin Vmax Tdel Ttap Rcomp Xcomp Fma Fmb Fmc Fmd Fel PFel Vd1 Vd2 Frcel Pfs
// P1e P1c P2e P2c Pfreq Q1e Q1c Q2e Q2c Qfreq MtpA..MtpD, motor A/B/C keys with suffix A/B/C,
// motor D keys LfmD CompPF Vstall Rstall Xstall Tstall Frst Vrst Trst fuvr vtr1 ttr1 vtr2 ttr2
// Vc1off Vc2off Vc1on Vc2on Tth Th1t Th2t tv, and LFadj Kp1 Np1 Kq1 Nq1 Kp2 Np2 Kq2 Nq2 Vbrk
// CmpKpf CmpKqf which the reference omits; aliases CompLF = LfmD, UVtr1/UVtr2 = vtr1/vtr2,
// Pfrq/Qfrq = Pfreq/Qfreq). Keys a record omits keep the Set W defaults of model::ParameterSet.
// Fractions: static = 1 - (Fma+Fmb+Fmc+Fmd+Fel). MtpD must be 1 (performance model); cmpldwg
// records are read with the same keys (DG keys are unknown keys: DG is not modelled).
// Writers: infinite times ("never") are written as 99999 s, the decks' convention; the reader
// keeps numbers as written, so 99999 reads back as 99999 (beyond any study's 30 s).
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
  int bus_number = 0;             // PSLF bus number (writers: 1-based index of the bus in the feeder)
  std::string bus;                // bus name
  double kv = 0.0;                // bus base kV (line-to-line)
  std::string id = "1";           // load id (the load's name in feederlab's reduced feeders)
  double mva = 0.0;               // MVA base of the record (load MW / load factor; 0 = from the load)
  model::CompositeSpec spec;      // fractions and every parameter
  core::SourceLocation location;  // where a read record starts (file:line)
};

// Throws core::InputError naming file, line and the offending text (unknown keyword, missing
// value, bad number, key given twice, fractions outside [0,1] or summing above 1 (reported at the
// record's first line), parameter validate() failures). Records other than cmpldw/cmpldwg and
// comment lines ('#' at the line start) are skipped. Each record's spec.name and
// spec.parameters.provenance are "file:line"; static_override stays empty (the record's static
// keys fill spec.parameters.static_load).
std::vector<CompositeRecord> readDyd(const std::filesystem::path& path);

// Every key written, in the reference file's order, then one line of the motor D keys the
// reference omits; values in the shortest text that reads back to the same double (write ->
// read is exact). Throws core::ModelError (bus name) for a NaN or a name holding a quote.
std::string dydText(std::span<const CompositeRecord> records);
void writeDyd(const std::filesystem::path& path, std::span<const CompositeRecord> records);  // atomic

// PSS/E CMLDBLU2 records (one per composite), fields in the PSS/E Model Library's order:
//   <bus number> 'USRLOD' '<id>' 'CMLDBLU2' 12 1 2 133 27 146 48 0 0  CON(J)..CON(J+132) /
// CON(J) = MVA, feeder/LTC, fractions, electronic, static, motors A, B, C (20 each), motor D
// (Tstall Trst Tv Tf CompLF ... Ttr2; Tf, absent from CMPLDW, is written as 0.05 s), Frcel last.
std::string dyrText(std::span<const CompositeRecord> records);
void writeDyr(const std::filesystem::path& path, std::span<const CompositeRecord> records);  // atomic

}  // namespace feederlab::io
