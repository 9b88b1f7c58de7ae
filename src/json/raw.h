// Reading a JSON text where it lies, without building a Value: for documents that are passed on
// as they came and may be too deep or too large for the model (STATE payloads).
//
// The grammar is Parse's (RFC 8259, UTF-8 checked, escapes checked, surrogates paired), at any
// depth: the scan keeps one byte per open container, never the call stack. Unlike Parse it allows
// duplicate member names; callers that read a member decide what a duplicate of it means.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace datalake::json {

// One member of an object, located in the text scanned (offsets into it).
struct RawMember {
  std::string name;        // unescaped
  size_t value_begin = 0;  // the value's first byte
  size_t value_end = 0;    // just after the value's last byte
};

// The members of the one object a text holds, in document order, duplicates included.
struct RawObject {
  std::vector<RawMember> members;
  size_t close = 0;  // offset of the object's closing '}'

  // Return the member named `name`, or nullptr; kInvalidInput ("duplicate member name '<name>'")
  // if the object has it more than once.
  Result<const RawMember*> FindUnique(std::string_view name) const;
};

// Check that `text` is one JSON value (surrounding whitespace allowed) and, when it is an object,
// return its members; kInvalidInput "not a JSON object" when it is valid but something else.
// Errors say what and at which byte offset, never quote the input, as Parse's do.
Result<RawObject> ScanObject(std::string_view text);

// Check that `text` is one JSON value (surrounding whitespace allowed), as ScanObject does but
// with RFC 8259's grammar for strings: a lone surrogate escape ("\ud800") is well-formed. For
// text that is skipped, not read (members of a message nobody asks for); allocates nothing but
// one byte per open container.
Status CheckValue(std::string_view text);

// The value of `member` as written in `text`.
inline std::string_view RawValue(std::string_view text, const RawMember& member) {
  return text.substr(member.value_begin, member.value_end - member.value_begin);
}

}  // namespace datalake::json
