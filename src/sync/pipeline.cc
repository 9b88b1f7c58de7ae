#include "sync/pipeline.h"

#include "sync/aws_destination.h"

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <unordered_map>

#include "common/cancel.h"
#include "common/crash_point.h"
#include "common/machine.h"
#include "sync/decode_ahead.h"
#include "sync/lake_layout.h"
#include "sync/table_names.h"

namespace datalake::sync {

namespace {
constexpr uint64_t kTimeCheckEvery = 1024;  // records between clock reads

// Threads that decode input ahead and encode (and compress, and write) files while the pipeline
// thread sequences: as many as the CPUs the process may use (a file encodes on one thread at a
// time, but its gzip members compress on the others), none with one CPU.
// DATALAKE_ENCODE_THREADS overrides it (0: everything on the pipeline thread); the bytes written
// are the same either way (sync/decode_ahead.h, sync/data_file.h).
size_t EncodeThreads() {
  constexpr size_t kMax = 8;
  if (std::optional<int64_t> n = NonNegativeIntegerFromEnvironment("DATALAKE_ENCODE_THREADS")) {
    return std::min(static_cast<size_t>(*n), kMax);
  }
  const size_t cpus = AvailableCpus();
  return cpus > 1 ? std::min(cpus, kMax) : 0;
}

// The memory budget of the open files (sync/memory_budget.h): memory_budget_mb, else 160 MiB,
// or half a container's memory limit if that is less (the rest: the process itself, parsing,
// S3 parts being uploaded).
uint64_t MemoryBudgetBytes(const config::Config& config) {
  if (config.memory_budget_bytes > 0) return config.memory_budget_bytes;
  uint64_t bytes = uint64_t{160} << 20;
  if (std::optional<uint64_t> limit = CgroupMemoryLimit()) {
    bytes = std::max<uint64_t>(std::min(bytes, *limit / 2), uint64_t{16} << 20);
  }
  return bytes;
}

// What a cancelled sync reports, whatever it was doing when the signal came (reading, a request
// cut short, waiting for parts): the outcome is the same.
Status CancelledStatus() {
  std::string by;
  switch (CancelSignal()) {
    case SIGTERM:
      by = " (SIGTERM)";
      break;
    case SIGINT:
      by = " (SIGINT)";
      break;
  }
  return Status::Cancelled("The sync was cancelled" + by +
                           ". Everything acknowledged by an echoed STATE is committed; no commit "
                           "started after the signal, and the files still open were discarded.");
}
}  // namespace

Pipeline::Pipeline(const config::Config& config, Destination* destination,
                   protocol::MessageWriter* out)
    : config_(config),
      destination_(destination),
      out_(out),
      env_(destination->env),
      progress_(out, env_),
      budget_(MemoryBudgetBytes(config)),
      last_commit_(env_->NowMonotonic()) {
  context_.config = &config_;
  context_.store = destination_->store.get();
  context_.catalog = destination_->catalog.get();
  context_.out = out_;
  context_.run_id = NewRunId();
  context_.budget = &budget_;
  context_.manifests = &manifests_;
  if (const size_t threads = EncodeThreads(); threads > 0) {
    // A file has at most one batch queued or being encoded, so the queue is short anyway.
    encode_pool_ = std::make_unique<TaskPool>(threads, 4 * threads);
    context_.encode_pool = encode_pool_.get();
    // A file's commit mostly waits (fsync, an upload's last requests): eight at once let the
    // file system group the fsyncs and the store overlap the requests. Posted jobs only, so
    // the pending bound does not apply.
    commit_pool_ = std::make_unique<TaskPool>(std::max<size_t>(8, threads), 1);
    context_.commit_pool = commit_pool_.get();
  }
}

Pipeline::~Pipeline() {
  // The job uses the store and this pipeline's members: it ends before they do.
  if (staging_cleanup_ != nullptr) staging_cleanup_->RunOrWait();
}

Status Pipeline::Open(const protocol::ConfiguredCatalog& catalog) {
  RETURN_IF_ERROR(CheckSyncModes(catalog));
  // Removing what dead writers left in S3 is a listing (and an abort per leftover) that nothing
  // read or written before the first commit depends on: on the commit pool it overlaps the table
  // lookups and the first records instead of delaying them (ListMultipartUploads alone takes
  // tens of milliseconds). It never touches this sync's files, which carry its run id.
  std::set<int64_t> sync_ids;
  for (const protocol::ConfiguredStream& stream : catalog.streams) sync_ids.insert(stream.sync_id);
  if (commit_pool_ != nullptr && destination_->staging_cleanup_beside) {
    staging_cleanup_ = commit_pool_->Post(
        [this, sync_ids] { staging_cleanup_status_ = RemoveDeadStaging(sync_ids); });
  } else {
    staging_cleanup_status_ = RemoveDeadStaging(sync_ids);
    RETURN_IF_ERROR(AwaitStagingCleanup());
  }
  RETURN_IF_ERROR(CheckPartitionBy(catalog));
  // Each stream's table: the one bound to it, else a new name (sync/table_names.h).
  ASSIGN_OR_RETURN(std::vector<StreamTable> tables,
                   ResolveTables(catalog, config_, destination_->catalog.get()));
  std::vector<std::unique_ptr<StreamWriter>> writers;
  for (size_t i = 0; i < catalog.streams.size(); ++i) {
    ASSIGN_OR_RETURN(std::unique_ptr<StreamWriter> writer,
                     StreamWriter::Create(catalog.streams[i], tables[i], context_));
    writers.push_back(std::move(writer));
  }
  // What planning reads besides the listing (Iceberg metadata files) is read side by side on
  // the commit pool: one after another, 200 tables on S3 took seconds before the first record.
  if (commit_pool_ != nullptr && writers.size() > 1) {
    std::vector<std::shared_ptr<Job>> preloads;
    preloads.reserve(writers.size());
    for (const std::unique_ptr<StreamWriter>& w : writers) {
      StreamWriter* writer = w.get();
      preloads.push_back(commit_pool_->Post([writer] { writer->PreloadTable(); }));
    }
    for (const std::shared_ptr<Job>& job : preloads) job->RunOrWait();
  }
  for (size_t i = 0; i < catalog.streams.size(); ++i) {
    RETURN_IF_ERROR(writers[i]->Prepare());
    streams_[catalog.streams[i].descriptor].writer = std::move(writers[i]);
    tables_listed_[tables[i].database] = tables[i].tables_in_database;
  }
  for (const protocol::ConfiguredStream& stream : catalog.streams) {
    stream_order_.push_back(&streams_[stream.descriptor]);
    StreamWriter* writer = stream_order_.back()->writer.get();
    writers_.Add(&writer->descriptor(), writer);
  }
  return Status::Ok();
}

// A partition_by entry for every stream that has its field: a field no stream has is a typo
// that would leave every table unpartitioned without a word.
Status Pipeline::CheckPartitionBy(const protocol::ConfiguredCatalog& catalog) const {
  for (const config::PartitionBy& by : config_.partition_by) {
    if (!by.streams.empty()) continue;
    bool found = false;
    for (const protocol::ConfiguredStream& stream : catalog.streams) {
      const json::Value* properties = stream.json_schema.Find("properties");
      if (properties != nullptr && properties->Find(by.field) != nullptr) found = true;
    }
    if (!found) {
      return Status::ConfigError("partition_by: no stream of the catalog has a top-level field " +
                                 by.field);
    }
  }
  return Status::Ok();
}

// Only `append` and `overwrite` (and refreshes, which come as either) are written as asked. A
// deduplicating or data-activation mode written as an append would silently keep duplicates or
// ignore deletes, so the sync is refused before anything is written.
Status Pipeline::CheckSyncModes(const protocol::ConfiguredCatalog& catalog) {
  for (const protocol::ConfiguredStream& stream : catalog.streams) {
    switch (stream.destination_sync_mode) {
      case protocol::DestinationSyncMode::kAppend:
      case protocol::DestinationSyncMode::kOverwrite:
        continue;
      case protocol::DestinationSyncMode::kAppendDedup:
        return Status::ConfigError(
            "stream " + stream.descriptor.ToString() +
            ": destination sync mode 'append_dedup' (deduplicated) is not supported: Hive tables "
            "cannot deduplicate rows (deduplicated modes are planned with Iceberg tables). Choose "
            "an Append or Overwrite mode for this stream.");
      case protocol::DestinationSyncMode::kOther:
        return Status::ConfigError("stream " + stream.descriptor.ToString() +
                                   ": destination sync mode '" + stream.destination_sync_mode_name +
                                   "' is not supported; supported modes: append, overwrite.");
    }
  }
  return Status::Ok();
}

// What dead writers left anywhere under the destination's prefix: earlier attempts of this job,
// crashed local writers, uploads of streams that are no longer synced. Runs on the commit pool:
// what it has to say waits in staging_cleanup_logs_ for AwaitStagingCleanup.
Status Pipeline::RemoveDeadStaging(const std::set<int64_t>& sync_ids) {
  storage::ObjectStore* store = destination_->store.get();
  for (const std::string& prefix : DestinationPrefixes(config_.bucket_prefix)) {
    ASSIGN_OR_RETURN(size_t removed,
                     store->CleanupStaging(prefix, StagingRule(context_.run_id, sync_ids)));
    if (removed > 0) {
      staging_cleanup_logs_.push_back("Removed " + std::to_string(removed) +
                                      " incomplete files of finished or failed earlier syncs "
                                      "under " +
                                      store->Uri(prefix));
    }
  }
  return Status::Ok();
}

Status Pipeline::AwaitStagingCleanup() {
  if (staging_cleanup_ != nullptr) {
    staging_cleanup_->RunOrWait();
    staging_cleanup_.reset();
  }
  for (const std::string& line : staging_cleanup_logs_) out_->Log("INFO", line);
  staging_cleanup_logs_.clear();
  return staging_cleanup_status_;
}

Status Pipeline::Run(int input_fd) {
  // Chunks of input are parsed, and their records converted, on the encode pool; here they are
  // sequenced in input order (sync/decode_ahead.h).
  DecodeAhead input(input_fd, encode_pool_.get(),
                    [this](const protocol::StreamDescriptor& d) { return writers_.Find(d); });
  while (true) {
    ASSIGN_OR_RETURN(DecodedChunk * chunk, input.Next());
    if (chunk == nullptr) break;
    for (const DecodedChunk::Item& item : chunk->items) {
      // The reader notices cancellation when it reads; a line it had read must not slip
      // through (a STATE would commit).
      if (CancelRequested()) return CancelledStatus();
      switch (item.type) {
        case protocol::MessageType::kRecord:
          RETURN_IF_ERROR(OnRecord(chunk, item));
          break;
        case protocol::MessageType::kState:
          RETURN_IF_ERROR(OnState(chunk->messages[item.message]));
          break;
        case protocol::MessageType::kStreamStatus:
          OnStreamStatus(chunk->messages[item.message]);
          break;
        case protocol::MessageType::kOther:
          break;
      }
    }
    if (CancelRequested()) return CancelledStatus();
    RETURN_IF_ERROR(chunk->status);
  }
  return Finish();
}

Status Pipeline::OnRecord(DecodedChunk* chunk, const DecodedChunk::Item& item) {
  StreamWriter* writer = item.writer;
  RETURN_IF_ERROR(
      writer->AppendConverted(chunk->RowOf(item), item.span, item.partition, item.line_bytes));
  if (budget_.over()) RETURN_IF_ERROR(budget_.Relieve());
  checkpoints_.CountRecord();
  progress_.CountRecord(item.line_bytes);
  if (++records_since_time_check_ >= kTimeCheckEvery) {
    records_since_time_check_ = 0;
    if (progress_.Due()) ReportProgress();
    return MaybeCommitOnTime();
  }
  return Status::Ok();
}

Status Pipeline::OnState(const protocol::Message& m) {
  uint64_t stream_records = 0;
  if (m.state_type == protocol::StateType::kStream) {
    if (const StreamWriter* writer = writers_.Find(m.stream)) stream_records = writer->records();
  }
  checkpoints_.AddState(m, stream_records);
  if (config_.commit_interval_seconds <= 0) return Commit();
  return MaybeCommitOnTime();
}

void Pipeline::OnStreamStatus(const protocol::Message& m) {
  saw_stream_status_ = true;
  auto it = streams_.find(m.stream);
  if (it == streams_.end()) {
    out_->Log("WARN", "Stream status for stream '" + m.stream.ToString() +
                          "', which is not in the configured catalog; ignored");
    return;
  }
  if (m.status == protocol::StreamStatus::kComplete) it->second.complete = true;
  if (m.status == protocol::StreamStatus::kIncomplete) it->second.incomplete = true;
}

void Pipeline::ReportProgress() {
  std::vector<StreamProgress> streams;
  streams.reserve(stream_order_.size());
  for (const StreamState* s : stream_order_) {
    streams.push_back(
        {s->writer->descriptor().ToString(), s->writer->records(), s->writer->input_bytes()});
  }
  progress_.Report(std::move(streams));
}

Status Pipeline::MaybeCommitOnTime() {
  if (!checkpoints_.HasPending()) return Status::Ok();
  auto elapsed = env_->NowMonotonic() - last_commit_;
  if (std::chrono::duration<double>(elapsed).count() < config_.commit_interval_seconds) {
    return Status::Ok();
  }
  return Commit();
}

Status Pipeline::Commit() {
  // A cancelled sync starts no commit. One already under way when the signal came is cut short
  // where it makes requests, and between streams: with thousands of streams a commit's steps
  // (each table's fsyncs on the local lake) add up to minutes. Stopping between two streams is
  // stopping at a crash point: no STATE of this commit is echoed, what is visible stays valid.
  if (CancelRequested()) return CancelledStatus();
  // A sync whose clean-up failed (the listing was refused) commits nothing, as if it had
  // failed before reading its input.
  RETURN_IF_ERROR(AwaitStagingCleanup());
  // 1. Every open file becomes visible (durably): all streams' files side by side on the commit
  // pool, each stream's waited for in turn. Every one started is waited for, even after a
  // failure or a cancel, before anything else happens.
  for (StreamState* s : stream_order_) s->writer->StartCommitOpenFiles();
  // While they upload, the tables that get files are read for step 2 (and a missing database
  // is created): no table changes before its files are visible.
  Status tables_read = ReadTablesForCommit();
  Status files_committed;
  for (StreamState* s : stream_order_) {
    Status committed = s->writer->FinishCommitOpenFiles();
    if (files_committed.ok() && !committed.ok()) files_committed = std::move(committed);
  }
  if (CancelRequested()) return CancelledStatus();
  RETURN_IF_ERROR(files_committed);
  RETURN_IF_ERROR(tables_read);
  CrashPoint("commit.files_visible");
  // 2. The catalog knows every table that has data.
  RETURN_IF_ERROR(CommitTables());
  CrashPoint("commit.catalog_current");
  // 3. Only now are the waiting STATEs true: echo them in order.
  for (const std::string& state : checkpoints_.TakeCommitted()) out_->State(state);
  CrashPoint("commit.states_echoed");
  last_commit_ = env_->NowMonotonic();
  return Status::Ok();
}

// Each table to read is a GetTable, one after the other on this thread. Where a sync reads more
// tables of a database than a listing of it takes pages (100 tables a page), the database is
// listed instead: 200 new streams' first commit makes 3 requests rather than 200.
Status Pipeline::ReadTablesForCommit() {
  std::map<std::string, std::vector<StreamWriter*>> to_read;  // by database
  for (StreamState* s : stream_order_) {
    if (s->writer->NeedsTableRead()) to_read[s->writer->database()].push_back(s->writer.get());
  }
  for (const auto& [database, writers] : to_read) {
    const size_t pages = tables_listed_[database] / 100 + 1;
    if (writers.size() <= pages) {
      for (StreamWriter* w : writers) {
        if (CancelRequested()) return Status::Ok();  // the commit reports it
        RETURN_IF_ERROR(w->ReadTableForCommit());
      }
      continue;
    }
    ASSIGN_OR_RETURN(std::vector<json::Value> listed, destination_->catalog->ListTables(database));
    std::unordered_map<std::string, json::Value*> by_name;
    for (json::Value& t : listed) {
      const json::Value* name = t.Find("Name");
      if (name != nullptr && name->is_string()) by_name.emplace(name->text(), &t);
    }
    for (StreamWriter* w : writers) {
      auto it = by_name.find(w->table());
      RETURN_IF_ERROR(w->ReadTableForCommit(
          it == by_name.end() ? std::nullopt : std::optional<json::Value>(std::move(*it->second))));
    }
  }
  return Status::Ok();
}

// Each table's definition and partitions are requests (or, in the local lake, fsynced files) of
// their own: on the commit pool, side by side, as the files were. Every job started is waited
// for; the first failure in stream order is returned. A job that has not begun when a cancel
// comes does nothing, so a cancel stops the commit between tables, as a crash point would.
Status Pipeline::CommitTables() {
  std::vector<StreamWriter*> writers;
  for (StreamState* s : stream_order_) {
    if (s->writer->files_committed() > 0) writers.push_back(s->writer.get());
  }
  std::vector<Status> results(writers.size());
  auto commit = [&](size_t i) {
    results[i] = CancelRequested() ? CancelledStatus() : writers[i]->CommitTable();
  };
  if (commit_pool_ == nullptr || writers.size() < 2) {
    for (size_t i = 0; i < writers.size(); ++i) commit(i);
  } else {
    std::vector<std::shared_ptr<Job>> jobs;
    jobs.reserve(writers.size());
    for (size_t i = 0; i < writers.size(); ++i) {
      jobs.push_back(commit_pool_->Post([&commit, i] { commit(i); }));
    }
    for (const std::shared_ptr<Job>& job : jobs) job->RunOrWait();
  }
  if (CancelRequested()) return CancelledStatus();
  for (Status& s : results) RETURN_IF_ERROR(std::move(s));
  return Status::Ok();
}

Status Pipeline::Finish() {
  RETURN_IF_ERROR(Commit());
  std::vector<std::string> incomplete;
  std::vector<std::string> without_status;
  for (StreamState* s : stream_order_) {
    const std::string name = s->writer->descriptor().ToString();
    if (s->incomplete) {
      incomplete.push_back(name);
      continue;
    }
    // Platforms that send stream statuses send one per stream; a missing one means the source
    // did not finish. Older platforms send none: then the end of input ends every stream.
    if (saw_stream_status_ && !s->complete) {
      without_status.push_back(name);
      continue;
    }
    // Each stream's end (its table, a truncate's switch) is a step of its own: a cancel between
    // two leaves the streams not yet finished as an interrupted sync leaves them.
    if (CancelRequested()) return CancelledStatus();
    RETURN_IF_ERROR(s->writer->FinishSuccessfully());
    CrashPoint("finish.stream_done");
  }
  ReportProgress();
  for (StreamState* s : stream_order_) {
    const StreamWriter& w = *s->writer;
    out_->Log("INFO", "Stream " + w.descriptor().ToString() + ": " + std::to_string(w.records()) +
                          " records, " + std::to_string(w.files_committed()) + " files, " +
                          std::to_string(w.bytes_committed()) + " bytes -> table " + w.database() +
                          "." + w.table());
  }
  if (budget_.flushes() > 0) {
    out_->Log("INFO", "Memory budget (" + std::to_string(budget_.limit() >> 20) +
                          " MiB): open files were flushed early " +
                          std::to_string(budget_.flushes()) + " times and committed early " +
                          std::to_string(budget_.closes()) +
                          " times; a larger memory_budget_mb gives bigger row groups and files");
  }
  auto join = [](const std::vector<std::string>& v) {
    std::string out;
    for (const std::string& s : v) out += (out.empty() ? "" : ", ") + s;
    return out;
  };
  if (!incomplete.empty()) {
    return Status::Transient("the source reported these streams INCOMPLETE: " + join(incomplete) +
                             ". Everything acknowledged is committed; tables being truncated "
                             "keep their data: older generations stay until a truncate completes.");
  }
  if (!without_status.empty()) {
    return Status::Transient(
        "Input was fully read, but some streams did not receive a terminal "
        "stream status message: " +
        join(without_status) + ". Everything acknowledged is committed.");
  }
  return Status::Ok();
}

Result<Destination> OpenDestination(const config::Config& config) {
  if (config.governed_tables) {
    return Status::ConfigError(
        "lakeformation_governed_tables is set, but AWS retired Lake Formation governed tables "
        "(their transaction APIs stopped working in 2025), and the original connector could no "
        "longer write them either. Turn the option off to write standard Glue tables (external "
        "tables that Athena, Spark and Lake Formation permissions all support).");
  }
  if (!config.is_local()) return OpenAwsDestination(config);
  Destination d;
  d.store = storage::NewLocalStore(*config.local_lake_path, config.bucket_name, d.env);
  d.catalog = catalog::NewLocalCatalog(*config.local_lake_path + "/_catalog", d.env);
  return d;
}

Status RunWrite(const config::Config& config, const protocol::ConfiguredCatalog& catalog,
                Destination* destination, int input_fd, protocol::MessageWriter* out) {
  // The first check of `check` comes first here too: a bucket that cannot be used (missing,
  // in another region, credentials rejected) fails the sync in the same words, before any
  // other request. Every later request would explain it alike, but this one also catches it
  // in a sync of no streams, and costs one HEAD.
  if (destination->preflight) RETURN_IF_ERROR(destination->preflight());
  Status s = [&] {
    Pipeline pipeline(config, destination, out);
    RETURN_IF_ERROR(pipeline.Open(catalog));
    return pipeline.Run(input_fd);
  }();
  // The pipeline is gone: its open files aborted their uploads (waiting for their parts first)
  // and removed their staging files, so a cancellation is reported only after its clean-up.
  // Whatever failed after the signal failed because of it.
  if (!s.ok() && CancelRequested()) return CancelledStatus();
  return s;
}

}  // namespace datalake::sync
