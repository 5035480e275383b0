// Feeder reduction: a detailed feeder becomes a chain of N equivalent sections, each with an
// aggregated service transformer and composite loads, plus the single-bus CMPLDW baseline
// (../shared/design/reduction.md, "Decisions in force"; user doc: docs/reduction.md).
//
// Method (reduction.md 2.2-2.6, our [INTERP] choices marked here):
//   1. Base case. The full feeder is solved with its own controls; the solved regulator taps and
//      capacitor states are then frozen (cli.md "frozen controls"). Every later comparison, the
//      off-design points included, uses that frozen full feeder.
//   2. Trunk: from @head, at each branching the child with the most downstream kW (source-side
//      loads excluded). Every feeder bus below @head gets the trunk position of its tap point.
//   3. Sections: contiguous runs of trunk positions. Boundaries are forced at trunk regulators and
//      voltage-changing transformers and at keep-list buses; the free boundaries minimise the
//      kW-weighted variance of customer-terminal voltage within the sections (exact dynamic
//      programme over trunk positions), which is "customer-voltage bands along the trunk" made
//      precise. `auto`: N grows from max(3, forced + 1) until the per-load section-voltage profile
//      changes by less than 0.002 pu RMS from N to N+1, capped at Options::max_sections.
//   4. Section voltage V̄_k: kW-weighted mean of the complex customer-terminal voltages (pu of each
//      load's rating), each phase element rotated by the multiple of 30 degrees nearest to its
//      angle relative to @head (undoes phase b/c, delta and split-phase rotations).
//   5. Equivalents, POSITIVE SEQUENCE written as a BALANCED 3x3 line with the trunk's
//      length-weighted mutual-to-self ratio m (Zs = Z1/(1 - m), Zm = m Zs, Z0 = Zs + 2 Zm). Why: the
//      reduced loads are balanced three-phase, so only the positive sequence carries the steady
//      state; the mutual ratio keeps a plausible zero sequence for SLG faults at no cost. Z1 per
//      section (Options::equivalent):
//      Physical: Σ Z_b W_b² of the section's lines (reduction.md 2.5; chain W_b = kW below b / kW
//        below the entry; comb: own branch Σ Z_b D_b O_b / own², trunk piece Σ_trunk Z_b D_b / D_next),
//        fixed; |V̄_k| met by the secondary tap of the section's aggregated service transformer (one
//        power flow per sweep, to 1e-8 pu). Why: losses right by construction, and what a passive
//        chain misses is mostly capacitor rise beyond the load centroid, a near-constant offset that
//        a fixed ratio reproduces off-design (a fitted Z hides it in its angle: J1 R = 0.03 ohm).
//      Fitted: the chain formula Z_k = (V_{k-1} - V_k) / I_k, solved on the reduced feeder's own
//        power flow (Gauss-Seidel sweeps from the head, one power flow per sweep, each change
//        propagated downstream to first order, to 1e-8 pu).
//      Per phase (Options::phases; Auto: on unbalanced feeders, after the balanced physical variants
//        miss a check): same Σ Z_b W_b² Z1, but section loads as single-phase wye loads on their
//        customers' phases (SectionInfo::phase_kw allocation; names s3_b2a/b/c), trunk banks of
//        single-phase regulators as single-phase units at their own taps, the aggregated service
//        transformer as three single-phase units (kVA by phase kW share) with a tap each so every
//        phase meets its mean customer voltage (one common factor keeps |V̄_k| exact), and the
//        section line a phase-frame 3x3: the section trunk's own untransposed 3x3 scaled to Z1, or
//        balanced with the trunk's complex Zm/Zs. Why: on ieee8500 the phases' off-design
//        sensitivities differ by a factor of 30 (phase c barely moves, a and b by 0.1 pu) and
//        vreg3's taps 1.100/1.0625/1.006 differ; balanced sections missed by 0.024 pu, these by
//        0.009. The section voltage of a per-phase section is read as the phase voltages weighted by
//        the section's kW per phase (the metric over the reduced customers; not per phase).
//      A negative equivalent R is a core::ModelError. Variants: physical chain, physical comb,
//      [unbalanced feeders: per-phase physical chain/comb (trunk 3x3 shape), per-phase balanced
//      physical chain/comb (complex m)], fitted chain, fitted comb (comb: trunk equivalents between
//      the sections' trunk ends, each section's load on its own branch); the first meeting every
//      check is kept, else the one failing fewest checks, then the smallest worst error/tolerance
//      ratio. Failed variants are noted.
//   6. Aggregated service transformer per section: rating Σ kVA of the section's service
//      transformers; its impedance reproduces the kW-weighted mean base-case drop from the service
//      transformers' primaries to the customers (secondaries lumped in, reduction.md 2.5). This
//      equals "same %Z on Σ kVA" when transformers are loaded in proportion to their rating; when
//      the drop is not a passive impedance (off-nominal ratios) the kVA-weighted mean %R/%X of the
//      section's transformers is used instead (noted). Core losses and magnetizing are summed on
//      it; lateral regulators fold in as its tap. Sections with no service transformer get a 1:1
//      unit of negligible impedance (a load bus hanging off @head by one line would be a cli.md
//      "load-only stub", i.e. source-side).
//   7. Loss correction: physical: R_k = alpha R_k, taps re-solved; fitted: the angle of the section
//      voltages is free, so R_k = alpha R_k(chain) with X_k re-solved for |V_k|. Then the section
//      shunts take the remaining head-Q difference. Kept only when it converges, keeps every R
//      positive and improves the base case (noted either way).
//   8. Shunts: closed capacitor steps of a section and its lines' charging (base case) become one
//      wye capacitor per section at the section primary bus (a shunt reactor when the head-Q
//      correction needs one).
//   9. Loads: per section, the loads are sorted by base-case customer voltage and split into
//      `motor_d_blocks` kW-equal blocks (fewer when the in-section spread is under
//      `motor_d_min_spread_pu`), each split further by power-flow law (model and exponents,
//      status=fixed: a ZIP mix is wrong below Vmin, fixed loads ignore the load multiplier). Each
//      is one balanced three-phase wye load at the section load bus (nominal kW/kvar = sums, its
//      loads' own law; per-phase sections: one single-phase wye load per phase, same law and record)
//      with its own composite record: kW-weighted class fractions, and every voltage threshold of
//      motor D, the electronic load and the A/B/C UV relays scaled by V̄_k / V̄_block, so a block
//      stalls when the section bus falls to the level at which its customers would stall
//      ("shifted stall thresholds", reduction.md "Motor D spread"). Why thresholds and not series
//      offsets: the network stays exact in the base case, and no offset impedance can be negative.
//      Limitation: the in-section spread does not widen when motors stall.
//  10. Source-side loads and everything from the source to @head are copied unchanged (taps
//      frozen); they are never reduced and get no composition.
//  11. Baseline: the same upstream part; at @head one line Rfdr + jXfdr = Σ_b Z_b W_b² over the
//      primary (positive sequence, W_b = downstream kW share), then the aggregated service
//      transformer of the whole feeder (Xxf), then one load. WECC initialisation (load-models.md
//      3.1): the load's kW/kvar scale until head P matches the full feeder (end uses come from the
//      system-bus P); Bss = the feeder's capacitors at @head; Bf (Fb at @head, 1 - Fb at the feeder
//      equivalent's far end) balances head Q, an inductive Bf reduces Bss (step 8); if the load bus
//      falls below 0.95 pu, Rfdr and Xfdr are scaled down until it reaches 0.95 (step 5).
//  12. Off-design checks reuse each full-feeder load element's base-case 30-degree rotation and
//      solve the full feeder once per point for all variants.
//
// API used by the study orchestrator:
//   Reduction r = reduceFeeder(feeder, options);   // throws core::ModelError / NumericalError
//   writeReduction(dir, r);                         // cli.md `reduce` files
//   r.section_of_full_load[i]: section (0-based) of full-feeder load i, -1 for source-side loads;
//   r.section_of_reduced_load["s2_b1"]: section (0-based) of a reduced-feeder load ("s2_b1a",
//   "s2_b1b", "s2_b1c" in per-phase sections: one composite record per reduced load either way).
#pragma once

#include <array>
#include <complex>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "feederlab/io/dyd.hpp"
#include "feederlab/model/feeder.hpp"
#include "feederlab/model/load_composition.hpp"

namespace feederlab::reduce {

struct HeadLoading {
  double kw = 0.0;    // measured P into the feeder at @head (sum of phases)
  double kvar = 0.0;  // measured Q
};

// How the sections hang together in the reduced feeder. Chain: head -> section 1 -> section 2
// (reduction.md 2.4). Comb: equivalent trunk pieces between the sections' trunk ends, each
// section's load on its own branch from the trunk. Auto: both, the one with the smaller worst
// ratio of error to tolerance (base case and off-design) is kept.
enum class Topology { Auto, Chain, Comb };

// How each section's equivalent line is obtained. Fitted: the chain formula Z_k = (V_{k-1} -
// V_k) / I_k (complex, reduction.md 2.5). Physical: Z_k = Σ Z_b W_b² of the section's lines (fixed)
// and the section's |V̄_k| met by the tap of its aggregated service transformer (chain topology).
// Auto: all variants are built, the smallest worst error/tolerance ratio is kept.
enum class Equivalent { Auto, Fitted, Physical };

// Phase representation of the physical equivalents. Balanced: three-phase section loads, boundary
// banks at their mean tap, one three-phase service transformer per section. PerPhase: single-phase
// section loads on their phases, boundary banks of single-phase units at their own taps,
// single-phase service transformers with a tap each (so each phase keeps its mean customer
// voltage). Auto: balanced first; per phase when the feeder is unbalanced and the balanced
// variants miss a check.
enum class Phases { Auto, Balanced, PerPhase };

struct Options {
  std::optional<int> sections;  // nullopt = auto
  int max_sections = 8;         // cap of auto
  std::vector<std::string> keep_buses;  // must survive (case-insensitive); each forces a boundary
  // Composition per class. Missing classes are read from `data_dir`: residential (OpenDSS class 1,
  // and unknown, OpenDSS's default class), commercial (class 2), industrial (everything else).
  std::map<model::LoadClass, model::CompositeSpec> class_compositions;
  std::filesystem::path data_dir;  // empty: $FEEDERLAB_DATA_DIR, else the source tree's data/
  // Head SCADA loading: when set, every feeder load (not source-side) is scaled by one factor for
  // P and one for Q until the solved head P/Q match it (reduction.md 2.2, kVA-proportional
  // allocation keeps the loads' proportions). When unset the loads keep their stated kW/kvar.
  std::optional<HeadLoading> head_scada;
  // Sub-blocks per section (1 disables the spread). 6: a block is at most a sixth of a section's
  // motor D, so the stalled fraction moves in steps of 2-8 % of the feeder's (3 left steps of up to
  // 17 % on ieee8500 that no timing tolerance absorbs; docs/reduction.md step 12).
  int motor_d_blocks = 6;
  double motor_d_min_spread_pu = 0.002;  // below this in-section spread, one block
  // In-section voltage spread at the moment motors stall relative to the base case's (see
  // docs/reduction.md step 12): a block's threshold ratio V_section / V_block becomes
  // 1 / (1 - gain (1 - V_block / V_section)). 2.5 is calibrated (synth-medium, ieee8500 full runs,
  // 2026-12-06); 1 = base-case spread.
  double motor_d_spread_gain = 2.5;
  Topology topology = Topology::Auto;
  Equivalent equivalent = Equivalent::Auto;
  Phases phases = Phases::Auto;
  bool loss_correction = true;
  bool physical_angle = false;  // EXPERIMENTAL: equivalents along the lines' own Σ Z_b W_b² angle,
                                // |V| kept; does not converge to 1e-8 on the test feeders yet
  bool check_off_design = true;        // solve the off-design points (6 extra power flows)
};

struct SectionInfo {
  int index = 0;                      // 0-based, head first
  std::string primary_bus, load_bus;  // buses of the reduced feeder
  std::string boundary;               // element at the upstream boundary kept as a fixed-ratio
                                      // transformer ("transformer.vreg2"), or "keep:bus", or ""
  int trunk_first = 0, trunk_last = 0;  // trunk positions covered (inclusive)
  std::vector<std::string> buses;     // full-feeder buses folded into the section
  std::vector<int> loads;             // full-feeder load indices
  double kw = 0.0, kvar = 0.0;        // nominal, sum of its loads
  model::ComponentFractions fractions;  // kW-weighted
  double v_full_pu = 0.0;             // |V̄_k| in the full feeder
  double v_reduced_pu = 0.0;          // at the section load bus of the reduced feeder
  double v_min_pu = 0.0, v_max_pu = 0.0;  // customer-voltage spread in the section (full)
  std::complex<double> z1_ohm;        // equivalent line, positive sequence
  double xfmr_kva = 0.0, xfmr_r_pct = 0.0, xfmr_x_pct = 0.0;  // aggregated service transformer
  double xfmr_tap = 1.0;              // its secondary tap (lateral regulators; physical equivalents)
  double capacitor_kvar = 0.0, charging_kvar = 0.0;  // at rated voltage
  std::vector<std::string> load_names;  // reduced loads (sub-blocks)
  std::vector<double> block_v_pu;       // mean customer voltage of each sub-block (full feeder)
  std::vector<double> block_kw;
  std::array<double, 3> phase_kw{};     // phase allocation of the section's load (a, b, c)
};

struct FlowSummary {
  double head_kw = 0.0, head_kvar = 0.0;      // into the feeder at @head, sum of phases
  double losses_kw = 0.0, losses_kvar = 0.0;  // series elements below @head
};

struct OffDesignCheck {
  std::string name;  // "source_0.95", "loads_x0.6", "loads_x1.2"
  double section_voltage_error_pu_max = 0.0;
  double head_p_error_pct = 0.0;  // |dP| / full head |S| at that point, percent
  double head_q_error_pct = 0.0;
  double losses_error_pct = 0.0;
};

struct Reduction {
  model::Feeder reduced;   // ordinary feeders: power flow and dynamics run on them unchanged
  model::Feeder baseline;
  std::vector<io::CompositeRecord> reduced_records;   // one per reduced feeder load
  std::vector<io::CompositeRecord> baseline_records;  // one
  std::vector<SectionInfo> sections;
  std::vector<int> section_of_full_load;               // per full load index; -1 source-side
  std::map<std::string, int> section_of_reduced_load;  // reduced load name -> section
  std::string head_bus;
  std::string equivalent_form;  // how the equivalents are written (for reports)
  double mutual_to_self = 0.0;  // trunk ratio used by the balanced 3x3
  FlowSummary full, reduced_flow, baseline_flow;
  double section_voltage_error_pu_max = 0.0;
  double head_power_error_pct = 0.0;  // max(|dP|, |dQ|) / full head |S|, percent (cli.md)
  double losses_error_pct = 0.0;      // (reduced - full) / full series losses below @head
  std::vector<OffDesignCheck> off_design;
  int motor_d_blocks = 0;             // reduced loads in the widest section (voltage blocks x laws)
  double runtime_s = 0.0;
  std::vector<std::string> notes;     // what was merged, equivalents used, fallbacks
  std::optional<double> rfdr_pu, xfdr_pu, xxf_pu;  // baseline values (pu on its MVA base)
  std::optional<model::Feeder> allocated;  // the full feeder after SCADA allocation (when done):
                                           // compare the reduced feeder against this one
};

// Throws core::ModelError (negative equivalent resistance, no load below @head, keep bus
// unknown) and core::NumericalError (a power flow that does not converge).
Reduction reduceFeeder(const model::Feeder& full, const Options& options = {});

// Writes DIR/reduced.dss, baseline.dss, reduced.dyd, baseline.dyd, reduced.dyr, reduction.json,
// reduction.md, every file atomically. Creates DIR.
void writeReduction(const std::filesystem::path& dir, const Reduction& reduction);

std::string reductionJson(const Reduction& reduction);      // keys of cli.md `reduce`
std::string reductionMarkdown(const Reduction& reduction);

// The composition files used by default (data/compositions/<class>_summer_peak.json).
model::CompositeSpec readCompositeSpecFile(const std::filesystem::path& composition_file);
std::filesystem::path defaultDataDir();

}  // namespace feederlab::reduce
