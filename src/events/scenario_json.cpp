// Event files: JSON reader and writer (docs/events.md).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <sstream>

#include "feederlab/core/error.hpp"
#include "feederlab/events/playback_csv.hpp"
#include "feederlab/events/scenario_io.hpp"

namespace feederlab::events {

namespace {

using nlohmann::json;
using Keys = std::initializer_list<std::string_view>;

constexpr std::array<std::string_view, 5> kEventTypes{"fault", "source_sag", "voltage_playback", "switch", "load_step"};

std::string join(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

// The message of an InputError without the "file:line: " prefix and the " [offending]" suffix.
std::string bareMessage(const core::InputError& e) {
  std::string m = e.what();
  const std::string prefix = e.where().str() + ": ";
  if (m.starts_with(prefix)) m.erase(0, prefix.size());
  const std::string suffix = " [" + e.offending() + "]";
  if (!e.offending().empty() && m.ends_with(suffix)) m.erase(m.size() - suffix.size());
  return m;
}

class ScenarioReader {
 public:
  explicit ScenarioReader(const std::filesystem::path& path) : path_(path), file_(path.string()) {}

  Scenario read() {
    const json root = parse();
    if (!root.is_object()) fail("", "the file must hold one JSON object");
    onlyKeys(root, "", {"format", "name", "description", "t_end_s", "output_interval_s", "frequency_hz", "events"});
    if (root.contains("format") && root["format"] != std::string(kEventFormat)) {
      fail("format", fmt::format("expected \"{}\"", kEventFormat));
    }
    Scenario s;
    s.name = root.contains("name") ? text(root, "", "name") : path_.stem().string();
    if (root.contains("description")) s.description = text(root, "", "description");
    s.t_end_s = number(root, "", "t_end_s");
    if (root.contains("output_interval_s")) s.output_interval_s = number(root, "", "output_interval_s");
    if (root.contains("frequency_hz")) {
      frequency_hz_ = number(root, "", "frequency_hz");
      if (frequency_hz_ <= 0.0) fail("frequency_hz", "must be positive");
    }
    const json& events = need(root, "", "events");
    if (!events.is_array()) fail("events", "must be an array (empty for no event)");
    for (std::size_t i = 0; i < events.size(); ++i) s.events.push_back(event(events[i], fmt::format("events[{}]", i)));
    const std::vector<std::string> problems = s.validate();
    if (!problems.empty()) {
      const std::string first = problems.front().substr(0, problems.front().find(": "));
      fail(first, fmt::format("{} problem(s): {}", problems.size(), fmt::join(problems, "; ")));
    }
    return s;
  }

 private:
  [[noreturn]] void fail(const std::string& key, const std::string& message, int line = 0) const {
    throw core::InputError({file_, line}, key, message);
  }

  json parse() const {
    std::ifstream in(path_, std::ios::binary);
    if (!in) fail("", "cannot read the event file");
    std::ostringstream buffer;
    buffer << in.rdbuf();
    const std::string s = buffer.str();
    try {
      return json::parse(s);
    } catch (const json::parse_error& e) {
      const auto upto = static_cast<std::ptrdiff_t>(std::min<std::size_t>(e.byte, s.size()));
      const int line = 1 + static_cast<int>(std::count(s.begin(), s.begin() + upto, '\n'));
      std::string what = e.what();  // "[json.exception.parse_error.101] parse error at line 3, column 17: ..."
      if (const auto at = what.find("parse error"); at != std::string::npos) what.erase(0, at);
      fail("", fmt::format("JSON {} (byte {})", what, e.byte), line);
    } catch (const json::exception& e) {  // e.g. out_of_range.406: a number too large for a double
      fail("", fmt::format("JSON error: {}", e.what()));
    }
  }

  void onlyKeys(const json& obj, const std::string& path, Keys allowed) const {
    for (const auto& [k, v] : obj.items()) {
      if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
        fail(join(path, k), fmt::format("unknown key (expected one of: {})", fmt::join(allowed, ", ")));
      }
    }
  }
  const json& need(const json& obj, const std::string& path, std::string_view key) const {
    const auto it = obj.find(key);
    if (it == obj.end()) fail(join(path, key), "missing key");
    return *it;
  }
  double asNumber(const json& v, const std::string& key) const {
    if (!v.is_number()) fail(key, fmt::format("must be a number, not {}", v.dump()));
    const double x = v.get<double>();
    if (!std::isfinite(x)) fail(key, "must be finite");
    return x;
  }
  double number(const json& obj, const std::string& path, std::string_view key) const {
    return asNumber(need(obj, path, key), join(path, key));
  }
  std::string text(const json& obj, const std::string& path, std::string_view key) const {
    const json& v = need(obj, path, key);
    if (!v.is_string()) fail(join(path, key), fmt::format("must be a string, not {}", v.dump()));
    return v.get<std::string>();
  }
  const json& object(const json& v, const std::string& path) const {
    if (!v.is_object()) fail(path, "must be an object");
    return v;
  }

  // A number for all three phases, or [a, b, c].
  PhaseValues phaseValues(const json& v, const std::string& key) const {
    if (v.is_array()) {
      if (v.size() != 3) fail(key, "must be a number or an array of three numbers (phases a, b, c)");
      return {asNumber(v[0], key + "[0]"), asNumber(v[1], key + "[1]"), asNumber(v[2], key + "[2]")};
    }
    const double x = asNumber(v, key);
    return {x, x, x};
  }

  // Exactly one of t_off_s / duration_s / duration_cycles gives the end; returns the duration.
  double duration(const json& o, const std::string& path, double t_on_s, bool allow_t_off) const {
    const int given = static_cast<int>(o.contains("t_off_s") && allow_t_off) +
                      static_cast<int>(o.contains("duration_s")) + static_cast<int>(o.contains("duration_cycles"));
    const char* choices = allow_t_off ? "t_off_s, duration_s or duration_cycles" : "duration_s or duration_cycles";
    if (given == 0) fail(join(path, allow_t_off ? "t_off_s" : "duration_s"), fmt::format("missing key ({})", choices));
    if (given > 1) fail(path, fmt::format("give only one of {}", choices));
    if (allow_t_off && o.contains("t_off_s")) return number(o, path, "t_off_s") - t_on_s;
    if (o.contains("duration_s")) return number(o, path, "duration_s");
    return number(o, path, "duration_cycles") / frequency_hz_;
  }

  Event event(const json& v, const std::string& path) const {
    object(v, path);
    Event e;
    int types = 0;
    for (const auto& [k, body] : v.items()) {
      if (k == "note") {
        e.note = text(v, path, "note");
      } else if (std::find(kEventTypes.begin(), kEventTypes.end(), k) == kEventTypes.end()) {
        fail(join(path, k), fmt::format("unknown event type (expected one of: {})", fmt::join(kEventTypes, ", ")));
      } else if (++types > 1) {
        fail(path, "an event holds exactly one of: " + fmt::format("{}", fmt::join(kEventTypes, ", ")));
      } else {
        e.detail = detail(k, object(body, join(path, k)), join(path, k));
      }
    }
    if (types == 0) fail(path, fmt::format("no event type (expected one of: {})", fmt::join(kEventTypes, ", ")));
    return e;
  }

  EventDetail detail(const std::string& type, const json& o, const std::string& path) const {
    if (type == "fault") return fault(o, path);
    if (type == "source_sag") return sag(o, path);
    if (type == "voltage_playback") return playback(o, path);
    if (type == "switch") return switchAction(o, path);
    return loadStep(o, path);
  }

  Fault fault(const json& o, const std::string& path) const {
    onlyKeys(o, path, {"bus", "kind", "phases", "impedance_ohm", "t_on_s", "t_off_s", "duration_s", "duration_cycles"});
    Fault f;
    f.bus = text(o, path, "bus");
    const std::string kind = text(o, path, "kind");
    if (!parseFaultKind(kind, f.kind)) {
      fail(join(path, "kind"), fmt::format("\"{}\" is not one of: three_phase, slg, ll, dlg", kind));
    }
    f.phases = (f.kind == FaultKind::ThreePhase && !o.contains("phases")) ? "abc" : text(o, path, "phases");
    const json& z = need(o, path, "impedance_ohm");
    const std::string zkey = join(path, "impedance_ohm");
    if (z.is_array()) {
      if (z.size() != 2) fail(zkey, "must be [R, X] in ohm or a number R");
      f.impedance_ohm = {asNumber(z[0], zkey + "[0]"), asNumber(z[1], zkey + "[1]")};
    } else {
      f.impedance_ohm = {asNumber(z, zkey), 0.0};
    }
    f.t_on_s = number(o, path, "t_on_s");
    f.t_off_s = f.t_on_s + duration(o, path, f.t_on_s, true);
    if (o.contains("t_off_s")) f.t_off_s = number(o, path, "t_off_s");  // exactly as written
    return f;
  }

  SourceSag sag(const json& o, const std::string& path) const {
    SourceSag s;
    if (!o.contains("profile")) {
      onlyKeys(o, path, {"magnitude_pu", "t_on_s", "duration_s", "duration_cycles"});
      s.magnitude_pu = phaseValues(need(o, path, "magnitude_pu"), join(path, "magnitude_pu"));
      s.t_on_s = number(o, path, "t_on_s");
      s.duration_s = duration(o, path, s.t_on_s, false);
      return s;
    }
    for (const auto& [k, v] : o.items()) {
      if (k != "profile") fail(join(path, k), "a sag with a \"profile\" takes no other key");
    }
    const json& p = o["profile"];
    const std::string pkey = join(path, "profile");
    if (!p.is_array() || p.empty()) fail(pkey, "must be a non-empty array of [t_s, magnitude_pu] points");
    for (std::size_t i = 0; i < p.size(); ++i) {
      const std::string key = fmt::format("{}[{}]", pkey, i);
      const json& pt = p[i];
      if (!pt.is_array() || (pt.size() != 2 && pt.size() != 4)) {
        fail(key, "must be [t_s, magnitude_pu] or [t_s, a_pu, b_pu, c_pu]");
      }
      SagPoint point{.t_s = asNumber(pt[0], key + "[0]")};
      if (pt.size() == 2) {
        point.magnitude_pu = phaseValues(pt[1], key + "[1]");
      } else {
        for (std::size_t k = 0; k < 3; ++k)
          point.magnitude_pu[k] = asNumber(pt[k + 1], fmt::format("{}[{}]", key, k + 1));
      }
      s.profile.push_back(point);
    }
    return s;
  }

  VoltagePlayback playback(const json& o, const std::string& path) const {
    onlyKeys(o, path, {"bus", "csv"});
    VoltagePlayback v;
    if (o.contains("bus")) v.bus = text(o, path, "bus");
    v.csv = text(o, path, "csv");
    if (v.csv.empty()) fail(join(path, "csv"), "must name the playback CSV file");
    v.csv_path = path_.parent_path() / v.csv;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(v.csv_path, ec)) {
      fail(join(path, "csv"), fmt::format("playback CSV file {} not found", v.csv_path.string()));
    }
    try {
      v.series = readPlaybackCsv(v.csv_path);
    } catch (const core::InputError& e) {  // keeps the CSV file, row and column; adds who read it
      throw core::InputError(e.where(), e.offending(),
                             fmt::format("{} (playback CSV of {}, {})", bareMessage(e), file_, join(path, "csv")));
    }
    return v;
  }

  SwitchAction switchAction(const json& o, const std::string& path) const {
    onlyKeys(o, path, {"element", "action", "t_s"});
    SwitchAction w;
    w.element = text(o, path, "element");
    const std::string action = text(o, path, "action");
    if (action == "open") {
      w.operation = SwitchOperation::Open;
    } else if (action == "close") {
      w.operation = SwitchOperation::Close;
    } else {
      fail(join(path, "action"), fmt::format("\"{}\" is neither \"open\" nor \"close\"", action));
    }
    w.t_s = number(o, path, "t_s");
    return w;
  }

  LoadStep loadStep(const json& o, const std::string& path) const {
    onlyKeys(o, path, {"load", "scale", "t_s"});
    return {.load = text(o, path, "load"), .scale = number(o, path, "scale"), .t_s = number(o, path, "t_s")};
  }

  std::filesystem::path path_;
  std::string file_;
  double frequency_hz_ = 60.0;
};

// ------------------------------------------------------------------------------------ writer ----

using ojson = nlohmann::ordered_json;

ojson phaseJson(const PhaseValues& m) {
  if (m[0] == m[1] && m[1] == m[2]) return m[0];
  return ojson::array({m[0], m[1], m[2]});
}

struct DetailWriter {
  ojson operator()(const Fault& f) const {
    return {{"bus", f.bus},       {"kind", std::string(faultKindName(f.kind))},
            {"phases", f.phases}, {"impedance_ohm", ojson::array({f.impedance_ohm.real(), f.impedance_ohm.imag()})},
            {"t_on_s", f.t_on_s}, {"t_off_s", f.t_off_s}};
  }
  ojson operator()(const SourceSag& s) const {
    if (!s.isProfile()) {
      return {{"magnitude_pu", phaseJson(s.magnitude_pu)}, {"t_on_s", s.t_on_s}, {"duration_s", s.duration_s}};
    }
    ojson points = ojson::array();
    for (const SagPoint& p : s.profile) {
      const auto& m = p.magnitude_pu;
      const bool same = m[0] == m[1] && m[1] == m[2];
      points.push_back(same ? ojson::array({p.t_s, m[0]}) : ojson::array({p.t_s, m[0], m[1], m[2]}));
    }
    return {{"profile", points}};
  }
  ojson operator()(const VoltagePlayback& v) const { return {{"bus", v.bus}, {"csv", v.csv}}; }
  ojson operator()(const SwitchAction& w) const {
    return {{"element", w.element}, {"action", std::string(switchOperationName(w.operation))}, {"t_s", w.t_s}};
  }
  ojson operator()(const LoadStep& l) const { return {{"load", l.load}, {"scale", l.scale}, {"t_s", l.t_s}}; }
};

}  // namespace

Scenario readScenario(const std::filesystem::path& path) {
  return ScenarioReader(path).read();
}

std::string writeScenario(const Scenario& scenario) {
  ojson root;
  root["format"] = std::string(kEventFormat);
  root["name"] = scenario.name;
  if (!scenario.description.empty()) root["description"] = scenario.description;
  root["t_end_s"] = scenario.t_end_s;
  root["output_interval_s"] = scenario.output_interval_s;
  ojson events = ojson::array();
  for (const Event& e : scenario.events) {
    ojson item;
    item[std::string(typeKey(e.detail))] = std::visit(DetailWriter{}, e.detail);
    if (!e.note.empty()) item["note"] = e.note;
    events.push_back(std::move(item));
  }
  root["events"] = std::move(events);
  return root.dump(2) + "\n";
}

}  // namespace feederlab::events
