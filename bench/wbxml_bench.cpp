// WBXML codec throughput, easd vs Debian 12's libwbxml 0.11.8, on a realistic Sync response (100 emails,
// ~200 KB), and the cost of rejecting the three hostile inputs of ARCHITECTURE.md §1.
//
// Both decoders build a tree (ours: easd::wbxml::element; libwbxml: wbxml_tree_from_wbxml) and free it;
// both encoders serialise a tree built beforehand (ours: encode; libwbxml: wbxml_tree_to_wbxml with public
// id and string table off, as EAS needs). At the end the run prints easd/libwbxml throughput ratios.
// libwbxml is not run on the hostile inputs: the first aborts it, the second overflows its stack.
#include "eas/wbxml/codec.hpp"
#include "tests/eas/wbxml/libwbxml_abi.hpp"
#include "tests/eas/wbxml/test_util.hpp"

#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <random>
#include <string>

namespace {

namespace wbxml = easd::wbxml;

// Deterministic filler text: words from a small vocabulary, so bodies look like mail, not noise.
std::string words(std::mt19937& rng, std::size_t n) {
  static const char* vocab[] = {"the",     "meeting", "project", "budget", "review", "please",  "attached",
                                "report",  "Monday",  "thanks",  "update", "client", "deadline", "regards",
                                "invoice", "schedule", "team",   "notes",  "draft",  "approve"};
  std::uniform_int_distribution<std::size_t> pick(0, std::size(vocab) - 1);
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    if (i != 0) out += ' ';
    out += vocab[pick(rng)];
  }
  return out;
}

// A Sync response carrying `emails` new messages as a 14.1 server sends them ([MS-ASCMD] 2.2.1.21,
// [MS-ASEMAIL]): envelope fields, flags, categories, a truncated HTML body and the conversation ids.
wbxml::element sync_response(int emails) {
  std::mt19937 rng(42);
  wbxml::element root = wbxml::element::named("AirSync:Sync");
  auto& collection = root.add("AirSync:Collections").add("AirSync:Collection");
  collection.add("AirSync:SyncKey", "{a3d1b0c2-5e6f-4a7b-8c9d-0e1f2a3b4c5d}17");
  collection.add("AirSync:CollectionId", "1");
  collection.add("AirSync:Status", "1");
  auto& commands = collection.add("AirSync:Commands");
  for (int i = 0; i < emails; ++i) {
    auto& add = commands.add("AirSync:Add");
    add.add("AirSync:ServerId", "1:" + std::to_string(1000 + i));
    auto& data = add.add("AirSync:ApplicationData");
    data.add("Email:To", "\"Bob Example\" <bob@example.test>, \"Carol Example\" <carol@example.test>");
    data.add("Email:Cc", "\"Dave Example\" <dave@example.test>");
    data.add("Email:From", "\"Alice Example\" <alice" + std::to_string(i % 7) + "@example.test>");
    data.add("Email:Subject", "Re: " + words(rng, 6));
    data.add("Email:DateReceived", "2024-03-" + std::to_string(10 + i % 18) + "T09:" + std::to_string(10 + i % 50) +
                                       ":00.000Z");
    data.add("Email:DisplayTo", "Bob Example; Carol Example");
    data.add("Email:ThreadTopic", words(rng, 6));
    data.add("Email:Importance", "1");
    data.add("Email:Read", i % 3 == 0 ? "1" : "0");
    auto& body = data.add("AirSyncBase:Body");
    body.add("AirSyncBase:Type", "2");
    body.add("AirSyncBase:EstimatedDataSize", "8192");
    body.add("AirSyncBase:Truncated", "1");
    body.add("AirSyncBase:Data", "<html><body><p>" + words(rng, 250) + "</p><p>" + words(rng, 30) +
                                     "</p></body></html>");
    body.add("AirSyncBase:Preview", words(rng, 25));
    data.add("Email:MessageClass", "IPM.Note");
    data.add("Email:InternetCPID", "65001");
    data.add("Email:ContentClass", "urn:content-classes:message");
    auto& flag = data.add("Email:Flag");
    if (i % 5 == 0) {
      flag.add("Email:Status", "2");
      flag.add("Email:FlagType", "Follow up");
    }
    data.add("AirSyncBase:NativeBodyType", "2");
    wbxml::element conversation = wbxml::element::named("Email2:ConversationId");
    std::string id(16, '\0');
    for (auto& c : id) c = static_cast<char>(rng());
    conversation.set_opaque(id);
    data.add(std::move(conversation));
    wbxml::element index = wbxml::element::named("Email2:ConversationIndex");
    index.set_opaque(id.substr(0, 5));
    data.add(std::move(index));
    auto& categories = data.add("Email:Categories");
    categories.add("Email:Category", "Work");
  }
  collection.add("AirSync:MoreAvailable");
  return root;
}

const wbxml::element& response_tree() {
  static const wbxml::element tree = sync_response(100);
  return tree;
}

const std::vector<std::uint8_t>& response_bytes() {
  static const std::vector<std::uint8_t> bytes = wbxml::encode(response_tree());
  return bytes;
}

void BM_easd_decode(benchmark::State& state) {
  const auto& in = response_bytes();
  for (auto _ : state) {
    auto doc = wbxml::decode(std::span<const std::uint8_t>(in));
    if (!doc) state.SkipWithError("decode failed");
    benchmark::DoNotOptimize(doc);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * in.size()));
  state.SetLabel(std::to_string(in.size()) + " bytes");
}

void BM_libwbxml_decode(benchmark::State& state) {
  std::vector<std::uint8_t> in = response_bytes();  // the API takes a non-const pointer
  for (auto _ : state) {
    WBXMLTree* tree = nullptr;
    const WBXMLError err = wbxml_tree_from_wbxml(in.data(), static_cast<WB_ULONG>(in.size()),
                                                 WBXML_LANG_ACTIVESYNC, WBXML_CHARSET_UTF_8, &tree);
    if (err != WBXML_OK) state.SkipWithError("libwbxml decode failed");
    benchmark::DoNotOptimize(tree);
    wbxml_tree_destroy(tree);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * in.size()));
}

void BM_easd_encode(benchmark::State& state) {
  const auto& tree = response_tree();
  for (auto _ : state) {
    auto out = wbxml::encode(tree);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * response_bytes().size()));
}

void BM_libwbxml_encode(benchmark::State& state) {
  std::vector<std::uint8_t> in = response_bytes();
  WBXMLTree* tree = nullptr;
  if (wbxml_tree_from_wbxml(in.data(), static_cast<WB_ULONG>(in.size()), WBXML_LANG_ACTIVESYNC,
                            WBXML_CHARSET_UTF_8, &tree) != WBXML_OK) {
    state.SkipWithError("libwbxml decode failed");
    return;
  }
  WBXMLGenWBXMLParams params{};
  params.wbxml_version = WBXML_VERSION_13;
  params.keep_ignorable_ws = TRUE;
  params.use_strtbl = FALSE;
  params.produce_anonymous = TRUE;
  std::size_t out_size = 0;
  for (auto _ : state) {
    WB_UTINY* out = nullptr;
    WB_ULONG len = 0;
    if (wbxml_tree_to_wbxml(tree, &out, &len, &params) != WBXML_OK) state.SkipWithError("libwbxml encode failed");
    benchmark::DoNotOptimize(out);
    out_size = len;
    wbxml_free(out);
  }
  wbxml_tree_destroy(tree);
  if (out_size != in.size()) state.SkipWithError("libwbxml produced different bytes");
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * in.size()));
}

void reject(benchmark::State& state, const std::vector<std::uint8_t>& in, wbxml::error expected) {
  for (auto _ : state) {
    auto doc = wbxml::decode(std::span<const std::uint8_t>(in));
    if (doc || doc.error() != make_error_code(expected)) state.SkipWithError("not rejected as expected");
    benchmark::DoNotOptimize(doc);
  }
  state.SetLabel(std::to_string(in.size()) + " bytes -> " + make_error_code(expected).message());
}

void BM_easd_reject_entity_abort(benchmark::State& state) {
  reject(state, easd::wbxml::test::hostile_entity_abort(), wbxml::error::forbidden_token);
}
void BM_easd_reject_nesting_100k(benchmark::State& state) {
  reject(state, easd::wbxml::test::hostile_nesting(100'000), wbxml::error::depth_exceeded);
}
void BM_easd_reject_string_table_70k(benchmark::State& state) {
  reject(state, easd::wbxml::test::hostile_string_table(70'000, 4'000), wbxml::error::string_table);
}

BENCHMARK(BM_easd_decode)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_libwbxml_decode)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_easd_encode)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_libwbxml_encode)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_easd_reject_entity_abort)->Unit(benchmark::kNanosecond);
BENCHMARK(BM_easd_reject_nesting_100k)->Unit(benchmark::kNanosecond);
BENCHMARK(BM_easd_reject_string_table_70k)->Unit(benchmark::kNanosecond);

// Console output plus, at the end, easd/libwbxml throughput ratios. They use CPU time per iteration (the
// median when --benchmark_repetitions is given): on a shared machine wall time mostly measures the
// neighbours.
class ratio_reporter : public benchmark::ConsoleReporter {
public:
  ratio_reporter() : ConsoleReporter(OO_None) {}  // plain text: the output is pasted into RESULTS.md

  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const auto& r : runs) {
      if (r.error_occurred) continue;
      const bool single = r.run_type == Run::RT_Iteration && r.repetitions <= 1;
      const bool median = r.run_type == Run::RT_Aggregate && r.aggregate_name == "median";
      if (single || median) cpu_[r.run_name.function_name] = r.GetAdjustedCPUTime();
    }
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    for (const char* op : {"decode", "encode"}) {
      const auto ours = cpu_.find(std::string("BM_easd_") + op);
      const auto theirs = cpu_.find(std::string("BM_libwbxml_") + op);
      if (ours == cpu_.end() || theirs == cpu_.end()) continue;
      std::printf("throughput ratio %s easd/libwbxml: %.1fx (CPU time, input %zu bytes)\n", op,
                  theirs->second / ours->second, response_bytes().size());
    }
    std::fflush(stdout);
  }

private:
  std::map<std::string, double> cpu_;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  // The two encoders must agree byte for byte before their speed means anything.
  std::vector<std::uint8_t> in = response_bytes();
  WBXMLTree* tree = nullptr;
  if (wbxml_tree_from_wbxml(in.data(), static_cast<WB_ULONG>(in.size()), WBXML_LANG_ACTIVESYNC,
                            WBXML_CHARSET_UTF_8, &tree) == WBXML_OK) {
    WBXMLGenWBXMLParams params{WBXML_VERSION_13, TRUE, FALSE, TRUE};
    WB_UTINY* out = nullptr;
    WB_ULONG len = 0;
    if (wbxml_tree_to_wbxml(tree, &out, &len, &params) == WBXML_OK) {
      std::printf("libwbxml re-encoding of the Sync response is %s to easd's\n",
                  std::vector<std::uint8_t>(out, out + len) == in ? "identical" : "NOT identical");
      wbxml_free(out);
    }
    wbxml_tree_destroy(tree);
  }
  ratio_reporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
