// The write pipeline and the connection check: everything `write` and `check` do between the
// parsed config/catalog and the lake.
//
// Data flows one way: stdin -> chunks of lines (DecodeAhead: envelopes parsed, records converted
// to rows on the encode pool) -> per-stream StreamWriter (files by partition, encoders) ->
// PendingObjects -> commit (objects visible, catalog updated) -> STATE echoed.
// The acknowledgement contract (docs/STATE.md): a STATE is echoed only after every record read
// before it is committed, each STATE exactly once, in input order, with
// destinationStats.recordCount set.
#pragma once

#include <functional>
#include <memory>

#include "catalog/catalog.h"
#include "common/status.h"
#include "config/config.h"
#include "protocol/protocol.h"
#include "storage/storage.h"

namespace datalake::sync {

// Where a sync writes: the object store and the catalog, made from the config.
struct Destination {
  std::unique_ptr<storage::ObjectStore> store;
  std::unique_ptr<catalog::Catalog> catalog;
  // The clock of the sync (commit intervals, progress reports), and the files of the local lake.
  storage::Env* env = storage::Env::Default();
  // A cheap first check that the destination is usable (S3 HeadBucket), run by `check` and
  // `write` before anything else; may be empty.
  std::function<Status()> preflight;
  // True when removing what dead writers left takes requests (S3: ListMultipartUploads, tens of
  // milliseconds): a sync then does it beside its start, awaited before its first commit. The
  // local lake's is a walk of its staging directory, done before this sync writes anything, so
  // that none of its files or locks is ever in the walk.
  bool staging_cleanup_beside = false;
};

// Return the destination for `config`: the local lake when local_lake_path is set, else S3 and
// the Glue Data Catalog.
Result<Destination> OpenDestination(const config::Config& config);

// Run `write`: read messages from `input_fd` until EOF and write them to `destination`,
// echoing STATE, LOG and progress through `out`. A non-OK result means the sync failed; every
// STATE echoed before that stays valid (its records are committed). Once cancellation is
// requested (common/cancel.h) it stops reading, starts no commit, discards the open files
// (aborting their uploads) and then returns kCancelled.
Status RunWrite(const config::Config& config, const protocol::ConfiguredCatalog& catalog,
                Destination* destination, int input_fd, protocol::MessageWriter* out);

// Run `check`: prove the destination is usable by writing, reading back and removing a probe
// table. Return OK or the first failure (the caller reports it as CONNECTION_STATUS FAILED).
Status RunCheck(const config::Config& config, Destination* destination,
                protocol::MessageWriter* out);

}  // namespace datalake::sync
