// Provider hooks: named pieces of code for what the catalogue's data cannot
// say (e.g. trading a Facebook user token for per-Page tokens). A platform
// lists the hooks it needs in its "hooks" array; the code registers the hooks
// it implements here. check_hooks() keeps both sides in step: every hook named
// in data must be registered and every registered hook must be named by some
// platform — a test runs it against the builtin catalogue.
//
// No hook exists yet: hooks arrive with the connect/publish code that needs
// them, each in its own file (one file per platform), and are added to
// registered_hooks() together with the catalogue entry naming them.
// Free functions over immutable data: thread-safe.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "providers/catalog.hpp"

namespace postfuze::providers {

// Names of the hooks implemented in code ("<platform>.<name>"). Empty for now.
std::vector<std::string_view> registered_hooks();

// Two-way check of `catalog` against `registered` (injectable for tests).
// The error names the first unregistered or unused hook.
core::Status check_hooks(const Catalog& catalog, std::span<const std::string_view> registered);

// check_hooks(catalog, registered_hooks()).
core::Status check_hooks(const Catalog& catalog);

}  // namespace postfuze::providers
