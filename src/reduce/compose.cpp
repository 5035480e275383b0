// Load compositions per class and per reduced load (reduction.md 2.3: section fractions are
// kW-weighted averages of the class fractions; "Decisions in force": class mapping, motor D spread).
#include <cstdlib>

#include "feederlab/core/error.hpp"
#include "feederlab/io/composition_reader.hpp"
#include "internal.hpp"

#ifndef FEEDERLAB_SOURCE_DATA_DIR
#define FEEDERLAB_SOURCE_DATA_DIR ""
#endif

namespace feederlab::reduce {

std::filesystem::path defaultDataDir() {
  if (const char* env = std::getenv("FEEDERLAB_DATA_DIR"); env && *env) return env;
  return FEEDERLAB_SOURCE_DATA_DIR;
}

model::CompositeSpec readCompositeSpecFile(const std::filesystem::path& composition_file) {
  return io::readCompositeSpec(composition_file);
}

}  // namespace feederlab::reduce

namespace feederlab::reduce::detail {

model::LoadClass compositionClass(model::LoadClass c) {
  switch (c) {
    case model::LoadClass::Unknown:  // OpenDSS's default class is 1 (residential)
    case model::LoadClass::Residential: return model::LoadClass::Residential;
    case model::LoadClass::Commercial: return model::LoadClass::Commercial;
    default: return model::LoadClass::Industrial;
  }
}

std::map<model::LoadClass, model::CompositeSpec> classCompositions(const Options& options) {
  std::map<model::LoadClass, model::CompositeSpec> out = options.class_compositions;
  const std::filesystem::path dir = options.data_dir.empty() ? defaultDataDir() : options.data_dir;
  const std::pair<model::LoadClass, const char*> files[] = {
      {model::LoadClass::Residential, "residential_summer_peak.json"},
      {model::LoadClass::Commercial, "commercial_summer_peak.json"},
      {model::LoadClass::Industrial, "industrial_summer_peak.json"}};
  for (const auto& [cls, file] : files) {
    if (out.count(cls)) continue;
    if (dir.empty()) throw core::ModelError("reduce", "no data folder for the default compositions (set FEEDERLAB_DATA_DIR)");
    out[cls] = readCompositeSpecFile(dir / "compositions" / file);
  }
  return out;
}

}  // namespace feederlab::reduce::detail
