// OpenDSS export of sources, controls, shunt and series devices and loads.
#include <cmath>

#include "dss_export_writer.hpp"

namespace feederlab::io::dssexport {

namespace {

std::string complexValue(core::Complex z) {
  return "[" + number(z.real()) + " " + number(z.imag()) + "]";
}

void sourceBody(Command& c, const model::Source& s, const Context& ctx, const std::string& element) {
  c.raw("bus1", ctx.busSpec(s.bus1, element));
  c.integer("phases", s.phases).num("basekv", s.base_kv).num("pu", s.pu).num("angle", s.angle_deg);
  c.num("frequency", s.frequency_hz);
  // Z1 then Z0 in ohm: exact (Z1 alone would also set Z0).
  c.raw("Z1", complexValue(s.z1_ohm)).raw("Z0", complexValue(s.z0_ohm));
  if (!s.enabled) c.yesNo("enabled", false);
}

std::string phaseWord(int phase) {
  switch (phase) {
    case -1:
      return "max";
    case -2:
      return "min";
    case -3:
      return "avg";
    default:
      return std::to_string(phase);
  }
}

const char* capControlType(model::CapControlType t) {
  switch (t) {
    case model::CapControlType::Voltage:
      return "voltage";
    case model::CapControlType::Kvar:
      return "kvar";
    case model::CapControlType::Pf:
      return "pf";
    case model::CapControlType::Time:
      return "time";
    default:
      return "current";
  }
}

const char* connWord(model::Connection c) {
  return c == model::Connection::Delta ? "delta" : "wye";
}

}  // namespace

void writeSources(Context& ctx) {
  const model::Feeder& f = ctx.feeder;
  const std::string circuit = f.name.empty() ? std::string("feeder") : f.name;
  if (f.sources.empty()) {
    ctx.note("the feeder has no source; OpenDSS's default circuit source is written");
    ctx.line("New " + objectRef("Circuit", circuit));
    return;
  }
  if (f.sources[0].name != "source") {
    ctx.note("the main source '" + f.sources[0].name +
             "' is written as the circuit's source, which OpenDSS "
             "always names 'source'");
  }
  Command main("New " + objectRef("Circuit", circuit), "vsource.source");
  sourceBody(main, f.sources[0], ctx, "vsource.source");
  ctx.line(main);
  for (std::size_t i = 1; i < f.sources.size(); ++i) {
    const model::Source& s = f.sources[i];
    const std::string element = "vsource." + s.name;
    Command c("New " + objectRef("Vsource", s.name), element);
    sourceBody(c, s, ctx, element);
    ctx.line(c);
  }
}

void writeControls(Context& ctx) {
  const model::Feeder& f = ctx.feeder;
  if (!f.regcontrols.empty()) ctx.comment("Regulator controls (taps are the transformers' taps above)");
  for (const auto& r : f.regcontrols) {
    Command c("New " + objectRef("RegControl", r.name), "regcontrol." + r.name);
    c.word("transformer", r.transformer).integer("winding", r.winding);
    c.num("vreg", r.vreg).num("band", r.band).num("ptratio", r.pt_ratio).num("ctprim", r.ct_primary);
    c.num("R", r.r_ldc).num("X", r.x_ldc).num("delay", r.delay).num("tapdelay", r.tap_delay);
    c.integer("maxtapchange", r.max_tap_change).raw("ptphase", phaseWord(r.pt_phase));
    c.yesNo("reversible", r.reversible).numIf("vlimit", r.vlimit, 0.0);
    if (r.tap_winding != 0) c.integer("tapwinding", r.tap_winding);
    if (!r.enabled) c.yesNo("enabled", false);
    ctx.line(c);
  }
  if (!f.capcontrols.empty()) ctx.comment("Capacitor controls");
  for (const auto& k : f.capcontrols) {
    Command c("New " + objectRef("CapControl", k.name), "capcontrol." + k.name);
    c.word("element", k.element).integer("terminal", k.terminal).word("capacitor", k.capacitor);
    c.raw("type", capControlType(k.type)).num("ptratio", k.pt_ratio).num("ctratio", k.ct_ratio);
    c.num("onsetting", k.on_setting).num("offsetting", k.off_setting);
    c.num("delay", k.delay).num("delayoff", k.delay_off).num("deadtime", k.dead_time);
    c.yesNo("voltoverride", k.volt_override).num("vmax", k.vmax).num("vmin", k.vmin);
    c.raw("ptphase", phaseWord(k.pt_phase)).raw("ctphase", phaseWord(k.ct_phase));
    if (!k.enabled) c.yesNo("enabled", false);
    ctx.line(c);
  }
}

void writeShunts(Context& ctx) {
  const model::Feeder& f = ctx.feeder;
  if (!f.capacitors.empty()) ctx.comment("Capacitors (kvar per step, step states)");
  for (const auto& k : f.capacitors) {
    const std::string element = "capacitor." + k.name;
    Command c("New " + objectRef("Capacitor", k.name), element);
    c.raw("bus1", ctx.busSpec(k.bus1, element));
    if (k.bus2) c.raw("bus2", ctx.busSpec(*k.bus2, element));
    c.integer("phases", k.phases).raw("conn", connWord(k.conn)).num("kv", k.kv);
    c.integer("numsteps", static_cast<long long>(k.kvar.size())).array("kvar", k.kvar);
    std::vector<double> states(k.states.begin(), k.states.end());
    c.array("states", states);
    auto any = [](const std::vector<double>& v) {
      for (double x : v) {
        if (x != 0.0) return true;
      }
      return false;
    };
    if (any(k.r)) c.array("r", k.r);
    if (any(k.xl)) c.array("xl", k.xl);
    if (!k.enabled) c.yesNo("enabled", false);
    ctx.line(c);
  }
  if (!f.reactors.empty()) ctx.comment("Reactors (impedance matrices in ohm)");
  for (const auto& r : f.reactors) {
    const std::string element = "reactor." + r.name;
    Command c("New " + objectRef("Reactor", r.name), element);
    c.raw("bus1", ctx.busSpec(r.bus1, element));
    if (r.bus2) c.raw("bus2", ctx.busSpec(*r.bus2, element));
    c.integer("phases", r.phases).raw("conn", connWord(r.conn));
    c.matrix("rmatrix", r.z, false).matrix("xmatrix", r.z, true);
    if (!r.enabled) c.yesNo("enabled", false);
    ctx.line(c);
  }
}

void writeLoads(Context& ctx) {
  const model::Feeder& f = ctx.feeder;
  if (!f.loads.empty()) ctx.comment("Loads (kW and kvar as resolved at import, before loadmult)");
  for (const auto& l : f.loads) {
    const std::string element = "load." + l.name;
    Command c("New " + objectRef("Load", l.name), element);
    c.raw("bus1", ctx.busSpec(l.bus1, element));
    c.integer("phases", l.phases).raw("conn", connWord(l.conn)).num("kv", l.kv);
    c.integer("model", static_cast<int>(l.model));
    // The last of these decides how OpenDSS derives kW/kvar: kW and kvar, written last.
    if (l.xfkva > 0.0) c.num("xfkva", l.xfkva);
    c.numIf("allocationfactor", l.allocation_factor, 0.5);
    if (l.kva > 0.0) c.num("kva", l.kva);
    c.num("pf", l.pf).num("kw", l.kw).num("kvar", l.kvar);
    c.numIf("vminpu", l.vminpu, 0.95).numIf("vmaxpu", l.vmaxpu, 1.05);
    c.numIf("cvrwatts", l.cvr_watts, 1.0).numIf("cvrvars", l.cvr_vars, 2.0);
    if (l.zipv_given) c.array("zipv", std::vector<double>(l.zipv.begin(), l.zipv.end()));
    if (!l.status.empty() && l.status != "variable") c.raw("status", l.status);
    if (l.load_class != model::LoadClass::Unknown) c.integer("class", static_cast<int>(l.load_class));
    if (l.num_customers != 1) c.integer("numcust", l.num_customers);
    if (!l.yearly.empty()) c.word("yearly", l.yearly);
    if (!l.daily.empty()) c.word("daily", l.daily);
    if (!l.duty.empty()) c.word("duty", l.duty);
    if (!l.enabled) c.yesNo("enabled", false);
    ctx.line(c);
  }
}

}  // namespace feederlab::io::dssexport
