// The PostgreSQL backend: libpq connections opened on demand into a pool of
// options.pool_size, borrowed with a wait bounded by options.busy_timeout_ms.
// Parameters travel as text (integers typed int8, the rest left for the server
// to infer). A connection the server closed is reset before its next use.
#pragma once

#include <memory>
#include <string_view>

#include "store/database.hpp"

namespace postfuze::store {

// url is a "postgresql://…" or "postgres://…" URL. One connection is opened at
// once so a wrong URL or an unreachable server fails here (unavailable); the
// rest open when first needed. Error text never carries the URL's password.
core::Result<std::unique_ptr<Database>> open_postgres_database(std::string_view url, const DatabaseOptions& options);

}  // namespace postfuze::store
