// Units and per-unit conversions in one place (architecture rule 3).
#pragma once

#include <optional>
#include <string_view>

namespace feederlab::core {

// Length units as OpenDSS names them; None means "the impedance is per line, length is a multiplier".
enum class LengthUnit { None, Mile, Kft, Km, Meter, Foot, Inch, Cm, Mm };

std::optional<LengthUnit> parseLengthUnit(std::string_view text);  // accepts OpenDSS spellings
const char* lengthUnitName(LengthUnit u);                         // OpenDSS spelling
double metersPer(LengthUnit u);  // 1 for None, so None lengths pass through unchanged
// Factor to convert a length given in `from` into `to` (1 if either is None).
double lengthConversion(LengthUnit from, LengthUnit to);

inline constexpr double kPi = 3.14159265358979323846;
inline constexpr double kSqrt3 = 1.7320508075688772;

inline double degToRad(double deg) { return deg * kPi / 180.0; }
inline double radToDeg(double rad) { return rad * 180.0 / kPi; }
// Line-to-neutral volts of a line-to-line kV base.
inline double lnVolts(double kv_ll) { return kv_ll * 1000.0 / kSqrt3; }

}  // namespace feederlab::core
