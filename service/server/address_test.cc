#include "server/address.h"

#include <map>

#include "gtest/gtest.h"

namespace bilateral::server {
namespace {

// A resolver that knows only `names`, as a network namespace or a hosts
// file of the operator's may say.
HostResolver FakeResolver(std::map<std::string, std::vector<std::string>> names) {
  return [names](const std::string& host) -> absl::StatusOr<std::vector<std::string>> {
    auto found = names.find(host);
    if (found == names.end()) return absl::UnavailableError("unknown");
    return found->second;
  };
}

TEST(AddressTest, LoopbackIsWhatTheHostResolvesToNotHowItIsSpelled) {
  // The name looks like 127.0.0.0/8; what it resolves to is every interface.
  auto hostile = FakeResolver({{"127.0.0.evil", {"0.0.0.0"}},
                               {"localhost", {"127.0.0.1", "192.0.2.7"}},
                               {"loopback-only", {"127.0.0.1", "::1", "::ffff:127.0.0.2"}}});
  EXPECT_FALSE(IsLocalOnly("127.0.0.evil:50051", hostile));
  EXPECT_FALSE(IsLocalOnly("localhost:50051", hostile));
  EXPECT_TRUE(IsLocalOnly("loopback-only:50051", hostile));
  // A name that does not resolve cannot be shown to be local.
  EXPECT_FALSE(IsLocalOnly("nowhere:50051", hostile));
}

TEST(AddressTest, NumericAddressesWithTheSystemResolver) {
  EXPECT_TRUE(IsLocalOnly("127.0.0.1:50051"));
  EXPECT_TRUE(IsLocalOnly("127.3.2.1:0"));
  EXPECT_TRUE(IsLocalOnly("[::1]:50051"));
  EXPECT_TRUE(IsLocalOnly("ipv4:127.0.0.1:50051"));
  EXPECT_TRUE(IsLocalOnly("unix:/run/bilateral.sock"));
  EXPECT_FALSE(IsLocalOnly("0.0.0.0:50051"));
  EXPECT_FALSE(IsLocalOnly("[::]:50051"));
  EXPECT_FALSE(IsLocalOnly(":50051"));
  EXPECT_FALSE(IsLocalOnly("192.0.2.7:50051"));
  EXPECT_FALSE(IsLocalOnly("[::ffff:192.0.2.7]:50051"));
  EXPECT_FALSE(IsLocalOnly("127.0.0.1"));  // no port
}

TEST(AddressTest, ResolveHostGivesNumericAddresses) {
  auto resolved = ResolveHost("127.0.0.1");
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  EXPECT_EQ(*resolved, std::vector<std::string>{"127.0.0.1"});
}

}  // namespace
}  // namespace bilateral::server
