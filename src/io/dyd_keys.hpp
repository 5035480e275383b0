// The PSLF cmpldw keys and where each lands in model::CompositeSpec: one table shared by the
// .dyd reader and writer, so that what is read is exactly what is written (docs/dyd.md).
#pragma once

#include <span>
#include <string_view>

#include "feederlab/model/load_composition.hpp"

namespace feederlab::io::dyd {

enum class Kind {
  Real,     // any finite number
  Integer,  // must be a whole number (MtpA, LTC)
  MtpD,     // motor D type: only 1 (the performance model) is supported
};

struct Key {
  std::string_view name;  // as the reference file spells it (matching is case-insensitive)
  Kind kind;
  double (*get)(const model::CompositeSpec&);
  void (*set)(model::CompositeSpec&, double);
};

// Keys grouped in the reference file's lines (threeBus_cmpldw.dyd), then one line with the
// motor D keys that file leaves at their defaults.
std::span<const std::span<const Key>> keyLines();

// Looks a key up by its name or by an accepted alias (CompLF = LfmD, UVtr1 = vtr1, ...),
// case-insensitively; nullptr when unknown.
const Key* findKey(std::string_view name);

}  // namespace feederlab::io::dyd
