// `isobench bench --price-list FILE` (mechanism_bench's Google Benchmark JSON): the check
// bench runs before measuring, then the entries the report prices. Any exception that
// escapes or a sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "reports/price_list.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace isobench::reports;
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto document = check_price_list(text, "fuzz.json");
  if (!document) return 0;
  // bench joins the checked text to its results as an ordered document: it must parse too.
  (void)nlohmann::ordered_json::parse(text);
  for (const PriceEntry& entry : price_entries(*document)) (void)entry.name.size();
  return 0;
}
