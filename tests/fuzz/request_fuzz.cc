// Fuzzes request validation: arbitrary bytes parsed as a record of one of
// the seven kinds (the first byte picks which), then created and used to
// update what was created, through the same domain code as the handlers.
// Whatever the input: no crash; a rejected create stores nothing; a
// rejected update leaves the stored record exactly as it was.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "fuzz_store.h"
#include "google/protobuf/util/message_differencer.h"

namespace {

template <typename T>
void CreateThenUpdate(const uint8_t* data, size_t size) {
  T message;
  if (!message.ParseFromArray(data, static_cast<int>(size))) return;
  auto& store = bilateral::fuzz::FuzzStore();
  bilateral::domain::Records<T> records(&store);
  const bilateral::CallContext call;
  const int64_t before = bilateral::fuzz::CountOf<T>(store);
  auto created = records.Create(call, message, "", "");
  const int64_t after = bilateral::fuzz::CountOf<T>(store);
  if (after != before + (created.ok() ? 1 : 0)) std::abort();
  if (!created.ok()) return;

  // The same bytes as an update of the stored record, every field replaced.
  message.set_name(created->name());
  message.clear_etag();
  auto updated = records.Update(call, message, nullptr);
  auto stored = records.Get(call, created->name());
  if (!stored.ok()) std::abort();
  const T& expected = updated.ok() ? *updated : *created;
  if (!google::protobuf::util::MessageDifferencer::Equals(*stored, expected)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  int kind = data[0] % 7;
  int index = 0;
  bilateral::domain::ForEachRecordType([&](auto tag) {
    if (index++ == kind) CreateThenUpdate<typename decltype(tag)::type>(data + 1, size - 1);
  });
  return 0;
}
