// Shared state of the utility CSV importer while it turns tables into a model::Feeder (internal).
#pragma once

#include <filesystem>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "csv_table.hpp"
#include "feederlab/model/feeder.hpp"

namespace feederlab::io::csv {

// Per-length data of one conductor or line code, already as phase matrices for `phases`.
struct ConductorData {
  int phases = 3;  // 0: sequence data, any phase count
  core::LengthUnit unit = core::LengthUnit::Mile;
  bool sequence = true;
  model::LineImpedance::Sequence seq;
  core::CMatrix z, c_nf;  // matrix form (phases x phases), ohm and nF per unit
  double ampacity = 0.0;
};

enum class XfmrType { SplitPhase, SinglePhase, ThreePhase };

struct ServiceTransformer {
  std::size_t index = 0;  // into Feeder::transformers
  XfmrType type = XfmrType::ThreePhase;
  double kva = 0.0;
  double secondary_kv = 0.0;
  model::BusId secondary = model::kNoBus;
  core::SourceLocation location;
};

struct Builder {
  std::filesystem::path folder;
  model::Feeder feeder;
  std::unordered_map<std::string, ConductorData> conductors;
  std::unordered_map<std::string, ServiceTransformer> service;  // lower-case id -> transformer
  std::set<std::string> line_names, transformer_names, load_names, capacitor_names;

  // A node named in `column` of `row`; throws file:row:column when it is not in nodes.csv.
  model::BusId node(const Table& table, const Row& row, std::string_view column) const;
  // Lower-case id from `column`; throws when empty, when it holds characters that a bus or
  // element name cannot (space, '.', '"'), or when `used` already has it (duplicate id).
  std::string newId(const Table& table, const Row& row, std::string_view column, std::set<std::string>& used) const;
  double nominalKv(model::BusId bus) const { return feeder.buses[static_cast<std::size_t>(bus)].kv_base_ll; }
};

// Phase letters "A", "BN", "ABC", "ABCN", "AB", ... -> OpenDSS nodes {1..3} in the given order;
// throws file:row:column on anything else.
std::vector<int> parsePhases(const Table& table, const Row& row, std::string_view column);

void readTransformers(Builder& b, const Table& table);
void readCustomers(Builder& b, const Table& table);
void readRegulators(Builder& b, const Table& table);
void readCapacitors(Builder& b, const Table& table);
void readScada(Builder& b, const Table& table);

}  // namespace feederlab::io::csv
