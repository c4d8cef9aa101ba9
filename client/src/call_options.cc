#include "bilateral/internal/call_options.h"

namespace bilateral::internal {
namespace {

thread_local const CallOptions* current_call_options = nullptr;

}  // namespace

const CallOptions& CurrentCallOptions() {
  static const CallOptions* const kNone = new CallOptions();
  return current_call_options != nullptr ? *current_call_options : *kNone;
}

CallOptionsScope::CallOptionsScope(const CallOptions& options)
    : previous_(current_call_options) {
  current_call_options = &options;
}

CallOptionsScope::~CallOptionsScope() { current_call_options = previous_; }

}  // namespace bilateral::internal
