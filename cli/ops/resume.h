// cachectl resume: a local command, not an API operation. After the machine
// restarted (every daemon and engine of the state home gone), it brings every
// cluster back as it was: settles interrupted operations (recovery.h), starts
// the daemon of every node and configuration endpoint that is not running, on
// its recorded address and port, records an event for each, removes what
// killed commands left behind, and prints what it did as JSON. A second run
// finds nothing to do. deploy/systemd/cachectl-resume@.service runs it at boot.
#pragma once

#include <ostream>

#include "cli/context.h"

namespace cachectl::cli {

// One paragraph for help and the man page.
const char* resume_summary();

// Exit status: 0, or 254 when some node could not be started (its reason is
// in the document's "Failed").
int run_resume(Context& ctx, std::ostream& out);

}  // namespace cachectl::cli
