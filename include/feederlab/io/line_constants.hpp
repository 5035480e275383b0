// Line constants from conductor geometry: the per-length phase impedance and shunt admittance
// matrices OpenDSS computes for LineGeometry (WireData, CNData, TSData, LineSpacing), with
// Kron reduction of the neutrals. Shared by the OpenDSS and CIM (assets) importers.
#pragma once

#include <vector>

#include "feederlab/core/cmatrix.hpp"

namespace feederlab::io::lineconst {

enum class EarthModel { Carson, FullCarson, Deri };  // OpenDSS `Set EarthModel`; default Deri

enum class ConductorKind { Bare, ConcentricNeutral, TapeShield };

// One conductor position in a geometry. All lengths in metres, resistances in ohm/m.
struct Conductor {
  double x_m = 0.0;  // horizontal position
  double h_m = 0.0;  // height above ground (negative for buried cables, as OpenDSS allows)
  ConductorKind kind = ConductorKind::Bare;
  // Phase conductor (or the bare wire)
  double gmr_m = 0.0;
  double radius_m = 0.0;
  double r_ac_ohm_per_m = 0.0;  // <= 0: 1.02 * r_dc (OpenDSS ConductorData default)
  double r_dc_ohm_per_m = 0.0;  // <= 0: r_ac / 1.02; Deri uses r_dc, Carson/FullCarson r_ac
  double cap_radius_m = 0.0;    // radius for the overhead potential coefficient; <= 0: radius_m
  // Cable insulation (CN and TS)
  double eps_r = 2.3;            // relative permittivity of the insulation
  double ins_layer_m = 0.0;      // insulation thickness
  double dia_ins_m = 0.0;        // diameter over insulation
  double dia_cable_m = 0.0;      // diameter over the jacket
  // Concentric neutral (CNData)
  int k_strands = 0;
  double dia_strand_m = 0.0;
  double gmr_strand_m = 0.0;
  double r_strand_ohm_per_m = 0.0;
  // OpenDSS CNData semicon flag: true (default) takes C across the insulation layer only,
  // false uses Kersting's CN formula up to the strand circle (ch. 5; as Synergi does).
  bool semicon = true;
  // Tape shield (TSData)
  double dia_shield_m = 0.0;
  double tape_layer_m = 0.0;
  double tape_lap_pct = 20.0;
};

struct Options {
  double frequency_hz = 60.0;
  double rho_ohm_m = 100.0;  // earth resistivity
  EarthModel earth_model = EarthModel::Deri;
  bool reduce = true;  // Kron-reduce the conductors beyond `phases` (and cable screens)
};

struct Result {
  core::CMatrix z_ohm_per_m;  // phases x phases after reduction
  core::CMatrix y_s_per_m;    // shunt admittance (j*omega*C) phases x phases
};

// `conductors` lists the phase conductors first (positions 1..phases), then neutrals, exactly as
// a LineSpacing orders them. Cable screens (CN/TS) add their own conductors internally, as
// OpenDSS does (it gives screens only to cables in phase positions, where LineGeometry puts
// them; here every cable gets one) and are always Kron-reduced. With any cable present the shunt
// admittance is each cable's core-to-screen capacitance alone and bare wires get none (OpenDSS
// CNTSLineConstants); otherwise it comes from the potential coefficients with images, which
// needs every height > 0. Frequencies in (40, 1000) Hz use the GMR and drop the internal
// reactance, as OpenDSS does. Throws std::invalid_argument with a message when the data are inconsistent
// (coincident conductors, non-positive radius or GMR, phases > conductors).
Result computeLineConstants(const std::vector<Conductor>& conductors, int phases,
                            const Options& options = {});

}  // namespace feederlab::io::lineconst
