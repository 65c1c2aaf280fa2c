#include "FfmpegHandles.h"

#include <mutex>

extern "C" {
#include <libavutil/log.h>
}

namespace silt::exporters::detail {

void quietFfmpegLogging() {
    static std::once_flag once;
    std::call_once(once, [] { av_log_set_level(AV_LOG_ERROR); });
}

}  // namespace silt::exporters::detail
