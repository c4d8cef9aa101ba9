#include "api/api_keys.h"

#include <fstream>

#include "api/access.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "temp_dir.h"

namespace bilateral::api {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(RequiredAccessTest, FollowsTheVerb) {
  EXPECT_EQ(RequiredAccess("bilateral.v1.VisitService/GetVisit"), Access::kRead);
  EXPECT_EQ(RequiredAccess("/bilateral.v1.VisitService/ListVisits"), Access::kRead);
  EXPECT_EQ(RequiredAccess("bilateral.v1.VisitService/BatchGetVisits"), Access::kRead);
  EXPECT_EQ(RequiredAccess("bilateral.v1.SearchService/SearchRecords"), Access::kRead);
  EXPECT_EQ(RequiredAccess("bilateral.v1.ChangeService/WatchChanges"), Access::kRead);
  EXPECT_EQ(RequiredAccess("bilateral.v1.VisitService/CreateVisit"), Access::kWrite);
  EXPECT_EQ(RequiredAccess("bilateral.v1.VisitService/UpdateVisit"), Access::kWrite);
  EXPECT_EQ(RequiredAccess("bilateral.v1.VisitService/DeleteVisit"), Access::kWrite);
  EXPECT_EQ(RequiredAccess("bilateral.v1.TradeRecordService/ImportTradeRecords"), Access::kWrite);
  EXPECT_EQ(RequiredAccess("bilateral.v1.VisitService/BatchCreateVisits"), Access::kWrite);
  // Anything else is admin, including verbs that only start like a known one.
  EXPECT_EQ(RequiredAccess("bilateral.v1.AdminService/CompactStore"), Access::kAdmin);
  EXPECT_EQ(RequiredAccess("bilateral.v1.VisitService/Getaway"), Access::kAdmin);
  EXPECT_EQ(RequiredAccess("bilateral.v1.VisitService/Listen"), Access::kAdmin);
  EXPECT_EQ(RequiredAccess(""), Access::kAdmin);
}

TEST(RequiredAccessTest, RolesAreOrdered) {
  EXPECT_TRUE(RoleAllows(Role::kReader, Access::kRead));
  EXPECT_FALSE(RoleAllows(Role::kReader, Access::kWrite));
  EXPECT_FALSE(RoleAllows(Role::kReader, Access::kAdmin));
  EXPECT_TRUE(RoleAllows(Role::kWriter, Access::kWrite));
  EXPECT_FALSE(RoleAllows(Role::kWriter, Access::kAdmin));
  EXPECT_TRUE(RoleAllows(Role::kAdmin, Access::kAdmin));
  Role role;
  EXPECT_TRUE(ParseRole("writer", &role));
  EXPECT_EQ(role, Role::kWriter);
  EXPECT_FALSE(ParseRole("root", &role));
}

TEST(KeySetTest, AGeneratedKeyVerifiesAndNothingElseDoes) {
  auto made = GenerateKey("ci-loader", Role::kWriter);
  ASSERT_TRUE(made.ok()) << made.status();
  EXPECT_THAT(made->key, ::testing::StartsWith("bk_ci-loader."));
  KeySet set;
  ASSERT_TRUE(set.Add(made->entry).ok());
  const KeyEntry* entry = set.Verify(made->key);
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->id, "ci-loader");
  EXPECT_EQ(entry->role, Role::kWriter);

  std::string altered = made->key;
  altered.back() = altered.back() == 'A' ? 'B' : 'A';
  EXPECT_EQ(set.Verify(altered), nullptr);
  EXPECT_EQ(set.Verify("bk_nobody.secret"), nullptr);
  EXPECT_EQ(set.Verify(""), nullptr);
  EXPECT_EQ(set.Verify("not a key at all"), nullptr);
  EXPECT_EQ(set.Add(made->entry).code(), absl::StatusCode::kAlreadyExists);
}

TEST(KeySetTest, TheFileHoldsHashesNotKeysAndRoundTrips) {
  auto reader = GenerateKey("reader-1", Role::kReader);
  auto admin = GenerateKey("admin_1", Role::kAdmin);
  ASSERT_TRUE(reader.ok() && admin.ok());
  KeySet set;
  ASSERT_TRUE(set.Add(reader->entry).ok());
  ASSERT_TRUE(set.Add(admin->entry).ok());
  std::string text = set.Serialize();
  EXPECT_THAT(text, Not(HasSubstr(reader->key)));
  EXPECT_THAT(text, Not(HasSubstr(reader->key.substr(reader->key.find('.') + 1))));

  test::TempDir dir;
  ASSERT_TRUE(set.Save(dir.File("keys")).ok());
  auto loaded = KeySet::Load(dir.File("keys"));
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  ASSERT_EQ(loaded->entries().size(), 2u);
  ASSERT_NE(loaded->Verify(admin->key), nullptr);
  EXPECT_EQ(loaded->Verify(admin->key)->role, Role::kAdmin);
  EXPECT_TRUE(loaded->Remove("admin_1"));
  EXPECT_EQ(loaded->Verify(admin->key), nullptr);
  EXPECT_FALSE(loaded->Remove("admin_1"));
}

TEST(KeySetTest, MalformedLinesAreRejectedNamingTheLine) {
  EXPECT_TRUE(KeySet::Parse("# only a comment\n\n").ok());
  auto wrong_fields = KeySet::Parse("# header\nid reader 00\n");
  EXPECT_EQ(wrong_fields.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(wrong_fields.status().message(), HasSubstr("line 2"));
  const std::string salt(32, 'a'), hash(64, 'b');
  EXPECT_THAT(KeySet::Parse("id root " + salt + " " + hash).status().message(), HasSubstr("role"));
  EXPECT_THAT(KeySet::Parse("id reader xyz " + hash).status().message(), HasSubstr("salt"));
  EXPECT_THAT(KeySet::Parse("id reader " + salt + " " + hash + "\nid writer " + salt + " " + hash)
                  .status()
                  .message(),
              HasSubstr("already exists"));
  EXPECT_EQ(KeySet::Load("/nonexistent/keys").status().code(), absl::StatusCode::kNotFound);
  EXPECT_FALSE(GenerateKey("has space", Role::kReader).ok());
  EXPECT_FALSE(GenerateKey("", Role::kReader).ok());
}

TEST(KeyRingTest, AuthenticatesBearerKeysWithoutEchoingThem) {
  test::TempDir dir;
  auto made = GenerateKey("svc", Role::kReader);
  ASSERT_TRUE(made.ok());
  KeySet set;
  ASSERT_TRUE(set.Add(made->entry).ok());
  ASSERT_TRUE(set.Save(dir.File("keys")).ok());
  auto ring = KeyRing::Open(dir.File("keys"));
  ASSERT_TRUE(ring.ok()) << ring.status();

  std::string header = "Bearer " + made->key;
  auto principal = (*ring)->Authenticate(&header);
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ(principal->key_id, "svc");
  EXPECT_EQ(principal->role, Role::kReader);
  std::string lower = "bearer " + made->key;
  EXPECT_TRUE((*ring)->Authenticate(&lower).ok());

  EXPECT_EQ((*ring)->Authenticate(nullptr).status().code(), absl::StatusCode::kUnauthenticated);
  std::string basic = "Basic " + made->key;
  auto wrong_scheme = (*ring)->Authenticate(&basic);
  EXPECT_EQ(wrong_scheme.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(wrong_scheme.status().message(), Not(HasSubstr(made->key)));
  std::string unknown = "Bearer " + made->key + "x";
  auto rejected = (*ring)->Authenticate(&unknown);
  EXPECT_EQ(rejected.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(rejected.status().message(), Not(HasSubstr(made->key)));
}

TEST(KeyRingTest, AFailedReloadKeepsTheKeysInUse) {
  test::TempDir dir;
  auto first = GenerateKey("first", Role::kReader);
  auto second = GenerateKey("second", Role::kWriter);
  KeySet set;
  ASSERT_TRUE(set.Add(first->entry).ok());
  ASSERT_TRUE(set.Save(dir.File("keys")).ok());
  auto ring = KeyRing::Open(dir.File("keys"));
  ASSERT_TRUE(ring.ok());
  std::string first_header = "Bearer " + first->key;
  std::string second_header = "Bearer " + second->key;
  EXPECT_FALSE((*ring)->Authenticate(&second_header).ok());

  ASSERT_TRUE(set.Add(second->entry).ok());
  ASSERT_TRUE(set.Save(dir.File("keys")).ok());
  ASSERT_TRUE((*ring)->Reload().ok());
  EXPECT_TRUE((*ring)->Authenticate(&second_header).ok());

  { std::ofstream(dir.File("keys")) << "garbage\n"; }
  EXPECT_FALSE((*ring)->Reload().ok());
  EXPECT_TRUE((*ring)->Authenticate(&first_header).ok());
  EXPECT_TRUE((*ring)->Authenticate(&second_header).ok());
}

}  // namespace
}  // namespace bilateral::api
