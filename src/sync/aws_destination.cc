#include "sync/aws_destination.h"

#include <cstdlib>
#include <optional>

#include "aws/credential_providers.h"
#include "aws/glue.h"
#include "aws/lakeformation.h"
#include "aws/s3.h"
#include "common/machine.h"

namespace datalake::sync {
namespace {

// A test knob: a non-negative integer from the environment variable `name`.
std::optional<int64_t> TestKnob(const char* name) {
  return NonNegativeIntegerFromEnvironment(name);
}

// The retry options of every client. For tests only, DATALAKE_TEST_THROTTLE_BASE_DELAY_MS
// shortens the back-off of throttled requests and DATALAKE_TEST_THROTTLE_BUDGET_MS the time a
// call may spend being throttled, so that an end-to-end test can throttle a request many times
// over, or until the budget is spent, without waiting a minute or more; nothing else reads them,
// and a sync never needs them.
aws::RetryOptions RetryOptionsFromEnvironment() {
  aws::RetryOptions retry;
  if (auto ms = TestKnob("DATALAKE_TEST_THROTTLE_BASE_DELAY_MS")) {
    retry.throttle_base_delay = std::chrono::milliseconds(*ms);
  }
  if (auto ms = TestKnob("DATALAKE_TEST_THROTTLE_BUDGET_MS")) {
    retry.throttle_budget = std::chrono::milliseconds(*ms);
  }
  return retry;
}

// The HTTP options of every client. For tests only, DATALAKE_TEST_STALL_TIMEOUT_S shortens the
// time a transfer may go without progress (below 1 KiB/s) before it is abandoned as stalled,
// 60 s otherwise, so that an end-to-end test of a server that stops answering takes seconds.
aws::HttpOptions HttpOptionsFromEnvironment() {
  aws::HttpOptions http;
  if (auto seconds = TestKnob("DATALAKE_TEST_STALL_TIMEOUT_S"); seconds && *seconds > 0) {
    http.low_speed_time_s = *seconds;
  }
  return http;
}

std::shared_ptr<aws::CredentialsProvider> MakeCredentials(const config::Config& config,
                                                          const std::string& region) {
  aws::CredentialsOptions options;
  options.sts.region = region;
  options.sts.endpoint = config.sts_endpoint.value_or("");
  options.sts.retry = RetryOptionsFromEnvironment();
  options.sts.http = HttpOptionsFromEnvironment();
  const config::Credentials& c = config.credentials;
  switch (c.mode) {
    case config::CredentialsMode::kIamUser:
      return aws::NewStaticCredentialsProvider(
          {c.access_key_id, c.secret_access_key, c.session_token});
    case config::CredentialsMode::kIamRole: {
      aws::AssumeRoleParams params;
      params.role_arn = c.role_arn;
      params.external_id = c.external_id;
      return aws::NewAssumeRoleCredentialsProvider(params, aws::NewDefaultCredentialsChain(options),
                                                   options);
    }
    case config::CredentialsMode::kDefaultChain:
      break;
  }
  return aws::NewDefaultCredentialsChain(options);
}

aws::ServerSideEncryption ToS3Encryption(config::ServerSideEncryption sse) {
  switch (sse) {
    case config::ServerSideEncryption::kS3:
      return aws::ServerSideEncryption::kS3;
    case config::ServerSideEncryption::kKms:
      return aws::ServerSideEncryption::kKms;
    case config::ServerSideEncryption::kNone:
      break;
  }
  return aws::ServerSideEncryption::kNone;
}

}  // namespace

std::string EffectiveRegion(const config::Config& config) {
  if (!config.region.empty()) return config.region;
  for (const char* name : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
    const char* value = std::getenv(name);
    if (value != nullptr && *value != '\0') return value;
  }
  return "us-east-1";
}

Result<Destination> OpenAwsDestination(const config::Config& config) {
  const std::string region = EffectiveRegion(config);
  std::shared_ptr<aws::CredentialsProvider> credentials = MakeCredentials(config, region);
  const aws::RetryOptions retry = RetryOptionsFromEnvironment();
  const aws::HttpOptions http = HttpOptionsFromEnvironment();

  aws::S3Options s3;
  s3.region = region;
  s3.endpoint = config.s3_endpoint;
  s3.credentials = credentials;
  s3.sse = ToS3Encryption(config.sse);
  s3.kms_key_id = config.kms_key_id;
  s3.retry = retry;
  s3.http = http;
  auto s3_client = std::make_shared<aws::S3Client>(std::move(s3));

  aws::GlueOptions glue;
  glue.region = region;
  glue.endpoint = config.glue_endpoint.value_or("");
  glue.catalog_id = config.aws_account_id;
  glue.credentials = credentials;
  glue.retry = retry;
  glue.http = http;
  auto glue_client = std::make_shared<aws::GlueClient>(std::move(glue));

  std::shared_ptr<aws::LakeFormationClient> lake_formation;
  catalog::GlueCatalogOptions catalog_options;
  if (!config.lf_tag_key.empty()) {
    aws::LakeFormationOptions lf;
    lf.region = region;
    lf.endpoint = config.lakeformation_endpoint.value_or("");
    lf.catalog_id = config.aws_account_id;
    lf.credentials = credentials;
    lf.retry = retry;
    lf.http = http;
    lake_formation = std::make_shared<aws::LakeFormationClient>(std::move(lf));
    catalog_options.lf_tag_key = config.lf_tag_key;
    catalog_options.lf_tag_values = config.lf_tag_values;
  }

  Destination d;
  const std::string bucket = config.bucket_name;
  d.preflight = [s3_client, bucket] { return s3_client->HeadBucket(bucket); };
  d.staging_cleanup_beside = true;
  d.store = storage::NewS3Store(s3_client, bucket);
  d.catalog = catalog::NewGlueCatalog(glue_client, lake_formation, std::move(catalog_options));
  return d;
}

}  // namespace datalake::sync
