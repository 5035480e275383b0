// Internals of the reduction (see include/feederlab/reduce/reduce.hpp for the method).
#pragma once

#include <complex>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "feederlab/graph/topology.hpp"
#include "feederlab/model/feeder.hpp"
#include "feederlab/powerflow/powerflow.hpp"
#include "feederlab/reduce/reduce.hpp"

namespace feederlab::reduce::detail {

using Complex = std::complex<double>;

inline constexpr double kBaseMva = 1.0;  // pu base of the internal balanced computations

// The full feeder with its controls frozen at the base case, solved, with its regions.
struct BaseCase {
  model::Feeder feeder;  // frozen copy (taps, capacitor states, controls off)
  powerflow::Result result;
  graph::Topology topology;
  model::BusId head = model::kNoBus;
  double angle_ref = 0.0;           // angle of @head phase a (rad): the 30-degree rounding origin
  std::vector<bool> kept_bus;       // copied unchanged: source side, @head, source-side stubs
  std::vector<bool> feeder_bus;     // reduced: below @head and not kept
  std::vector<bool> source_side_load;
  std::vector<const powerflow::LoadFlow*> load_flow;  // per load index (nullptr: not solved)
};

// One feeder (not source-side) load in the base case.
struct LoadPoint {
  int load = -1;
  int trunk_pos = -1;
  int section = -1;
  double kw = 0.0, kvar = 0.0;  // nominal
  Complex v_customer;           // pu, rotated (section voltage definition)
  std::vector<double> rotations;  // per phase element, the base case's 30-degree rotation (rad):
                                  // a property of the connection, reused at off-design points
  Complex v_primary;            // pu at its service transformer's primary (= v_customer without)
  Complex s_actual;             // VA drawn in the base case
  int service_xfmr = -1;        // transformer index or -1
  double boost = 1.0;           // ratio of the lateral regulators between its trunk tap and it
};

BaseCase makeBaseCase(const model::Feeder& full, powerflow::Result* controlled_out = nullptr);

// Voltage of a set of nodes as one rotated per-unit phasor: `a - b` over `base_volts`, rotated
// by the multiple of 30 degrees nearest its angle relative to `angle_ref`.
Complex rotatedPu(Complex volts, double base_volts, double angle_ref);
double rotation(Complex volts, double angle_ref);  // the rotation (rad) rotatedPu applies

std::vector<LoadPoint> loadPoints(const BaseCase& base);

// Positive-sequence voltage (pu of the bus's line-to-neutral base, rotated) of a 3-phase bus.
Complex positiveSequencePu(const model::Feeder& f, const powerflow::Result& r, model::BusId bus,
                           double angle_ref);
// One phase (node 1..3) of a bus, line-to-ground pu, rotated into phase a's frame (b by +120°,
// c by -120°) and then relative to angle_ref.
Complex phasePu(const model::Feeder& f, const powerflow::Result& r, model::BusId bus, int node, double angle_ref);

// Series losses (VA) of the branches with an end in `region` and the other end in it or at head.
Complex regionLosses(const model::Feeder& f, const graph::Topology& topo, const powerflow::Result& r,
                     const std::vector<bool>& region);

// Head P/Q as cli.md defines (sum of phases into the feeder at @head).
Complex headPower(const powerflow::Result& r);

// Positive-sequence series impedance of a line (ohm), as a balanced-equivalent per phase.
Complex lineZ1(const model::Line& line);

// ---- partition
struct Trunk {
  std::vector<model::BusId> buses;  // position -> bus, buses[0] = @head
  std::vector<int> pos_of_bus;      // bus -> tap position (-1 outside the feeder region)
  std::vector<int> forced;          // positions where a section must start (sorted, > 0)
  std::vector<std::string> forced_why;  // per forced position: "transformer.x" or "keep:bus"
  std::vector<double> downstream_kw;    // per bus
  std::map<int, std::string> transformer_at;  // trunk position -> "transformer.x" entering it
};

Trunk findTrunk(const BaseCase& base, const std::vector<LoadPoint>& points,
                const std::vector<std::string>& keep_buses, std::vector<std::string>& notes);

// Section start positions (first is 0) for N sections; minimises in-section kW-weighted variance
// of |V_customer| with the forced starts. N is raised to forced + 1 when needed.
std::vector<int> partition(const Trunk& trunk, const std::vector<LoadPoint>& points, int n);

// ---- compositions
std::map<model::LoadClass, model::CompositeSpec> classCompositions(const Options& options);
model::LoadClass compositionClass(model::LoadClass c);  // Unknown -> Residential, Other -> Industrial

}  // namespace feederlab::reduce::detail
