// MergeExistingType: an existing table's column type reconciled with the stream's type for an
// append sync (docs/TYPES.md, "Schema evolution").
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/ascii.h"
#include "schema/schema.h"

namespace datalake::schema {
namespace {

class Merger {
 public:
  Merger(std::vector<KeptType>* kept, std::vector<std::string>* added)
      : kept_(kept), added_(added) {}

  DataType Merge(const DataType& existing, const DataType& wanted, const std::string& path) {
    if (existing.kind == TypeKind::kStruct && wanted.kind == TypeKind::kStruct) {
      return MergeStruct(existing, wanted, path);
    }
    if (existing.kind == TypeKind::kList && wanted.kind == TypeKind::kList && existing.element &&
        wanted.element) {
      DataType t = existing;
      t.element =
          std::make_shared<const DataType>(Merge(*existing.element, *wanted.element, path + "[]"));
      return t;
    }
    const std::string existing_text = GlueTypeString(existing);
    const std::string wanted_text = GlueTypeString(wanted);
    if (existing_text == wanted_text) return wanted;
    if (kept_ != nullptr) kept_->push_back(KeptType{path, existing_text, wanted_text});
    return existing;
  }

 private:
  DataType MergeStruct(const DataType& existing, const DataType& wanted, const std::string& path) {
    DataType t = DataType::Of(TypeKind::kStruct);
    std::vector<bool> matched(wanted.fields.size(), false);
    for (const Field& old : existing.fields) {
      int found = -1;
      for (size_t i = 0; i < wanted.fields.size() && found < 0; ++i) {
        if (!matched[i] && EqualsIgnoringAsciiCase(wanted.fields[i].name, old.name)) {
          found = static_cast<int>(i);
        }
      }
      if (found < 0) {
        t.fields.push_back(old);  // no longer in the stream: stays, as dropped columns do
        continue;
      }
      const Field& now = wanted.fields[static_cast<size_t>(found)];
      matched[static_cast<size_t>(found)] = true;
      t.fields.push_back(
          Field{old.name, now.source_name, Merge(old.type, now.type, path + "." + old.name)});
    }
    for (size_t i = 0; i < wanted.fields.size(); ++i) {
      if (matched[i]) continue;
      t.fields.push_back(wanted.fields[i]);
      if (added_ != nullptr) added_->push_back(path + "." + wanted.fields[i].name);
    }
    return t;
  }

  std::vector<KeptType>* kept_;
  std::vector<std::string>* added_;
};

}  // namespace

DataType MergeExistingType(const DataType& existing, const DataType& wanted,
                           const std::string& path, std::vector<KeptType>* kept,
                           std::vector<std::string>* added) {
  return Merger(kept, added).Merge(existing, wanted, path);
}

}  // namespace datalake::schema
