// bilateral-synth: generates any number of clearly synthetic trade records,
// the same ones for the same --seed, and writes them as bilateralctl's trade
// CSV or streams them into a server through ImportTradeRecords. Rows are
// made one at a time from their position, so memory stays bounded however
// many are asked for.
//
// The rows are spread over the ordered pairs of 40 countries, 25 years of
// months, three flows and as many commodities as the count needs; one pair
// (--pair, reporter KZ and partner CN by default) gets exactly --pair_share
// rows however large --records is, so that a query about that pair measures
// how the store finds its rows rather than how many there are. Every row
// cites sources/synthetic-benchmark, which says that the data is synthetic.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "bilateral/v1/source.grpc.pb.h"
#include "bilateral/v1/trade.grpc.pb.h"

ABSL_FLAG(int64_t, records, 1000, "how many rows to generate");
ABSL_FLAG(uint64_t, seed, 1, "the same seed gives the same rows");
ABSL_FLAG(std::string, pair, "KZ-CN",
          "REPORTER-PARTNER (alpha-2 codes of the 40 used) whose rows are held to --pair_share");
ABSL_FLAG(int64_t, pair_share, 1000,
          "rows of --pair, whatever --records is (all rows when --records is smaller)");
ABSL_FLAG(std::string, csv, "", "write the rows to this CSV file ('-': standard output)");
ABSL_FLAG(std::string, target, "", "host:port of a server to import the rows into");
ABSL_FLAG(int, chunk, 1000, "rows per ImportTradeRecords message, 1 to 1000");
ABSL_FLAG(int, streams, 1,
          "import streams running at once, each on its own connection, each a series of "
          "ImportTradeRecords calls of 10,000 rows");

namespace bilateral::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr char kSourceId[] = "synthetic-benchmark";
constexpr char kSourceName[] = "sources/synthetic-benchmark";
constexpr int kMaxChunk = 1000;
constexpr int kMaxStreams = 64;
constexpr int kFirstYear = 2000;
constexpr int kYears = 25;
constexpr int kPeriods = kYears * 12;
constexpr int kFlows = 3;
// Commodities per block of slots: a pair's first kBlock rows already spread
// over every flow, month and these commodities; later blocks add more.
constexpr int kCommoditiesPerBlock = 8;
constexpr uint64_t kBlock = uint64_t{kFlows} * kPeriods * kCommoditiesPerBlock;
// Errors printed when rows are rejected; the server lists up to 1000.
constexpr int kErrorsShown = 10;

// Real ISO 3166-1 codes, so that the server accepts them, in no meaningful
// proportion: which pairs get which figures is arbitrary.
constexpr std::array<const char*, 40> kCountries = {
    "KZ", "CN", "RU", "US", "DE", "FR", "GB", "JP", "KR", "IN", "TR", "IT", "ES", "NL",
    "PL", "UZ", "KG", "TJ", "TM", "AZ", "GE", "AM", "MN", "BY", "UA", "BR", "MX", "CA",
    "AU", "ZA", "EG", "SA", "AE", "IR", "PK", "ID", "VN", "TH", "MY", "SG"};

// Multipliers coprime to kBlock (none divisible by 2, 3 or 5): x -> x * step
// + offset (mod kBlock) visits every slot of a block once, and neighbouring
// slots land far apart.
constexpr std::array<uint64_t, 8> kSlotSteps = {4451, 4457, 4463, 2731, 5227, 1973, 3413, 6143};

const char* const kFlowNames[kFlows] = {"EXPORT", "IMPORT", "TOTAL"};
const v1::TradeFlow kFlowValues[kFlows] = {v1::TRADE_FLOW_EXPORT, v1::TRADE_FLOW_IMPORT,
                                           v1::TRADE_FLOW_TOTAL};

// A well-mixed 64-bit function of `x` (one step of SplitMix64).
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// One generated row, before it becomes a CSV line or a message.
struct SyntheticRow {
  const char* reporter;  // alpha-2
  const char* partner;
  int year;
  int month;
  int flow;  // index into kFlowNames
  std::string hs_code;
  std::string commodity;
  int64_t units;
  int32_t nanos;
  std::string quote;
};

// Maps a row's position to its row. Distinct positions give distinct
// unique keys (reporter, partner, period, flow, commodity): positions go
// round the pairs, and each pair's n-th row takes its n-th slot, which a
// bijection within blocks of kBlock slots turns into a flow, a month and a
// commodity; the commodity count grows with the blocks.
class SyntheticTrade {
 public:
  SyntheticTrade(uint64_t seed, int64_t records, const std::string& reporter,
                 const std::string& partner, int64_t pair_share)
      : seed_(seed), records_(records), pair_rows_(std::min(records, pair_share)) {
    std::vector<const char*> countries(kCountries.begin(), kCountries.end());
    // Fisher-Yates with the seed: which countries pair up with which slots.
    for (size_t i = countries.size() - 1; i > 0; --i) {
      std::swap(countries[i], countries[Mix(seed_ ^ (i * 0x51ed27ULL)) % (i + 1)]);
    }
    for (const char* a : countries) {
      if (a == reporter) reporter_ = a;
      if (a == partner) partner_ = a;
    }
    for (const char* a : countries) {
      for (const char* b : countries) {
        if (a == b) continue;
        // The held pair is left out both ways: a pair's dossier reads both.
        if ((a == reporter_ && b == partner_) || (a == partner_ && b == reporter_)) continue;
        pairs_.emplace_back(a, b);
      }
    }
    slot_step_ = kSlotSteps[Mix(seed_ + 1) % kSlotSteps.size()];
    slot_offset_ = Mix(seed_ + 2) % kBlock;
  }

  // Whether --pair names two different countries of kCountries.
  bool valid() const {
    return reporter_ != nullptr && partner_ != nullptr && reporter_ != partner_;
  }

  SyntheticRow Row(int64_t index) const {
    // The held pair's rows are spread evenly over the whole run: the pair
    // has had floor(index * pair_rows / records) rows before this one.
    const int64_t pair_before = PairRowsBefore(index);
    const bool held = PairRowsBefore(index + 1) > pair_before;
    SyntheticRow row;
    uint64_t slot = 0;
    if (held) {
      row.reporter = reporter_;
      row.partner = partner_;
      slot = static_cast<uint64_t>(pair_before);
    } else {
      const auto other = static_cast<uint64_t>(index - pair_before);
      const auto& pair = pairs_[other % pairs_.size()];
      row.reporter = pair.first;
      row.partner = pair.second;
      slot = other / pairs_.size();
    }
    const uint64_t scrambled = (slot % kBlock * slot_step_ + slot_offset_) % kBlock;
    row.flow = static_cast<int>(scrambled % kFlows);
    const auto period = static_cast<int>(scrambled / kFlows % kPeriods);
    row.year = kFirstYear + period / 12;
    row.month = period % 12 + 1;
    const uint64_t commodity =
        scrambled / (kFlows * kPeriods) + slot / kBlock * kCommoditiesPerBlock;
    row.hs_code = absl::StrFormat("%02d%02d", 1 + commodity % 97, 1 + commodity / 97 % 99);
    row.commodity = absl::StrFormat("synthetic commodity %04d", commodity);
    const uint64_t random = Mix(seed_ ^ Mix(static_cast<uint64_t>(index)));
    row.units = 1000 + static_cast<int64_t>(random % 5000000000ULL);
    row.nanos = static_cast<int32_t>((random >> 40) % 1000) * 1000000;
    row.quote = absl::StrCat("synthetic benchmark row ", index);
    return row;
  }

 private:
  int64_t PairRowsBefore(int64_t index) const {
    if (records_ == 0) return 0;
    return static_cast<int64_t>(static_cast<unsigned __int128>(index) * pair_rows_ / records_);
  }

  uint64_t seed_;
  int64_t records_;
  int64_t pair_rows_;
  const char* reporter_ = nullptr;
  const char* partner_ = nullptr;
  std::vector<std::pair<const char*, const char*>> pairs_;
  uint64_t slot_step_ = 1;
  uint64_t slot_offset_ = 0;
};

void ToMessage(const SyntheticRow& row, v1::TradeRecord* record) {
  record->set_reporter(absl::StrCat("countries/", row.reporter));
  record->set_partner(absl::StrCat("countries/", row.partner));
  record->mutable_period()->set_year(row.year);
  record->mutable_period()->set_month(row.month);
  record->set_flow(kFlowValues[row.flow]);
  record->mutable_commodity()->set_hs_code(row.hs_code);
  record->mutable_commodity()->set_label(row.commodity);
  record->mutable_value()->set_currency_code("USD");
  record->mutable_value()->set_units(row.units);
  record->mutable_value()->set_nanos(row.nanos);
  v1::Citation* citation = record->add_citations();
  citation->set_source(kSourceName);
  citation->set_quote(row.quote);
}

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Writes the rows with bilateralctl's trade CSV header. No generated field
// holds a comma, quote or line break, so none is quoted.
int WriteCsv(const SyntheticTrade& trade, int64_t records, const std::string& path) {
  const auto start = Clock::now();
  const bool to_stdout = path == "-";
  std::FILE* file = to_stdout ? stdout : std::fopen(path.c_str(), "w");
  if (file == nullptr) {
    std::cerr << "bilateral-synth: cannot write " << path << "\n";
    return 1;
  }
  std::string buffer =
      "reporter,partner,year,quarter,month,flow,hs_code,commodity,currency,units,nanos,source,"
      "quote\n";
  bool written = true;
  for (int64_t i = 0; i < records && written; ++i) {
    const SyntheticRow row = trade.Row(i);
    absl::StrAppend(&buffer, row.reporter, ",", row.partner, ",", row.year, ",0,", row.month, ",",
                    kFlowNames[row.flow], ",", row.hs_code, ",", row.commodity, ",USD,", row.units,
                    ",", row.nanos, ",", kSourceName, ",", row.quote, "\n");
    if (buffer.size() >= (1 << 20)) {
      written = std::fwrite(buffer.data(), 1, buffer.size(), file) == buffer.size();
      buffer.clear();
    }
  }
  written = written && std::fwrite(buffer.data(), 1, buffer.size(), file) == buffer.size();
  written = std::fflush(file) == 0 && written;
  if (!to_stdout) written = std::fclose(file) == 0 && written;
  if (!written) {
    std::cerr << "bilateral-synth: writing " << path << " failed\n";
    return 1;
  }
  // Standard output may be the CSV itself; the summary then goes to stderr.
  (to_stdout ? std::cerr : std::cout)
      << absl::StrFormat("{\"records\": %d, \"seconds\": %.3f}\n", records, SecondsSince(start));
  return 0;
}

// Creates sources/synthetic-benchmark unless it exists.
grpc::Status EnsureSource(const std::shared_ptr<grpc::Channel>& channel) {
  auto sources = v1::SourceService::NewStub(channel);
  grpc::ClientContext get_context;
  v1::GetSourceRequest get;
  get.set_name(kSourceName);
  v1::Source found;
  grpc::Status status = sources->GetSource(&get_context, get, &found);
  if (status.error_code() != grpc::StatusCode::NOT_FOUND) return status;

  grpc::ClientContext create_context;
  v1::CreateSourceRequest create;
  create.set_source_id(kSourceId);
  v1::Source* source = create.mutable_source();
  source->set_title("Synthetic benchmark data: not real trade figures");
  source->set_publisher("bilateral benchmarks (bench/synth.cc)");
  source->set_kind(v1::SOURCE_KIND_DATASET);
  source->set_language("en");
  source->set_description(
      "Generated by bilateral-synth to measure the service. Every record citing this source "
      "is synthetic benchmark data; its values are random and describe no real trade.");
  v1::Source created;
  status = sources->CreateSource(&create_context, create, &created);
  // Another import created it meanwhile.
  if (status.error_code() == grpc::StatusCode::ALREADY_EXISTS) return grpc::Status::OK;
  return status;
}

// Rows per ImportTradeRecords call, as bilateralctl sends them: a call that
// ran for the whole import would outlive the server's max_connection_age
// and its grace (31 minutes by default), which ends it with UNAVAILABLE.
constexpr int64_t kRowsPerCall = 10000;

// What one stream's calls did together; error indexes are positions in the
// whole run. The status is the first failed call's (the stream stops there).
struct StreamResult {
  grpc::Status status;
  v1::ImportTradeRecordsResponse response;
};

// Stream `stream` of `streams` sends chunks stream, stream + streams, ...
// so that the streams share the rows evenly and each row goes exactly once,
// in calls of about kRowsPerCall rows one after another.
StreamResult RunStream(const std::shared_ptr<grpc::Channel>& channel, const SyntheticTrade& trade,
                       int64_t records, int chunk, int stream, int streams) {
  StreamResult result;
  auto stub = v1::TradeRecordService::NewStub(channel);
  const int64_t chunks_per_call = std::max<int64_t>(1, kRowsPerCall / chunk);
  const int64_t step = int64_t{streams} * chunk;
  v1::ImportTradeRecordsRequest request;
  int64_t first = int64_t{stream} * chunk;
  do {  // one call even with no rows, so that the summary is the server's
    grpc::ClientContext context;
    v1::ImportTradeRecordsResponse response;
    auto writer = stub->ImportTradeRecords(&context, &response);
    std::vector<int64_t> first_rows;  // of each chunk sent, to place errors
    for (int64_t sent = 0; sent < chunks_per_call && first < records; ++sent, first += step) {
      request.Clear();
      const int64_t end = std::min(records, first + chunk);
      for (int64_t i = first; i < end; ++i) ToMessage(trade.Row(i), request.add_trade_records());
      if (!writer->Write(request)) break;  // the server ended the call; Finish says why
      first_rows.push_back(first);
    }
    writer->WritesDone();
    result.status = writer->Finish();
    v1::ImportTradeRecordsResponse& total = result.response;
    total.set_received_count(total.received_count() + response.received_count());
    total.set_stored_count(total.stored_count() + response.stored_count());
    total.set_rejected_count(total.rejected_count() + response.rejected_count());
    for (v1::ImportRowError& error : *response.mutable_errors()) {
      const auto sent_chunk = static_cast<size_t>(error.index() / chunk);
      if (sent_chunk < first_rows.size()) {
        error.set_index(first_rows[sent_chunk] + error.index() % chunk);
      }
      *total.add_errors() = std::move(error);
    }
  } while (result.status.ok() && first < records);
  return result;
}

int Import(const SyntheticTrade& trade, int64_t records, const std::string& target, int chunk,
           int streams) {
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < streams; ++i) {
    grpc::ChannelArguments arguments;
    // A distinct argument keeps each channel on a connection of its own.
    arguments.SetInt("bilateral.synth.stream", i);
    channels.push_back(
        grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), arguments));
  }
  if (grpc::Status status = EnsureSource(channels[0]); !status.ok()) {
    std::cerr << "bilateral-synth: cannot create " << kSourceName << " on " << target << ": "
              << status.error_message() << "\n";
    return 1;
  }

  const auto start = Clock::now();
  std::vector<StreamResult> results(static_cast<size_t>(streams));
  std::vector<std::thread> threads;
  for (int i = 0; i < streams; ++i) {
    threads.emplace_back([&, i] {
      results[static_cast<size_t>(i)] =
          RunStream(channels[static_cast<size_t>(i)], trade, records, chunk, i, streams);
    });
  }
  for (auto& thread : threads) thread.join();
  const double seconds = SecondsSince(start);

  int64_t received = 0, stored = 0, rejected = 0;
  std::vector<v1::ImportRowError> errors;
  bool failed = false;
  for (size_t i = 0; i < results.size(); ++i) {
    const StreamResult& result = results[i];
    received += result.response.received_count();
    stored += result.response.stored_count();
    rejected += result.response.rejected_count();
    errors.insert(errors.end(), result.response.errors().begin(), result.response.errors().end());
    if (!result.status.ok()) {
      failed = true;
      std::cerr << "bilateral-synth: import stream " << i << " failed after "
                << result.response.stored_count() << " stored rows: " << result.status.error_code()
                << ": " << result.status.error_message() << "\n";
    }
  }
  std::sort(errors.begin(), errors.end(),
            [](const auto& a, const auto& b) { return a.index() < b.index(); });
  for (size_t i = 0; i < errors.size() && i < kErrorsShown; ++i) {
    std::cerr << "bilateral-synth: row " << errors[i].index() << " rejected: " << errors[i].code()
              << ": " << errors[i].message() << "\n";
  }
  std::cout << absl::StrFormat(
      "{\"records\": %d, \"stored\": %d, \"rejected\": %d, \"seconds\": %.3f, "
      "\"records_per_second\": %.0f, \"streams\": %d, \"chunk\": %d}\n",
      records, stored, rejected, seconds, seconds > 0 ? static_cast<double>(stored) / seconds : 0.0,
      streams, chunk);
  if (failed || rejected > 0 || stored != records || received != records) return 1;
  return 0;
}

int Run() {
  const int64_t records = absl::GetFlag(FLAGS_records);
  const int64_t pair_share = absl::GetFlag(FLAGS_pair_share);
  const int chunk = absl::GetFlag(FLAGS_chunk);
  const int streams = absl::GetFlag(FLAGS_streams);
  const std::string csv = absl::GetFlag(FLAGS_csv);
  const std::string target = absl::GetFlag(FLAGS_target);
  std::vector<std::string> pair = absl::StrSplit(absl::GetFlag(FLAGS_pair), '-');
  auto usage = [](const std::string& problem) {
    std::cerr << "bilateral-synth: " << problem << "\n";
    return 2;
  };
  if (records < 0) return usage("--records must not be negative");
  if (pair_share < 0) return usage("--pair_share must not be negative");
  if (chunk < 1 || chunk > kMaxChunk) return usage("--chunk must be 1 to 1000");
  if (streams < 1 || streams > kMaxStreams) return usage("--streams must be 1 to 64");
  if (csv.empty() == target.empty()) return usage("give either --csv FILE or --target HOST:PORT");
  if (pair.size() != 2) return usage("--pair must be REPORTER-PARTNER, e.g. KZ-CN");

  const SyntheticTrade trade(absl::GetFlag(FLAGS_seed), records, pair[0], pair[1], pair_share);
  if (!trade.valid()) {
    return usage("--pair must name two different countries among the generated ones: " +
                 absl::StrJoin(kCountries, " "));
  }
  return csv.empty() ? Import(trade, records, target, chunk, streams)
                     : WriteCsv(trade, records, csv);
}

}  // namespace
}  // namespace bilateral::bench

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Generates synthetic trade records: bilateral-synth --records N "
      "(--csv FILE | --target HOST:PORT) [--seed S] [--streams K]");
  absl::ParseCommandLine(argc, argv);
  return bilateral::bench::Run();
}
