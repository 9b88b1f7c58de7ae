#include "sync/uuid.h"

#include <random>

namespace datalake::sync {
namespace {

uint64_t SplitMix(uint64_t* x) {
  uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

UuidGenerator::UuidGenerator() {
  std::random_device rd;
  uint64_t seed = (static_cast<uint64_t>(rd()) << 32) ^ rd();
  for (uint64_t& s : state_) s = SplitMix(&seed) ^ ((static_cast<uint64_t>(rd()) << 32) | rd());
}

UuidGenerator::UuidGenerator(uint64_t seed) {
  for (uint64_t& s : state_) s = SplitMix(&seed);
}

// xoshiro256** (Blackman & Vigna): fast, 256-bit state, passes BigCrush.
uint64_t UuidGenerator::Next() {
  const uint64_t result = Rotl(state_[1] * 5, 7) * 9;
  const uint64_t t = state_[1] << 17;
  state_[2] ^= state_[0];
  state_[3] ^= state_[1];
  state_[1] ^= state_[2];
  state_[0] ^= state_[3];
  state_[2] ^= t;
  state_[3] = Rotl(state_[3], 45);
  return result;
}

void UuidGenerator::AppendV4(std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  uint64_t hi = Next();
  uint64_t lo = Next();
  hi = (hi & ~0xF000ull) | 0x4000ull;                         // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;  // RFC 4122 variant
  char buf[36];
  int pos = 0;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) buf[pos++] = '-';
    uint64_t word = i < 16 ? hi : lo;
    int shift = 60 - 4 * (i % 16);
    buf[pos++] = kHex[(word >> shift) & 0xF];
  }
  out->append(buf, sizeof(buf));
}

std::string UuidGenerator::V4() {
  std::string out;
  AppendV4(&out);
  return out;
}

std::string UuidGenerator::Hex() {
  std::string with_dashes = V4();
  std::string out;
  out.reserve(32);
  for (char c : with_dashes) {
    if (c != '-') out.push_back(c);
  }
  return out;
}

}  // namespace datalake::sync
