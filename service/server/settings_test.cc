#include "server/settings.h"

#include <fstream>
#include <map>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "temp_dir.h"

namespace bilateral::server {
namespace {

using ::testing::HasSubstr;

Environment FakeEnvironment(std::map<std::string, std::string> variables) {
  return [variables](const std::string& name) -> std::optional<std::string> {
    auto it = variables.find(name);
    if (it == variables.end()) return std::nullopt;
    return it->second;
  };
}

const Environment kNoEnvironment = FakeEnvironment({});

TEST(SettingsTest, NothingGivenIsTheDefaults) {
  auto config = LoadServerConfig({}, kNoEnvironment);
  ASSERT_TRUE(config.ok()) << config.status();
  const ServerConfig defaults;
  for (const auto& setting : Settings()) {
    EXPECT_EQ(setting.show(*config), setting.show(defaults)) << setting.name;
  }
  EXPECT_EQ(config->server.listen, "127.0.0.1:50051");
  EXPECT_EQ(config->database, "bilateral.db");
  EXPECT_TRUE(config->seed);
  EXPECT_EQ(config->server.max_in_flight, 1024);
  EXPECT_EQ(config->shutdown_grace, absl::Seconds(10));
  EXPECT_TRUE(config->server.keys_file.empty());
  EXPECT_TRUE(config->server.metrics_listen.empty());
}

TEST(SettingsTest, FlagBeatsEnvironmentBeatsConfigFileBeatsDefault) {
  test::TempDir dir;
  const std::string file = dir.File("server.conf");
  std::ofstream(file) << "# comment\n"
                         "max_in_flight = 10\n"
                         "sqlite_readers = 3\n"
                         "database = \"from-file.db\"\n"
                         "shutdown_grace = 1m30s\n";
  auto environment = FakeEnvironment({{"BILATERAL_CONFIG", file},
                                      {"BILATERAL_MAX_IN_FLIGHT", "20"},
                                      {"BILATERAL_SQLITE_READERS", "4"}});
  auto config = LoadServerConfig({"--max_in_flight=30"}, environment);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->server.max_in_flight, 30);  // flag
  EXPECT_EQ(config->sqlite_readers, 4);         // environment
  EXPECT_EQ(config->database, "from-file.db");  // config file
  EXPECT_EQ(config->shutdown_grace, absl::Seconds(90));
  EXPECT_EQ(config->sqlite_synchronous, "FULL");  // default

  config = LoadServerConfig({}, environment);
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->server.max_in_flight, 20);
  config = LoadServerConfig({"--config", file}, kNoEnvironment);
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->server.max_in_flight, 10);
}

TEST(SettingsTest, FlagForms) {
  auto config =
      LoadServerConfig({"--seed=false", "--listen", "[::1]:0", "-port_file=p", "--channelz",
                        "--max_receive_message_bytes=16MiB", "--log_level=warning"},
                       kNoEnvironment);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_FALSE(config->seed);
  EXPECT_EQ(config->server.listen, "[::1]:0");
  EXPECT_EQ(config->port_file, "p");
  EXPECT_TRUE(config->server.channelz);
  EXPECT_EQ(config->server.max_receive_message_bytes, 16 << 20);
  EXPECT_EQ(config->log_level, LogLevel::kWarning);
  config = LoadServerConfig({"--noseed"}, kNoEnvironment);
  ASSERT_TRUE(config.ok());
  EXPECT_FALSE(config->seed);
}

TEST(SettingsTest, AnInvalidValueNamesTheSettingAndWhereItCameFrom) {
  auto from_flag = LoadServerConfig({"--max_in_flight=lots"}, kNoEnvironment);
  EXPECT_EQ(from_flag.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(from_flag.status().message(), HasSubstr("'max_in_flight'"));
  EXPECT_THAT(from_flag.status().message(), HasSubstr("flag --max_in_flight"));

  auto from_environment =
      LoadServerConfig({}, FakeEnvironment({{"BILATERAL_DEFAULT_DEADLINE", "soon"}}));
  EXPECT_THAT(from_environment.status().message(), HasSubstr("'default_deadline'"));
  EXPECT_THAT(from_environment.status().message(),
              HasSubstr("environment BILATERAL_DEFAULT_DEADLINE"));

  test::TempDir dir;
  std::ofstream(dir.File("bad.conf")) << "\nsqlite_synchronous = OFF\n";
  auto from_file = LoadServerConfig({"--config=" + dir.File("bad.conf")}, kNoEnvironment);
  EXPECT_THAT(from_file.status().message(), HasSubstr("'sqlite_synchronous'"));
  EXPECT_THAT(from_file.status().message(), HasSubstr("line 2"));

  EXPECT_THAT(LoadServerConfig({"--max_inflight=3"}, kNoEnvironment).status().message(),
              HasSubstr("--max_inflight"));
  EXPECT_THAT(LoadServerConfig({"stray"}, kNoEnvironment).status().message(), HasSubstr("stray"));
  std::ofstream(dir.File("unknown.conf")) << "colour = blue\n";
  EXPECT_THAT(
      LoadServerConfig({"--config=" + dir.File("unknown.conf")}, kNoEnvironment).status().message(),
      HasSubstr("colour"));
  EXPECT_THAT(LoadServerConfig({"--listen=nowhere"}, kNoEnvironment).status().message(),
              HasSubstr("'listen'"));
  EXPECT_THAT(LoadServerConfig({"--max_in_flight=0"}, kNoEnvironment).status().message(),
              HasSubstr("'max_in_flight'"));
  EXPECT_THAT(LoadServerConfig({"--database="}, kNoEnvironment).status().message(),
              HasSubstr("'database'"));
  EXPECT_THAT(LoadServerConfig({"--tls_cert_file=c.pem"}, kNoEnvironment).status().message(),
              HasSubstr("tls_key_file"));
  EXPECT_THAT(LoadServerConfig({"--metrics_listen=9090"}, kNoEnvironment).status().message(),
              HasSubstr("metrics_listen"));
}

TEST(SettingsTest, HelpListsEverySettingWithItsVariableAndDefault) {
  const std::string help = SettingsHelp();
  for (const auto& setting : Settings()) {
    EXPECT_THAT(help, HasSubstr("--" + setting.name + "  (" + EnvironmentName(setting.name) +
                                ")  default: "))
        << setting.name;
  }
  EXPECT_THAT(help, HasSubstr("--shutdown_grace  (BILATERAL_SHUTDOWN_GRACE)  default: 10s"));
  EXPECT_TRUE(WantsHelp({"--listen=:1", "--help"}));
  EXPECT_FALSE(WantsHelp({"--listen=:1"}));
}

}  // namespace
}  // namespace bilateral::server
