// Static-mode control loop for RegControl and CapControl (internal to the powerflow module).
#pragma once

#include <complex>
#include <string>
#include <vector>

#include "feederlab/powerflow/network.hpp"

namespace feederlab::powerflow::detail {

struct CapSample;

class ControlLoop {
 public:
  explicit ControlLoop(Network& network);
  // Samples every control at the solved voltages; returns true when actions are queued.
  bool sample(const std::vector<std::complex<double>>& v);
  // Executes the queued actions with the smallest delay (OpenDSS DoNearest_Actions); returns true if
  // a tap or capacitor step changed.
  bool doNearest();
  std::vector<std::string> warnings;

 private:
  struct Reg {
    int control = -1;    // index into Feeder::regcontrols
    int primitive = -1;  // index into Network::branches()
    int transformer = -1;
    bool armed = false;
    double pending = 0.0;  // per-unit tap change wanted
  };
  enum class CapAction { None, Open, Close };
  struct Cap {
    int control = -1;  // index into Feeder::capcontrols
    int capacitor = -1;
    int monitored = -1;  // index into Network::branches()
    bool armed = false;
    CapAction pending = CapAction::None;
    double last_open_time = -1e30;
  };
  struct Action {
    double time;
    bool is_reg;
    int index;
  };
  void sampleReg(Reg& r, const std::vector<std::complex<double>>& v);
  void sampleCap(Cap& c, const std::vector<std::complex<double>>& v);
  CapAction capDecision(const Cap& c, const CapSample& m, bool closed, int available) const;
  void queue(bool is_reg, int index, double delay);
  void unqueue(bool is_reg, int index);
  bool executeReg(Reg& r);
  bool executeCap(Cap& c);

  Network& net_;
  std::vector<Reg> regs_;
  std::vector<Cap> caps_;
  std::vector<Action> queue_;
};

// Terminal quantities of a primitive at voltages v: conductor voltages and currents into it.
void primitiveVI(const Primitive& p, const std::vector<std::complex<double>>& v, std::vector<std::complex<double>>& vt,
                 std::vector<std::complex<double>>& it);

// Turns voltage base (volts) of a transformer winding as OpenDSS interprets kV.
double windingBaseVolts(const model::Transformer& xf, int winding);

}  // namespace feederlab::powerflow::detail
