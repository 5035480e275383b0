// Runs an OpenDSS script (commands, Redirect/Compile, New/Edit/~, Set, ...) into a Workspace.
// Internal to the OpenDSS importer; dss_build.cpp turns the Workspace into a model::Feeder.
#pragma once

#include <deque>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "feederlab/io/dss_edit.hpp"

namespace feederlab::io::dss {

class Interpreter {
 public:
  Interpreter(Workspace& ws, core::Diagnostics& diagnostics);

  // Runs a script file; relative paths inside resolve against the current directory, which
  // starts at the file's directory (Compile changes it for good, Redirect only meanwhile).
  void runFile(const std::filesystem::path& path, const Where& from);
  // Runs one command line as if it were in `source` at `line`.
  void runCommand(std::string_view line, const std::string& source, int line_number);
  const std::vector<std::string>& filesRead() const { return files_read_; }

 private:
  struct Active {
    ClassId cls = ClassId::None;
    int index = -1;  // -1 with cls Other/None: a sink that accepts and ignores properties
  };

  void runText(const std::string& text, const std::string* file);
  void execute(std::string_view line, const Where& where);
  void dispatch(std::string_view command, ParamLexer& lex, const Where& where);

  // Objects
  void cmdNew(ParamLexer& lex, const Where& where);
  void cmdEdit(ParamLexer& lex, const Where& where, bool select_only);
  void cmdShorthand(std::string_view target, const Value& value, ParamLexer& lex, const Where& where);
  void cmdBatchEdit(ParamLexer& lex, const Where& where);
  void cmdEnable(ParamLexer& lex, const Where& where, bool enable);
  void cmdOpenClose(ParamLexer& lex, const Where& where, bool open);
  bool resolveObject(std::string_view spec, const Where& where, ClassId& cls,
                     std::string& cls_name, std::string& name);
  Active findObject(ClassId cls, const std::string& cls_name, const std::string& name) const;
  Active createObject(ClassId cls, const std::string& cls_name, const std::string& name,
                      const Where& where);
  void editObject(const Active& target, ParamLexer& lex, const Where& where,
                  const Param* first = nullptr);
  template <class T, class Apply>
  void editTable(ObjectTable<T>& table, int index, ClassId cls, ParamLexer& lex,
                 const Where& where, const Param* first, Apply apply);
  void finishEdit(const Active& target, EditEnv& env);
  bool setEnabled(ClassId cls, const std::string& cls_name, const std::string& name, bool on);
  void noteRecorded(const std::string& cls, const Where& where);
  void checkLoadShapeFile(const Param& p, const Where& where);

  // Options and files
  void cmdSet(ParamLexer& lex, const Where& where);
  void cmdRedirect(ParamLexer& lex, const Where& where, bool compile);
  void cmdCoords(ParamLexer& lex, const Where& where, bool latlong);
  void cmdSetKvBase(ParamLexer& lex, const Where& where);
  std::filesystem::path resolvePath(std::string_view name) const;

  Workspace& ws_;
  core::Diagnostics& diag_;
  Active active_;
  ClassId last_class_ = ClassId::None;
  std::string last_class_name_;
  std::filesystem::path cwd_;
  std::deque<std::string> file_names_;  // stable storage behind Where::file
  std::vector<std::string> files_read_;
  std::set<std::pair<std::string, std::string>> recorded_warned_;  // (class, file)
  int depth_ = 0;
  int sequence_ = 0;
};

}  // namespace feederlab::io::dss
