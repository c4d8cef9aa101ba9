// Runs the real bilateral-server binary as a child process, for tests of
// what only a process has: signals, exit codes, flags and environment.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

extern char** environ;

namespace bilateral::test {

inline std::string ReadWholeFile(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// A child process whose standard output and error go to files.
class ChildProcess {
 public:
  // Starts `program` with `args`; `environment` entries ("NAME=value") are
  // added to this process's environment.
  ChildProcess(const std::string& program, const std::vector<std::string>& args,
               const std::string& output_path, const std::string& error_path,
               const std::vector<std::string>& environment = {})
      : output_path_(output_path), error_path_(error_path) {
    std::vector<std::string> argv_strings = {program};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& arg : argv_strings) argv.push_back(arg.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_strings;
    for (char** entry = environ; *entry != nullptr; ++entry) env_strings.push_back(*entry);
    env_strings.insert(env_strings.end(), environment.begin(), environment.end());
    std::vector<char*> envp;
    for (auto& entry : env_strings) envp.push_back(entry.data());
    envp.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, output_path.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, error_path.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (posix_spawn(&pid_, program.c_str(), &actions, nullptr, argv.data(), envp.data()) != 0) {
      pid_ = -1;
    }
    posix_spawn_file_actions_destroy(&actions);
  }

  // Kills the process if it still runs, so no test leaves one behind.
  ~ChildProcess() {
    if (pid_ > 0 && !exit_code_) {
      kill(pid_, SIGKILL);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
  }

  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  bool started() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  void Signal(int signal_number) const {
    if (pid_ > 0 && !exit_code_) kill(pid_, signal_number);
  }

  // The exit code once the process has ended (128 + the signal when a
  // signal ended it); nullopt if it still runs after `timeout`.
  std::optional<int> WaitExit(absl::Duration timeout) {
    const absl::Time give_up = absl::Now() + timeout;
    while (!exit_code_ && pid_ > 0) {
      int status = 0;
      pid_t done = waitpid(pid_, &status, WNOHANG);
      if (done == pid_) {
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      } else if (absl::Now() >= give_up) {
        break;
      } else {
        absl::SleepFor(absl::Milliseconds(10));
      }
    }
    return exit_code_;
  }

  bool Running() { return pid_ > 0 && !WaitExit(absl::ZeroDuration()).has_value(); }

  std::string Output() const { return ReadWholeFile(output_path_); }
  std::string Errors() const { return ReadWholeFile(error_path_); }

 private:
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
  const std::string output_path_;
  const std::string error_path_;
};

// The port a server wrote to `port_file`, once it has; 0 if the process
// ends or `timeout` passes first.
inline int WaitForPort(ChildProcess& process, const std::string& port_file,
                       absl::Duration timeout) {
  const absl::Time give_up = absl::Now() + timeout;
  while (absl::Now() < give_up && process.Running()) {
    int port = 0;
    if (absl::SimpleAtoi(absl::StripAsciiWhitespace(ReadWholeFile(port_file)), &port) && port > 0) {
      return port;
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
  return 0;
}

}  // namespace bilateral::test
