// The verbs on one resource: list, get and create for every resource type,
// update and delete for visits (the API has them only there). Each returns
// the process exit code.
#pragma once

#include "context.h"

namespace bilateral::cli {

// `<resource> list [--filter F] [--order-by O] [--page-size N]`: every page.
template <typename T>
int RunList(const Context& context);

// `<resource> get NAME`.
template <typename T>
int RunGet(const Context& context);

// `<resource> create (--file|--json) [--id ID] [--request-id RID]`.
template <typename T>
int RunCreate(const Context& context);

// `visits update NAME (--file|--json) [--update-mask PATHS] [--etag E]`.
int RunUpdateVisit(const Context& context);

// `visits delete NAME [--etag E]`.
int RunDeleteVisit(const Context& context);

}  // namespace bilateral::cli
