// What full-text search sees of a record.
#pragma once

#include <string>

#include "google/protobuf/message.h"

namespace bilateral::domain {

// Every free-text value of `record`, nested messages and lists included
// (titles, names, descriptions, occasions, outcomes, quotes, labels), one
// per line. Leaves out the record's own name and etag, and values that are
// references to other resources (`countries/KZ`, `sources/x`).
std::string SearchText(const google::protobuf::Message& record);

}  // namespace bilateral::domain
