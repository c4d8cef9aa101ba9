// Process metrics in the Prometheus text exposition format (version 0.0.4):
// counters and histograms with labels, and gauges read when scraped. Metric
// families are registered once at start-up; recording is thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"

namespace bilateral::metrics {

// Label values, in the order of the family's label names.
using LabelValues = std::vector<std::string>;

class Family {
 public:
  virtual ~Family() = default;
  // Appends the family's HELP, TYPE and sample lines to `out`.
  virtual void Render(std::string* out) const = 0;
};

// A monotonically increasing count per label set.
class CounterFamily final : public Family {
 public:
  CounterFamily(std::string name, std::string help, std::vector<std::string> label_names);

  // Adds `amount` to the series with `values` (created at zero if new).
  void Increment(const LabelValues& values, double amount = 1);

  // The series' current value; 0 when it does not exist yet.
  double Value(const LabelValues& values) const;

  void Render(std::string* out) const override;

 private:
  const std::string name_;
  const std::string help_;
  const std::vector<std::string> label_names_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<LabelValues, double> series_ ABSL_GUARDED_BY(mu_);
};

// A distribution of observed values over fixed bucket upper bounds.
class HistogramFamily final : public Family {
 public:
  HistogramFamily(std::string name, std::string help, std::vector<std::string> label_names,
                  std::vector<double> bucket_bounds);

  void Observe(const LabelValues& values, double value);

  void Render(std::string* out) const override;

 private:
  struct Series {
    std::vector<uint64_t> bucket_counts;  // per bound, not cumulative
    double sum = 0;
    uint64_t count = 0;
  };

  const std::string name_;
  const std::string help_;
  const std::vector<std::string> label_names_;
  const std::vector<double> bounds_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<LabelValues, Series> series_ ABSL_GUARDED_BY(mu_);
};

// A value read when the metrics are rendered, without labels.
class GaugeFamily final : public Family {
 public:
  GaugeFamily(std::string name, std::string help, std::function<double()> read);

  void Render(std::string* out) const override;

 private:
  const std::string name_;
  const std::string help_;
  const std::function<double()> read_;
};

// Owns metric families and renders them in registration order.
class Registry {
 public:
  // Each returns the new family, owned by the registry. Names follow the
  // Prometheus conventions (`bilateral_calls_total`, `..._seconds`).
  CounterFamily* AddCounter(std::string name, std::string help,
                            std::vector<std::string> label_names);
  HistogramFamily* AddHistogram(std::string name, std::string help,
                                std::vector<std::string> label_names,
                                std::vector<double> bucket_bounds);
  // `read` is called on every render, from the rendering thread; it must
  // stay valid for the registry's life.
  void AddGauge(std::string name, std::string help, std::function<double()> read);

  // Every family in the text exposition format.
  std::string Render() const;

 private:
  mutable absl::Mutex mu_;
  std::vector<std::unique_ptr<Family>> families_ ABSL_GUARDED_BY(mu_);
};

// Bucket bounds for call latencies, in seconds: 0.5 ms to 10 s.
std::vector<double> LatencyBuckets();

}  // namespace bilateral::metrics
