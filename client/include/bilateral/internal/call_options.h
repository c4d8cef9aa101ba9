// How a client method hands its call's Options to the connection without
// changing the connection's interface (and so its mocks): the method opens
// a CallOptionsScope, and the connection reads CurrentCallOptions() on the
// same thread. Not part of the API (the methods' Options argument is).
#pragma once

#include "bilateral/options.h"

namespace bilateral::internal {

// The options of the innermost open scope on this thread; empty options
// when there is none.
const Options& CurrentCallOptions();

// Makes `options` current on this thread until destroyed, then restores the
// options that were current before.
class CallOptionsScope {
 public:
  explicit CallOptionsScope(Options options);
  ~CallOptionsScope();
  CallOptionsScope(const CallOptionsScope&) = delete;
  CallOptionsScope& operator=(const CallOptionsScope&) = delete;

 private:
  Options options_;
  const Options* previous_;
};

}  // namespace bilateral::internal
