// check_api: what an application does with the installed SDK, against a
// live server, checked. It lists visits to Kazakhstan one a page with a
// filter, reads the field violation of an invalid request from the
// google.rpc.Status the SDK decodes, is refused with an unknown API key, and
// sees a source it creates on the change feed (through the generated
// ChangeService stub, which the package installs with the SDK). Exits 1
// saying what did not match.
//
//   BILATERAL_ENDPOINT=HOST:PORT BILATERAL_API_KEY=KEY check_api
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "bilateral/options.h"
#include "bilateral/source_client.h"
#include "bilateral/status.h"
#include "bilateral/v1/change.grpc.pb.h"
#include "bilateral/visit_client.h"

namespace {

namespace v1 = bilateral::v1;

int Fail(const std::string& what) {
  std::cerr << "check_api: " << what << "\n";
  return 1;
}

}  // namespace

int main() {
  const char* key = std::getenv("BILATERAL_API_KEY");
  if (key == nullptr || *key == '\0') return Fail("set BILATERAL_API_KEY to a writer's key");
  bilateral::ClientOptions options;  // BILATERAL_ENDPOINT, BILATERAL_API_KEY
  auto channel = bilateral::MakeChannel(options);
  if (!channel.ok()) return Fail(std::string(channel.status().message()));
  bilateral::VisitClient visits(bilateral::MakeVisitConnection(*channel, options));

  // A filter across pages of one visit each.
  v1::ListVisitsRequest request;
  request.set_filter("host_country = \"KZ\"");
  request.set_order_by("start_date");
  request.set_page_size(1);
  std::vector<std::string> names;
  for (const auto& visit : visits.ListVisits(request)) {
    if (!visit.ok()) return Fail("ListVisits: " + visit.status().ToString());
    names.push_back(visit->name());
  }
  if (names.size() < 3 ||
      std::find(names.begin(), names.end(), "visits/xi-jinping-kz-2024") == names.end()) {
    return Fail("ListVisits across pages did not return the seed's visits to KZ");
  }
  std::cout << "listed " << names.size() << " visits to KZ, one a page\n";

  // A field violation, from the google.rpc.BadRequest of the status.
  v1::ListVisitsRequest invalid;
  invalid.set_page_size(-1);
  absl::Status error;
  for (const auto& visit : visits.ListVisits(invalid)) {
    if (!visit.ok()) error = visit.status();
    break;
  }
  auto violations = bilateral::FieldViolations(error);
  if (error.code() != absl::StatusCode::kInvalidArgument || violations.size() != 1 ||
      violations[0].field != "page_size" || bilateral::ErrorReason(error) != "FIELD_VIOLATION") {
    return Fail("page_size -1: " + error.ToString() + "; want a violation of page_size");
  }
  std::cout << "page_size -1: INVALID_ARGUMENT, a google.rpc.BadRequest on page_size\n";

  // The API key: an unknown one is refused.
  bilateral::ClientOptions unknown_key = options;
  unknown_key.api_key = "not-a-key";
  bilateral::VisitClient refused(bilateral::MakeVisitConnection(*channel, unknown_key));
  auto visit = refused.GetVisit(names.front());
  if (visit.status().code() != absl::StatusCode::kUnauthenticated) {
    return Fail("GetVisit with an unknown key: " + visit.status().ToString());
  }
  std::cout << "an unknown key: UNAUTHENTICATED\n";

  // The change feed: sources created until one is seen on the stream.
  auto changes = v1::ChangeService::NewStub(*channel);
  grpc::ClientContext watch_context;
  watch_context.AddMetadata("authorization", std::string("Bearer ") + key);
  watch_context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  v1::WatchChangesRequest watch_request;
  watch_request.add_collections("sources");
  auto stream = changes->WatchChanges(&watch_context, watch_request);
  std::mutex mutex;
  std::set<std::string> seen;
  std::thread reader([&] {
    v1::WatchChangesResponse response;
    while (stream->Read(&response)) {
      std::lock_guard<std::mutex> lock(mutex);
      for (const auto& event : response.events()) seen.insert(event.name());
    }
  });
  bilateral::SourceClient sources(bilateral::MakeSourceConnection(*channel, options));
  const std::string run =
      "cpp-consumer-" + std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
  std::string found;
  for (int attempt = 0; attempt < 20 && found.empty(); ++attempt) {
    v1::Source source;
    source.set_title("C++ consumer probe");
    source.set_publisher("Test Gazette");
    source.set_kind(v1::SOURCE_KIND_NEWS_ARTICLE);
    source.set_language("en");
    source.mutable_publication_date()->set_year(2024);
    auto created = sources.CreateSource(source, run + "-" + std::to_string(attempt));
    if (!created.ok()) {
      watch_context.TryCancel();
      reader.join();
      return Fail("CreateSource: " + created.status().ToString());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    std::lock_guard<std::mutex> lock(mutex);
    if (seen.count(created->name()) > 0) found = created->name();
  }
  watch_context.TryCancel();
  reader.join();
  stream->Finish();
  if (found.empty()) return Fail("the change feed delivered none of the sources created");
  std::cout << "change feed: " << found << "\n";
  return 0;
}
