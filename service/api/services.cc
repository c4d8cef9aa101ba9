#include "api/services.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "api/relationship_service.h"
#include "api/request_parsing.h"
#include "api/unary.h"
#include "bilateral/v1/country.grpc.pb.h"
#include "bilateral/v1/exchange.grpc.pb.h"
#include "bilateral/v1/finding.grpc.pb.h"
#include "bilateral/v1/infrastructure.grpc.pb.h"
#include "bilateral/v1/observation.grpc.pb.h"
#include "bilateral/v1/partnership.grpc.pb.h"
#include "bilateral/v1/relationship.grpc.pb.h"
#include "bilateral/v1/source.grpc.pb.h"
#include "bilateral/v1/trade.grpc.pb.h"
#include "bilateral/v1/visit.grpc.pb.h"
#include "domain/countries.h"
#include "domain/records.h"
#include "domain/rows.h"

namespace bilateral::api {
namespace {

// What of a record a read returns (AIP-157): all of it, but a source's text
// only with the FULL view (every read request of sources has a `view`).
template <typename Request, typename Message>
void ApplyView(const Request&, Message*) {}

template <typename Request>
void ApplyView(const Request& request, v1::Source* source) {
  if (request.view() != v1::SOURCE_VIEW_FULL) source->clear_text();
}

// Appends `row`'s record, as List returns it, to a response as its field
// `number`: as stored, unless the view takes a field out.
template <typename Message, typename Request>
absl::Status AppendListed(const Request&, const store::Row& row, int number, std::string* out) {
  domain::EncodedRecord::AppendAsField<Message>(number, row, out);
  return absl::OkStatus();
}

template <typename Message>
absl::Status AppendListed(const v1::ListSourcesRequest& request, const store::Row& row, int number,
                          std::string* out) {
  if (request.view() == v1::SOURCE_VIEW_FULL) {
    domain::EncodedRecord::AppendAsField<v1::Source>(number, row, out);
    return absl::OkStatus();
  }
  auto source = domain::MessageOf<v1::Source>(row);
  if (!source.ok()) return source.status();
  ApplyView(request, &*source);
  domain::EncodedRecord::AppendField(number, source->SerializeAsString(), out);
  return absl::OkStatus();
}

// The standard methods of one record type, for the services to forward to.
template <typename Message>
class RecordHandlers {
 public:
  RecordHandlers(store::Store* store, CallGuard* guard) : records_(store), guard_(*guard) {}

  template <typename Request>
  grpc::ServerUnaryReactor* Get(grpc::CallbackServerContext* context, const CallInfo& info,
                                const Request& request, Message* response) {
    return RunUnary(context, guard_, info, request, response,
                    [this, &request, response](const CallContext& call) {
                      auto status = Respond(records_.Get(call, request.name()), response);
                      ApplyView(request, response);
                      return status;
                    });
  }

  // List, answered with the page's records as stored: their payloads are
  // sent as they are, not parsed and serialised again (EncodedRecord; see
  // docs/benchmarks.md, scenario 3). `Response` holds the records in its
  // field `items_field` and the token in `next_page_token`.
  template <typename Request, typename Response>
  grpc::ServerUnaryReactor* List(grpc::CallbackServerContext* context, const CallInfo& info,
                                 const grpc::ByteBuffer& request_bytes,
                                 grpc::ByteBuffer* response_bytes, int items_field) {
    return RunRawUnary<Request>(
        context, guard_, info, request_bytes, response_bytes,
        [this, items_field](const CallContext& call, const Request& request,
                            std::string* out) -> absl::Status {
          auto page = records_.ListStored(call, {request.page_size(), request.page_token(),
                                                 request.filter(), request.order_by()});
          if (!page.ok()) return page.status();
          for (const auto& row : page->rows) {
            if (auto status = AppendListed<Message>(request, row, items_field, out); !status.ok()) {
              return status;
            }
          }
          static const int token_field =
              Response::descriptor()->FindFieldByName("next_page_token")->number();
          if (!page->next_page_token.empty()) {
            domain::EncodedRecord::AppendField(token_field, page->next_page_token, out);
          }
          return absl::OkStatus();
        });
  }

  template <typename Request, typename Response>
  grpc::ServerUnaryReactor* BatchGet(grpc::CallbackServerContext* context, const CallInfo& info,
                                     const Request& request, Response* response,
                                     google::protobuf::RepeatedPtrField<Message>* items) {
    return RunUnary(context, guard_, info, request, response,
                    [this, &request, items](const CallContext& call) -> absl::Status {
                      auto found = records_.BatchGet(call, request.names());
                      if (!found.ok()) return found.status();
                      for (auto& item : *found) {
                        ApplyView(request, &item);
                        *items->Add() = std::move(item);
                      }
                      return absl::OkStatus();
                    });
  }

  template <typename Request>
  grpc::ServerUnaryReactor* Create(grpc::CallbackServerContext* context, const CallInfo& info,
                                   const Request& request, const Message& record,
                                   const std::string& id, Message* response) {
    return RunUnary(context, guard_, info, request, response,
                    [this, &request, &record, &id, response](const CallContext& call) {
                      return Respond(records_.Create(call, record, id, request.request_id()),
                                     response);
                    });
  }

  template <typename Request>
  grpc::ServerUnaryReactor* Update(grpc::CallbackServerContext* context, const CallInfo& info,
                                   const Request& request, const Message& record,
                                   Message* response) {
    return RunUnary(
        context, guard_, info, request, response,
        [this, &request, &record, response](const CallContext& call) {
          return Respond(
              records_.Update(call, record,
                              request.has_update_mask() ? &request.update_mask() : nullptr),
              response);
        });
  }

  template <typename Request>
  grpc::ServerUnaryReactor* Delete(grpc::CallbackServerContext* context, const CallInfo& info,
                                   const Request& request) {
    return RunUnary(context, guard_, info, request, nullptr,
                    [this, &request](const CallContext& call) {
                      return records_.Delete(call, request.name(), request.etag());
                    });
  }

  const domain::Records<Message>& records() const { return records_; }
  CallGuard& guard() { return guard_; }

 private:
  domain::Records<Message> records_;
  CallGuard& guard_;
};

// The six standard methods of a record service, forwarded to its
// RecordHandlers `handlers_`. `Type` is the message, `Plural` the plural in
// method names, `field` the request field carrying the record.
#define BILATERAL_RECORD_METHODS(Service, Type, Plural, field)                                    \
  grpc::ServerUnaryReactor* Get##Type(grpc::CallbackServerContext* context,                       \
                                      const v1::Get##Type##Request* request, v1::Type* response)  \
      override {                                                                                  \
    return handlers_.Get(context, {#Service "/Get" #Type, Access::kRead}, *request, response);    \
  }                                                                                               \
  grpc::ServerUnaryReactor* List##Plural(grpc::CallbackServerContext* context,                    \
                                         const grpc::ByteBuffer* request,                         \
                                         grpc::ByteBuffer* response) override {                   \
    static const int items_field =                                                                \
        v1::List##Plural##Response::descriptor()->FindFieldByName(#field "s")->number();          \
    return handlers_.template List<v1::List##Plural##Request, v1::List##Plural##Response>(        \
        context, {#Service "/List" #Plural, Access::kRead}, *request, response, items_field);     \
  }                                                                                               \
  grpc::ServerUnaryReactor* BatchGet##Plural(grpc::CallbackServerContext* context,                \
                                             const v1::BatchGet##Plural##Request* request,        \
                                             v1::BatchGet##Plural##Response* response) override { \
    return handlers_.BatchGet(context, {#Service "/BatchGet" #Plural, Access::kRead}, *request,   \
                              response, response->mutable_##field##s());                          \
  }                                                                                               \
  grpc::ServerUnaryReactor* Create##Type(grpc::CallbackServerContext* context,                    \
                                         const v1::Create##Type##Request* request,                \
                                         v1::Type* response) override {                           \
    return handlers_.Create(context, {#Service "/Create" #Type, Access::kWrite}, *request,        \
                            request->field(), request->field##_id(), response);                   \
  }                                                                                               \
  grpc::ServerUnaryReactor* Update##Type(grpc::CallbackServerContext* context,                    \
                                         const v1::Update##Type##Request* request,                \
                                         v1::Type* response) override {                           \
    return handlers_.Update(context, {#Service "/Update" #Type, Access::kWrite}, *request,        \
                            request->field(), response);                                          \
  }                                                                                               \
  grpc::ServerUnaryReactor* Delete##Type(grpc::CallbackServerContext* context,                    \
                                         const v1::Delete##Type##Request* request,                \
                                         google::protobuf::Empty*) override {                     \
    return handlers_.Delete(context, {#Service "/Delete" #Type, Access::kWrite}, *request);       \
  }

// A record service: List is registered raw, to answer with stored bytes.
#define BILATERAL_RECORD_SERVICE(Service, Type, Plural, field)                        \
  using Service##Base =                                                               \
      v1::Service::WithRawCallbackMethod_List##Plural<v1::Service::CallbackService>;  \
  class Service##Impl final : public Service##Base {                                  \
   public:                                                                            \
    using Service##Base::List##Plural;                                                \
    Service##Impl(store::Store* store, CallGuard* guard) : handlers_(store, guard) {} \
    BILATERAL_RECORD_METHODS(bilateral.v1.Service, Type, Plural, field)               \
   private:                                                                           \
    RecordHandlers<v1::Type> handlers_;                                               \
  }

BILATERAL_RECORD_SERVICE(SourceService, Source, Sources, source);
BILATERAL_RECORD_SERVICE(VisitService, Visit, Visits, visit);
BILATERAL_RECORD_SERVICE(PartnershipService, Partnership, Partnerships, partnership);
BILATERAL_RECORD_SERVICE(InfrastructureProjectService, InfrastructureProject,
                         InfrastructureProjects, infrastructure_project);
BILATERAL_RECORD_SERVICE(ExchangeService, Exchange, Exchanges, exchange);
BILATERAL_RECORD_SERVICE(ObservationService, Observation, Observations, observation);

// Receives an import chunk by chunk; each chunk is stored as it arrives.
// The chunks arrive as bytes and are parsed here: gRPC tells a typed
// reactor only that no message came, for a chunk that does not parse as at
// the end of the stream, which would end a broken import as a finished one.
class ImportReactor final : public grpc::ServerReadReactor<grpc::ByteBuffer> {
 public:
  ImportReactor(grpc::CallbackServerContext* context, RecordHandlers<v1::TradeRecord>& handlers,
                grpc::ByteBuffer* response)
      : context_(context), handlers_(handlers), response_bytes_(response) {
    // Admission and access are checked before the first chunk is read.
    absl::Status admitted = handlers_.guard().Run(
        context_, kInfo, 0, [](const CallContext&) { return absl::OkStatus(); });
    if (!admitted.ok()) {
      Finish(ToGrpcStatus(admitted));
      return;
    }
    HandOff();
    StartRead(&bytes_);
  }

  void OnReadDone(bool ok) override {
    HandOff();
    if (!ok) {  // the client has sent everything
      bool own_buffer = false;
      grpc::Status serialised =
          grpc::SerializationTraits<v1::ImportTradeRecordsResponse>::Serialize(
              response_, response_bytes_, &own_buffer);
      Finish(serialised);
      return;
    }
    chunk_.Clear();
    // Parsing consumes the buffer; the copy shares its slices, to say why.
    grpc::ByteBuffer kept(bytes_);
    grpc::Status parsed =
        grpc::SerializationTraits<v1::ImportTradeRecordsRequest>::Deserialize(&bytes_, &chunk_);
    if (!parsed.ok()) {
      // The guard authenticates the chunk as any call, then refuses it with
      // why, logged and counted as a request that does not parse.
      handlers_.guard().MarkUnparseable(
          context_, WhyUnparseable(kept, *v1::ImportTradeRecordsRequest::descriptor()));
    }
    bytes_.Clear();
    // The chunk is stored on the writers' executor; the next read starts
    // once it is.
    handlers_.guard().Start(
        context_, kNextChunk, chunk_.ByteSizeLong(),
        [this](const CallContext& call) { return Store(call); },
        [this](const absl::Status& status) { Stored(status); });
  }

  void OnDone() override { delete this; }

 private:
  void Stored(const absl::Status& status) {
    if (!status.ok()) {
      Finish(ToGrpcStatus(absl::Status(
          status.code(),
          absl::StrCat(status.message(), " (chunk ", chunks_ + 1,
                       "; rows stored before this chunk: ", response_.stored_count(), ")"))));
      return;
    }
    ++chunks_;
    HandOff();
    StartRead(&bytes_);
  }

  // gRPC runs OnReadDone on a thread of its own after StartRead, ordering
  // the two through its completion queue; taking the mutex on both sides
  // makes that order one the reactor states, and ThreadSanitizer sees:
  // what was written before a read started is seen where it completes.
  void HandOff() { absl::MutexLock lock(&handoff_mu_); }

  static constexpr CallInfo kInfo = {"bilateral.v1.TradeRecordService/ImportTradeRecords",
                                     Access::kWrite};
  // Chunks after admission belong to a call already admitted: a draining
  // server finishes the import instead of cutting it off half-stored.
  static constexpr CallInfo kNextChunk = {kInfo.method, kInfo.access,
                                          /*continues_call=*/true};
  static constexpr int kMaxReportedErrors = 1000;

  absl::Status Store(const CallContext& call) {
    auto results = handlers_.records().Import(call, std::move(*chunk_.mutable_trade_records()),
                                              chunk_.use_names());
    if (!results.ok()) return results.status();
    for (const auto& result : *results) {
      int64_t index = response_.received_count();
      response_.set_received_count(index + 1);
      if (result.status.ok()) {
        response_.set_stored_count(response_.stored_count() + 1);
        continue;
      }
      response_.set_rejected_count(response_.rejected_count() + 1);
      if (response_.errors_size() >= kMaxReportedErrors) continue;
      auto* error = response_.add_errors();
      error->set_index(index);
      error->set_code(absl::StatusCodeToString(result.status.code()));
      error->set_message(std::string(result.status.message()));
      for (const auto& violation : domain::FieldViolations(result.status)) {
        absl::string_view field = violation.field;
        absl::ConsumePrefix(&field, "trade_record.");
        error->add_field_violations(absl::StrCat(field, ": ", violation.description));
      }
    }
    return absl::OkStatus();
  }

  grpc::CallbackServerContext* context_;
  RecordHandlers<v1::TradeRecord>& handlers_;
  grpc::ByteBuffer* response_bytes_;  // gRPC's, sent by Finish
  v1::ImportTradeRecordsResponse response_;
  grpc::ByteBuffer bytes_;  // the chunk being read
  v1::ImportTradeRecordsRequest chunk_;
  int64_t chunks_ = 0;  // chunks stored
  absl::Mutex handoff_mu_;
};

// ImportTradeRecords reads raw chunks (see ImportReactor), and List answers
// with stored bytes; the other methods are typed.
using TradeRecordServiceBase = v1::TradeRecordService::WithRawCallbackMethod_ImportTradeRecords<
    v1::TradeRecordService::WithRawCallbackMethod_ListTradeRecords<
        v1::TradeRecordService::CallbackService>>;

class TradeRecordServiceImpl final : public TradeRecordServiceBase {
 public:
  using TradeRecordServiceBase::ImportTradeRecords;
  using TradeRecordServiceBase::ListTradeRecords;
  TradeRecordServiceImpl(store::Store* store, CallGuard* guard) : handlers_(store, guard) {}
  BILATERAL_RECORD_METHODS(bilateral.v1.TradeRecordService, TradeRecord, TradeRecords, trade_record)

  grpc::ServerReadReactor<grpc::ByteBuffer>* ImportTradeRecords(
      grpc::CallbackServerContext* context, grpc::ByteBuffer* response) override {
    return new ImportReactor(context, handlers_, response);
  }

 private:
  RecordHandlers<v1::TradeRecord> handlers_;
};

#undef BILATERAL_RECORD_SERVICE
#undef BILATERAL_RECORD_METHODS

// The store query of a List request of a read-only collection, with
// `default_order` when the request names none.
template <typename Request>
absl::StatusOr<store::ListQuery> ListQueryOf(const Request& request,
                                             const std::string& default_order = "") {
  return domain::PageQuery({request.page_size(), request.page_token(), request.filter(),
                            request.order_by().empty() ? default_order : request.order_by()});
}

class CountryServiceImpl final : public v1::CountryService::CallbackService {
 public:
  CountryServiceImpl(store::Store* store, CallGuard* guard) : store_(*store), guard_(*guard) {}

  grpc::ServerUnaryReactor* GetCountry(grpc::CallbackServerContext* context,
                                       const v1::GetCountryRequest* request,
                                       v1::Country* response) override {
    return RunUnary(context, guard_, {"bilateral.v1.CountryService/GetCountry", Access::kRead},
                    *request, response, [request, response](const CallContext&) -> absl::Status {
                      absl::string_view code = request->name();
                      if (!absl::ConsumePrefix(&code, "countries/") || code.empty()) {
                        return domain::InvalidField(
                            "name",
                            "expected 'countries/{code}' with an alpha-2, alpha-3 "
                            "or numeric code");
                      }
                      const v1::Country* country = domain::Countries().Find(code);
                      if (country == nullptr) {
                        return absl::NotFoundError(
                            absl::StrCat(request->name().substr(0, 64), " does not exist"));
                      }
                      *response = *country;
                      return absl::OkStatus();
                    });
  }

  grpc::ServerUnaryReactor* ListCountries(grpc::CallbackServerContext* context,
                                          const v1::ListCountriesRequest* request,
                                          v1::ListCountriesResponse* response) override {
    return RunUnary(
        context, guard_, {"bilateral.v1.CountryService/ListCountries", Access::kRead}, *request,
        response, [this, request, response](const CallContext& call) -> absl::Status {
          auto query = ListQueryOf(*request, "alpha2");
          if (!query.ok()) return query.status();
          auto page = store_.List(call, domain::Resource<v1::Country>::Collection(), *query);
          if (!page.ok()) return domain::QueryError(page.status());
          for (const auto& row : page->rows) {
            auto status = domain::PayloadInto(row, response->add_countries());
            if (!status.ok()) return status;
          }
          response->set_next_page_token(page->next_page_token);
          return absl::OkStatus();
        });
  }

 private:
  store::Store& store_;
  CallGuard& guard_;
};

// Findings are kept by the service; callers only read them.
class FindingServiceImpl final : public v1::FindingService::CallbackService {
 public:
  FindingServiceImpl(store::Store* store, CallGuard* guard) : store_(*store), guard_(*guard) {}

  grpc::ServerUnaryReactor* GetFinding(grpc::CallbackServerContext* context,
                                       const v1::GetFindingRequest* request,
                                       v1::Finding* response) override {
    return RunUnary(context, guard_, {"bilateral.v1.FindingService/GetFinding", Access::kRead},
                    *request, response,
                    [this, request, response](const CallContext& call) -> absl::Status {
                      absl::string_view id = request->name();
                      if (!absl::ConsumePrefix(&id, "findings/") || id.empty() || id.size() > 128 ||
                          domain::HasControlCharacter(id)) {
                        return domain::InvalidField("name", "expected 'findings/{finding}'");
                      }
                      auto row = store_.Get(call, Findings(), id);
                      if (!row.ok()) return row.status();
                      return domain::MessageInto(*row, response);
                    });
  }

  grpc::ServerUnaryReactor* ListFindings(grpc::CallbackServerContext* context,
                                         const v1::ListFindingsRequest* request,
                                         v1::ListFindingsResponse* response) override {
    return RunUnary(
        context, guard_, {"bilateral.v1.FindingService/ListFindings", Access::kRead}, *request,
        response, [this, request, response](const CallContext& call) -> absl::Status {
          auto query = ListQueryOf(*request);
          if (!query.ok()) return query.status();
          auto page = store_.List(call, Findings(), *query);
          if (!page.ok()) return domain::QueryError(page.status());
          for (const auto& row : page->rows) {
            if (auto status = domain::MessageInto(row, response->add_findings()); !status.ok()) {
              return status;
            }
          }
          response->set_next_page_token(page->next_page_token);
          return absl::OkStatus();
        });
  }

 private:
  static const store::Collection& Findings() { return domain::Resource<v1::Finding>::Collection(); }

  store::Store& store_;
  CallGuard& guard_;
};

}  // namespace

std::vector<std::unique_ptr<grpc::Service>> MakeServices(store::Store* store, CallGuard* guard) {
  std::vector<std::unique_ptr<grpc::Service>> services;
  auto add = [&](std::unique_ptr<grpc::Service> service, const std::string& name) {
    services.push_back(CheckRequestParsing(std::move(service), name, guard));
  };
  add(std::make_unique<SourceServiceImpl>(store, guard), v1::SourceService::service_full_name());
  add(std::make_unique<VisitServiceImpl>(store, guard), v1::VisitService::service_full_name());
  add(std::make_unique<PartnershipServiceImpl>(store, guard),
      v1::PartnershipService::service_full_name());
  add(std::make_unique<TradeRecordServiceImpl>(store, guard),
      v1::TradeRecordService::service_full_name());
  add(std::make_unique<InfrastructureProjectServiceImpl>(store, guard),
      v1::InfrastructureProjectService::service_full_name());
  add(std::make_unique<ExchangeServiceImpl>(store, guard),
      v1::ExchangeService::service_full_name());
  add(std::make_unique<ObservationServiceImpl>(store, guard),
      v1::ObservationService::service_full_name());
  add(std::make_unique<CountryServiceImpl>(store, guard), v1::CountryService::service_full_name());
  add(std::make_unique<FindingServiceImpl>(store, guard), v1::FindingService::service_full_name());
  add(MakeRelationshipService(store, guard), v1::RelationshipService::service_full_name());
  return services;
}

}  // namespace bilateral::api
