#include "feederlab/io/import.hpp"

#include <fstream>

#include "feederlab/core/error.hpp"
#include "feederlab/core/strings.hpp"
#include "feederlab/io/cim_importer.hpp"
#include "feederlab/io/csv_importer.hpp"
#include "feederlab/io/dss_importer.hpp"

namespace feederlab::io {

namespace fs = std::filesystem;

std::string detectFormat(const fs::path& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return "csv";
  if (!fs::is_regular_file(path, ec)) {
    throw core::InputError(core::SourceLocation{path.string(), 0}, "", "input not found");
  }
  const std::string ext = core::toLower(path.extension().string());
  if (ext == ".dss") return "dss";
  if (ext == ".xml" || ext == ".rdf") return "cim";
  // Unknown extension: look at the first bytes.
  std::ifstream in(path, std::ios::binary);
  std::string head(512, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  const std::string text = core::toLower(head);
  if (text.find("<?xml") != std::string::npos || text.find("<rdf:") != std::string::npos) return "cim";
  for (const char* word : {"clear", "new ", "redirect", "compile", "set "}) {
    if (text.find(word) != std::string::npos) return "dss";
  }
  throw core::InputError(core::SourceLocation{path.string(), 0}, "",
                         "cannot tell the input format; use --format dss|cim|csv");
}

model::Feeder importFeeder(const fs::path& path, const std::string& format) {
  const std::string f = core::toLower(format);
  const std::string resolved = f == "auto" ? detectFormat(path) : f;
  if (resolved == "dss") return importDss(path);
  if (resolved == "cim") return importCim(path);
  if (resolved == "csv") return importUtilityCsv(path);
  throw core::InputError(core::SourceLocation{path.string(), 0}, format,
                         "unknown format (expected auto, dss, cim or csv)");
}

}  // namespace feederlab::io
