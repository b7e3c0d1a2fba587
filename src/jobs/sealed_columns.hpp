// Sealed columns: every store column that holds a core::Sealed, as data —
// table, id column, org column, the column, and the function that builds the
// value's associated data (each lives in the module that owns the table).
// Key rotation (reencrypt.hpp) and `postfuze keys status` walk this table, so
// a new sealed column is one more line in sealed_columns.cpp.
//
// count_by_key() counts, for each column, the values that name each given key
// id, by the id inside the sealed text ("pf1.<key id>.…"). Blocking: run it on
// the blocking pool. Safe to call from any thread.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/ids.hpp"
#include "core/result.hpp"
#include "store/database.hpp"

namespace postfuze::jobs {

struct SealedColumn {
  std::string_view table;
  std::string_view id_column;
  std::string_view org_column;
  std::string_view column;
  std::string (*aad)(const core::OrgId& org, std::string_view id);

  std::string name() const { return std::string(table) + "." + std::string(column); }
};

// Every sealed column in the store, in a fixed order.
std::span<const SealedColumn> sealed_columns();

// SQL condition: `column` names `key_id` (its text starts with "pf1.<key_id>.").
// Binds the prefix as parameter $<param>. Key ids are [A-Za-z0-9_-] (KeyRing),
// so the prefix length is exact; substr() reads the same on both backends.
std::string names_key_condition(const SealedColumn& column, std::string_view key_id, int param);
std::string key_prefix(std::string_view key_id);

struct KeyCount {
  std::string column;          // SealedColumn::name()
  std::string key_id;          // empty: values naming none of the given key ids
  std::int64_t values = 0;
};

// One KeyCount per (column, key id) in the order given, then one per column
// with key_id empty for the values naming another key id (never zero-filtered).
core::Result<std::vector<KeyCount>> count_by_key(store::Connection& c, const std::vector<std::string>& key_ids);

}  // namespace postfuze::jobs
