// bench --cold: the host's page cache dropped before every run, so that each run reads the
// image, the target's programs and their libraries from the disk, as the first start after a
// boot does (hyperfine's --prepare 'sync; echo 3 > /proc/sys/vm/drop_caches'). Host-wide, but
// nothing is lost: clean pages are dropped, dirty ones written back first.
#pragma once

#include "common/result.h"

namespace isobench::bench {

/// Whether drop_page_cache can work here: /proc/sys/vm/drop_caches writable (root), with
/// a message for the user naming --cold otherwise.
Status check_page_cache_droppable();

/// sync(), then drops the clean page cache, dentries and inodes (writes "3" to drop_caches).
Status drop_page_cache();

}  // namespace isobench::bench
