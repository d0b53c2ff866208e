// A ProbeReport for the terminal: `isobench probe`'s output. Pure: data in, text out.
#pragma once

#include <string>

#include "probes/probe_report.h"

namespace isobench::reports {

/// The phase breakdown and each probe's figures with their source; the event list too when
/// `with_events`.
std::string render_probe_report(const probes::ProbeReport& report, bool with_events);

}  // namespace isobench::reports
