// A scripted HttpClient: the test lists the requests it expects (method, URL, headers that
// must be there or must not, the range a resumed blob asks for), each with the answer it gets
// (status, headers, body; a body handed to the sink in chunks; a transfer that drops after N
// bytes; no answer at all). Every request sent is recorded. Requests are matched to the first
// unused exchange with the same method and URL, so the script fixes the order per URL but not
// across URLs: a pull fetches its layers from several threads at once. Thread-safe.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "runner/image/http_client.h"

namespace isobench::testing {

struct ExpectedRequest {
  std::string method = "GET";
  std::string url;
  /// "Name: value" (that exact header) or "Name" (present with any value); names match
  /// without regard to case.
  std::vector<std::string> present;
  std::vector<std::string> absent;  ///< header names that must not be sent
  std::optional<uint64_t> range_start;

  ExpectedRequest& with(std::string header) {
    present.push_back(std::move(header));
    return *this;
  }
  ExpectedRequest& without(std::string name) {
    absent.push_back(std::move(name));
    return *this;
  }
  ExpectedRequest& from_byte(uint64_t start) {
    range_start = start;
    return *this;
  }
};

struct CannedResponse {
  long status = 200;
  std::map<std::string, std::string> headers;  ///< lowercased on the way out, as the curl client does
  std::string body;
  size_t chunk_size = 0;  ///< a 2xx body reaches the sink in pieces of this size; 0: in one piece
  /// The connection drops after this many bytes of a 2xx body have reached the sink.
  std::optional<size_t> drop_after;
  std::string transport_error;  ///< non-empty: no response at all (refused, unreachable)

  CannedResponse& header(std::string name, std::string value) {
    headers[std::move(name)] = std::move(value);
    return *this;
  }
  CannedResponse& in_chunks(size_t size) {
    chunk_size = size;
    return *this;
  }
  CannedResponse& dropping_after(size_t bytes) {
    drop_after = bytes;
    return *this;
  }
};

inline ExpectedRequest request(std::string method, std::string url) {
  ExpectedRequest expected;
  expected.method = std::move(method);
  expected.url = std::move(url);
  return expected;
}
inline ExpectedRequest get(std::string url) {
  return request("GET", std::move(url));
}

inline CannedResponse reply(long status, std::string body = {}) {
  CannedResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}
/// No response at all: the connection was refused or the host is unreachable.
inline CannedResponse no_answer(std::string error) {
  CannedResponse response;
  response.transport_error = std::move(error);
  return response;
}

struct Exchange {
  ExpectedRequest request;
  CannedResponse response;
};

class FakeHttpClient final : public runner::image::HttpClient {
 public:
  FakeHttpClient() = default;
  explicit FakeHttpClient(std::vector<Exchange> script) : script_(std::move(script)), used_(script_.size(), false) {}

  void expect(ExpectedRequest request, CannedResponse response) {
    std::lock_guard lock(mutex_);
    script_.push_back({std::move(request), std::move(response)});
    used_.push_back(false);
  }

  Result<runner::image::HttpResponse> send(const runner::image::HttpRequest& request,
                                           const runner::image::BodySink* sink) override {
    std::optional<CannedResponse> canned;
    {
      std::lock_guard lock(mutex_);
      sent_.push_back(request);
      for (size_t i = 0; i < script_.size() && !canned; ++i) {
        if (used_[i] || script_[i].request.method != request.method || script_[i].request.url != request.url) continue;
        used_[i] = true;
        check(script_[i].request, request);
        canned = script_[i].response;
      }
    }
    if (!canned) {
      ADD_FAILURE() << "unexpected request " << request.method << " " << request.url;
      return Error{ECONNREFUSED, "the fake registry has no answer for " + request.method + " " + request.url};
    }
    return answer(*canned, sink);
  }

  /// Every request sent so far, in order.
  std::vector<runner::image::HttpRequest> sent() const {
    std::lock_guard lock(mutex_);
    return sent_;
  }
  /// How many sent requests had a URL containing `part`.
  size_t count_sent(const std::string& part) const {
    std::lock_guard lock(mutex_);
    return static_cast<size_t>(std::count_if(
        sent_.begin(), sent_.end(), [&](const auto& sent) { return sent.url.find(part) != std::string::npos; }));
  }
  /// The expected requests that never came ("METHOD URL"), for EXPECT_TRUE(...empty()).
  std::vector<std::string> unused() const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> left;
    for (size_t i = 0; i < script_.size(); ++i) {
      if (!used_[i]) left.push_back(script_[i].request.method + " " + script_[i].request.url);
    }
    return left;
  }

  /// The value of header `name` in `request`, or nullopt.
  static std::optional<std::string> header(const runner::image::HttpRequest& request, const std::string& name) {
    for (const std::string& line : request.headers) {
      const size_t colon = line.find(':');
      if (colon == std::string::npos || !same_name(line.substr(0, colon), name)) continue;
      const size_t value = line.find_first_not_of(' ', colon + 1);
      return value == std::string::npos ? std::string() : line.substr(value);
    }
    return std::nullopt;
  }

 private:
  static bool same_name(const std::string& a, const std::string& b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
             return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
  }

  static void check(const ExpectedRequest& expected, const runner::image::HttpRequest& request) {
    const std::string what = request.method + " " + request.url;
    for (const std::string& wanted : expected.present) {
      const size_t colon = wanted.find(':');
      const auto found = header(request, wanted.substr(0, colon));
      if (!found) {
        ADD_FAILURE() << what << " lacks the header " << wanted;
      } else if (colon != std::string::npos && *found != wanted.substr(wanted.find_first_not_of(' ', colon + 1))) {
        ADD_FAILURE() << what << " sent " << wanted.substr(0, colon) << ": " << *found << ", expected " << wanted;
      }
    }
    for (const std::string& name : expected.absent) {
      if (header(request, name)) ADD_FAILURE() << what << " sent the header " << name << ", which it must not";
    }
    if (expected.range_start && *expected.range_start != request.range_start) {
      ADD_FAILURE() << what << " asked for bytes from " << request.range_start << ", expected "
                    << *expected.range_start;
    }
  }

  static Result<runner::image::HttpResponse> answer(const CannedResponse& canned, const runner::image::BodySink* sink) {
    if (!canned.transport_error.empty()) return plain_error(canned.transport_error);
    runner::image::HttpResponse response;
    response.status = canned.status;
    for (const auto& [name, value] : canned.headers) {
      std::string lower;
      for (char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      response.headers[lower] = value;
    }
    const bool to_sink = sink && canned.status >= 200 && canned.status < 300;
    const size_t deliver = std::min(canned.body.size(), canned.drop_after.value_or(canned.body.size()));
    if (!to_sink) {
      response.body = canned.body.substr(0, deliver);
    } else {
      const size_t step = canned.chunk_size == 0 ? std::max<size_t>(deliver, 1) : canned.chunk_size;
      for (size_t offset = 0; offset < deliver; offset += step) {
        const std::string_view piece = std::string_view(canned.body).substr(offset, std::min(step, deliver - offset));
        if (Status taken = (*sink)(piece); !taken) return taken.error();
      }
    }
    if (canned.drop_after) return plain_error("connection dropped after " + std::to_string(deliver) + " bytes");
    return response;
  }

  mutable std::mutex mutex_;
  std::vector<Exchange> script_;
  std::vector<bool> used_;
  std::vector<runner::image::HttpRequest> sent_;
};

}  // namespace isobench::testing
