// Import benchmark: wall time to read an OpenDSS master into model::Feeder (and to validate it).
// Usage: build/bench/bench_import [repeats]   (Release build; figures in bench/README.md)
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <string>
#include <vector>

#include "feederlab/io/dss_importer.hpp"
#include "feederlab/validate/validate.hpp"

namespace {

double seconds(std::chrono::steady_clock::duration d) { return std::chrono::duration<double>(d).count(); }

void benchFeeder(const std::string& relative, int repeats) {
  const std::string path = std::string(FEEDERLAB_SHARED_DIR) + "/feeders/" + relative;
  std::vector<double> import_s, validate_s, import_cpu_s;
  std::size_t buses = 0;
  for (int i = 0; i < repeats; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    const std::clock_t c0 = std::clock();
    const auto feeder = feederlab::io::importDss(path);
    const std::clock_t c1 = std::clock();
    const auto t1 = std::chrono::steady_clock::now();
    import_cpu_s.push_back(static_cast<double>(c1 - c0) / CLOCKS_PER_SEC);
    const auto report = feederlab::validate::validateFeeder(feeder);
    const auto t2 = std::chrono::steady_clock::now();
    import_s.push_back(seconds(t1 - t0));
    validate_s.push_back(seconds(t2 - t1));
    buses = feeder.buses.size();
  }
  std::sort(import_s.begin(), import_s.end());
  std::sort(validate_s.begin(), validate_s.end());
  std::sort(import_cpu_s.begin(), import_cpu_s.end());
  fmt::print("{:<40} buses {:>5}  import wall min {:.4f} s median {:.4f} s, cpu min {:.4f} s  validate median {:.4f} s\n",
             relative, buses, import_s.front(), import_s[import_s.size() / 2], import_cpu_s.front(),
             validate_s[validate_s.size() / 2]);
}

}  // namespace

int main(int argc, char** argv) {
  const int repeats = argc > 1 ? std::max(1, std::stoi(argv[1])) : 10;
  benchFeeder("ieee8500/opendss/Master.dss", repeats);
  benchFeeder("epri_ckt24/opendss/master_ckt24.dss", repeats);
  benchFeeder("epri_ckt5/opendss/Master_ckt5.dss", repeats);
  return 0;
}
