#pragma once

#include "bench/targets/target.h"

namespace isobench::bench {

class BareTarget final : public Target {
 public:
  explicit BareTarget(TargetContext context) : context_(std::move(context)) {}
  std::string name() const override { return "bare"; }
  std::string kind() const override { return "process"; }
  Result<std::string> probe() override { return std::string("host kernel"); }
  Result<Invocation> invocation(const WorkloadCommand& workload, const std::string& run_id) override;

 private:
  TargetContext context_;
};

}  // namespace isobench::bench
