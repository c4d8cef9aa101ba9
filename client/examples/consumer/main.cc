// list_visits: prints the visits a bilateral server stores, one per line as
// "NAME START_DATE VISITOR", oldest first.
//
//   list_visits [--endpoint HOST:PORT] [--filter FILTER]
//
// Without --endpoint, the SDK takes BILATERAL_ENDPOINT (else 127.0.0.1:50051);
// BILATERAL_API_KEY and the BILATERAL_TLS_* variables apply as well. Exits 1
// with the error, its code and field violations when a call fails; 2 on a
// usage error.
#include <iostream>
#include <string>

#include "bilateral/status.h"
#include "bilateral/visit_client.h"

namespace {

std::string DateText(const bilateral::v1::Date& date) {
  std::string text = std::to_string(date.year());
  if (date.month() > 0) text += (date.month() < 10 ? "-0" : "-") + std::to_string(date.month());
  if (date.day() > 0) text += (date.day() < 10 ? "-0" : "-") + std::to_string(date.day());
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  bilateral::ClientOptions options;
  std::string filter;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if ((arg == "--endpoint" || arg == "--filter") && i + 1 < argc) {
      (arg == "--endpoint" ? options.endpoint : filter) = argv[++i];
    } else {
      std::cerr << "usage: list_visits [--endpoint HOST:PORT] [--filter FILTER]\n";
      return 2;
    }
  }

  bilateral::VisitClient visits(bilateral::MakeVisitConnection(options));
  for (const auto& visit : visits.ListVisits(filter, "start_date")) {
    if (!visit.ok()) {
      std::cerr << "error: " << absl::StatusCodeToString(visit.status().code()) << ": "
                << visit.status().message() << "\n";
      for (const auto& violation : bilateral::FieldViolations(visit.status())) {
        std::cerr << "  " << violation.field << ": " << violation.description << "\n";
      }
      return 1;
    }
    std::cout << visit->name() << " " << DateText(visit->start_date()) << " "
              << visit->visitor().name() << "\n";
  }
  return 0;
}
