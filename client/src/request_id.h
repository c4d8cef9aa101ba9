// Idempotency keys (AIP-155) for Create calls that the caller sent without
// one, so that retrying them cannot create a record twice.
#pragma once

#include <string>

namespace bilateral::internal {

// A random UUID, version 4, in its canonical form
// ("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx", lower-case hex).
std::string NewRequestId();

// `request` unchanged when its request_id is set, else a copy with a new one.
template <typename CreateRequest>
CreateRequest WithRequestId(const CreateRequest& request) {
  CreateRequest result = request;
  if (result.request_id().empty()) result.set_request_id(NewRequestId());
  return result;
}

}  // namespace bilateral::internal
