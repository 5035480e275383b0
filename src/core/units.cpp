#include "feederlab/core/units.hpp"

#include "feederlab/core/strings.hpp"

namespace feederlab::core {

std::optional<LengthUnit> parseLengthUnit(std::string_view text) {
  const std::string t = toLower(trim(text));
  // OpenDSS matches on leading characters (GetUnitsCode); mirror its accepted spellings.
  if (t == "none" || t == "no" || t.empty()) return LengthUnit::None;
  if (t.rfind("mi", 0) == 0) return LengthUnit::Mile;
  if (t.rfind("kf", 0) == 0) return LengthUnit::Kft;
  if (t.rfind("km", 0) == 0) return LengthUnit::Km;
  if (t == "m" || t.rfind("me", 0) == 0) return LengthUnit::Meter;
  if (t.rfind("ft", 0) == 0 || t.rfind("fe", 0) == 0 || t.rfind("fo", 0) == 0) return LengthUnit::Foot;
  if (t.rfind("in", 0) == 0) return LengthUnit::Inch;
  if (t.rfind("cm", 0) == 0) return LengthUnit::Cm;
  if (t.rfind("mm", 0) == 0) return LengthUnit::Mm;
  return std::nullopt;
}

const char* lengthUnitName(LengthUnit u) {
  switch (u) {
    case LengthUnit::None: return "none";
    case LengthUnit::Mile: return "mi";
    case LengthUnit::Kft: return "kft";
    case LengthUnit::Km: return "km";
    case LengthUnit::Meter: return "m";
    case LengthUnit::Foot: return "ft";
    case LengthUnit::Inch: return "in";
    case LengthUnit::Cm: return "cm";
    case LengthUnit::Mm: return "mm";
  }
  return "none";
}

double metersPer(LengthUnit u) {
  switch (u) {
    case LengthUnit::None: return 1.0;
    case LengthUnit::Mile: return 1609.3;  // OpenDSS LineUnits.pas value, so converted codes match it
    case LengthUnit::Kft: return 304.8;
    case LengthUnit::Km: return 1000.0;
    case LengthUnit::Meter: return 1.0;
    case LengthUnit::Foot: return 0.3048;
    case LengthUnit::Inch: return 0.0254;
    case LengthUnit::Cm: return 0.01;
    case LengthUnit::Mm: return 0.001;
  }
  return 1.0;
}

double lengthConversion(LengthUnit from, LengthUnit to) {
  if (from == LengthUnit::None || to == LengthUnit::None) return 1.0;
  return metersPer(from) / metersPer(to);
}

}  // namespace feederlab::core
