#include "base/json.hpp"

#include <fmt/format.h>

#include <memory>
#include <stdexcept>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/message.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/type_resolver_util.h>

#include "base/error.hpp"
#include "base/textproto.hpp"

namespace evcsim {

namespace {

std::string encode(const google::protobuf::Message& msg, bool pretty) {
  namespace pb = google::protobuf;
  // The JSON printer works from the binary encoding; the deterministic
  // encoding writes map entries sorted by key.
  std::string binary;
  {
    pb::io::StringOutputStream stream(&binary);
    pb::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    if (!msg.SerializeToCodedStream(&coded)) throw std::runtime_error("JSON encoding failed: cannot serialize");
  }
  static const std::unique_ptr<pb::util::TypeResolver> resolver(
      pb::util::NewTypeResolverForDescriptorPool("type.googleapis.com", pb::DescriptorPool::generated_pool()));
  pb::util::JsonPrintOptions opts;
  opts.add_whitespace = pretty;
  opts.always_print_primitive_fields = pretty;
  opts.preserve_proto_field_names = true;
  std::string out;
  auto status = pb::util::BinaryToJsonString(resolver.get(), "type.googleapis.com/" + msg.GetDescriptor()->full_name(),
                                             binary, &out, opts);
  if (!status.ok()) throw std::runtime_error("JSON encoding failed: " + status.ToString());
  return out;
}

}  // namespace

std::string to_json(const google::protobuf::Message& msg) { return encode(msg, true); }
std::string to_json_line(const google::protobuf::Message& msg) { return encode(msg, false); }

void read_json_file(const std::string& path, google::protobuf::Message* msg) {
  auto st = google::protobuf::util::JsonStringToMessage(read_file(path), msg);
  if (!st.ok()) throw InputError(fmt::format("not a {} evcsim wrote: {}", msg->GetTypeName(), st.ToString()), path);
}

}  // namespace evcsim
