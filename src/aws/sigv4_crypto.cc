// SHA-256, HMAC-SHA256, the SigV4 signing key and signature (docs/AWS-WIRE.md#signing-steps), on
// OpenSSL 3 one-shot EVP APIs (EVP_Digest, HMAC), none of them deprecated.
//
// Intermediate keys are wiped with OPENSSL_cleanse before their storage is released, as
// aws-c-auth does with aws_byte_buf_clean_up_secure; error messages never include key material.

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <climits>
#include <string>
#include <string_view>

#include "aws/sigv4.h"

namespace datalake::aws {
namespace {

constexpr std::string_view kKeyPrefix = "AWS4";
constexpr std::string_view kScopeTerminator = "aws4_request";

// Wipe a secret byte buffer on scope exit.
class ScopedCleanse {
 public:
  ScopedCleanse(void* data, size_t size) : data_(data), size_(size) {}
  ~ScopedCleanse() { OPENSSL_cleanse(data_, size_); }
  ScopedCleanse(const ScopedCleanse&) = delete;
  ScopedCleanse& operator=(const ScopedCleanse&) = delete;

 private:
  void* data_;
  size_t size_;
};

Result<Sha256Digest> Hmac(const void* key, size_t key_size, std::string_view data) {
  // HMAC() takes an int key length; SigV4 keys are 32 bytes or "AWS4"+secret.
  if (key_size > static_cast<size_t>(INT_MAX)) {
    return Status::Internal("HMAC-SHA256: key too long");
  }
  Sha256Digest out{};
  unsigned int out_size = 0;
  const unsigned char* ok =
      HMAC(EVP_sha256(), key, static_cast<int>(key_size),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), &out_size);
  if (ok == nullptr || out_size != out.size()) {
    return Status::Internal("HMAC-SHA256: OpenSSL HMAC failed");
  }
  return out;
}

}  // namespace

std::string HexEncode(std::string_view bytes) {
  static constexpr char kHexDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out.push_back(kHexDigits[b >> 4]);
    out.push_back(kHexDigits[b & 0x0F]);
  }
  return out;
}

std::string HexEncode(const Sha256Digest& digest) {
  return HexEncode(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

Result<std::string> Sha256Hex(std::string_view bytes) {
  Sha256Digest md{};
  unsigned int md_size = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), md.data(), &md_size, EVP_sha256(), nullptr) != 1 ||
      md_size != md.size()) {
    return Status::Internal("SHA-256: OpenSSL EVP_Digest failed");
  }
  return HexEncode(md);
}

Result<Sha256Digest> HmacSha256(std::string_view key, std::string_view data) {
  return Hmac(key.data(), key.size(), data);
}

Result<Sha256Digest> HmacSha256(const Sha256Digest& key, std::string_view data) {
  return Hmac(key.data(), key.size(), data);
}

// kDate = HMAC("AWS4" + secret, date), kRegion, kService, kSigning.
Result<Sha256Digest> SigningKey(std::string_view secret_access_key, std::string_view date,
                                std::string_view region, std::string_view service) {
  std::string seed;
  seed.reserve(kKeyPrefix.size() + secret_access_key.size());
  seed.append(kKeyPrefix);
  seed.append(secret_access_key);
  ScopedCleanse wipe_seed(seed.data(), seed.size());

  Sha256Digest k_date{};
  Sha256Digest k_region{};
  Sha256Digest k_service{};
  ScopedCleanse wipe_date(k_date.data(), k_date.size());
  ScopedCleanse wipe_region(k_region.data(), k_region.size());
  ScopedCleanse wipe_service(k_service.data(), k_service.size());
  ASSIGN_OR_RETURN(k_date, HmacSha256(std::string_view(seed), date));
  ASSIGN_OR_RETURN(k_region, HmacSha256(k_date, region));
  ASSIGN_OR_RETURN(k_service, HmacSha256(k_region, service));
  return HmacSha256(k_service, kScopeTerminator);
}

Result<std::string> Signature(const Sha256Digest& signing_key, std::string_view string_to_sign) {
  ASSIGN_OR_RETURN(Sha256Digest mac, HmacSha256(signing_key, string_to_sign));
  return HexEncode(mac);
}

}  // namespace datalake::aws
