// Compact serialisation of the footer and page headers. Field ids and wire types follow
// parquet.thrift exactly: a wire type that differs from the IDL makes Java and C++ readers skip
// the field and then fail on a missing required one (docs/FORMATS.md#thrift-compact-protocol).
#include "format/parquet/metadata.h"

#include "format/parquet/thrift_compact.h"

namespace datalake::format::parquet {
namespace {

int32_t I32(auto e) { return static_cast<int32_t>(e); }

// LogicalType is a union: a struct holding exactly one member struct. Write that member (the
// caller opens and closes the union's struct).
void WriteLogicalTypeMember(const LogicalType& type, CompactWriter* w) {
  using Kind = LogicalType::Kind;
  switch (type.kind) {
    case Kind::kNone:
      break;
    case Kind::kString:  // STRING(StringType{}) = field 1
      w->FieldStruct(1);
      w->EndStruct();
      break;
    case Kind::kMap:  // MAP(MapType{}) = field 2
      w->FieldStruct(2);
      w->EndStruct();
      break;
    case Kind::kList:  // LIST(ListType{}) = field 3
      w->FieldStruct(3);
      w->EndStruct();
      break;
    case Kind::kDecimal:  // DECIMAL(DecimalType{1 scale, 2 precision}) = field 5
      w->FieldStruct(5);
      w->FieldI32(1, type.scale);
      w->FieldI32(2, type.precision);
      w->EndStruct();
      break;
    case Kind::kDate:  // DATE(DateType{}) = field 6
      w->FieldStruct(6);
      w->EndStruct();
      break;
    case Kind::kTimestampMicros:  // TIMESTAMP(TimestampType{1 isAdjustedToUTC, 2 unit}) = 8
      w->FieldStruct(8);
      w->FieldBool(1, type.adjusted_to_utc);
      w->FieldStruct(2);  // TimeUnit union: MICROS(MicroSeconds{}) = field 2
      w->FieldStruct(2);
      w->EndStruct();
      w->EndStruct();
      w->EndStruct();
      break;
    case Kind::kInteger:  // INTEGER(IntType{1 bitWidth i8, 2 isSigned}) = field 10
      w->FieldStruct(10);
      w->FieldI8(1, type.bit_width);
      w->FieldBool(2, type.is_signed);
      w->EndStruct();
      break;
  }
}

void WriteSchemaElement(const SchemaElement& e, CompactWriter* w) {
  w->BeginStruct();
  if (e.type) w->FieldI32(1, I32(*e.type));
  if (e.type_length) w->FieldI32(2, *e.type_length);
  if (e.repetition) w->FieldI32(3, I32(*e.repetition));
  w->FieldBinary(4, e.name);
  if (e.num_children) w->FieldI32(5, *e.num_children);
  if (e.converted_type) w->FieldI32(6, I32(*e.converted_type));
  if (e.scale) w->FieldI32(7, *e.scale);
  if (e.precision) w->FieldI32(8, *e.precision);
  if (e.field_id) w->FieldI32(9, *e.field_id);
  if (e.logical_type.kind != LogicalType::Kind::kNone) {
    w->FieldStruct(10);
    WriteLogicalTypeMember(e.logical_type, w);
    w->EndStruct();
  }
  w->EndStruct();
}

void WriteStatistics(const Statistics& s, CompactWriter* w) {
  if (s.max) w->FieldBinary(1, *s.max);
  if (s.min) w->FieldBinary(2, *s.min);
  if (s.null_count) w->FieldI64(3, *s.null_count);
  if (s.max_value) w->FieldBinary(5, *s.max_value);
  if (s.min_value) w->FieldBinary(6, *s.min_value);
}

void WriteColumnMetaData(const ColumnMetaData& m, CompactWriter* w) {
  w->FieldI32(1, I32(m.type));
  w->FieldList(2, CompactType::kI32, m.encodings.size());
  for (Encoding e : m.encodings) w->I32(I32(e));
  w->FieldList(3, CompactType::kBinary, m.path_in_schema.size());
  for (const std::string& name : m.path_in_schema) w->Binary(name);
  w->FieldI32(4, I32(m.codec));
  w->FieldI64(5, m.num_values);
  w->FieldI64(6, m.total_uncompressed_size);
  w->FieldI64(7, m.total_compressed_size);
  w->FieldI64(9, m.data_page_offset);
  if (m.dictionary_page_offset) w->FieldI64(11, *m.dictionary_page_offset);
  if (m.statistics) {
    w->FieldStruct(12);
    WriteStatistics(*m.statistics, w);
    w->EndStruct();
  }
  if (!m.encoding_stats.empty()) {
    w->FieldList(13, CompactType::kStruct, m.encoding_stats.size());
    for (const PageEncodingStats& s : m.encoding_stats) {
      w->BeginStruct();
      w->FieldI32(1, I32(s.page_type));
      w->FieldI32(2, I32(s.encoding));
      w->FieldI32(3, s.count);
      w->EndStruct();
    }
  }
}

void WriteRowGroup(const RowGroup& g, CompactWriter* w) {
  w->BeginStruct();
  w->FieldList(1, CompactType::kStruct, g.columns.size());
  for (const ColumnChunk& c : g.columns) {
    w->BeginStruct();
    w->FieldI64(2, c.file_offset);
    w->FieldStruct(3);
    WriteColumnMetaData(c.meta_data, w);
    w->EndStruct();
    w->EndStruct();
  }
  w->FieldI64(2, g.total_byte_size);
  w->FieldI64(3, g.num_rows);
  if (g.file_offset) w->FieldI64(5, *g.file_offset);
  if (g.total_compressed_size) w->FieldI64(6, *g.total_compressed_size);
  if (g.ordinal) w->FieldI16(7, *g.ordinal);
  w->EndStruct();
}

}  // namespace

void SerializePageHeader(const PageHeader& h, std::string* out) {
  CompactWriter w(out);
  w.BeginStruct();
  w.FieldI32(1, I32(h.type));
  w.FieldI32(2, h.uncompressed_page_size);
  w.FieldI32(3, h.compressed_page_size);
  if (h.data_page_header) {
    const DataPageHeader& d = *h.data_page_header;
    w.FieldStruct(5);
    w.FieldI32(1, d.num_values);
    w.FieldI32(2, I32(d.encoding));
    w.FieldI32(3, I32(d.definition_level_encoding));
    w.FieldI32(4, I32(d.repetition_level_encoding));
    w.EndStruct();
  }
  if (h.dictionary_page_header) {
    const DictionaryPageHeader& d = *h.dictionary_page_header;
    w.FieldStruct(7);
    w.FieldI32(1, d.num_values);
    w.FieldI32(2, I32(d.encoding));
    w.EndStruct();
  }
  w.EndStruct();
}

void SerializeFileMetaData(const FileMetaData& m, std::string* out) {
  CompactWriter w(out);
  w.BeginStruct();
  w.FieldI32(1, m.version);
  w.FieldList(2, CompactType::kStruct, m.schema.size());
  for (const SchemaElement& e : m.schema) WriteSchemaElement(e, &w);
  w.FieldI64(3, m.num_rows);
  w.FieldList(4, CompactType::kStruct, m.row_groups.size());
  for (const RowGroup& g : m.row_groups) WriteRowGroup(g, &w);
  if (!m.key_value_metadata.empty()) {
    w.FieldList(5, CompactType::kStruct, m.key_value_metadata.size());
    for (const KeyValue& kv : m.key_value_metadata) {
      w.BeginStruct();
      w.FieldBinary(1, kv.key);
      w.FieldBinary(2, kv.value);
      w.EndStruct();
    }
  }
  if (!m.created_by.empty()) w.FieldBinary(6, m.created_by);
  if (m.num_leaf_columns > 0) {
    // column_orders: TYPE_ORDER(TypeDefinedOrder{}) = union field 1, one per leaf.
    w.FieldList(7, CompactType::kStruct, static_cast<size_t>(m.num_leaf_columns));
    for (int32_t i = 0; i < m.num_leaf_columns; ++i) {
      w.BeginStruct();
      w.FieldStruct(1);
      w.EndStruct();
      w.EndStruct();
    }
  }
  w.EndStruct();
}

}  // namespace datalake::format::parquet
