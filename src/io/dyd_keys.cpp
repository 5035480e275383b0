// The cmpldw key table (see dyd_keys.hpp). Symbols and groups: load-models.md 3.1-3.5; the
// parameter names are PSLF's as in ../shared/references/dynamics/interpss/threeBus_cmpldw.dyd.
#include "dyd_keys.hpp"

#include <array>

#include "feederlab/core/strings.hpp"

namespace feederlab::io::dyd {

namespace {

using model::CompositeSpec;

// One key bound to one field of the spec (`path` is the member path below CompositeSpec).
#define FL_REAL(name, path)                                                  \
  Key {                                                                      \
    name, Kind::Real, [](const CompositeSpec& s) { return double(s.path); }, \
        [](CompositeSpec& s, double v) { s.path = v; }                       \
  }
#define FL_INT(name, path)                                                      \
  Key {                                                                         \
    name, Kind::Integer, [](const CompositeSpec& s) { return double(s.path); }, \
        [](CompositeSpec& s, double v) { s.path = static_cast<int>(v); }        \
  }
#define FL_MOTOR(X, m)                                                                                         \
  constexpr Key kMotor##X##1 [] = {FL_REAL("Lfm" #X, parameters.m.lfm), FL_REAL("Rs" #X, parameters.m.rs),     \
                                   FL_REAL("Ls" #X, parameters.m.ls), FL_REAL("Lp" #X, parameters.m.lp),       \
                                   FL_REAL("Lpp" #X, parameters.m.lpp)};                                       \
  constexpr Key kMotor##X##2 [] = {FL_REAL("Tpo" #X, parameters.m.tpo), FL_REAL("Tppo" #X, parameters.m.tppo), \
                                   FL_REAL("H" #X, parameters.m.h), FL_REAL("etrq" #X, parameters.m.etrq)};    \
  constexpr Key kMotor##X##3 [] = {                                                                            \
      FL_REAL("Vtr1" #X, parameters.m.uv1.v_trip), FL_REAL("Ttr1" #X, parameters.m.uv1.t_trip),                \
      FL_REAL("Ftr1" #X, parameters.m.uv1.f_trip), FL_REAL("Vrc1" #X, parameters.m.uv1.v_reconnect),           \
      FL_REAL("Trc1" #X, parameters.m.uv1.t_reconnect)};                                                       \
  constexpr Key kMotor##X##4 [] = {                                                                            \
      FL_REAL("Vtr2" #X, parameters.m.uv2.v_trip), FL_REAL("Ttr2" #X, parameters.m.uv2.t_trip),                \
      FL_REAL("Ftr2" #X, parameters.m.uv2.f_trip), FL_REAL("Vrc2" #X, parameters.m.uv2.v_reconnect),           \
      FL_REAL("Trc2" #X, parameters.m.uv2.t_reconnect)};

// Substation transformer, LTC and feeder equivalent (load-models.md 3.1).
constexpr Key kFeeder1[] = {FL_REAL("Bss", parameters.feeder.bss), FL_REAL("Rfdr", parameters.feeder.rfdr),
                            FL_REAL("Xfdr", parameters.feeder.xfdr), FL_REAL("Fb", parameters.feeder.fb)};
constexpr Key kFeeder2[] = {FL_REAL("Xxf", parameters.feeder.xxf),       FL_REAL("TfixHS", parameters.feeder.tfixhs),
                            FL_REAL("TfixLS", parameters.feeder.tfixls), FL_INT("LTC", parameters.feeder.ltc),
                            FL_REAL("Tmin", parameters.feeder.tmin),     FL_REAL("Tmax", parameters.feeder.tmax),
                            FL_REAL("step", parameters.feeder.step)};
constexpr Key kFeeder3[] = {FL_REAL("Vmin", parameters.feeder.vmin),   FL_REAL("Vmax", parameters.feeder.vmax),
                            FL_REAL("Tdel", parameters.feeder.tdel),   FL_REAL("Ttap", parameters.feeder.ttap),
                            FL_REAL("Rcomp", parameters.feeder.rcomp), FL_REAL("Xcomp", parameters.feeder.xcomp)};
// Fractions; the static share is the remainder (load-models.md 3.1).
constexpr Key kFractions[] = {FL_REAL("Fma", fractions.fm_a), FL_REAL("Fmb", fractions.fm_b),
                              FL_REAL("Fmc", fractions.fm_c), FL_REAL("Fmd", fractions.fm_d),
                              FL_REAL("Fel", fractions.fel)};
// Electronic load (load-models.md 3.4).
constexpr Key kElectronic[] = {FL_REAL("PFel", parameters.electronic.pfel), FL_REAL("Vd1", parameters.electronic.vd1),
                               FL_REAL("Vd2", parameters.electronic.vd2),
                               FL_REAL("Frcel", parameters.electronic.frcel)};
// Static load (load-models.md 3.5).
constexpr Key kStaticP[] = {FL_REAL("Pfs", parameters.static_load.pfs), FL_REAL("P1e", parameters.static_load.p1e),
                            FL_REAL("P1c", parameters.static_load.p1c), FL_REAL("P2e", parameters.static_load.p2e),
                            FL_REAL("P2c", parameters.static_load.p2c), FL_REAL("Pfreq", parameters.static_load.pfrq)};
constexpr Key kStaticQ[] = {FL_REAL("Q1e", parameters.static_load.q1e), FL_REAL("Q1c", parameters.static_load.q1c),
                            FL_REAL("Q2e", parameters.static_load.q2e), FL_REAL("Q2c", parameters.static_load.q2c),
                            FL_REAL("Qfreq", parameters.static_load.qfrq)};
constexpr Key kMotorTypes[] = {
    FL_INT("MtpA", parameters.motor_a.mtyp), FL_INT("MtpB", parameters.motor_b.mtyp),
    FL_INT("MtpC", parameters.motor_c.mtyp),
    Key{"MtpD", Kind::MtpD, [](const CompositeSpec&) { return 1.0; }, [](CompositeSpec&, double) {}}};
// Three-phase motors A, B, C (load-models.md 3.2).
FL_MOTOR(A, motor_a)
FL_MOTOR(B, motor_b)
FL_MOTOR(C, motor_c)
// Motor D (load-models.md 3.3).
constexpr Key kMotorD1[] = {FL_REAL("LfmD", parameters.motor_d.comp_lf), FL_REAL("CompPF", parameters.motor_d.comp_pf)};
constexpr Key kMotorD2[] = {
    FL_REAL("Vstall", parameters.motor_d.v_stall), FL_REAL("Rstall", parameters.motor_d.r_stall),
    FL_REAL("Xstall", parameters.motor_d.x_stall), FL_REAL("Tstall", parameters.motor_d.t_stall),
    FL_REAL("Frst", parameters.motor_d.f_rst),     FL_REAL("Vrst", parameters.motor_d.v_rst),
    FL_REAL("Trst", parameters.motor_d.t_rst)};
constexpr Key kMotorD3[] = {FL_REAL("fuvr", parameters.motor_d.f_uvr), FL_REAL("vtr1", parameters.motor_d.uv_tr1),
                            FL_REAL("ttr1", parameters.motor_d.t_tr1), FL_REAL("vtr2", parameters.motor_d.uv_tr2),
                            FL_REAL("ttr2", parameters.motor_d.t_tr2)};
constexpr Key kMotorD4[] = {FL_REAL("Vc1off", parameters.motor_d.v_c1off),
                            FL_REAL("Vc2off", parameters.motor_d.v_c2off), FL_REAL("Vc1on", parameters.motor_d.v_c1on),
                            FL_REAL("Vc2on", parameters.motor_d.v_c2on)};
constexpr Key kMotorD5[] = {FL_REAL("Tth", parameters.motor_d.t_th), FL_REAL("Th1t", parameters.motor_d.th1t),
                            FL_REAL("Th2t", parameters.motor_d.th2t), FL_REAL("tv", parameters.motor_d.t_v)};
// Not in the reference file (it leaves them at the specification's values).
constexpr Key kMotorD6[] = {
    FL_REAL("LFadj", parameters.motor_d.lf_adj),   FL_REAL("Kp1", parameters.motor_d.kp1),
    FL_REAL("Np1", parameters.motor_d.np1),        FL_REAL("Kq1", parameters.motor_d.kq1),
    FL_REAL("Nq1", parameters.motor_d.nq1),        FL_REAL("Kp2", parameters.motor_d.kp2),
    FL_REAL("Np2", parameters.motor_d.np2),        FL_REAL("Kq2", parameters.motor_d.kq2),
    FL_REAL("Nq2", parameters.motor_d.nq2),        FL_REAL("Vbrk", parameters.motor_d.v_brk),
    FL_REAL("CmpKpf", parameters.motor_d.cmp_kpf), FL_REAL("CmpKqf", parameters.motor_d.cmp_kqf)};

#undef FL_MOTOR
#undef FL_INT
#undef FL_REAL

const std::array<std::span<const Key>, 26> kLines = {std::span<const Key>(kFeeder1),
                                                     kFeeder2,
                                                     kFeeder3,
                                                     kFractions,
                                                     kElectronic,
                                                     kStaticP,
                                                     kStaticQ,
                                                     kMotorTypes,
                                                     kMotorA1,
                                                     kMotorA2,
                                                     kMotorA3,
                                                     kMotorA4,
                                                     kMotorB1,
                                                     kMotorB2,
                                                     kMotorB3,
                                                     kMotorB4,
                                                     kMotorC1,
                                                     kMotorC2,
                                                     kMotorC3,
                                                     kMotorC4,
                                                     kMotorD1,
                                                     kMotorD2,
                                                     kMotorD3,
                                                     kMotorD4,
                                                     kMotorD5,
                                                     kMotorD6};

// Other spellings found in PSLF documentation and decks.
constexpr std::pair<std::string_view, std::string_view> kAliases[] = {
    {"CompLF", "LfmD"}, {"UVtr1", "vtr1"}, {"UVtr2", "vtr2"}, {"Pfrq", "Pfreq"},
    {"Qfrq", "Qfreq"},  {"Tv", "tv"},      {"Fuvr", "fuvr"}};

}  // namespace

std::span<const std::span<const Key>> keyLines() {
  return kLines;
}

const Key* findKey(std::string_view name) {
  for (const auto& [alias, canonical] : kAliases) {
    if (core::iequals(name, alias)) name = canonical;
  }
  for (const auto& line : keyLines()) {
    for (const Key& key : line) {
      if (core::iequals(name, key.name)) return &key;
    }
  }
  return nullptr;
}

}  // namespace feederlab::io::dyd
