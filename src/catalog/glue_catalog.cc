// The Glue catalog: tables in the AWS Glue Data Catalog, databases tagged through Lake
// Formation (docs/AWS-WIRE.md#glue, docs/AWS-WIRE.md#lf-tags), as the original connector kept
// them (docs/LAYOUT.md#table-definitions).
#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <utility>

#include "aws/glue.h"
#include "aws/lakeformation.h"
#include "catalog/catalog.h"

namespace datalake::catalog {
namespace {

using json::Value;

// The members of the TableInput shape (botocore 1.43.11 glue model), in model order, except
// ViewDefinition: the Table returns a ViewDefinition whose shape differs from the
// ViewDefinitionInput that TableInput takes, and the tables written here are never views.
constexpr std::string_view kTableInputMembers[] = {
    "Name",      "Description",       "Owner",         "LastAccessTime",   "LastAnalyzedTime",
    "Retention", "StorageDescriptor", "PartitionKeys", "ViewOriginalText", "ViewExpandedText",
    "TableType", "Parameters",        "TargetTable"};

bool IsTableInputMember(std::string_view key) {
  for (std::string_view member : kTableInputMembers) {
    if (member == key) return true;
  }
  return false;
}

// Return the TableInput of a Glue Table: every output-only member (DatabaseName, CreateTime,
// UpdateTime, CreatedBy, IsRegisteredWithLakeFormation, CatalogId, VersionId, FederatedTable,
// IsMultiDialectView, IsMaterializedView, Status, and anything newer) is dropped, because
// UpdateTable rejects them (docs/AWS-WIRE.md#glue-operations).
Value TableInputOf(const Value& table) {
  Value out = Value::Object();
  for (const Value::Member& member : table.members()) {
    if (IsTableInputMember(member.first)) out.mutable_members().push_back(member);
  }
  return out;
}

// What is known of a table between a read and the next write.
struct TableState {
  bool exists = false;
  std::optional<std::string> version_id;  // of the definition read; nullopt if none was given
  Value parameters;                       // the definition's Parameters (null if none)
};

class GlueCatalog : public Catalog {
 public:
  GlueCatalog(std::shared_ptr<aws::GlueClient> glue,
              std::shared_ptr<aws::LakeFormationClient> lake_formation, GlueCatalogOptions options)
      : glue_(std::move(glue)),
        lake_formation_(std::move(lake_formation)),
        options_(std::move(options)) {}

  Status EnsureDatabase(const std::string& database) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (ensured_.contains(database)) return Status::Ok();
    }
    RETURN_IF_ERROR(CreateDatabaseIfMissing(database));
    if (!options_.lf_tag_key.empty() && !options_.lf_tag_values.empty()) {
      if (lake_formation_ == nullptr) {
        return Status::Internal("Lake Formation tag configured without a Lake Formation client");
      }
      RETURN_IF_ERROR(lake_formation_->AddLFTagsToDatabase(database, options_.lf_tag_key,
                                                           options_.lf_tag_values));
    }
    std::lock_guard<std::mutex> lock(mu_);
    ensured_.insert(database);
    return Status::Ok();
  }

  Result<std::optional<Value>> GetTable(const std::string& database,
                                        const std::string& table) override {
    std::optional<Value> found;
    ASSIGN_OR_RETURN(TableState state, ReadTable(database, table, &found));
    {
      std::lock_guard<std::mutex> lock(mu_);
      known_[Key(database, table)] = std::move(state);
    }
    if (!found.has_value()) return std::optional<Value>();
    return std::optional<Value>(TableInputOf(*found));
  }

  Result<std::vector<Value>> ListTables(const std::string& database) override {
    Result<std::vector<Value>> tables = glue_->GetTables(database);
    if (!tables.ok()) {
      if (tables.status().IsNotFound()) return std::vector<Value>();
      return tables.status();
    }
    std::vector<Value> out;
    out.reserve(tables->size());
    for (const Value& t : *tables) out.push_back(TableInputOf(t));
    return out;
  }

  Status PutTable(const std::string& database, const Value& table_input) override {
    // The caller's definition is authoritative: written whatever the table holds now.
    return WriteTable(database, table_input, "put", [](const TableState&) { return true; })
        .status();
  }

  Result<bool> SwapTable(const std::string& database, const Value& table_input,
                         const std::string& key,
                         const std::optional<std::string>& expected) override {
    // Written only onto the pointer the caller planned on.
    return WriteTable(database, table_input, "swap", [&](const TableState& state) {
      return state.exists == expected.has_value() && PointerOf(state.parameters, key) == expected;
    });
  }

  Status DeleteTable(const std::string& database, const std::string& table) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      known_.erase(Key(database, table));
    }
    return glue_->DeleteTable(database, table);
  }

  Status AddPartitions(const std::string& database, const std::string& table,
                       const std::vector<Value>& partition_inputs) override {
    return Missing(glue_->BatchCreatePartition(database, table, partition_inputs),
                   "table " + database + "." + table);
  }

  Result<std::vector<std::vector<std::string>>> ListPartitions(const std::string& database,
                                                               const std::string& table) override {
    Result<std::vector<Value>> partitions = glue_->GetPartitions(database, table);
    if (!partitions.ok()) {
      if (partitions.status().IsNotFound()) return std::vector<std::vector<std::string>>();
      return partitions.status();
    }
    std::vector<std::vector<std::string>> out;
    out.reserve(partitions->size());
    for (const Value& p : *partitions) out.push_back(PartitionValues(p));
    return out;
  }

  Status DeletePartitions(const std::string& database, const std::string& table,
                          const std::vector<std::vector<std::string>>& values) override {
    return glue_->BatchDeletePartition(database, table, values);
  }

 private:
  int Attempts() const { return std::max(1, options_.max_put_attempts); }
  void Backoff(int attempt) const {
    std::this_thread::sleep_for(options_.conflict_backoff * attempt);
  }

  // GetDatabase, then CreateDatabase with only the name (as awswrangler's
  // create_database(exist_ok=True)) when missing. Two creators racing may get
  // ConcurrentModificationException instead of AlreadyExists: look again after a pause.
  Status CreateDatabaseIfMissing(const std::string& database) {
    Status last;
    for (int attempt = 1; attempt <= Attempts(); ++attempt) {
      Result<Value> existing = glue_->GetDatabase(database);
      if (existing.ok()) return Status::Ok();
      if (!existing.status().IsNotFound()) return existing.status();
      last = glue_->CreateDatabase(Value::Object({{"Name", Value::String(database)}}));
      if (!aws::IsGlueError(last, "ConcurrentModificationException")) return last;
      if (attempt < Attempts()) Backoff(attempt);
    }
    return last;
  }

  // Return `status` as a config error when it is Glue's EntityNotFoundException for `what`, the
  // database or table of a write that needs it: this sync ensured it, so it was deleted since,
  // or Lake Formation hides it (Glue answers "not found" to a principal without permissions on
  // it). Either way no retry helps until the user acts.
  Status Missing(Status status, const std::string& what) const {
    if (!status.IsNotFound()) return status;
    const std::string& account = glue_->options().catalog_id;
    return Status::ConfigError(what + " does not exist in the Glue Data Catalog" +
                               (account.empty() ? "" : " of account " + account) +
                               ", or Lake Formation hides it from these credentials (" +
                               status.message() + ")");
  }

  static std::pair<std::string, std::string> Key(const std::string& database,
                                                 const std::string& table) {
    return {database, table};
  }

  // Read the table; set `*table` to the Glue Table when it exists.
  Result<TableState> ReadTable(const std::string& database, const std::string& table_name,
                               std::optional<Value>* table) {
    Result<Value> got = glue_->GetTable(database, table_name);
    if (!got.ok()) {
      if (got.status().IsNotFound()) return TableState{};
      return got.status();
    }
    TableState state{.exists = true, .version_id = std::nullopt, .parameters = Value()};
    const Value* version = got->Find("VersionId");
    if (version != nullptr && version->is_string()) state.version_id = version->text();
    if (const Value* parameters = got->Find("Parameters")) state.parameters = *parameters;
    *table = std::move(got).value();
    return state;
  }

  // Create or update the table from a read of it: the caller's last GetTable if there was one
  // (consumed: a later write reads afresh, and that read's VersionId is sent), else a new one.
  // Returns false, writing nothing, when `wanted` says the read table is not the one to write
  // onto. A lost race (another writer between our read and our write) reads again, asks
  // `wanted` again and writes again, up to max_put_attempts in all.
  Result<bool> WriteTable(const std::string& database, const Value& table_input, const char* what,
                          const std::function<bool(const TableState&)>& wanted) {
    const Value* name = table_input.Find("Name");
    if (name == nullptr || !name->is_string()) {
      return Status::Internal("table definition without a Name");
    }
    const std::string& table = name->text();
    std::optional<TableState> state = TakeKnown(database, table);
    Status last;
    for (int attempt = 1; attempt <= Attempts(); ++attempt) {
      if (!state.has_value()) {
        std::optional<Value> ignored;
        ASSIGN_OR_RETURN(state, ReadTable(database, table, &ignored));
      }
      if (!wanted(*state)) return false;
      last = state->exists ? glue_->UpdateTable(database, table_input, state->version_id)
                           : glue_->CreateTable(database, table_input);
      if (last.ok()) return true;
      // Creating, "not found" can only be the database.
      if (!LostRace(last, state->exists)) return Missing(last, "database " + database);
      state.reset();  // someone else wrote the table between our read and our write
      if (attempt < Attempts()) Backoff(attempt);
    }
    return last.WithContext(std::string(what) + " table " + database + "." + table +
                            ": gave up after " + std::to_string(Attempts()) +
                            " attempts lost to concurrent writers");
  }

  // The state of the caller's last GetTable of the table, consumed: a later write reads afresh.
  std::optional<TableState> TakeKnown(const std::string& database, const std::string& table) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = known_.find(Key(database, table));
    if (it == known_.end()) return std::nullopt;
    TableState state = std::move(it->second);
    known_.erase(it);
    return state;
  }

  // parameters[key], if it is there.
  static std::optional<std::string> PointerOf(const Value& parameters, const std::string& key) {
    const Value* value = parameters.Find(key);
    if (value == nullptr || !value->is_string()) return std::nullopt;
    return value->text();
  }

  // True if `status` means another writer changed the table between our read and our write:
  // a stale VersionId, a table created by someone else after we saw none, or one deleted after
  // we read it (re-read and re-apply, never resend blindly: docs/AWS-WIRE.md#glue-errors).
  static bool LostRace(const Status& status, bool updating) {
    if (aws::IsGlueError(status, "ConcurrentModificationException")) return true;
    if (updating) return aws::IsGlueError(status, "EntityNotFoundException");
    return aws::IsGlueError(status, "AlreadyExistsException");
  }

  std::shared_ptr<aws::GlueClient> glue_;
  std::shared_ptr<aws::LakeFormationClient> lake_formation_;
  const GlueCatalogOptions options_;
  std::mutex mu_;                  // guards ensured_ and known_: tables are committed side by side
  std::set<std::string> ensured_;  // databases ensured (and tagged) by this catalog
  std::map<std::pair<std::string, std::string>, TableState> known_;  // from the last GetTable
};

}  // namespace

std::unique_ptr<Catalog> NewGlueCatalog(std::shared_ptr<aws::GlueClient> glue,
                                        std::shared_ptr<aws::LakeFormationClient> lake_formation,
                                        GlueCatalogOptions options) {
  return std::make_unique<GlueCatalog>(std::move(glue), std::move(lake_formation),
                                       std::move(options));
}

}  // namespace datalake::catalog
