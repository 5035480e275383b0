// importCim: the CIM RDF/XML importer's entry point (see cim_importer.hpp).
#include "feederlab/io/cim_importer.hpp"

#include <algorithm>
#include <cmath>
#include <new>

#include "cim_document.hpp"
#include "feederlab/core/strings.hpp"

namespace feederlab::io {

namespace {

void setVoltageBases(const cim::Document& doc, model::Feeder& feeder) {
  std::vector<double> bases;
  for (cim::Node bv : doc.objects("BaseVoltage")) {
    const double kv = doc.requiredNumber(bv, "BaseVoltage.nominalVoltage") / 1000.0;
    if (kv <= 0.0) doc.fail(bv, std::to_string(kv), "BaseVoltage.nominalVoltage must be positive");
    const bool known = std::any_of(bases.begin(), bases.end(),
                                   [&](double b) { return std::fabs(b - kv) < 1e-9 * kv; });
    if (!known) bases.push_back(kv);
  }
  std::sort(bases.begin(), bases.end(), std::greater<>());
  feeder.settings.voltage_bases_kv = bases;
}

std::string feederName(const cim::Document& doc, const std::filesystem::path& file) {
  for (const char* cls : {"Feeder", "Line"}) {
    for (cim::Node container : doc.objects(cls)) {
      const auto name = doc.nameOf(container);
      if (!name.empty()) return core::toLower(name);
    }
  }
  return core::toLower(file.stem().string());
}

}  // namespace

model::Feeder importCim(const std::filesystem::path& xml_file) {
  const cim::Document doc(xml_file);
  model::Feeder feeder;
  feeder.format = "cim";
  feeder.source_files.push_back(xml_file.string());
  feeder.name = feederName(doc, xml_file);
  cim::Context ctx{doc, feeder, {}, 0, {}};
  cim::buildTopology(ctx);
  cim::importSources(ctx);
  cim::importTransformers(ctx);
  cim::importRegulators(ctx);
  cim::importLines(ctx);
  cim::importSwitches(ctx);
  cim::importLoads(ctx);
  cim::importShunts(ctx);
  cim::importGenerators(ctx);
  setVoltageBases(doc, feeder);
  if (feeder.sources.empty()) {
    throw core::InputError({doc.file(), 0}, "", "no EnergySource: the feeder has no source");
  }
  return feeder;
}

}  // namespace feederlab::io
