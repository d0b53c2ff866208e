// What `isobench demo` prints when it is done: the key figures of bare, container and VM
// side by side, the ratios between them, and a narrated list of what each isolation step
// costs (from the mechanism price list and the probes' startup phases), in English or
// Korean. Pure: the report model in, terminal text out.
#pragma once

#include <string>

#include "reports/report_model.h"

namespace isobench::reports {

std::string render_demo_summary(const ReportModel& model, Language language);

}  // namespace isobench::reports
