#include "feederlab/io/dss_importer.hpp"

#include <new>

#include "feederlab/io/dss_build.hpp"
#include "feederlab/io/dss_interpreter.hpp"

namespace feederlab::io {

model::Feeder importDss(const std::filesystem::path& script, const DssImportOptions& options) {
  model::Feeder feeder;
  feeder.format = "dss";
  dss::Workspace ws;
  dss::Interpreter interpreter(ws, feeder.diagnostics);
  const std::string top = script.string();
  try {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(script, ec)) {
      throw core::InputError(core::SourceLocation{top, 0}, "", "cannot open OpenDSS script");
    }
    const dss::Where from{&top, 0};
    interpreter.runFile(std::filesystem::absolute(script, ec).lexically_normal(), from);
    int n = 0;
    for (const std::string& command : options.extra_commands) {
      interpreter.runCommand(command, "<extra command>", ++n);
    }
    dss::buildFeeder(ws, feeder);
  } catch (const core::InputError&) {
    throw;
  } catch (const core::ModelError&) {
    throw;
  } catch (const std::bad_alloc&) {
    throw core::InputError(core::SourceLocation{top, 0}, "", "out of memory while importing");
  } catch (const std::exception& e) {
    throw core::InputError(core::SourceLocation{top, 0}, "",
                           std::string("cannot import OpenDSS script: ") + e.what());
  }
  feeder.source_files = interpreter.filesRead();
  return feeder;
}

}  // namespace feederlab::io
