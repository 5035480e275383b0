// A small valid utility CSV folder (docs/utility-csv.md) for the importer tests; each test may
// replace whole files to break it in one place.
#pragma once

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

namespace feederlab::test {

inline std::map<std::string, std::string> csvFolderFiles() {
  return {
      {"nodes.csv",
       "node_id,x,y,nominal_kv\nsub_hv,0,0,115\nsub_lv,10,0,12.47\nbrk,20,0,12.47\nreg,30,0,12.47\nn1,1030,0,12.47\n"
       "n2,1530,0,12.47\nt1s,1540,10,0.24\nt2s,1040,10,0.208\ntie_ext,1200,0,12.47\n"},
      {"conductors.csv",
       "conductor_id,phases,length_unit,r1,x1,r0,x0,c1_nf,c0_nf,r_matrix,x_matrix,c_matrix_nf,ampacity,description\n"
       "acsr_336,,mi,0.30607,0.62703,0.77357,1.93723,18.3458,8.5458,,,,530,\"336 ACSR, IEEE 123 config 1\"\n"
       "acsr_1_0_1ph,1,mi,,,,,,,1.32920,1.34750,11.9875,230,1/0 ACSR single phase\n"},
      {"substation.csv",
       "substation_id,source_node,source_kv,source_pu,sc_mva_3ph,x_r_3ph,sc_mva_1ph,x_r_1ph,transformer_id,bus_node,"
       "mva,primary_kv,secondary_kv,z_pct,x_r,connection,tap_pu\n"
       "sub,sub_hv,115,1.02,2000,10,1800,8,sub_xfmr,sub_lv,20,115,12.47,10,20,delta-wye,1.0\n"},
      {"switches.csv",
       "switch_id,from_node,to_node,phases,normal_state,type\ncb,sub_lv,brk,ABC,closed,breaker\n"
       "tie,n1,tie_ext,ABC,open,tie\n"},
      {"regulators.csv",
       "regulator_id,from_node,to_node,phases,kva,vreg_v,band_v,pt_ratio,ct_primary_a,r_ldc_v,x_ldc_v,tap\n"
       "vr1,brk,reg,ABC,4320,124,2,60,600,0,0,2\n"},
      {"sections.csv",
       "section_id,from_node,to_node,phases,conductor_id,length,length_unit,construction\n"
       "s1,reg,n1,ABC,acsr_336,1000,ft,overhead\ns2,n1,n2,B,acsr_1_0_1ph,0.5,kft,overhead\n"},
      {"transformers.csv",
       "transformer_id,from_node,to_node,phases,type,kva,primary_kv,secondary_kv,z_pct,x_r,connection\n"
       "t1,n2,t1s,B,split_phase,25,7.2,0.24,2.5,1.5,\nt2,n1,t2s,ABC,three_phase,75,12.47,0.208,4,2.5,wye-wye\n"},
      {"customers.csv",
       "customer_id,transformer_id,class,count,peak_kw,monthly_kwh,pf\nm1,t1,residential,1,5,,0.95\n"
       "m2,t1,residential,3,,1204.5,0.95\nm3,t2,commercial,1,40,,0.9\n"},
      {"capacitors.csv", "capacitor_id,node,phases,kvar,kv,connection,state\ncap1,n1,ABC,600,12.47,wye,closed\n"},
      {"scada.csv", "feeder_id,node,p_kw,q_kvar,study_hour\nf1,brk,60,10,17:00\n"},
  };
}

// Writes the folder into `dir` with `replace` applied (file name -> new content; "" content
// writes an empty file; a value of "<delete>" leaves the file out). Returns `dir`.
inline std::filesystem::path writeCsvFolder(const std::filesystem::path& dir,
                                            const std::map<std::string, std::string>& replace) {
  auto files = csvFolderFiles();
  for (const auto& [name, content] : replace) files[name] = content;
  std::filesystem::create_directories(dir);
  for (const auto& [name, content] : files) {
    if (content == "<delete>") continue;
    std::ofstream out(dir / name, std::ios::binary);
    out << content;
  }
  return dir;
}

}  // namespace feederlab::test
