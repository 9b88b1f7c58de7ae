// One JSON value -> one cell, per column type, as in the "Value conversion" table of
// docs/TYPES.md. Numbers convert from their text (number_text.h, decimal.h), so nothing goes
// through a lossy double on the way to an int64 or a decimal.
#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "common/ascii.h"
#include "decode/decimal.h"
#include "decode/decoder_impl.h"
#include "decode/json_text.h"
#include "decode/number_text.h"
#include "format/base64.h"

namespace datalake::decode {
namespace {

using ondemand::json_type;

// The text of a number token as written (simdjson's raw tokens include trailing whitespace).
std::string_view NumberToken(ondemand::value& value) {
  return TrimTrailingWhitespace(value.raw_json_token());
}

}  // namespace

void RecordDecoder::Impl::AddChange(std::string_view change, Reason reason) {
  Change& added = changes->emplace_back();
  for (const PathPart& part : path) {
    if (part.name == nullptr) {
      added.field += '[';
      added.field += std::to_string(part.index);
      added.field += ']';
    } else {
      if (!added.field.empty()) added.field += '.';
      added.field += *part.name;
    }
  }
  added.change = change;
  added.reason = reason == Reason::kSerialization ? "DESTINATION_SERIALIZATION_ERROR"
                                                  : "DESTINATION_FIELD_SIZE_LIMITATION";
}

void RecordDecoder::Impl::Nullify(Reason reason) {
  row->AppendNull();
  AddChange("NULLED", reason);
}

Status RecordDecoder::Impl::SkipValue(ondemand::value& value) {
  json_type type;
  if (auto error = value.type().get(type)) return JsonError(error);
  std::string_view text;
  if (type == json_type::object) {
    ondemand::object object;
    auto error = value.get_object().get(object);
    if (!error) error = object.raw_json().get(text);
    if (error) return JsonError(error);
  } else if (type == json_type::array) {
    ondemand::array array;
    auto error = value.get_array().get(array);
    if (!error) error = array.raw_json().get(text);
    if (error) return JsonError(error);
  } else {
    text = value.raw_json_token();
  }
  return compactor.Check(text);
}

Status RecordDecoder::Impl::Reject(ondemand::value& value) {
  RETURN_IF_ERROR(SkipValue(value));
  Nullify(Reason::kSerialization);
  return Status::Ok();
}

Status RecordDecoder::Impl::ReadString(ondemand::value& value, std::string_view* out, bool* ok) {
  *ok = true;
  const auto error = value.get_string().get(*out);
  if (!error) return Status::Ok();
  if (error != simdjson::STRING_ERROR) return JsonError(error);
  // simdjson rejects lone surrogates ("\ud800"), which RFC 8259's grammar allows: such a string
  // is not representable as UTF-8 text, but the record is still valid JSON.
  scratch_text.clear();
  RETURN_IF_ERROR(compactor.Append(TrimTrailingWhitespace(value.raw_json_token()), &scratch_text));
  *ok = false;
  return Status::Ok();
}

Status RecordDecoder::Impl::DecodeString(ondemand::value& value, json_type type) {
  if (type != json_type::string) return AppendJsonText(value, type, format::CellKind::kString);
  std::string_view text;
  bool ok;
  RETURN_IF_ERROR(ReadString(value, &text, &ok));
  if (ok) {
    row->AppendString(text);
  } else {
    Nullify(Reason::kSerialization);
  }
  return Status::Ok();
}

Status RecordDecoder::Impl::DecodeJson(ondemand::value& value, json_type type) {
  if (type != json_type::string) return AppendJsonText(value, type, format::CellKind::kJson);
  // A string in a JSON column is stored as its text, unquoted: union and untyped columns then
  // read as plain text in Athena, as the original connector stored them (docs/TYPES.md).
  std::string_view text;
  bool ok;
  RETURN_IF_ERROR(ReadString(value, &text, &ok));
  row->AppendJson(ok ? text : std::string_view(scratch_text));
  return Status::Ok();
}

Status RecordDecoder::Impl::AppendJsonText(ondemand::value& value, json_type type,
                                           format::CellKind kind) {
  std::string_view text;
  if (type == json_type::object) {
    ondemand::object object;
    auto error = value.get_object().get(object);
    if (!error) error = object.raw_json().get(text);
    if (error) return JsonError(error);
  } else if (type == json_type::array) {
    ondemand::array array;
    auto error = value.get_array().get(array);
    if (!error) error = array.raw_json().get(text);
    if (error) return JsonError(error);
  } else {
    text = value.raw_json_token();
  }
  const size_t index = row->BeginString(kind);
  RETURN_IF_ERROR(compactor.Append(text, row->arena()));
  row->EndString(index);
  return Status::Ok();
}

Status RecordDecoder::Impl::ReadNumberText(ondemand::value& value, json_type type,
                                           std::string_view* text, bool* convertible) {
  *convertible = true;
  if (type == json_type::number) {
    *text = NumberToken(value);
  } else if (type == json_type::string) {
    bool ok;
    RETURN_IF_ERROR(ReadString(value, text, &ok));
    if (!ok) *text = {};  // not valid UTF-8 text: the number parser rejects it as invalid
  } else {
    *convertible = false;
    return Reject(value);
  }
  return Status::Ok();
}

Status RecordDecoder::Impl::DecodeInteger(ondemand::value& value, json_type type,
                                          schema::TypeKind kind) {
  std::string_view text;
  bool convertible;
  RETURN_IF_ERROR(ReadNumberText(value, type, &text, &convertible));
  if (!convertible) return Status::Ok();
  int64_t v = 0;
  switch (NumberTextToInt64(text, &v)) {
    case NumberFit::kOk: {
      const schema::IntRange range = schema::IntRangeOf(kind);
      if (v < range.min || v > range.max) {
        Nullify(Reason::kFieldSize);
      } else {
        row->AppendInt64(v);
      }
      break;
    }
    case NumberFit::kOutOfRange:
      Nullify(Reason::kFieldSize);
      break;
    case NumberFit::kNotIntegral:
    case NumberFit::kUnderflow:  // never from NumberTextToInt64: 1e-400 is not integral
      Nullify(Reason::kSerialization);
      break;
    case NumberFit::kInvalid:
      if (type == json_type::number) return JsonError(simdjson::NUMBER_ERROR);
      Nullify(Reason::kSerialization);
      break;
  }
  return Status::Ok();
}

namespace {

// A float column holds the nearest float. Doubles from FLT_MAX up to half an ulp above it round
// to FLT_MAX (so "3.4028235e38", FLT_MAX's shortest text, is FLT_MAX); from there on the nearest
// float is infinity: out of range.
constexpr double kFloatOverflow = 0x1.ffffffp127;  // FLT_MAX + half an ulp
bool FitsFloat(double v) { return std::fabs(v) < kFloatOverflow; }
// REQUIRES: FitsFloat(v). Clamped first: C++ leaves converting values beyond FLT_MAX undefined.
double ToFloat(double v) {
  constexpr double kMax = std::numeric_limits<float>::max();
  return static_cast<float>(std::clamp(v, -kMax, kMax));
}

}  // namespace

Status RecordDecoder::Impl::DecodeDouble(ondemand::value& value, json_type type, bool single) {
  std::string_view text;
  double v = 0;
  auto append = [&] {
    if (!single) {
      row->AppendDouble(v);
    } else if (FitsFloat(v)) {
      row->AppendDouble(ToFloat(v));
      if (v != 0 && ToFloat(v) == 0) AddChange("TRUNCATED", Reason::kFieldSize);  // underflow
    } else {
      Nullify(Reason::kFieldSize);
    }
  };
  if (type == json_type::number) {
    // simdjson's parser is exact and fast; it fails on overflow (and on malformed numbers). It
    // also gives 0 for a nonzero number below the smallest double (1e-400): zeros take the
    // text path, which tells a real zero from an underflow.
    if (!value.get_double().get(v) && v != 0) {
      append();
      return Status::Ok();
    }
  }
  bool convertible;
  RETURN_IF_ERROR(ReadNumberText(value, type, &text, &convertible));
  if (!convertible) return Status::Ok();
  switch (NumberTextToDouble(text, &v)) {
    case NumberFit::kOk:
      append();
      break;
    case NumberFit::kUnderflow:  // kept as the zero of its sign, and said so
      append();
      AddChange("TRUNCATED", Reason::kFieldSize);
      break;
    case NumberFit::kOutOfRange:
      Nullify(Reason::kFieldSize);
      break;
    case NumberFit::kNotIntegral:
    case NumberFit::kInvalid:
      if (type == json_type::number) return JsonError(simdjson::NUMBER_ERROR);
      Nullify(Reason::kSerialization);
      break;
  }
  return Status::Ok();
}

Status RecordDecoder::Impl::DecodeDecimal(ondemand::value& value, json_type type,
                                          const schema::DataType& column) {
  std::string_view text;
  bool convertible;
  RETURN_IF_ERROR(ReadNumberText(value, type, &text, &convertible));
  if (!convertible) return Status::Ok();
  switch (AppendDecimalText(text, column)) {
    case DecimalFit::kExact:
    case DecimalFit::kRounded:
      break;
    case DecimalFit::kTooLarge:
      Nullify(Reason::kFieldSize);
      break;
    case DecimalFit::kInvalid:
      if (type == json_type::number) return JsonError(simdjson::NUMBER_ERROR);
      Nullify(Reason::kSerialization);
      break;
  }
  return Status::Ok();
}

DecimalFit RecordDecoder::Impl::AppendDecimalText(std::string_view text,
                                                  const schema::DataType& type) {
  const DecimalFit fit = NumberTextToDecimal(text, type.precision, type.scale, &scratch_text);
  if (fit == DecimalFit::kExact || fit == DecimalFit::kRounded) row->AppendDecimal(scratch_text);
  if (fit == DecimalFit::kRounded) AddChange("TRUNCATED", Reason::kFieldSize);
  return fit;
}

Status RecordDecoder::Impl::DecodeBool(ondemand::value& value, json_type type) {
  if (type == json_type::boolean) {
    bool v;
    if (value.get_bool().get(v)) return JsonError(simdjson::TAPE_ERROR);
    row->AppendBool(v);
    return Status::Ok();
  }
  if (type != json_type::string) return Reject(value);
  std::string_view text;
  bool ok = false;
  RETURN_IF_ERROR(ReadString(value, &text, &ok));
  if (ok && EqualsIgnoringAsciiCase(text, "true")) {
    row->AppendBool(true);
  } else if (ok && EqualsIgnoringAsciiCase(text, "false")) {
    row->AppendBool(false);
  } else {
    Nullify(Reason::kSerialization);
  }
  return Status::Ok();
}

Status RecordDecoder::Impl::DecodeTemporal(ondemand::value& value, json_type type,
                                           schema::TypeKind kind) {
  if (type != json_type::string) return Reject(value);
  std::string_view text;
  bool ok = false;
  RETURN_IF_ERROR(ReadString(value, &text, &ok));
  if (!ok) {
    Nullify(Reason::kSerialization);
    return Status::Ok();
  }
  if (kind == schema::TypeKind::kDate) {
    const std::optional<int64_t> days = schema::ParseDateDays(text);
    if (!days) {
      Nullify(Reason::kSerialization);
    } else {
      row->AppendDate(*days);
    }
    return Status::Ok();
  }
  bool leap_second = false;
  const std::optional<int64_t> micros =
      schema::ParseTimestampMicros(text, kind == schema::TypeKind::kTimestampNtz, &leap_second);
  if (!micros) {
    Nullify(Reason::kSerialization);
  } else {
    row->AppendTimestamp(*micros);
    // Hive timestamps have no 60th second: :60 is stored as :59.999999 of the same minute.
    if (leap_second) AddChange("TRUNCATED", Reason::kFieldSize);
  }
  return Status::Ok();
}

void RecordDecoder::Impl::LimitLength(int length) {
  const format::Cell& cell = row->cells().back();
  if (cell.kind != format::CellKind::kString || cell.count <= static_cast<uint32_t>(length)) {
    return;  // at most `length` bytes: at most `length` characters
  }
  const std::string_view text = row->bytes(cell);
  size_t chars = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    // Each character starts with a byte that is not a UTF-8 continuation byte (10xxxxxx).
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (chars == static_cast<size_t>(length)) {
      row->ShortenLastBytes(static_cast<uint32_t>(i));
      AddChange("TRUNCATED", Reason::kFieldSize);
      return;
    }
    ++chars;
  }
}

Status RecordDecoder::Impl::DecodeBoundedString(ondemand::value& value, json_type type,
                                                const schema::DataType& column) {
  RETURN_IF_ERROR(DecodeString(value, type));
  LimitLength(column.length);
  return Status::Ok();
}

Status RecordDecoder::Impl::DecodeBinary(ondemand::value& value, json_type type) {
  if (type != json_type::string) return Reject(value);
  std::string_view text;
  bool ok = false;
  RETURN_IF_ERROR(ReadString(value, &text, &ok));
  if (!ok) {
    Nullify(Reason::kSerialization);
    return Status::Ok();
  }
  const size_t first_byte = row->arena()->size();
  const size_t index = row->BeginString(format::CellKind::kBinary);
  if (!format::DecodeBase64(text, row->arena())) {
    row->Truncate(index);
    row->arena()->resize(first_byte);
    Nullify(Reason::kSerialization);
    return Status::Ok();
  }
  row->EndString(index);
  return Status::Ok();
}

void RecordDecoder::Impl::DecodeKey(std::string_view text, const schema::DataType& type, bool* ok) {
  *ok = true;
  Reason failure = Reason::kSerialization;
  switch (type.kind) {
    case schema::TypeKind::kString:
    case schema::TypeKind::kJson:
      row->AppendString(text);
      return;
    case schema::TypeKind::kChar:
    case schema::TypeKind::kVarchar:
      row->AppendString(text);
      LimitLength(type.length);
      return;
    case schema::TypeKind::kInt8:
    case schema::TypeKind::kInt16:
    case schema::TypeKind::kInt32:
    case schema::TypeKind::kInt64: {
      int64_t v = 0;
      const NumberFit fit = NumberTextToInt64(text, &v);
      const schema::IntRange range = schema::IntRangeOf(type.kind);
      if (fit == NumberFit::kOk && v >= range.min && v <= range.max) {
        row->AppendInt64(v);
        return;
      }
      if (fit == NumberFit::kOk || fit == NumberFit::kOutOfRange) failure = Reason::kFieldSize;
      break;
    }
    case schema::TypeKind::kDouble:
    case schema::TypeKind::kFloat: {
      double v = 0;
      const NumberFit fit = NumberTextToDouble(text, &v);
      const bool single = type.kind == schema::TypeKind::kFloat;
      if ((fit == NumberFit::kOk || fit == NumberFit::kUnderflow) && (!single || FitsFloat(v))) {
        row->AppendDouble(single ? ToFloat(v) : v);
        if (fit == NumberFit::kUnderflow || (v != 0 && single && ToFloat(v) == 0)) {
          AddChange("TRUNCATED", Reason::kFieldSize);
        }
        return;
      }
      if (fit == NumberFit::kOk || fit == NumberFit::kOutOfRange) failure = Reason::kFieldSize;
      break;
    }
    case schema::TypeKind::kDecimal:
      switch (AppendDecimalText(text, type)) {
        case DecimalFit::kExact:
        case DecimalFit::kRounded:
          return;
        case DecimalFit::kTooLarge:
          failure = Reason::kFieldSize;
          break;
        case DecimalFit::kInvalid:
          break;
      }
      break;
    case schema::TypeKind::kBoolean:
      if (EqualsIgnoringAsciiCase(text, "true") || EqualsIgnoringAsciiCase(text, "false")) {
        row->AppendBool(EqualsIgnoringAsciiCase(text, "true"));
        return;
      }
      break;
    case schema::TypeKind::kDate:
      if (const std::optional<int64_t> days = schema::ParseDateDays(text)) {
        row->AppendDate(*days);
        return;
      }
      break;
    case schema::TypeKind::kTimestamp:
    case schema::TypeKind::kTimestampNtz: {
      bool leap_second = false;
      if (const std::optional<int64_t> micros = schema::ParseTimestampMicros(
              text, type.kind == schema::TypeKind::kTimestampNtz, &leap_second)) {
        row->AppendTimestamp(*micros);
        if (leap_second) AddChange("TRUNCATED", Reason::kFieldSize);
        return;
      }
      break;
    }
    case schema::TypeKind::kBinary: {
      const size_t first_byte = row->arena()->size();
      const size_t index = row->BeginString(format::CellKind::kBinary);
      if (format::DecodeBase64(text, row->arena())) {
        row->EndString(index);
        return;
      }
      row->Truncate(index);
      row->arena()->resize(first_byte);
      break;
    }
    case schema::TypeKind::kStruct:
    case schema::TypeKind::kList:
    case schema::TypeKind::kMap:
      break;  // not a key type (ParseGlueType refuses such maps)
  }
  *ok = false;
  AddChange("NULLED", failure);
}

}  // namespace datalake::decode
