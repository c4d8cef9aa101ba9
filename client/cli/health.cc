#include "health.h"

#include <chrono>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "errors.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "output.h"

namespace bilateral::cli {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

int RunHealth(const Context& context) {
  HealthCheckRequest request;
  if (!context.args.empty()) request.set_service(context.args.front());
  grpc::ClientContext call;
  call.set_deadline(absl::ToChronoTime(absl::Now() + context.options.timeout));
  if (!context.options.api_key.empty()) {
    call.AddMetadata("authorization", absl::StrCat("Bearer ", context.options.api_key));
  }
  HealthCheckResponse response;
  grpc::Status status = Health::NewStub(context.channel)->Check(&call, request, &response);
  if (!status.ok()) {
    return ReportServerError(
        absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message()),
        *context.err);
  }
  std::string what = request.service().empty() ? "server" : request.service();
  if (context.format == OutputFormat::kTable) {
    *context.out << what << ": " << HealthCheckResponse::ServingStatus_Name(response.status())
                 << "\n";
  } else {
    *context.out << ToJson(response, context.format);
  }
  if (response.status() != HealthCheckResponse::SERVING) {
    return ReportLocalError(
        kExitServerError,
        absl::StrCat(what, " is ", HealthCheckResponse::ServingStatus_Name(response.status())),
        *context.err);
  }
  return kExitOk;
}

}  // namespace bilateral::cli
