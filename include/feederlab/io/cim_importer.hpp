// CIM RDF/XML importer (IEC 61968-13 CDPSM style, as GridAPPS-D / CIMHub export it).
//
// Reads both dialects shipped with the shared feeders:
//   - CIM100 (namespace http://iec.ch/TC57/CIM100#): rdf:about="urn:uuid:..." identifiers,
//     rdf:resource="urn:uuid:..." references, EnergyConsumer.p/q;
//   - the 2016 CIM16 CDPSM export: rdf:ID="_..." identifiers, rdf:resource="#_..." references,
//     EnergyConsumer.pfixed/qfixed, PhaseImpedanceData.sequenceNumber, Asset links to AssetInfo.
// The result follows the OpenDSS conventions of model::Feeder (see feeder.hpp), so a feeder
// that CIMHub exported from an OpenDSS script imports to the same circuit:
//   - buses are ConnectivityNode names (lower-case), one node per conductor;
//   - lines carry impedances per metre (length_unit = Meter), switches the near-zero
//     impedance of the GridAPPS-D scripts (r1 = r0 = 1e-4 ohm per unit, length 0.001, units none);
//   - transformers: one model::Transformer per PowerTransformer with PowerTransformerEnds, or one
//     per TransformerTank (bank = PowerTransformer name); %R, %X and no-load data on the
//     winding-1 kVA base, as OpenDSS's Transformer and XfmrCode;
//   - RatioTapChanger positions become winding taps; TapChangerControl a RegControl;
//   - PV and batteries (PowerElectronicsConnection) are recorded as OtherElement with one warning.
// Errors: malformed XML, unresolved references, missing required attributes and bad numbers are
// core::InputError with the file:line of the offending element, its class, name and mRID.
#pragma once

#include <filesystem>

#include "feederlab/model/feeder.hpp"

namespace feederlab::io {

model::Feeder importCim(const std::filesystem::path& xml_file);

}  // namespace feederlab::io
