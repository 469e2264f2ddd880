#include "common/utf8_tolerant_decoder.h"

#include <google/protobuf/descriptor.pb.h>

#include <algorithm>
#include <climits>

#include "core/text.h"

namespace headwire::common {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::DescriptorPool;
using google::protobuf::DescriptorProto;
using google::protobuf::FieldDescriptor;
using google::protobuf::FieldDescriptorProto;
using google::protobuf::FileDescriptor;
using google::protobuf::FileDescriptorProto;
using google::protobuf::Reflection;

void StringsToBytes(DescriptorProto& message) {
  const bool map_entry = message.options().map_entry();
  for (FieldDescriptorProto& field : *message.mutable_field()) {
    // A map's key field is number 1 of its entry; protobuf refuses bytes there.
    if (field.type() == FieldDescriptorProto::TYPE_STRING && !(map_entry && field.number() == 1)) {
      field.set_type(FieldDescriptorProto::TYPE_BYTES);
    }
  }
  for (DescriptorProto& nested : *message.mutable_nested_type()) StringsToBytes(nested);
}

class ErrorText : public DescriptorPool::ErrorCollector {
 public:
  void AddError(const std::string& filename, const std::string& element_name,
                const google::protobuf::Message*, ErrorLocation,
                const std::string& message) override {
    if (!text.empty()) text += "; ";
    text += filename + ": " + element_name + ": " + message;
  }
  std::string text;
};

// Adds the copy of `file` to `pool`, after the copies of the files it imports (a field of
// another file's message type is read through that file's copy).
Status AddCopy(const FileDescriptor& file, DescriptorPool& pool) {
  if (pool.FindFileByName(file.name()) != nullptr) return Status::Ok();
  for (int i = 0; i < file.dependency_count(); ++i) {
    if (Status s = AddCopy(*file.dependency(i), pool); !s.ok()) return s;
  }
  FileDescriptorProto proto;
  file.CopyTo(&proto);
  for (DescriptorProto& message : *proto.mutable_message_type()) StringsToBytes(message);
  ErrorText errors;
  if (pool.BuildFileCollectingErrors(proto, &errors) == nullptr) {
    return Status::Internal("cannot build the bytes-for-strings copy of " + file.name() + ": " +
                            errors.text);
  }
  return Status::Ok();
}

void AddOnce(std::vector<std::string>& paths, std::string path) {
  if (std::find(paths.begin(), paths.end(), path) == paths.end()) paths.push_back(std::move(path));
}

// Adds to `out` the paths of the fields that `original` declares as strings and `message` (its
// copy) holds invalid UTF-8 in, looking into every message field set, repeated ones included.
void CollectInvalidUtf8(const google::protobuf::Message& message, const Descriptor& original,
                        const std::string& prefix, std::vector<std::string>& out) {
  const Reflection& reflection = *message.GetReflection();
  const Descriptor& copy = *message.GetDescriptor();
  std::string scratch;
  for (int i = 0; i < original.field_count(); ++i) {
    const FieldDescriptor& field = *original.field(i);
    const FieldDescriptor* read = copy.FindFieldByNumber(field.number());
    const std::string path = prefix + field.name();
    if (field.type() == FieldDescriptor::TYPE_STRING) {
      bool valid = true;
      if (read->is_repeated()) {
        for (int j = 0; valid && j < reflection.FieldSize(message, read); ++j) {
          valid =
              core::IsValidUtf8(reflection.GetRepeatedStringReference(message, read, j, &scratch));
        }
      } else {
        valid = core::IsValidUtf8(reflection.GetStringReference(message, read, &scratch));
      }
      if (!valid) AddOnce(out, path);
    } else if (field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (read->is_repeated()) {
        for (int j = 0; j < reflection.FieldSize(message, read); ++j) {
          CollectInvalidUtf8(reflection.GetRepeatedMessage(message, read, j), *field.message_type(),
                             path + ".", out);
        }
      } else if (reflection.HasField(message, read)) {
        CollectInvalidUtf8(reflection.GetMessage(message, read), *field.message_type(), path + ".",
                           out);
      }
    }
  }
}

}  // namespace

Result<std::unique_ptr<Utf8TolerantDecoder>> Utf8TolerantDecoder::Create(const Descriptor& type) {
  auto pool = std::make_unique<DescriptorPool>();
  if (Status s = AddCopy(*type.file(), *pool); !s.ok()) return Err(s);
  std::unique_ptr<Utf8TolerantDecoder> decoder(new Utf8TolerantDecoder(type, std::move(pool)));
  if (decoder->prototype_ == nullptr) {
    return Err(Status::Internal("no message " + type.full_name() + " in its own copy"));
  }
  return decoder;
}

Utf8TolerantDecoder::Utf8TolerantDecoder(const Descriptor& type,
                                         std::unique_ptr<DescriptorPool> pool)
    : type_(type), pool_(std::move(pool)) {
  if (const Descriptor* copy = pool_->FindMessageTypeByName(type.full_name())) {
    prototype_ = factory_.GetPrototype(copy);
  }
}

Result<TolerantMessage> Utf8TolerantDecoder::Decode(std::string_view bytes) const {
  TolerantMessage decoded{std::unique_ptr<google::protobuf::Message>(prototype_->New()), {}};
  if (bytes.size() > INT_MAX ||
      !decoded.message->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return Err(Status::Corruption("value is not a " + type_.full_name() + " (" +
                                  std::to_string(bytes.size()) + " bytes)"));
  }
  CollectInvalidUtf8(*decoded.message, type_, "", decoded.invalid_utf8_fields);
  return decoded;
}

std::string Utf8TolerantDecoder::Text(const TolerantMessage& decoded, std::string_view path) {
  const google::protobuf::Message* message = decoded.message.get();
  for (;;) {
    const size_t dot = path.find('.');
    const FieldDescriptor* field =
        message->GetDescriptor()->FindFieldByName(std::string(path.substr(0, dot)));
    if (field == nullptr || field->is_repeated()) return "";
    const Reflection& reflection = *message->GetReflection();
    if (dot == std::string_view::npos) return reflection.GetString(*message, field);
    if (!reflection.HasField(*message, field)) return "";
    message = &reflection.GetMessage(*message, field);
    path.remove_prefix(dot + 1);
  }
}

std::string InvalidUtf8Message(const std::vector<std::string>& fields) {
  std::string names;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) names += i + 1 == fields.size() ? " and " : ", ";
    names += fields[i];
  }
  return (fields.size() == 1 ? "field " : "fields ") + names +
         (fields.size() == 1 ? " is" : " are") + " not valid UTF-8";
}

}  // namespace headwire::common
