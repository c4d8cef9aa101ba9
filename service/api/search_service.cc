#include "api/search_service.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "api/request_parsing.h"
#include "api/unary.h"
#include "bilateral/v1/search.grpc.pb.h"
#include "domain/errors.h"
#include "domain/fields.h"
#include "domain/resources.h"
#include "domain/rows.h"
#include "domain/search_text.h"
#include "domain/utf8.h"

namespace bilateral::api {
namespace {

constexpr int kDefaultResults = 20;
constexpr int kMaxResults = 100;
constexpr size_t kMaxQueryBytes = 1024;

bool IsSearchable(const std::string& name) {
  bool found = false;
  domain::ForEachRecordType([&](auto tag) {
    found = found || domain::Resource<typename decltype(tag)::type>::Collection().name == name;
  });
  return found;
}

class SearchServiceImpl final : public v1::SearchService::CallbackService {
 public:
  SearchServiceImpl(store::Store* store, CallGuard* guard) : store_(*store), guard_(*guard) {}

  grpc::ServerUnaryReactor* Search(grpc::CallbackServerContext* context,
                                   const v1::SearchRequest* request,
                                   v1::SearchResponse* response) override {
    return RunUnary(
        context, guard_, {"bilateral.v1.SearchService/Search", Access::kRead}, *request, response,
        [this, request, response](const CallContext& call) -> absl::Status {
          domain::Violations violations;
          if (request->query().empty()) {
            violations.Add("query", "required: the words to search for");
          } else if (request->query().size() > kMaxQueryBytes) {
            violations.Add("query", absl::StrCat("longer than ", kMaxQueryBytes, " bytes"));
          } else if (domain::HasControlCharacter(request->query())) {
            violations.Add("query", "holds a control character");
          }
          if (request->page_size() < 0) violations.Add("page_size", "must not be negative");
          for (int i = 0; i < request->collections_size(); ++i) {
            if (!IsSearchable(request->collections(i))) {
              violations.Add(
                  absl::StrCat("collections[", i, "]"),
                  absl::StrCat("unknown collection '", request->collections(i).substr(0, 64),
                               "'; collections are named as in resource names, "
                               "e.g. 'visits' or 'infrastructureProjects'"));
            }
          }
          if (auto status = violations.ToStatus(); !status.ok()) return status;
          store::SearchQuery query;
          query.text = request->query();
          query.collections.assign(request->collections().begin(), request->collections().end());
          query.page_size = request->page_size() == 0 ? kDefaultResults
                                                      : std::min(request->page_size(), kMaxResults);
          query.page_token = request->page_token();
          auto page = store_.Search(call, query);
          if (absl::IsInvalidArgument(page.status())) {
            const bool token = !request->page_token().empty() &&
                               page.status().message().find("word") == absl::string_view::npos;
            return domain::InvalidField(token ? "page_token" : "query", page.status().message());
          }
          if (!page.ok()) return page.status();
          for (auto& hit : page->hits) {
            auto* result = response->add_results();
            result->set_name(absl::StrCat(hit.collection, "/", hit.id));
            result->set_snippet(std::move(hit.snippet));
            result->set_score(hit.score);
          }
          if (auto status = PointIntoSourceTexts(call, *page, *response); !status.ok()) {
            return status;
          }
          response->set_next_page_token(page->next_page_token);
          return absl::OkStatus();
        });
  }

 private:
  // Sets text_start and text_end of each source result whose snippet lies
  // within the source's text, reading the page's sources in one call.
  absl::Status PointIntoSourceTexts(const CallContext& call, const store::SearchPage& page,
                                    v1::SearchResponse& response) {
    const auto& sources = domain::Resource<v1::Source>::Collection();
    std::vector<std::string> ids;
    std::vector<v1::SearchResult*> results;
    for (size_t i = 0; i < page.hits.size(); ++i) {
      if (page.hits[i].collection != sources.name) continue;
      ids.push_back(page.hits[i].id);
      results.push_back(response.mutable_results(static_cast<int>(i)));
    }
    if (ids.empty()) return absl::OkStatus();
    auto rows = store_.GetMany(call, sources, ids);
    // A source deleted since the search ran keeps its snippet, unplaced.
    if (absl::IsNotFound(rows.status())) return absl::OkStatus();
    if (!rows.ok()) return rows.status();
    for (size_t i = 0; i < rows->size(); ++i) {
      auto source = domain::PayloadOf<v1::Source>((*rows)[i]);
      if (!source.ok() || source->text().empty()) continue;
      // The part of the text the search index holds.
      const absl::string_view searched =
          domain::Utf8Prefix(source->text(), domain::kMaxSearchedValueBytes);
      if (auto span = domain::SnippetSpan(searched, results[i]->snippet()); span.has_value()) {
        results[i]->set_text_start(span->first);
        results[i]->set_text_end(span->second);
      }
    }
    return absl::OkStatus();
  }

  store::Store& store_;
  CallGuard& guard_;
};

}  // namespace

std::unique_ptr<grpc::Service> MakeSearchService(store::Store* store, CallGuard* guard) {
  return CheckRequestParsing(std::make_unique<SearchServiceImpl>(store, guard),
                             v1::SearchService::service_full_name(), guard);
}

}  // namespace bilateral::api
