// What every ObjectStore does the same way unless it knows better.
#include <algorithm>
#include <future>

#include "storage/storage.h"

namespace datalake::storage {

// Up to eight Puts at a time: over S3 each is a round trip, and a commit's objects are
// independent of one another.
Status ObjectStore::PutMany(const std::vector<std::pair<std::string, std::string_view>>& objects) {
  constexpr size_t kConcurrentPuts = 8;
  Status first = Status::Ok();
  for (size_t begin = 0; begin < objects.size(); begin += kConcurrentPuts) {
    const size_t end = std::min(objects.size(), begin + kConcurrentPuts);
    std::vector<std::future<Status>> pending;
    for (size_t i = begin + 1; i < end; ++i) {
      pending.push_back(std::async(std::launch::async, [this, &objects, i] {
        return Put(objects[i].first, objects[i].second);
      }));
    }
    Status here = Put(objects[begin].first, objects[begin].second);
    if (first.ok()) first = std::move(here);
    for (std::future<Status>& f : pending) {
      Status s = f.get();
      if (first.ok()) first = std::move(s);
    }
  }
  return first;
}

}  // namespace datalake::storage
