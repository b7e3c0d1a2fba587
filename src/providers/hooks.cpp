#include "providers/hooks.hpp"

#include <algorithm>
#include <string>

namespace postfuze::providers {

std::vector<std::string_view> registered_hooks() {
  // Hooks arrive with the connect/publish code that implements them.
  return {};
}

core::Status check_hooks(const Catalog& catalog, std::span<const std::string_view> registered) {
  for (const auto& spec : catalog.providers())
    for (const auto& hook : spec.hooks)
      if (std::find(registered.begin(), registered.end(), hook) == registered.end())
        return core::Error::validation(spec.platform + ".hooks", "hook \"" + hook + "\" is not implemented in code");
  for (std::string_view hook : registered) {
    const bool named = std::any_of(catalog.providers().begin(), catalog.providers().end(), [&](const ProviderSpec& s) {
      return std::find(s.hooks.begin(), s.hooks.end(), hook) != s.hooks.end();
    });
    if (!named)
      return core::Error::validation("hooks", "hook \"" + std::string(hook) + "\" is registered but no platform names it");
  }
  return core::Ok{};
}

core::Status check_hooks(const Catalog& catalog) {
  const auto registered = registered_hooks();
  return check_hooks(catalog, registered);
}

}  // namespace postfuze::providers
