// A JSON value in the middle of a simdjson On-Demand parse, handed by the module that parses a
// document to the module that reads one of its values: the protocol module parses a RECORD's
// envelope and the decode module reads its `data` in the same pass, so a record's JSON is
// parsed once (protocol::RecordDataReader). Public headers only forward-declare it; the .cc
// files on both sides include this one, so simdjson stays out of the modules' interfaces.
#pragma once

#include <simdjson.h>

namespace datalake::json {

struct OnDemandValue {
  simdjson::ondemand::value& value;  // valid only during the call it is handed to
};

}  // namespace datalake::json
