// The acknowledgement contract (docs/STATE.md) at every step of a sync, without real I/O: the
// pipeline runs over an in-memory local lake (FaultInjectionEnv) and is killed after each of its
// file operations in turn, or has each operation fail. After each:
// (a) every STATE it echoed is true: the records read before it are in the committed tables;
// (b) a restart that resumes after the last echoed STATE (as Airbyte does) ends with every
//     record, old generations of a truncated stream removed, and duplicates only among the
//     records after the last echoed STATE (Airbyte is at-least-once there);
// (c) a failed operation fails the sync with kIOError (failure_type system_error) naming it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "sync/lake_harness.h"

namespace datalake::sync {
namespace {

using testing::FaultInjectionEnv;
using testing::IdsOf;
using testing::ReadTable;
using testing::Row;
using testing::RunSync;

// Three streams: an append, a refresh that truncates (minimum generation = generation), and an
// append partitioned by day on its cursor. With `orders_by_day` the refresh partitions its table
// by day too, which the earlier, unpartitioned table's files cannot follow: the new generation
// is written apart and switched to at the end (docs/STATE.md).
std::string Catalog(int64_t sync_id, int64_t orders_generation, bool orders_by_day = false) {
  const std::string g = std::to_string(orders_generation);
  const std::string s = std::to_string(sync_id);
  const std::string id = R"("id":{"type":"integer"})";
  const std::string orders_day =
      orders_by_day ? R"(,"updated_at":{"type":"string","format":"date-time"})" : "";
  const std::string orders_cursor = orders_by_day ? R"("cursor_field":["updated_at"],)" : "";
  return R"({"streams":[
    {"stream":{"name":"users","json_schema":{"type":"object","properties":{)" +
         id +
         R"(}},"supported_sync_modes":["incremental"]},"sync_mode":"incremental",
     "destination_sync_mode":"append","generation_id":1,"minimum_generation_id":0,"sync_id":)" +
         s + R"(},
    {"stream":{"name":"orders","json_schema":{"type":"object","properties":{)" +
         id + orders_day + R"(}},"supported_sync_modes":["full_refresh"]},)" + orders_cursor +
         R"("sync_mode":"full_refresh",
     "destination_sync_mode":"append","generation_id":)" +
         g + R"(,"minimum_generation_id":)" + g + R"(,"sync_id":)" + s + R"(},
    {"stream":{"name":"events","json_schema":{"type":"object","properties":{)" +
         id +
         R"(,"updated_at":{"type":"string","format":"date-time"}}},
     "supported_sync_modes":["incremental"]},"sync_mode":"incremental",
     "cursor_field":["updated_at"],"destination_sync_mode":"append","generation_id":1,
     "minimum_generation_id":0,"sync_id":)" +
         s + "}]}";
}

// One input line: a record (stream, id) or a GLOBAL STATE (n).
struct Line {
  std::string stream;  // empty for a STATE
  int64_t id = 0;      // record id, or the STATE's n
  std::string Text() const {
    if (stream.empty()) {
      return R"({"type":"STATE","state":{"type":"GLOBAL","global":{"shared_state":{"n":)" +
             std::to_string(id) + R"(},"stream_states":[]}}})";
    }
    std::string data = R"({"id":)" + std::to_string(id);
    if (stream != "users")
      data += R"(,"updated_at":"2024-05-0)" + std::to_string(id % 10) + R"(T10:00:00Z")";
    return R"({"type":"RECORD","record":{"stream":")" + stream +
           R"(","emitted_at":1700000000000,"data":)" + data + "}}}";
  }
};

Line Record(const std::string& stream, int64_t id) { return {stream, id}; }
Line State(int64_t n) { return {"", n}; }

const std::vector<Line> kSetup = {Record("users", 1),
                                  Record("users", 2),
                                  Record("orders", 101),
                                  Record("orders", 102),
                                  Record("events", 201),
                                  Record("events", 202),
                                  State(0)};
const std::vector<Line> kMain = {Record("users", 3), Record("users", 4),    Record("orders", 103),
                                 State(1),           Record("events", 203), Record("orders", 104),
                                 State(2),           Record("users", 5),    Record("events", 204),
                                 State(3),           Record("orders", 105), State(4)};

// The lines after STATE `n` (all of them when n < 0): what a resumed source sends.
std::vector<Line> After(const std::vector<Line>& lines, int64_t n) {
  if (n < 0) return lines;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].stream.empty() && lines[i].id == n) {
      return std::vector<Line>(lines.begin() + static_cast<long>(i) + 1, lines.end());
    }
  }
  ADD_FAILURE() << "no STATE " << n;
  return {};
}

std::string Input(const std::vector<Line>& lines) {
  std::string out;
  for (const Line& l : lines) out += l.Text() + "\n";
  return out;
}

// Record ids of `stream` among `lines`.
std::multiset<int64_t> Ids(const std::vector<Line>& lines, const std::string& stream) {
  std::multiset<int64_t> out;
  for (const Line& l : lines) {
    if (l.stream == stream) out.insert(l.id);
  }
  return out;
}

class PipelineCrashTest : public ::testing::Test {
 protected:
  // A lake where an earlier sync wrote generation 2 of `orders` and the first rows of the others.
  void SetUpLake(FaultInjectionEnv* env) {
    testing::MakeLakeRoot(env);
    auto setup = RunSync(env, Catalog(6, 2), Input(kSetup));
    ASSERT_TRUE(setup.status.ok()) << setup.status.ToString();
    ASSERT_EQ(setup.states, std::vector<int64_t>{0});
  }

  // (a) The records read before the last echoed STATE are committed and visible (committed
  // only, for a generation written apart). The sync read the input after STATE `resumed_after`.
  void ExpectAcknowledgedRowsCommitted(FaultInjectionEnv* env, const std::vector<int64_t>& echoed,
                                       int64_t resumed_after = -1) {
    std::vector<int64_t> expected_order;
    for (const Line& l : After(kMain, resumed_after)) {
      if (l.stream.empty()) expected_order.push_back(l.id);
    }
    expected_order.resize(echoed.size());
    ASSERT_EQ(echoed, expected_order) << "STATEs are echoed in input order, each once";
    // What an earlier sync acknowledged stays acknowledged.
    const int64_t upto = echoed.empty() ? resumed_after : echoed.back();
    if (upto < 0) return;
    std::vector<Line> acknowledged(kMain.begin(),
                                   kMain.end() - static_cast<long>(After(kMain, upto).size()));
    for (const char* stream : {"users", "orders", "events"}) {
      // A generation written apart is committed, but shows only once the truncate switches to
      // it: there, every committed file counts.
      const bool apart = orders_by_day_ && std::string(stream) == "orders";
      const std::multiset<int64_t> committed =
          IdsOf(apart ? testing::ReadAllFiles(env, "db/orders/") : ReadTable(env, stream));
      for (int64_t id : Ids(acknowledged, stream)) {
        EXPECT_EQ(committed.count(id) > 0, true)
            << stream << " row " << id << " was acknowledged by STATE " << upto
            << " but is not committed";
      }
    }
  }

  // (b) Resume after the last echoed STATE; the tables then hold every record, and `orders`
  // only its new generation. Records after STATE `repeat_from` were sent by `runs` syncs in all,
  // and each may have committed them; every other record is there once.
  void ExpectRestartCompletes(FaultInjectionEnv* env, const std::vector<int64_t>& echoed) {
    const int64_t last = echoed.empty() ? -1 : echoed.back();
    ExpectResumedSyncCompletes(env, last, last, 2);
  }
  void ExpectResumedSyncCompletes(FaultInjectionEnv* env, int64_t last, int64_t repeat_from,
                                  size_t runs) {
    const std::vector<Line> replay = After(kMain, last);
    auto restart = RunSync(env, MainCatalog(), Input(replay));
    ASSERT_TRUE(restart.status.ok()) << restart.status.ToString();
    std::vector<int64_t> replayed_states;
    for (const Line& l : replay) {
      if (l.stream.empty()) replayed_states.push_back(l.id);
    }
    EXPECT_EQ(restart.states, replayed_states);

    std::vector<Line> everything = kSetup;
    everything.insert(everything.end(), kMain.begin(), kMain.end());
    for (const char* stream : {"users", "orders", "events"}) {
      const std::vector<Row> rows = ReadTable(env, stream);
      const std::multiset<int64_t> got = IdsOf(rows);
      std::multiset<int64_t> wanted =
          Ids(std::string(stream) == "orders" ? kMain : everything, stream);
      const std::multiset<int64_t> may_repeat = Ids(After(kMain, repeat_from), stream);
      for (int64_t id : std::set<int64_t>(wanted.begin(), wanted.end())) {
        const size_t n = got.count(id);
        EXPECT_GE(n, 1u) << stream << " row " << id << " is lost";
        // Only records sent again may be there more than once.
        EXPECT_LE(n, may_repeat.count(id) > 0 ? runs : 1u) << stream << " row " << id;
        if (n > 1) ++duplicated_;
      }
      for (int64_t id : got) EXPECT_EQ(wanted.count(id), 1u) << stream << " unexpected row " << id;
      if (std::string(stream) == "orders") {
        for (const Row& r : rows) EXPECT_EQ(r.generation, 3) << "orders row " << r.id;
      }
    }
  }

  std::string MainCatalog() const { return Catalog(7, 3, orders_by_day_); }

  // Crash the sync after each of its file changes, then crash its resumed sync after a spread of
  // its own steps (1, 2, 4, 7, 11, ...), then resume again: the same promises hold.
  // DATALAKE_TEST_CRASH_STRIDE=N takes every Nth first crash point only: the sanitizer runs
  // (scripts/sanitize.sh) set it, as the ~1,300 syncs of all pairs take a minute each there and
  // every first point's code is also run by CrashAfterEveryStep; the release run takes them all.
  void CrashTwice() {
    const char* stride_knob = std::getenv("DATALAKE_TEST_CRASH_STRIDE");
    const int stride = stride_knob != nullptr ? std::max(1, std::atoi(stride_knob)) : 1;
    int mutations = 0;
    {
      FaultInjectionEnv env;
      SetUpLake(&env);
      const int before = env.mutations();
      ASSERT_TRUE(RunSync(&env, MainCatalog(), Input(kMain)).status.ok());
      mutations = env.mutations() - before;
    }
    int pairs = 0;
    for (int k = 1; k <= mutations && !HasFailure(); k += stride) {
      for (int j = 1; !HasFailure(); j += 1 + j / 2) {
        SCOPED_TRACE("crash after step " + std::to_string(k) + ", then after step " +
                     std::to_string(j) + " of the resumed sync");
        FaultInjectionEnv env;
        SetUpLake(&env);
        env.CrashAfterMutation(k);
        auto first = RunSync(&env, MainCatalog(), Input(kMain));
        env.Crash();
        const int64_t first_last = first.states.empty() ? -1 : first.states.back();
        env.CrashAfterMutation(j);
        auto second = RunSync(&env, MainCatalog(), Input(After(kMain, first_last)));
        if (!env.dead()) break;  // the resumed sync had fewer than j steps
        ++pairs;
        env.Crash();
        ExpectAcknowledgedRowsCommitted(&env, second.states, first_last);
        const int64_t last = second.states.empty() ? first_last : second.states.back();
        ExpectResumedSyncCompletes(&env, last, first_last, 3);
      }
    }
    EXPECT_GT(pairs, mutations / stride);
    RecordProperty("crash_pairs", pairs);
  }

  // Crash the sync after each of its file changes in turn; check (a) and (b) after each.
  void CrashAfterEveryStep() {
    int mutations = 0;
    {
      FaultInjectionEnv env;
      SetUpLake(&env);
      const int before = env.mutations();
      ASSERT_TRUE(RunSync(&env, MainCatalog(), Input(kMain)).status.ok());
      mutations = env.mutations() - before;
    }
    ASSERT_GT(mutations, 50) << "the sync's steps are counted";
    std::map<std::string, int> crashed_at;  // kind of operation -> crash points
    for (int k = 1; k <= mutations && !HasFailure(); ++k) {
      FaultInjectionEnv env;
      SetUpLake(&env);
      const size_t before = env.mutation_log().size();
      env.CrashAfterMutation(k);
      auto sync = RunSync(&env, MainCatalog(), Input(kMain));
      const std::string step = env.mutation_log().at(before + k - 1);
      SCOPED_TRACE("crash after step " + std::to_string(k) + ": " + step);
      ASSERT_TRUE(env.dead());
      ++crashed_at[step.substr(0, step.find(' '))];
      env.Crash();
      ExpectAcknowledgedRowsCommitted(&env, sync.states);
      ExpectRestartCompletes(&env, sync.states);
    }
    std::string kinds;
    for (const auto& [kind, n] : crashed_at) kinds += " " + kind + ":" + std::to_string(n);
    RecordProperty("crash_points", mutations);
    RecordProperty("crash_point_kinds", kinds);
    RecordProperty("rows_repeated_after_restarts", duplicated_);
  }

  // Fail each operation of the sync in turn (reads included); check (c), (a) and (b) after each.
  void FailEveryOperation() {
    int operations = 0;
    {
      FaultInjectionEnv env;
      SetUpLake(&env);
      const int before = env.operations();
      ASSERT_TRUE(RunSync(&env, MainCatalog(), Input(kMain)).status.ok());
      operations = env.operations() - before;
    }
    std::string tolerated;
    int tolerated_count = 0;
    for (int n = 1; n <= operations && !HasFailure(); ++n) {
      SCOPED_TRACE("operation " + std::to_string(n) + " fails");
      FaultInjectionEnv env;
      SetUpLake(&env);
      env.FailOperation(n, Status::IOError("injected fault"));
      auto sync = RunSync(&env, MainCatalog(), Input(kMain));
      if (sync.status.ok()) {
        // Only best-effort steps may fail unnoticed: the sweep of dead writers' locks, the
        // removal of an empty directory or of the store's own lock file at its end.
        const std::string op = env.failed_operation();
        EXPECT_TRUE(op.starts_with("list /lake/.staging/.owners") || op.starts_with("rmdir ") ||
                    (op.starts_with("remove ") && op.ends_with(".lock")))
            << "a failed " << op << " went unnoticed";
        tolerated += " " + op.substr(0, op.find(' ')) + op.substr(op.find_last_of('/'));
        ++tolerated_count;
      } else {
        EXPECT_EQ(sync.status.code(), StatusCode::kIOError) << sync.status.ToString();
        EXPECT_EQ(FailureTypeOf(sync.status.code()), "system_error");
        EXPECT_NE(sync.status.message().find("injected fault"), std::string::npos)
            << sync.status.ToString();
      }
      ExpectAcknowledgedRowsCommitted(&env, sync.states);
      ExpectRestartCompletes(&env, sync.states);
    }
    EXPECT_LT(tolerated_count, operations / 4) << "most steps matter:" << tolerated;
    RecordProperty("failed_operations", operations);
    RecordProperty("tolerated_failures", tolerated_count);
    RecordProperty("tolerated_steps", tolerated);
  }

  bool orders_by_day_ = false;
  int duplicated_ = 0;
};

TEST_F(PipelineCrashTest, WithoutFaultsEveryStateIsEchoedAndOldGenerationsGo) {
  FaultInjectionEnv env;
  SetUpLake(&env);
  EXPECT_EQ(IdsOf(ReadTable(&env, "orders")), (std::multiset<int64_t>{101, 102}));
  auto sync = RunSync(&env, MainCatalog(), Input(kMain));
  ASSERT_TRUE(sync.status.ok()) << sync.status.ToString();
  EXPECT_EQ(sync.states, (std::vector<int64_t>{1, 2, 3, 4}));
  EXPECT_EQ(IdsOf(ReadTable(&env, "users")), (std::multiset<int64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(IdsOf(ReadTable(&env, "orders")), (std::multiset<int64_t>{103, 104, 105}));
  EXPECT_EQ(IdsOf(ReadTable(&env, "events")), (std::multiset<int64_t>{201, 202, 203, 204}));
  // A crash now loses nothing: everything was synced.
  env.Crash();
  EXPECT_EQ(IdsOf(ReadTable(&env, "users")), (std::multiset<int64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(IdsOf(ReadTable(&env, "events")), (std::multiset<int64_t>{201, 202, 203, 204}));
}

TEST_F(PipelineCrashTest, WithoutFaultsARepartitioningTruncateIsWrittenApartThenSwitched) {
  orders_by_day_ = true;
  FaultInjectionEnv env;
  SetUpLake(&env);
  auto sync = RunSync(&env, MainCatalog(), Input(kMain));
  ASSERT_TRUE(sync.status.ok()) << sync.status.ToString();
  EXPECT_EQ(sync.states, (std::vector<int64_t>{1, 2, 3, 4}));
  bool apart = false;
  for (const std::string& step : env.mutation_log()) {
    apart = apart || step.find("/db/orders/_airbyte_generation_3/") != std::string::npos;
  }
  EXPECT_TRUE(apart) << "the new generation went to its own directory";
  auto table = testing::LakeDestination(&env).catalog->GetTable("db", "orders");
  ASSERT_TRUE(table.ok() && table->has_value());
  EXPECT_EQ(catalog::PartitionKeysOf(**table).size(), 1u);
  EXPECT_EQ(IdsOf(ReadTable(&env, "orders")), (std::multiset<int64_t>{103, 104, 105}));
}

TEST_F(PipelineCrashTest, CrashAfterEveryFileOperationLosesNothingAcknowledged) {
  CrashAfterEveryStep();
}

TEST_F(PipelineCrashTest, CrashAfterEveryFileOperationOfARepartitioningTruncate) {
  orders_by_day_ = true;
  CrashAfterEveryStep();
}

TEST_F(PipelineCrashTest, CrashOfTheResumedSyncToo) { CrashTwice(); }

TEST_F(PipelineCrashTest, CrashOfTheResumedRepartitioningTruncateToo) {
  orders_by_day_ = true;
  CrashTwice();
}

TEST_F(PipelineCrashTest, EveryFailedFileOperationIsAnIOErrorAndARetryCompletes) {
  FailEveryOperation();
}

TEST_F(PipelineCrashTest, EveryFailedFileOperationOfARepartitioningTruncate) {
  orders_by_day_ = true;
  FailEveryOperation();
}

}  // namespace
}  // namespace datalake::sync
