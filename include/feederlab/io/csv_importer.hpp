// Importer of the utility CSV export format: a folder of CSV tables (nodes, sections,
// conductors, transformers, customers, substation, and optionally switches, regulators,
// capacitors, scada), specified in docs/utility-csv.md.
//
// Customers become model::Load entries on their service transformer's secondary (split-phase
// 120/240 V as ieee8500's Loads.dss, or three-phase wye) with load_class and num_customers set.
// The feeder-head SCADA readings are kept as OtherElement entries of class "energymeter"
// (kw/kvar = the reading) until the model grows a field for them.
#pragma once

#include <filesystem>

#include "feederlab/model/feeder.hpp"

namespace feederlab::io {

// Study-hour load factor (average kW over the month / kW at the study hour) used when a
// customer row gives monthly kWh but no peak kW, per class (docs/utility-csv.md).
double defaultLoadFactor(model::LoadClass load_class);

// Throws core::InputError naming file:row:column for malformed tables, unknown references and
// duplicate ids; never returns a half-built feeder.
model::Feeder importUtilityCsv(const std::filesystem::path& folder);

}  // namespace feederlab::io
