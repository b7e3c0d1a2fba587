#include <string>

#include "store/database.hpp"
#include "store/postgres_database.hpp"
#include "store/sqlite_database.hpp"

namespace postfuze::store {

core::Result<std::unique_ptr<Database>> open_database(std::string_view url, const DatabaseOptions& options) {
  if (url.starts_with("sqlite:")) return open_sqlite_database(url.substr(7), options);
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) return open_postgres_database(url, options);
  // Name only the scheme: the rest of an unknown URL may hold a password.
  std::size_t colon = url.find(':');
  std::string scheme(colon == std::string_view::npos || colon > 32 ? std::string_view("(none)") : url.substr(0, colon));
  return core::Error::unavailable("Unsupported database URL; expected sqlite:PATH or postgresql://…",
                                  "store: unsupported database URL scheme '" + scheme + "'");
}

}  // namespace postfuze::store
