// PSLF .dyd (cmpldw) and PSS/E .dyr (CMLDBLU2) writers (format: docs/dyd.md).
#include <fmt/format.h>

#include <cmath>
#include <string>

#include "dyd_keys.hpp"
#include "feederlab/core/atomic_file.hpp"
#include "feederlab/io/dyd.hpp"

namespace feederlab::io {

namespace {

// Written for "never" (an infinite time): PSLF and PSS/E decks use 9999/99999 s for it.
constexpr double kNeverWritten = 99999.0;

// Shortest text that reads back to the same double.
std::string number(double x, const CompositeRecord& r) {
  if (std::isinf(x) && x > 0) x = kNeverWritten;
  if (!std::isfinite(x))
    throw core::ModelError(r.bus, fmt::format("composite record \"{}\": value {} cannot be written", r.id, x));
  return fmt::format("{}", x);
}

void checkName(const std::string& text, const CompositeRecord& r, char quote) {
  if (text.find(quote) != std::string::npos || text.find('\n') != std::string::npos) {
    throw core::ModelError(r.bus, fmt::format("name \"{}\" cannot be written between {} quotes", text, quote));
  }
}

}  // namespace

std::string dydText(std::span<const CompositeRecord> records) {
  std::string out;
  for (const auto& r : records) {
    checkName(r.bus, r, '"');
    checkName(r.id, r, '"');
    out += fmt::format("cmpldw {} \"{}\" {} \"{}\" : #1 mva={} /\n", r.bus_number, r.bus, number(r.kv, r), r.id,
                       number(r.mva, r));
    const auto lines = dyd::keyLines();
    for (std::size_t l = 0; l < lines.size(); ++l) {
      out += " ";
      for (const auto& key : lines[l]) out += fmt::format(" \"{}\" {}", key.name, number(key.get(r.spec), r));
      out += l + 1 < lines.size() ? " /\n" : "\n";
    }
  }
  return out;
}

void writeDyd(const std::filesystem::path& path, std::span<const CompositeRecord> records) {
  core::writeFileAtomic(path, dydText(records));
}

// CMLDBLU2: 2 ICONs, 133 CONs, 27 STATEs, 146 VARs, 48 ICONs of work space (PSS/E Model Library).
std::string dyrText(std::span<const CompositeRecord> records) {
  std::string out;
  for (const auto& r : records) {
    checkName(r.id, r, '\'');
    const auto& p = r.spec.parameters;
    const auto& f = r.spec.fractions;
    const auto& d = p.motor_d;
    std::vector<double> cons = {r.mva,
                                p.feeder.bss,
                                p.feeder.rfdr,
                                p.feeder.xfdr,
                                p.feeder.fb,
                                p.feeder.xxf,
                                p.feeder.tfixhs,
                                p.feeder.tfixls,
                                double(p.feeder.ltc),
                                p.feeder.tmin,
                                p.feeder.tmax,
                                p.feeder.step,
                                p.feeder.vmin,
                                p.feeder.vmax,
                                p.feeder.tdel,
                                p.feeder.ttap,
                                p.feeder.rcomp,
                                p.feeder.xcomp,
                                f.fm_a,
                                f.fm_b,
                                f.fm_c,
                                f.fm_d,
                                f.fel,
                                p.electronic.pfel,
                                p.electronic.vd1,
                                p.electronic.vd2,
                                p.static_load.pfs,
                                p.static_load.p1e,
                                p.static_load.p1c,
                                p.static_load.p2e,
                                p.static_load.p2c,
                                p.static_load.pfrq,
                                p.static_load.q1e,
                                p.static_load.q1c,
                                p.static_load.q2e,
                                p.static_load.q2c,
                                p.static_load.qfrq};
    for (const auto* m : {&p.motor_a, &p.motor_b, &p.motor_c}) {
      cons.insert(cons.end(), {double(m->mtyp),
                               m->lfm,
                               m->rs,
                               m->ls,
                               m->lp,
                               m->lpp,
                               m->tpo,
                               m->tppo,
                               m->h,
                               m->etrq,
                               m->uv1.v_trip,
                               m->uv1.t_trip,
                               m->uv1.f_trip,
                               m->uv1.v_reconnect,
                               m->uv1.t_reconnect,
                               m->uv2.v_trip,
                               m->uv2.t_trip,
                               m->uv2.f_trip,
                               m->uv2.v_reconnect,
                               m->uv2.t_reconnect});
    }
    // Motor D. Tf (frequency filter) has no CMPLDW counterpart (load-models.md 3.3): 0.05 s.
    constexpr double kTf = 0.05;
    cons.insert(cons.end(),
                {d.t_stall, d.t_rst,   d.t_v,     kTf,
                 d.comp_lf, d.comp_pf, d.v_stall, d.r_stall,
                 d.x_stall, d.lf_adj,  d.kp1,     d.np1,
                 d.kq1,     d.nq1,     d.kp2,     d.np2,
                 d.kq2,     d.nq2,     d.v_brk,   d.f_rst,
                 d.v_rst,   d.cmp_kpf, d.cmp_kqf, d.v_c1off,
                 d.v_c2off, d.v_c1on,  d.v_c2on,  d.t_th,
                 d.th1t,    d.th2t,    d.f_uvr,   d.uv_tr1,
                 d.t_tr1,   d.uv_tr2,  d.t_tr2,   p.electronic.frcel});  // CMLDBLU2 appends Frcel as its last CON
    out += fmt::format("{} 'USRLOD' '{}' 'CMLDBLU2' 12 1 2 {} 27 146 48 0 0\n", r.bus_number, r.id, cons.size());
    for (std::size_t k = 0; k < cons.size(); ++k) {
      out += (k % 8 == 0 ? "  " : " ") + number(cons[k], r);
      if (k % 8 == 7 && k + 1 < cons.size()) out += "\n";
    }
    out += " /\n";
  }
  return out;
}

void writeDyr(const std::filesystem::path& path, std::span<const CompositeRecord> records) {
  core::writeFileAtomic(path, dyrText(records));
}

}  // namespace feederlab::io
