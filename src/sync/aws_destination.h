// Building the AWS destination (S3 store + Glue catalog) from the config. Private to sync.
#pragma once

#include "config/config.h"
#include "sync/sync.h"

namespace datalake::sync {

// Return the region to use: the config's, else AWS_REGION / AWS_DEFAULT_REGION, else us-east-1.
std::string EffectiveRegion(const config::Config& config);

// Return the S3 + Glue destination for `config` (not local).
Result<Destination> OpenAwsDestination(const config::Config& config);

}  // namespace datalake::sync
