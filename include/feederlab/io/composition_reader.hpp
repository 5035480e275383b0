// Readers of the composite-load data files in data/ (format: docs/compositions.md).
//
//   readParameterSet(path)  data/parameters/*.json  -> model::ParameterSet
//   readComposition(path)   data/compositions/*.json -> model::LoadComposition
//   readCompositeSpec(path) a composition resolved against its parameter set -> model::CompositeSpec
//
// Every parameter is {"value": number | "inf", "unit": "...", "note": "..." (optional)}; the unit
// must be the one the format fixes for that key. Every key of a group is required, unknown keys
// are errors, and the result passes validate(). Errors are core::InputError naming the file and
// the key ("motor_d.v_stall"); JSON syntax errors name the line.
#pragma once

#include <filesystem>

#include "feederlab/model/load_composition.hpp"

namespace feederlab::io {

model::ParameterSet readParameterSet(const std::filesystem::path& path);

// The composition's "parameter_set" is resolved relative to the composition file's folder and
// returned as a path string (the set itself is read by readParameterSet).
model::LoadComposition readComposition(const std::filesystem::path& path);

// A composition with its parameter set read: what one load's composite is built from.
model::CompositeSpec readCompositeSpec(const std::filesystem::path& composition_file);

}  // namespace feederlab::io
