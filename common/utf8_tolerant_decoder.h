#pragma once
// Utf8TolerantDecoder: decodes a message of a headwire type whose string fields may hold bytes
// that are not UTF-8. protobuf's proto3 parser refuses such a value outright, so a record whose
// only fault is a bad text field would otherwise look like bytes of another type: a stage that
// dead-letters it would say UNDECODABLE and point the operator at a foreign producer, where the
// README promises INVALID_UTF8 and the field.
//
// The decoder reads the value as a copy of the type that it builds at runtime from the type's own
// descriptor (and those of the files it imports), with every string field turned into bytes,
// which have the same wire format and take any bytes; so it follows the .proto as it changes.
// Map keys stay strings (protobuf does not allow bytes keys): an invalid key still fails.
//
// Usage:
//   auto decoder = Utf8TolerantDecoder::Create(*v1::RawArticle::descriptor());
//   if (auto decoded = (*decoder)->Decode(value); decoded && !decoded->invalid_utf8_fields.empty())
//     dead-letter as INVALID_UTF8 with InvalidUtf8Message(decoded->invalid_utf8_fields)
//
// Thread-safe once created: Decode only reads the decoder.

#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/message.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace headwire::common {

// A value decoded by Utf8TolerantDecoder.
struct TolerantMessage {
  // The value as the decoder's copy of its type (string fields as bytes). Valid while the decoder
  // that made it lives; read it with Utf8TolerantDecoder::Text.
  std::unique_ptr<google::protobuf::Message> message;
  // The string fields holding bytes that are not valid UTF-8, as paths from the top message
  // ("title", "producer.host", "scores.topic" for any element of a repeated field), each once, in
  // the order of the fields in the .proto.
  std::vector<std::string> invalid_utf8_fields;
};

class Utf8TolerantDecoder {
 public:
  // The decoder of `type` (e.g. *v1::RawArticle::descriptor()). Returns Internal when its copy
  // cannot be built, which a descriptor protoc generated never causes.
  static Result<std::unique_ptr<Utf8TolerantDecoder>> Create(
      const google::protobuf::Descriptor& type);

  Utf8TolerantDecoder(const Utf8TolerantDecoder&) = delete;
  Utf8TolerantDecoder& operator=(const Utf8TolerantDecoder&) = delete;

  // Decodes `bytes` as the type, any bytes allowed in its string fields. Returns Corruption when
  // they are not a message of the type even so.
  Result<TolerantMessage> Decode(std::string_view bytes) const;

  // The bytes of the singular string field at `path` ("title", "article.title") of `decoded`;
  // empty when a field on the way is not set. `path` must name such a field of the type.
  static std::string Text(const TolerantMessage& decoded, std::string_view path);

 private:
  Utf8TolerantDecoder(const google::protobuf::Descriptor& type,
                      std::unique_ptr<google::protobuf::DescriptorPool> pool);

  const google::protobuf::Descriptor& type_;
  // The copy's descriptors, and the factory of its messages: both outlive every message made.
  std::unique_ptr<google::protobuf::DescriptorPool> pool_;
  google::protobuf::DynamicMessageFactory factory_;
  const google::protobuf::Message* prototype_ = nullptr;
};

// "field title is not valid UTF-8", "fields title and producer.host are not valid UTF-8", for a
// dead letter's message. `fields` must not be empty.
std::string InvalidUtf8Message(const std::vector<std::string>& fields);

}  // namespace headwire::common
