// The SQL migrations compiled into the binary by cmake/embed_migrations.cmake
// from src/store/migrations/<backend>/NNNN_name.sql. Versions are the NNNN
// prefix; a shipped migration is never edited, only followed by a new one.
#pragma once

#include <string_view>
#include <vector>

namespace postfuze::store {

struct EmbeddedMigration {
  std::string_view backend;  // "sqlite" or "postgres"
  std::string_view file;     // "0001_orgs_and_api_keys.sql"
  std::string_view sql;
};

const std::vector<EmbeddedMigration>& embedded_migrations();

}  // namespace postfuze::store
