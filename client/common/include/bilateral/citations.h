// The citations a record holds, wherever they stand in it: in its own
// `citations`, or in a nested message's (a partnership's milestones). Used
// by the server, which checks every quote, and by bilateralctl, which shows
// each quote's evidence.
#pragma once

#include <string>
#include <vector>

#include "bilateral/v1/common.pb.h"
#include "google/protobuf/message.h"

namespace bilateral {

// A citation and the path of the field that holds it, from the record:
// "citations[0]", "milestones[1].citations[0]".
template <typename Citation>
struct CitationAt {
  std::string field;
  Citation* citation;
};

// Every citation of `record`, at any depth, in field number order. The
// pointers are into `record` and valid while it is unchanged.
std::vector<CitationAt<const v1::Citation>> CitationsIn(const google::protobuf::Message& record);
std::vector<CitationAt<v1::Citation>> MutableCitationsIn(google::protobuf::Message& record);

}  // namespace bilateral
