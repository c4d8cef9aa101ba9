// One SQLite store per fuzzing process, prepared as the server prepares it
// (countries loaded), with one source to cite: the store-backed targets
// write through the same code as the service's handlers.
#pragma once

#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>

#include "bilateral/v1/source.pb.h"
#include "domain/records.h"
#include "google/protobuf/stubs/logging.h"
#include "server/seed.h"
#include "store/open_store.h"

namespace bilateral::fuzz {

inline store::Store& FuzzStore() {
  static store::Store* store = [] {
    // Most inputs hold strings that are not UTF-8; parsing them fails as it
    // should, and protobuf's log line for each would drown the fuzzer's.
    google::protobuf::SetLogHandler(nullptr);
    const char* tmp = std::getenv("TMPDIR");
    std::string dir_template = std::string(tmp != nullptr ? tmp : "/tmp") + "/fuzz-store.XXXXXX";
    const char* dir = mkdtemp(dir_template.data());
    if (dir == nullptr) std::abort();
    store::StoreOptions options;
    // A crash of the fuzzer loses nothing that matters.
    options.sqlite.synchronous = "NORMAL";
    auto opened = store::OpenStore(std::string(dir) + "/fuzz.db", options);
    if (!opened.ok() || !server::PrepareStore(**opened).ok()) {
      std::cerr << "fuzz store: " << opened.status() << "\n";
      std::abort();
    }
    v1::Source source;
    source.set_title("Fuzzing source");
    if (!domain::Records<v1::Source>(opened->get())
             .Create(CallContext(), source, "fuzz", "")
             .ok()) {
      std::abort();
    }
    return opened->release();
  }();
  return *store;
}

template <typename T>
int64_t CountOf(store::Store& store) {
  auto count = store.Count(CallContext(), domain::Resource<T>::Collection());
  if (!count.ok()) std::abort();
  return *count;
}

}  // namespace bilateral::fuzz
