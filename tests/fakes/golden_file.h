// Renderers are checked against small golden files in tests/unit/golden/: one comparison for
// every unit test file that has them. ISOBENCH_UPDATE_GOLDEN=1 rewrites the files (then read
// the diff: it must show the intended change).
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace isobench::testing {

/// `text` against tests/unit/golden/NAME.
inline void expect_golden(const std::string& text, const std::string& name) {
  std::string path =
      (std::filesystem::path(__FILE__).parent_path().parent_path() / "unit" / "golden" / name).string();
  if (std::getenv("ISOBENCH_UPDATE_GOLDEN")) std::ofstream(path) << text;
  std::ifstream file(path);
  ASSERT_TRUE(file) << "missing golden file " << path << " (ISOBENCH_UPDATE_GOLDEN=1 writes it)";
  std::stringstream golden;
  golden << file.rdbuf();
  EXPECT_EQ(text, golden.str()) << "differs from " << path;
}

}  // namespace isobench::testing
