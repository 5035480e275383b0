// Checks of the composite-load parameter structs (see load_composition.hpp).
#include "feederlab/model/load_composition.hpp"

#include <cmath>
#include <cstdint>
#include <sstream>

namespace feederlab::model {

namespace {

class Problems {
 public:
  explicit Problems(std::string prefix = {}) : prefix_(std::move(prefix)) {}
  // Adds "<prefix><key> = <value>: <message>" when `ok` is false.
  void require(bool ok, const std::string& key, double value, const std::string& message) {
    if (ok) return;
    std::ostringstream os;
    os << prefix_ << key << " = " << value << ": " << message;
    list_.push_back(os.str());
  }
  void add(const std::string& message) { list_.push_back(prefix_ + message); }
  void append(const std::vector<std::string>& more, const std::string& group) {
    for (const auto& m : more) list_.push_back(prefix_ + group + "." + m);
  }
  std::vector<std::string> take() { return std::move(list_); }

 private:
  std::string prefix_;
  std::vector<std::string> list_;
};

bool finite(double x) { return std::isfinite(x); }
bool share(double x) { return finite(x) && x >= 0.0 && x <= 1.0; }
bool positive(double x) { return finite(x) && x > 0.0; }
bool nonNegativeTime(double x) { return !std::isnan(x) && x >= 0.0; }  // infinity = never

void checkStage(Problems& p, const UvTripStage& s, const std::string& k) {
  p.require(finite(s.v_trip) && s.v_trip >= 0.0, k + ".v_trip", s.v_trip, "must be >= 0 pu");
  p.require(nonNegativeTime(s.t_trip), k + ".t_trip", s.t_trip, "must be >= 0 s");
  p.require(share(s.f_trip), k + ".f_trip", s.f_trip, "must be in [0, 1]");
  p.require(finite(s.v_reconnect), k + ".v_reconnect", s.v_reconnect, "must be finite");
  p.require(nonNegativeTime(s.t_reconnect), k + ".t_reconnect", s.t_reconnect, "must be >= 0 s");
  // A reconnect level below the trip level is legal (Dynawo's motor A data: trip below 0.65 pu,
  // reconnect above 0.1 pu); the reconnect timer runs only once the stage has tripped.
  p.require(s.v_reconnect >= 0.0, k + ".v_reconnect", s.v_reconnect, "must be >= 0 pu");
}

}  // namespace

std::vector<std::string> StaticLoadParameters::validate() const {
  Problems p;
  for (auto [key, value] : {std::pair{"p1e", p1e}, {"p1c", p1c}, {"p2e", p2e}, {"p2c", p2c}, {"pfrq", pfrq},
                            {"q1e", q1e}, {"q1c", q1c}, {"q2e", q2e}, {"q2c", q2c}, {"qfrq", qfrq}, {"pfs", pfs}}) {
    p.require(finite(value), key, value, "must be finite");
  }
  p.require(finite(pfs) && std::abs(pfs) <= 1.0, "pfs", pfs, "must be in [-1, 1]");
  return p.take();
}

std::vector<std::string> ElectronicLoadParameters::validate() const {
  Problems p;
  p.require(finite(pfel) && std::abs(pfel) <= 1.0 && pfel != 0.0, "pfel", pfel, "must be in [-1, 1], not 0");
  p.require(finite(vd2) && vd2 >= 0.0, "vd2", vd2, "must be >= 0 pu");
  p.require(finite(vd1) && vd1 > vd2, "vd1", vd1, "must be > vd2");
  p.require(share(frcel), "frcel", frcel, "must be in [0, 1]");
  return p.take();
}

std::vector<std::string> InductionMotorParameters::validate() const {
  Problems p;
  if (mtyp != 1 && mtyp != 3) p.add("mtyp = " + std::to_string(mtyp) + ": must be 1 or 3");
  p.require(positive(lfm), "lfm", lfm, "must be > 0");
  p.require(finite(rs) && rs >= 0.0, "rs", rs, "must be >= 0 pu");
  p.require(positive(lpp), "lpp", lpp, "must be > 0 pu");
  p.require(finite(lp) && lp >= lpp, "lp", lp, "must be >= lpp");
  p.require(finite(ls) && ls > lp, "ls", ls, "must be > lp");
  p.require(positive(tpo), "tpo", tpo, "must be > 0 s");
  p.require(finite(tppo) && tppo >= 0.0, "tppo", tppo, "must be >= 0 s");
  p.require(positive(h), "h", h, "must be > 0 s");
  p.require(finite(etrq), "etrq", etrq, "must be finite");
  checkStage(p, uv1, "uv1");
  checkStage(p, uv2, "uv2");
  if (uv1.f_trip + uv2.f_trip > 1.0 + 1e-12) p.add("uv1.f_trip + uv2.f_trip must be <= 1");
  return p.take();
}

std::vector<std::string> MotorDParameters::validate() const {
  Problems p;
  p.require(positive(comp_lf), "comp_lf", comp_lf, "must be > 0");
  p.require(finite(comp_pf) && comp_pf > 0.0 && comp_pf <= 1.0, "comp_pf", comp_pf, "must be in (0, 1]");
  p.require(finite(r_stall) && r_stall >= 0.0, "r_stall", r_stall, "must be >= 0 pu");
  p.require(finite(x_stall) && x_stall >= 0.0, "x_stall", x_stall, "must be >= 0 pu");
  if (!(r_stall > 0.0 || x_stall > 0.0)) p.add("r_stall, x_stall: the stall impedance must not be zero");
  p.require(finite(v_stall) && v_stall > 0.0 && v_stall < 1.0, "v_stall", v_stall, "must be in (0, 1) pu");
  p.require(nonNegativeTime(t_stall), "t_stall", t_stall, "must be >= 0 s (infinity disables stalling)");
  p.require(share(f_rst), "f_rst", f_rst, "must be in [0, 1]");
  p.require(finite(v_rst) && v_rst > vStallAdjusted(), "v_rst", v_rst,
            "must be above v_stall (after LFadj): a restarted sub-block would stall at once");
  p.require(nonNegativeTime(t_rst), "t_rst", t_rst, "must be >= 0 s");
  p.require(share(f_uvr), "f_uvr", f_uvr, "must be in [0, 1]");
  p.require(finite(uv_tr1) && uv_tr1 >= 0.0, "uv_tr1", uv_tr1, "must be >= 0 pu");
  p.require(finite(uv_tr2) && uv_tr2 >= 0.0, "uv_tr2", uv_tr2, "must be >= 0 pu");
  p.require(nonNegativeTime(t_tr1), "t_tr1", t_tr1, "must be >= 0 s");
  p.require(nonNegativeTime(t_tr2), "t_tr2", t_tr2, "must be >= 0 s");
  // Contactor thresholds: the spec's consistency rules (load-models.md 3.3: Vc2off > Vc1off or
  // Vc2on > Vc1on is a parameter error, never silently fixed). Equal values would make a
  // zero-width band (division by zero in the linear law), and a reset level Vc1on below the
  // drop-out start Vc1off would re-arm the law inside its own drop-out band.
  p.require(finite(v_c2off) && v_c2off >= 0.0, "v_c2off", v_c2off, "must be >= 0 pu");
  p.require(finite(v_c1off) && v_c1off > v_c2off, "v_c1off", v_c1off, "must be > v_c2off");
  p.require(finite(v_c2on) && v_c2on >= 0.0, "v_c2on", v_c2on, "must be >= 0 pu");
  p.require(finite(v_c1on) && v_c1on > v_c2on, "v_c1on", v_c1on, "must be > v_c2on");
  p.require(v_c1on >= v_c1off, "v_c1on", v_c1on, "must be >= v_c1off (reset level at or above drop-out start)");
  p.require(positive(t_th), "t_th", t_th, "must be > 0 s");
  p.require(finite(th1t) && th1t >= 0.0, "th1t", th1t, "must be >= 0");
  p.require(finite(th2t) && th2t > th1t, "th2t", th2t, "must be > th1t");
  p.require(positive(t_v), "t_v", t_v, "must be > 0 s");
  for (auto [key, value] : {std::pair{"kp1", kp1}, {"kq1", kq1}, {"kp2", kp2}, {"kq2", kq2}, {"cmp_kpf", cmp_kpf},
                            {"cmp_kqf", cmp_kqf}, {"lf_adj", lf_adj}}) {
    p.require(finite(value), key, value, "must be finite");
  }
  // Exponents >= 1 keep the run curves' derivatives finite at Vbrk (the Jacobian is hand-written).
  for (auto [key, value] : {std::pair{"np1", np1}, {"nq1", nq1}, {"np2", np2}, {"nq2", nq2}}) {
    p.require(finite(value) && value >= 1.0, key, value, "must be >= 1 (finite slope at v_brk)");
  }
  p.require(finite(v_brk) && vBrkAdjusted() > vStallAdjusted(), "v_brk", v_brk, "must be above v_stall (after LFadj)");
  p.require(vBrkAdjusted() < 1.5, "v_brk", v_brk, "must be below 1.5 pu (after LFadj)");
  return p.take();
}

std::vector<std::string> FeederEquivalentParameters::validate() const {
  Problems p;
  for (auto [key, value] : {std::pair{"bss", bss}, {"rfdr", rfdr}, {"xfdr", xfdr}, {"xxf", xxf}, {"rcomp", rcomp},
                            {"xcomp", xcomp}}) {
    p.require(finite(value), key, value, "must be finite");
  }
  p.require(share(fb), "fb", fb, "must be in [0, 1]");
  p.require(positive(tfixhs), "tfixhs", tfixhs, "must be > 0");
  p.require(positive(tfixls), "tfixls", tfixls, "must be > 0");
  if (ltc != 0 && ltc != 1) p.add("ltc = " + std::to_string(ltc) + ": must be 0 or 1");
  p.require(positive(tmin), "tmin", tmin, "must be > 0");
  p.require(finite(tmax) && tmax >= tmin, "tmax", tmax, "must be >= tmin");
  p.require(finite(step) && step >= 0.0, "step", step, "must be >= 0");
  p.require(finite(vmax) && vmax >= vmin, "vmax", vmax, "must be >= vmin");
  p.require(nonNegativeTime(tdel), "tdel", tdel, "must be >= 0 s");
  p.require(nonNegativeTime(ttap), "ttap", ttap, "must be >= 0 s");
  return p.take();
}

std::vector<std::string> ParameterSet::validate() const {
  Problems p;
  p.append(static_load.validate(), "static");
  p.append(electronic.validate(), "electronic");
  p.append(motor_a.validate(), "motor_a");
  p.append(motor_b.validate(), "motor_b");
  p.append(motor_c.validate(), "motor_c");
  p.append(motor_d.validate(), "motor_d");
  p.append(feeder.validate(), "feeder");
  return p.take();
}

std::vector<std::string> ComponentFractions::validate() const {
  Problems p;
  double sum = 0.0;
  for (auto [key, value] : {std::pair{"fm_a", fm_a}, {"fm_b", fm_b}, {"fm_c", fm_c}, {"fm_d", fm_d}, {"fel", fel},
                            {"static", static_load}}) {
    p.require(share(value), key, value, "must be in [0, 1]");
    sum += value;
  }
  p.require(std::abs(sum - 1.0) <= 1e-6, "sum of fractions", sum, "must be 1 (within 1e-6)");
  return p.take();
}

std::vector<std::string> LoadComposition::validate() const {
  Problems p;
  p.append(fractions.validate(), "fractions");
  if (static_override) p.append(static_override->validate(), "static_override");
  if (parameter_set.empty()) p.add("parameter_set: missing");
  return p.take();
}

int motorDPopulationOf(const std::vector<MotorDPopulation>& populations, std::string_view unit_name) {
  if (populations.empty()) return -1;
  std::uint64_t h = 14695981039346656037ULL;  // FNV-1a 64 offset basis
  for (const char c : unit_name) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;  // FNV prime
  }
  h ^= h >> 33;  // finalizer (MurmurHash3 fmix64) so that similar names spread over [0, 1)
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  const double u = static_cast<double>(h >> 11) * 0x1.0p-53;
  double cum = 0.0;
  for (std::size_t k = 0; k < populations.size(); ++k) {
    cum += populations[k].share;
    if (u < cum) return static_cast<int>(k);
  }
  return static_cast<int>(populations.size()) - 1;
}

CompositeSpec unitSpec(const CompositeSpec& spec, std::string_view unit_name) {
  CompositeSpec out = spec;
  const int k = motorDPopulationOf(spec.motor_d_populations, unit_name);
  if (k >= 0) {
    const auto& pop = spec.motor_d_populations[static_cast<std::size_t>(k)];
    out.parameters.motor_d.v_stall = pop.v_stall;
    out.parameters.motor_d.t_stall = pop.t_stall;
    out.name += " / " + pop.name;
  }
  out.motor_d_populations.clear();
  return out;
}

std::vector<std::string> validatePopulations(const std::vector<MotorDPopulation>& populations,
                                             const MotorDParameters& base) {
  Problems p;
  double sum = 0.0;
  for (std::size_t k = 0; k < populations.size(); ++k) {
    const auto& pop = populations[k];
    const std::string key = "motor_d_populations[" + std::to_string(k) + "]";
    p.require(finite(pop.share) && pop.share > 0.0 && pop.share <= 1.0, key + ".share", pop.share, "must be in (0, 1]");
    sum += pop.share;
    MotorDParameters d = base;
    d.v_stall = pop.v_stall;
    d.t_stall = pop.t_stall;
    p.append(d.validate(), key);
  }
  if (!populations.empty())
    p.require(std::abs(sum - 1.0) <= 1e-6, "sum of motor_d_populations shares", sum, "must be 1 (within 1e-6)");
  return p.take();
}

StaticLoadParameters constantImpedanceStatic() {
  return StaticLoadParameters{.pfs = -1.0, .p1e = 2.0, .p1c = 1.0, .p2e = 1.0, .p2c = 0.0, .pfrq = 0.0,
                              .q1e = 2.0, .q1c = 1.0, .q2e = 1.0, .q2c = 0.0, .qfrq = 0.0};
}

}  // namespace feederlab::model
