#include "common/metrics.h"

#include "common/call_context.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace bilateral::metrics {
namespace {

using ::testing::HasSubstr;

TEST(MetricsTest, RendersCountersHistogramsAndGaugesInTextFormat) {
  Registry registry;
  auto* calls = registry.AddCounter("calls_total", "Calls.", {"method", "code"});
  auto* latency = registry.AddHistogram("latency_seconds", "Latency.", {"method"}, {0.1, 1});
  double level = 7;
  registry.AddGauge("level", "A level.", [&level] { return level; });
  calls->Increment({"Get", "OK"});
  calls->Increment({"Get", "OK"});
  calls->Increment({"Say \"hi\"\n", "OK"});
  latency->Observe({"Get"}, 0.05);
  latency->Observe({"Get"}, 0.5);
  latency->Observe({"Get"}, 5);
  EXPECT_EQ(calls->Value({"Get", "OK"}), 2);
  EXPECT_EQ(calls->Value({"Get", "NOT_FOUND"}), 0);

  std::string text = registry.Render();
  EXPECT_THAT(text, HasSubstr("# HELP calls_total Calls.\n# TYPE calls_total counter\n"));
  EXPECT_THAT(text, HasSubstr("calls_total{method=\"Get\",code=\"OK\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("calls_total{method=\"Say \\\"hi\\\"\\n\",code=\"OK\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE latency_seconds histogram\n"));
  EXPECT_THAT(text, HasSubstr("latency_seconds_bucket{method=\"Get\",le=\"0.1\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("latency_seconds_bucket{method=\"Get\",le=\"1\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("latency_seconds_bucket{method=\"Get\",le=\"+Inf\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("latency_seconds_count{method=\"Get\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("latency_seconds_sum{method=\"Get\"} 5.55\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE level gauge\nlevel 7\n"));
  level = 8;
  EXPECT_THAT(registry.Render(), HasSubstr("level 8\n"));
}

TEST(CallContextTest, DeadlinesStopFlagsAndCancellationEndWork) {
  EXPECT_FALSE(CallContext().ShouldStop());
  EXPECT_EQ(CallContext().deadline(), absl::InfiniteFuture());
  std::atomic<bool> stop{false};
  const CallContext open(absl::Now() + absl::Hours(1), &stop);
  EXPECT_FALSE(open.ShouldStop());
  EXPECT_TRUE(CallContext(absl::InfinitePast(), nullptr).ShouldStop());
  bool gone = false;
  const CallContext cancellable(absl::InfiniteFuture(), nullptr, [&gone] { return gone; });
  const CallContext copy = cancellable;
  EXPECT_FALSE(copy.ShouldStop());
  gone = true;
  EXPECT_TRUE(copy.ShouldStop());
  stop = true;
  EXPECT_TRUE(open.ShouldStop());
}

}  // namespace
}  // namespace bilateral::metrics
