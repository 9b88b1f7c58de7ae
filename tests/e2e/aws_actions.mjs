// Every AWS API operation the destination's clients can send, and the IAM actions each needs:
// the one table docs/iam-policy.json is checked against (iam_policy.test.mjs), both ways.
//
// Keys are the operation names as the code spells them on the wire: S3 requests'
// `.operation = "<Op>"` (src/aws/s3_client*.cc), Glue's `AWSGlue.<Op>` and Lake Formation's
// `POST /<Op>` (both `Call("<Op>", ...)`), STS's `Action=<Op>` (src/aws/sts.cc). Members:
//   service   the AWS service (s3, glue, lakeformation, sts)
//   method    the client method that sends it: the test checks, by its call sites in src/,
//             whether the destination can send the operation at all
//   actions   the IAM actions the caller's policy must allow; [] only with `why`
//   sseKms    the KMS actions S3 needs on the key when the object is SSE-KMS encrypted
//   why       why an operation needs no IAM action of the caller
//   when      in which configurations the destination sends it (for the docs' table)
export const OPERATIONS = {
  // ---- Amazon S3 (REST XML) ----
  HeadBucket: {
    service: 's3', method: 'HeadBucket', actions: ['s3:ListBucket'],
    when: 'every check and write, first',
  },
  ListObjectsV2: {
    service: 's3', method: 'ListObjects', actions: ['s3:ListBucket'],
    when: "write: a truncate (overwrite or refresh) lists the table's files",
  },
  PutObject: {
    service: 's3', method: 'PutObject', actions: ['s3:PutObject'], sseKms: ['kms:GenerateDataKey'],
    when: "check's probe file; data files smaller than one part (8 MiB)",
  },
  GetObject: {
    service: 's3', method: 'GetObject', actions: ['s3:GetObject'], sseKms: ['kms:Decrypt'],
    when: "check: reads its probe file back",
  },
  DeleteObjects: {
    service: 's3', method: 'DeleteObjects', actions: ['s3:DeleteObject'],
    when: "check's probe file; older generations' files when a truncate completes",
  },
  CreateMultipartUpload: {
    service: 's3', method: 'CreateMultipartUpload', actions: ['s3:PutObject'],
    sseKms: ['kms:GenerateDataKey', 'kms:Decrypt'],
    when: 'write: data files of 8 MiB and more',
  },
  UploadPart: {
    service: 's3', method: 'UploadPart', actions: ['s3:PutObject'], sseKms: ['kms:GenerateDataKey', 'kms:Decrypt'],
    when: 'write: data files of 8 MiB and more',
  },
  CompleteMultipartUpload: {
    service: 's3', method: 'CompleteMultipartUpload', actions: ['s3:PutObject'],
    sseKms: ['kms:GenerateDataKey', 'kms:Decrypt'],
    when: 'write: the commit of a multipart data file',
  },
  AbortMultipartUpload: {
    service: 's3', method: 'AbortMultipartUpload', actions: ['s3:AbortMultipartUpload'],
    when: 'a failed or cancelled write; check and write remove dead uploads',
  },
  ListMultipartUploads: {
    service: 's3', method: 'ListMultipartUploads', actions: ['s3:ListBucketMultipartUploads'],
    when: 'every check and write: finds uploads dead writers left',
  },
  GetBucketLocation: {
    service: 's3', method: null, actions: [],
    why: 'sent only after a 400 or 403 without an error code, to tell rejected credentials from ' +
      'a missing permission: rejected credentials fail it whatever the policy says, and its own ' +
      'AccessDenied gives the right answer',
    when: 'diagnosis of a failed request',
  },
  DeleteObject: {
    service: 's3', method: 'DeleteObject', actions: [],
    why: 'S3Client::DeleteObject exists, but the destination deletes with DeleteObjects',
    when: 'never',
  },

  // ---- AWS Glue Data Catalog (JSON 1.1, X-Amz-Target AWSGlue.<Op>) ----
  GetDatabase: {
    service: 'glue', method: 'GetDatabase', actions: ['glue:GetDatabase'],
    when: 'check and write: each database once',
  },
  CreateDatabase: {
    service: 'glue', method: 'CreateDatabase', actions: ['glue:CreateDatabase'],
    when: 'check and write: a database that does not exist yet',
  },
  GetTables: {
    service: 'glue', method: 'GetTables', actions: ['glue:GetTables'],
    when: "check and write: lists a database's tables, where a sync finds each stream's table (its binding in the table's Parameters)",
  },
  GetTable: {
    service: 'glue', method: 'GetTable', actions: ['glue:GetTable'],
    when: 'check and write: reads a table before defining it',
  },
  CreateTable: {
    service: 'glue', method: 'CreateTable', actions: ['glue:CreateTable'],
    when: "check's probe table; a stream's first sync",
  },
  UpdateTable: {
    service: 'glue', method: 'UpdateTable', actions: ['glue:UpdateTable'],
    when: "write: an existing table's definition at the first commit; a truncate's final one",
  },
  DeleteTable: {
    service: 'glue', method: 'DeleteTable', actions: ['glue:DeleteTable'],
    when: "check: its probe table airbyte_test_<8 hex> (write never deletes tables)",
  },
  GetPartitions: {
    service: 'glue', method: 'GetPartitions', actions: ['glue:GetPartitions'],
    when: 'write: a truncate of a partitioned table',
  },
  BatchCreatePartition: {
    service: 'glue', method: 'BatchCreatePartition', actions: ['glue:BatchCreatePartition'],
    when: 'write with partitioning: each new partition, at the commit that makes it visible',
  },
  BatchDeletePartition: {
    service: 'glue', method: 'BatchDeletePartition', actions: ['glue:BatchDeletePartition'],
    when: 'write: a truncate drops partitions left without files',
  },

  // ---- AWS Lake Formation (REST JSON, POST /<Op>) ----
  AddLFTagsToResource: {
    service: 'lakeformation', method: 'AddLFTagsToDatabase', actions: ['lakeformation:AddLFTagsToResource'],
    when: 'check and write with lakeformation_database_default_tag_key/_values: each database once',
  },
  CreateLFTag: {
    service: 'lakeformation', method: 'CreateLFTag', actions: [],
    why: 'used by tests only: the LF-Tag must exist before a sync (an administrator creates it)',
    when: 'never',
  },
  GetResourceLFTags: {
    service: 'lakeformation', method: 'GetDatabaseLFTags', actions: [],
    why: 'used by tests only',
    when: 'never',
  },

  // ---- AWS STS (query protocol, Action=<Op>) ----
  AssumeRole: {
    service: 'sts', method: 'AssumeRole', actions: ['sts:AssumeRole'],
    when: "IAM Role credentials (on the source identity), and shared-config profiles with role_arn",
  },
  AssumeRoleWithWebIdentity: {
    service: 'sts', method: 'AssumeRoleWithWebIdentity', actions: [],
    why: "sent unsigned: the web identity token is the proof, and the role's trust policy decides",
    when: 'Default Credentials Chain with AWS_WEB_IDENTITY_TOKEN_FILE (EKS IRSA) or web_identity_token_file',
  },
};

// Every IAM action the destination can need: the actions of the operations it sends, and the
// KMS actions of its S3 operations (with SSE-KMS).
export function requiredActions(used) {
  const out = new Set();
  for (const op of used) {
    for (const a of OPERATIONS[op].actions) out.add(a);
    for (const a of OPERATIONS[op].sseKms ?? []) out.add(a);
  }
  return out;
}
