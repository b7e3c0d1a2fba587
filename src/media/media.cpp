#include "media/media.hpp"

namespace postfuze::media {

bool attachable(const Media& m) { return m.status == kReady || m.status == kProcessing; }

bool terminal(const Media& m) { return m.status == kFailed || m.status == kDeleted; }

}  // namespace postfuze::media
