// Motor D discrete modes: root functions and their handling (stall and restart timers on the
// terminal V, UV relay and contactor with memory on Vm, thermal tracking/frozen per sub-block).
// The laws are documented in include/feederlab/loads/motor_d.hpp (load-models.md 3.3).
#include <cmath>

#include "feederlab/loads/motor_d.hpp"

namespace feederlab::loads {

namespace {
bool active(double timer_start) { return !std::isnan(timer_start); }
// Hysteresis of the turning-point roots (V - Vm for the contactor, heating - theta for the
// thermal relay): a turn is taken when the derivative's sign has changed by this margin, so
// round-off noise in a network solution that sits at V = Vm (or heating = theta) cannot make the
// modes chatter. The recorded extremum moves by a second-order amount (< 1e-9 pu).
constexpr double kTurnMargin = 1e-6;
// Hysteresis of the run-curve / stall-impedance branch at Vstallbrk (pu; see on_brk_impedance_).
constexpr double kBrkHysteresis = 1e-3;
}  // namespace

bool MotorD::restartArmed() const { return stalled_[1] && p_.f_rst > 0.0 && std::isfinite(p_.t_rst); }

double MotorD::timerRoot(double start, double duration, double t) const {
  if (!active(start) || !std::isfinite(duration)) return -1.0;
  return t - (start + duration);
}

void MotorD::roots(const dae::Context& ctx, std::span<const double> x, std::span<const double> v,
                   std::span<double> g) const {
  const double t = ctx.t, vmag = std::hypot(v[0], v[1]), vm = x[kVm];
  const bool running = anyRunning();
  g[kRootStallV] = running && std::isfinite(p_.t_stall) ? vmag - v_stall_ : 1.0;
  g[kRootStallTimer] = timerRoot(stall_timer_, p_.t_stall, t);
  g[kRootRestartV] = restartArmed() ? vmag - p_.v_rst : 1.0;
  g[kRootRestartTimer] = timerRoot(restart_timer_, p_.t_rst, t);
  g[kRootStallBrk] = running ? vmag - v_stallbrk_ - (on_brk_impedance_ ? kBrkHysteresis : 0.0) : 1.0;
  const bool uv_armed = !uv_tripped_ && p_.f_uvr > 0.0;
  g[kRootUv1V] = uv_armed && std::isfinite(p_.t_tr1) ? vm - p_.uv_tr1 : 1.0;
  g[kRootUv1Timer] = timerRoot(uv1_timer_, p_.t_tr1, t);
  g[kRootUv2V] = uv_armed && std::isfinite(p_.t_tr2) ? vm - p_.uv_tr2 : 1.0;
  g[kRootUv2Timer] = timerRoot(uv2_timer_, p_.t_tr2, t);
  g[kRootConLevel] = 1.0;
  g[kRootConMin] = 1.0;
  g[kRootConTurn] = 1.0;
  switch (con_mode_) {
    case ContactorMode::Idle: g[kRootConLevel] = vm - p_.v_c1off; break;
    case ContactorMode::Falling: g[kRootConTurn] = vmag - vm - kTurnMargin; break;  // Vm' = (V - Vm)/Tv > 0
    case ContactorMode::Rising:
      g[kRootConLevel] = vm - p_.v_c1on;
      g[kRootConTurn] = vmag - vm + kTurnMargin;
      break;
    case ContactorMode::Holding:
      // The margin makes the root start negative: Holding begins at Vm = vm_max_, and a root
      // function that starts at exactly 0 and then rises is no sign change, so IDA never reports
      // it (a unit whose Vm turned up right at the entry, e.g. at the end of a sag, then kept its
      // contactors open for good: 51 of ieee8500's 1,177 units in the 0.45 pu sags).
      g[kRootConLevel] = vm - vm_max_ - kTurnMargin;
      g[kRootConMin] = vm - vm_min_;
      break;
  }
  for (int k = 0; k < 2; ++k) {
    const auto level = static_cast<std::size_t>(k == 0 ? kRootThermLevelA : kRootThermLevelB);
    const auto turn = static_cast<std::size_t>(k == 0 ? kRootThermTurnA : kRootThermTurnB);
    const double theta = x[static_cast<std::size_t>(1 + k)];
    g[level] = 1.0;
    g[turn] = 1.0;
    if (!stalled_[k]) continue;
    if (th_tracking_[k]) {
      g[level] = theta - p_.th2t;
      g[turn] = subBlock(k, vmag, x[kVRun], ctx.frequency_pu, theta).heat - theta + kTurnMargin;  // theta' < 0
    } else if (fth_frozen_[k] > 0.0) {
      g[level] = theta - thetaLock(k);
    }
  }
}

void MotorD::stallRunning(std::span<const double> x) {
  for (int k = 0; k < 2; ++k) {
    if (stalled_[k]) continue;
    stalled_[k] = true;
    // Fth resumes tracking at once if theta is already past its lock level (rare: heating while
    // running in run-II above Th1t).
    const double theta = x[static_cast<std::size_t>(1 + k)];
    if (fth_frozen_[k] > 0.0 && theta > thetaLock(k)) {
      if (theta >= p_.th2t) {
        fth_frozen_[k] = 0.0;
      } else {
        th_tracking_[k] = true;
      }
    }
  }
  stall_timer_ = kOff;
  restart_timer_ = kOff;
}

bool MotorD::fireDueTimers(double t, std::span<double> x, std::span<const int> fired) {
  bool jump = false;
  // A timer is due when its root fired (upward) or t has reached its end. The root alone is not
  // enough to test on t: with RootLocation::StepEnd, t is the crossing time interpolated in the
  // step and may fall a rounding error short of start + duration; the root then stays positive
  // and would never fire again (ckt5: 447 units that never stalled).
  auto due = [&](double start, double duration, int root) {
    return active(start) && (fired[static_cast<std::size_t>(root)] > 0 || t >= start + duration);
  };
  if (due(stall_timer_, p_.t_stall, kRootStallTimer)) {
    stallRunning(x);
    jump = true;
  }
  if (due(restart_timer_, p_.t_rst, kRootRestartTimer) && stalled_[1]) {
    stalled_[1] = false;
    if (th_tracking_[1]) fth_frozen_[1] = fthCurve(x[kThetaB]);
    th_tracking_[1] = false;
    restart_timer_ = kOff;
    jump = true;
  }
  if (due(uv1_timer_, p_.t_tr1, kRootUv1Timer) || due(uv2_timer_, p_.t_tr2, kRootUv2Timer)) {
    uv_tripped_ = true;
    uv1_timer_ = uv2_timer_ = kOff;
    jump = true;
  }
  return jump;
}

bool MotorD::handleStall(double t, double v_mag, std::span<double>, std::span<const int> fired) {
  bool jump = false;
  if (anyRunning()) {  // run curve <-> stall impedance
    const bool below = fired[kRootStallBrk] < 0 ? true : (fired[kRootStallBrk] > 0 ? false : on_brk_impedance_);
    jump = below != on_brk_impedance_;
    on_brk_impedance_ = below;
  }
  if (fired[kRootStallV] < 0 && anyRunning() && !active(stall_timer_)) stall_timer_ = t;
  if (fired[kRootStallV] > 0 || (active(stall_timer_) && v_mag > v_stall_)) stall_timer_ = kOff;
  if (fired[kRootRestartV] > 0 && restartArmed() && !active(restart_timer_)) restart_timer_ = t;
  if (fired[kRootRestartV] < 0 || (active(restart_timer_) && v_mag < p_.v_rst)) restart_timer_ = kOff;
  return jump;
}

bool MotorD::handleUv(double t, std::span<const int> fired) {
  if (uv_tripped_ || p_.f_uvr <= 0.0) return false;
  if (fired[kRootUv1V] < 0 && !active(uv1_timer_)) uv1_timer_ = t;
  if (fired[kRootUv1V] > 0) uv1_timer_ = kOff;
  if (fired[kRootUv2V] < 0 && !active(uv2_timer_)) uv2_timer_ = t;
  if (fired[kRootUv2V] > 0) uv2_timer_ = kOff;
  return false;
}

bool MotorD::handleContactor(double vm, std::span<const int> fired) {
  double k_before = 1.0, dk = 0.0;
  contactor(vm, k_before, dk);
  switch (con_mode_) {
    case ContactorMode::Idle:
      if (fired[kRootConLevel] < 0) con_mode_ = ContactorMode::Falling;
      break;
    case ContactorMode::Falling:
      if (fired[kRootConTurn] > 0) {
        con_mode_ = ContactorMode::Rising;
        vm_min_ = vm;
      }
      break;
    case ContactorMode::Rising:
      if (fired[kRootConLevel] > 0) {
        con_mode_ = ContactorMode::Idle;  // reset at Vm >= Vc1on
      } else if (fired[kRootConTurn] < 0) {
        con_mode_ = ContactorMode::Holding;
        vm_max_ = vm;
      }
      break;
    case ContactorMode::Holding:
      if (fired[kRootConMin] < 0) {
        con_mode_ = ContactorMode::Falling;  // a new minimum: drop-out line again, r restarts
      } else if (fired[kRootConLevel] > 0 || vm > vm_max_ + kTurnMargin) {
        con_mode_ = ContactorMode::Rising;
      }
      break;
  }
  // Rising past Vc1on within the same step (its level root would then start positive and never
  // fire): the contactors are all closed, reset now.
  if (con_mode_ == ContactorMode::Rising && vm >= p_.v_c1on) con_mode_ = ContactorMode::Idle;
  double k_after = 1.0;
  contactor(vm, k_after, dk);
  return std::abs(k_after - k_before) > 1e-12;
}

void MotorD::handleThermal(int k, double theta, double heat, std::span<const int> fired) {
  if (!stalled_[k]) return;
  const auto level = static_cast<std::size_t>(k == 0 ? kRootThermLevelA : kRootThermLevelB);
  const auto turn = static_cast<std::size_t>(k == 0 ? kRootThermTurnA : kRootThermTurnB);
  if (th_tracking_[k]) {
    if (fired[level] > 0 || theta >= p_.th2t) {
      th_tracking_[k] = false;
      fth_frozen_[k] = 0.0;  // fully tripped, for good
    } else if (fired[turn] < 0 || heat < theta - kTurnMargin) {
      th_tracking_[k] = false;
      fth_frozen_[k] = fthCurve(theta);
    }
  } else if (fth_frozen_[k] > 0.0 && fired[level] > 0) {
    th_tracking_[k] = true;
  }
}

bool MotorD::onRoot(const dae::Context& ctx, std::span<double> x, std::span<const double> v,
                    std::span<const int> fired) {
  const double t = ctx.t, vmag = std::hypot(v[0], v[1]);
  bool jump = handleStall(t, vmag, x, fired);
  handleUv(t, fired);
  jump = handleContactor(x[kVm], fired) || jump;
  for (int k = 0; k < 2; ++k) {
    const double theta = x[static_cast<std::size_t>(1 + k)];
    handleThermal(k, theta, subBlock(k, vmag, x[kVRun], ctx.frequency_pu, theta).heat, fired);
  }
  jump = fireDueTimers(t, x, fired) || jump;
  // Every sub-block stalled: the branch mode is moot; a restart then starts on the run curve and
  // the kRootStallBrk root (1 while none runs) flips to the impedance if V is below Vstallbrk.
  if (!anyRunning()) on_brk_impedance_ = false;
  return jump;
}

}  // namespace feederlab::loads
