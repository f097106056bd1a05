// A protobuf message as the JSON evcsim writes (results.json, compare.json,
// sweep.json, `--format json`): field names as in the .proto, every field
// printed, indented, and map entries in key order, so the same run writes
// the same bytes in every process (protobuf's own map order is not stable
// across processes).
#pragma once

#include <string>

namespace google::protobuf {
class Message;
}

namespace evcsim {

std::string to_json(const google::protobuf::Message& msg);
// One line, fields at their default value left out (events.jsonl).
std::string to_json_line(const google::protobuf::Message& msg);
// Reads a JSON file evcsim wrote into `msg`; throws InputError naming the file.
void read_json_file(const std::string& path, google::protobuf::Message* msg);

}  // namespace evcsim
