// `isobench bench --price-list FILE` (mechanism_bench's Google Benchmark JSON): the check
// bench runs before measuring, the ordered copy it joins to the results (which must read
// whenever the check passed), then the entries the report prices. Any exception that
// escapes or a sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "common/bounded_input.h"
#include "reports/price_list.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace isobench::reports;
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto document = check_price_list(text, "fuzz.json");
  if (!document) return 0;
  // bench joins the checked text to its results as an ordered document: it must read too.
  auto ordered = isobench::parse_ordered_json_text(text, "fuzz.json", kPriceListLimits);
  if (!ordered) std::abort();
  (void)ordered->dump();
  for (const PriceEntry& entry : price_entries(*document)) (void)entry.name.size();
  return 0;
}
