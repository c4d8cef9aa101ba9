// Search: ranked full-text search over the text of every record, names and
// titles, descriptions, people and places, and the quotes of citations.
// Read-only. The client that applications use, and the connection it calls.
//
//   bilateral::SearchClient client(
//       bilateral::MakeSearchConnection(bilateral::ClientOptions{}));
//   for (auto& result : client.Search("wind farm")) {
//     if (!result.ok()) { std::cerr << result.status() << "\n"; break; }
//     std::cout << result->name() << ": " << result->snippet() << "\n";
//   }
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "bilateral/internal/call_options.h"
#include "bilateral/options.h"
#include "bilateral/pagination.h"
#include "bilateral/v1/search.pb.h"

namespace bilateral {

// The calls a SearchClient makes, one per RPC of v1::SearchService and with
// its meaning. MakeSearchConnection implements it over gRPC, with the retries
// that RetryOptions (bilateral/options.h) describes and the CallOptions of the
// client call that invokes it (internal::CurrentCallOptions()); tests of code
// that uses SearchClient give it a MockSearchConnection
// (bilateral/mocks/mock_search_connection.h) instead.
class SearchConnection {
 public:
  virtual ~SearchConnection() = default;
  // Fetches pages lazily; `request.page_token` is the starting point.
  virtual PaginatedRange<v1::SearchResult> Search(v1::SearchRequest request) = 0;
};

// A connection over a new channel made with MakeChannel(options). When that
// fails, every call of the connection returns its error.
std::shared_ptr<SearchConnection> MakeSearchConnection(const ClientOptions& options);
// A connection over `channel` (from MakeChannel), shared with other
// connections; of `options`, the endpoint and TLS settings do not apply.
std::shared_ptr<SearchConnection> MakeSearchConnection(std::shared_ptr<grpc::Channel> channel,
                                                       const ClientOptions& options = {});

// Searches the records. Cheap to copy; copies share the connection. Every
// method returns the server's error as a status: use FieldViolations() and
// ErrorReason() from bilateral/status.h for its details. Each method takes an
// optional CallOptions last (bilateral/options.h); every call is a read, and
// is retried as its RetryOptions say.
class SearchClient {
 public:
  explicit SearchClient(std::shared_ptr<SearchConnection> connection)
      : connection_(std::move(connection)) {}

  // The records whose text holds every word of `query` (e.g. "wind farm";
  // English stemming), best matches first, each with its resource name, a
  // snippet with the matches in [square brackets] and a score. Only the
  // `collections` named ("visits", "infrastructureProjects", ...) are
  // searched; all when empty. INVALID_ARGUMENT for an empty query or an
  // unknown collection.
  PaginatedRange<v1::SearchResult> Search(const std::string& query,
                                          const std::vector<std::string>& collections = {},
                                          const CallOptions& call_options = {}) {
    v1::SearchRequest request;
    request.set_query(query);
    request.mutable_collections()->Add(collections.begin(), collections.end());
    return Search(std::move(request), call_options);
  }
  // As above, with every field of the request, e.g. `page_size`.
  PaginatedRange<v1::SearchResult> Search(v1::SearchRequest request,
                                          const CallOptions& call_options = {}) {
    internal::CallOptionsScope scope(call_options);
    return connection_->Search(std::move(request));
  }

 private:
  std::shared_ptr<SearchConnection> connection_;
};

}  // namespace bilateral
