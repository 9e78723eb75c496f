#include "push/keys.hpp"

namespace easd::push::keys {

namespace {

// "<len>:<text>": the length says where the text ends, so no text can pose as a separator.
void append_field(std::string& out, std::string_view text) {
  out += std::to_string(text.size());
  out += ':';
  out += text;
}

std::string user_device_key(std::string_view kind, std::string_view user, std::string_view device) {
  std::string key = "easd:";
  key += kind;
  key += ':';
  append_field(key, user);
  key += ':';
  append_field(key, device);
  return key;
}

}  // namespace

std::string user_channel(std::string_view user) {
  std::string channel = "easd:u:";
  append_field(channel, user);
  return channel;
}

std::string ping_parameters(std::string_view user, std::string_view device) {
  return user_device_key("pp", user, device);
}

std::string ping_generation(std::string_view user, std::string_view device) {
  return user_device_key("pg", user, device);
}

}  // namespace easd::push::keys
