#include "app/cli.hpp"

#include <filesystem>
#include <iostream>
#include <sstream>

#include "app/key_source.hpp"
#include "core/time_format.hpp"
#include "crypto/encoding.hpp"
#include "crypto/key_ring.hpp"
#include "crypto/secure_random.hpp"
#include "jobs/sealed_columns.hpp"
#include "orgs/api_key_store.hpp"
#include "orgs/organization.hpp"
#include "store/database.hpp"

namespace postfuze::app {

namespace {

constexpr const char* kUsage =
    "usage: postfuze <command> [options]\n"
    "\n"
    "commands:\n"
    "  serve                         run the API server (migrates the store first)\n"
    "  migrate                       apply pending store migrations and exit\n"
    "  api-key create --org NAME [--mode live|test] [--scopes LIST] [--name TEXT]\n"
    "                                issue a key (creates the organisation if needed);\n"
    "                                prints only the key on stdout\n"
    "  api-key list                  list every key (never the secret)\n"
    "  api-key revoke ID             revoke a key\n"
    "  keys generate                 print a new POSTFUZE_ENCRYPTION_KEYS entry\n"
    "  keys rotate                   make a new key the active one in the key file (old keys kept\n"
    "                                for decryption); with POSTFUZE_ENCRYPTION_KEYS set, print the\n"
    "                                entry to put first in it instead\n"
    "  keys status                   per key id, how many sealed values still name it\n"
    "  help                          this text and the configuration variables\n";

void print_help() {
  std::cout << kUsage << "\nconfiguration (environment variable, flag, default):\n";
  for (const auto& v : config_variables())
    std::cout << "  " << v.env << " (" << v.flag << ")\n      " << v.meaning << "; default: " << v.default_text
              << "\n";
}

int usage_error(const std::string& message) {
  std::cerr << message << "\n" << kUsage;
  return 2;
}

// Removes "--name value" / "--name=value" from args; returns the value.
std::optional<std::string> take_flag(std::vector<std::string>& args, const std::string& name) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == name && i + 1 < args.size()) {
      std::string v = args[i + 1];
      args.erase(args.begin() + static_cast<long>(i), args.begin() + static_cast<long>(i) + 2);
      return v;
    }
    if (args[i].starts_with(name + "=")) {
      std::string v = args[i].substr(name.size() + 1);
      args.erase(args.begin() + static_cast<long>(i));
      return v;
    }
  }
  return std::nullopt;
}

core::Result<std::unique_ptr<store::Database>> open_store(const Config& config) {
  auto db = store::open_database(config.database_url, {2, 5000, 5});
  if (!db) return db;
  auto applied = store::migrate(**db);
  if (!applied) return std::move(applied).error();
  return db;
}

int fail(const core::Error& e) {
  std::cerr << "error: " << (e.detail.empty() ? std::string(core::to_string(e.code)) : e.detail);
  if (!e.internal.empty()) std::cerr << " (" << e.internal << ")";
  std::cerr << "\n";
  return 1;
}

int api_key_create(std::vector<std::string> args, const EnvLookup& env) {
  const auto org_name = take_flag(args, "--org");
  const auto mode_text = take_flag(args, "--mode");
  const auto scopes_text = take_flag(args, "--scopes");
  const auto name = take_flag(args, "--name");
  if (!org_name || org_name->empty()) return usage_error("api-key create: --org NAME is required");
  const auto mode = orgs::parse_key_mode(mode_text.value_or("live"));
  if (!mode) return usage_error("api-key create: --mode must be live or test");
  std::vector<std::string> scope_list;
  std::stringstream ss(scopes_text.value_or("*"));
  for (std::string s; std::getline(ss, s, ',');)
    if (!s.empty()) scope_list.push_back(s);
  auto scopes = orgs::parse_scopes(scope_list);
  if (!scopes) return usage_error("api-key create: unknown scope in --scopes");

  auto config = load_config(env, args);
  if (!config) return usage_error(config.error().detail);
  auto db = open_store(*config);
  if (!db) return fail(db.error());
  core::SystemClock clock;
  crypto::SecureRandom random;
  auto org = orgs::ensure_organization(**db, clock, random, *org_name);
  if (!org) return fail(org.error());
  std::optional<orgs::IssuedApiKey> issued;
  auto s = (*db)->transaction([&](store::Connection& c) -> core::Status {
    auto r = orgs::issue_api_key(c, clock, random, org->id, {name.value_or(""), *mode, *scopes, std::nullopt});
    if (!r) return std::move(r).error();
    issued.emplace(std::move(*r));
    return core::Ok{};
  });
  if (!s) return fail(s.error());
  std::cout << issued->plaintext.reveal() << "\n";
  std::cerr << "created key " << issued->key.id << " for organisation " << org->name << " (" << org->id.value << ")\n";
  return 0;
}

int api_key_list(std::vector<std::string> args, const EnvLookup& env) {
  auto config = load_config(env, args);
  if (!config) return usage_error(config.error().detail);
  auto db = open_store(*config);
  if (!db) return fail(db.error());
  core::SystemClock clock;
  std::vector<orgs::ApiKey> keys;
  std::map<std::string, std::string> org_names;
  auto s = (*db)->with_connection([&](store::Connection& c) -> core::Status {
    auto r = orgs::list_all_api_keys(c);
    if (!r) return std::move(r).error();
    keys = std::move(*r);
    for (const auto& k : keys) {
      if (org_names.count(k.org.value)) continue;
      auto o = orgs::find_organization(c, k.org);
      if (!o) return std::move(o).error();
      org_names[k.org.value] = *o ? (*o)->name : "?";
    }
    return core::Ok{};
  });
  if (!s) return fail(s.error());
  const auto now = clock.now();
  std::cout << "ID                                    ORG              PREFIX        MODE  STATUS   SCOPES\n";
  for (const auto& k : keys) {
    std::string scopes;
    for (const auto& sc : k.scopes) scopes += (scopes.empty() ? "" : ",") + sc;
    const char* state = k.revoked_at ? "revoked" : (k.usable_at(now) ? "active" : "expired");
    std::printf("%-37s %-16s %-13s %-5s %-8s %s\n", k.id.c_str(), org_names[k.org.value].c_str(), k.prefix.c_str(),
                std::string(orgs::to_string(k.mode)).c_str(), state, scopes.empty() ? "(read-only)" : scopes.c_str());
  }
  return 0;
}

int api_key_revoke(std::vector<std::string> args, const EnvLookup& env) {
  if (args.empty() || args.front().starts_with("--")) return usage_error("api-key revoke: ID is required");
  const std::string id = args.front();
  args.erase(args.begin());
  auto config = load_config(env, args);
  if (!config) return usage_error(config.error().detail);
  auto db = open_store(*config);
  if (!db) return fail(db.error());
  core::SystemClock clock;
  bool found = false;
  auto s = (*db)->transaction([&](store::Connection& c) -> core::Status {
    auto all = orgs::list_all_api_keys(c);
    if (!all) return std::move(all).error();
    for (const auto& k : *all) {
      if (k.id != id) continue;
      auto r = orgs::revoke_api_key(c, k.org, id, clock.now());
      if (!r) return std::move(r).error();
      found = *r;
    }
    return core::Ok{};
  });
  if (!s) return fail(s.error());
  if (!found) {
    std::cerr << "error: no API key with id " << id << "\n";
    return 1;
  }
  std::cerr << "revoked key " << id << "\n";
  return 0;
}

// `keys rotate`: see README "Rotating the encryption key".
int keys_rotate(std::vector<std::string> args, const EnvLookup& env) {
  auto config = load_config(env, args);
  if (!config) return usage_error(config.error().detail);
  crypto::SecureRandom random;
  if (config->encryption_keys) {
    auto ring = crypto::KeyRing::parse(*config->encryption_keys);
    const std::string id = new_key_id(random, ring ? ring->key_ids() : std::vector<std::string>{});
    std::cout << crypto::KeyRing::generate_entry(random, id) << "\n";
    std::cerr << "POSTFUZE_ENCRYPTION_KEYS is set: the keys come from the environment, which postfuze cannot rewrite.\n"
                 "To rotate, put the entry printed above FIRST in POSTFUZE_ENCRYPTION_KEYS and keep the current keys\n"
                 "after it (POSTFUZE_ENCRYPTION_KEYS=<new entry>,<current value>), then restart every server.\n"
                 "New values are sealed with "
              << id
              << " at once and existing ones are re-encrypted in the background;\n"
                 "`postfuze keys status` tells when an old key is no longer referenced and can be removed.\n";
    return 1;
  }
  auto rotation = rotate_key_file(*config, random);
  if (!rotation) return fail(rotation.error());
  std::string kept;
  for (const auto& id : rotation->kept_key_ids) kept += (kept.empty() ? "" : ", ") + id;
  std::cout << "rotated " << rotation->path.string() << ": new active key " << rotation->new_key_id << "; kept "
            << kept << " after it for decryption\n"
            << "A running server using this key file picks it up within POSTFUZE_KEY_RELOAD_MS (at once on SIGHUP): it "
               "seals new values with "
            << rotation->new_key_id << " and re-encrypts existing values in the background.\n"
            << "`postfuze keys status` tells when " << kept << " can be removed.\n";
  return 0;
}

// `keys status`: for each configured key id, the sealed values naming it.
int keys_status(std::vector<std::string> args, const EnvLookup& env) {
  auto config = load_config(env, args);
  if (!config) return usage_error(config.error().detail);
  if (!config->encryption_keys && !std::filesystem::exists(key_file_path(*config))) {
    std::cerr << "error: no keys are configured: POSTFUZE_ENCRYPTION_KEYS is unset and there is no key file "
              << key_file_path(*config).string() << "\n";
    return 1;
  }
  core::SystemClock clock;
  crypto::SecureRandom random;
  core::Logger quiet(clock, core::LogLevel::error);
  auto ring = load_key_ring(*config, quiet, random);
  if (!ring) return usage_error(ring.error().detail);
  auto db = open_store(*config);
  if (!db) return fail(db.error());
  std::vector<std::string> ids{ring->active_key_id()};
  for (const auto& id : ring->key_ids())
    if (id != ring->active_key_id()) ids.push_back(id);
  std::vector<jobs::KeyCount> counts;
  auto s = (*db)->with_connection([&](store::Connection& c) -> core::Status {
    auto r = jobs::count_by_key(c, ids);
    if (!r) return std::move(r).error();
    counts = std::move(*r);
    return core::Ok{};
  });
  if (!s) return fail(s.error());

  std::cout << "keys from " << (config->encryption_keys ? "POSTFUZE_ENCRYPTION_KEYS" : key_file_path(*config).string())
            << "; active key: " << ring->active_key_id() << "\n";
  std::int64_t unknown = 0;
  for (const auto& c : counts)
    if (c.key_id.empty()) unknown += c.values;
  for (const auto& id : ids) {
    std::int64_t total = 0;
    for (const auto& c : counts)
      if (c.key_id == id) total += c.values;
    const bool active = id == ring->active_key_id();
    std::cout << "key " << id << (active ? " (active)" : "") << ": " << total << " sealed value(s)\n";
    for (const auto& c : counts)
      if (c.key_id == id) std::printf("  %-36s %lld\n", c.column.c_str(), static_cast<long long>(c.values));
    if (active) continue;
    if (total == 0)
      std::cout << "  " << id << " is no longer referenced: it can be removed from the key list.\n";
    else
      std::cout << "  " << id << " is still referenced: a running server re-encrypts these values in the background; "
                << "keep " << id << " until this reaches 0.\n";
  }
  if (unknown > 0)
    std::cout << unknown << " sealed value(s) name a key id that is not configured: they cannot be opened.\n";
  std::cout << std::flush;
  return 0;
}

}  // namespace

int run_cli(const std::vector<std::string>& all_args, const EnvLookup& env) {
  if (all_args.empty()) return usage_error("missing command");
  const std::string& command = all_args.front();
  std::vector<std::string> args(all_args.begin() + 1, all_args.end());

  if (command == "help" || command == "--help" || command == "-h") {
    print_help();
    return 0;
  }
  if (command == "serve") {
    auto config = load_config(env, args);
    if (!config) {
      std::cerr << config.error().detail << "\n";
      return 2;
    }
    return serve(*config);
  }
  if (command == "migrate") {
    auto config = load_config(env, args);
    if (!config) return usage_error(config.error().detail);
    auto db = store::open_database(config->database_url, {1, 5000, 5});
    if (!db) return fail(db.error());
    auto applied = store::migrate(**db);
    if (!applied) return fail(applied.error());
    std::cerr << "applied " << *applied << " migration(s)\n";
    return 0;
  }
  if (command == "api-key" && !args.empty()) {
    const std::string sub = args.front();
    args.erase(args.begin());
    if (sub == "create") return api_key_create(args, env);
    if (sub == "list") return api_key_list(args, env);
    if (sub == "revoke") return api_key_revoke(args, env);
    return usage_error("unknown api-key command '" + sub + "'");
  }
  if (command == "keys" && !args.empty() && args.front() == "rotate")
    return keys_rotate(std::vector<std::string>(args.begin() + 1, args.end()), env);
  if (command == "keys" && !args.empty() && args.front() == "status")
    return keys_status(std::vector<std::string>(args.begin() + 1, args.end()), env);
  if (command == "keys" && args.size() == 1 && args.front() == "generate") {
    crypto::SecureRandom random;
    std::cout << crypto::KeyRing::generate_entry(random, "k" + crypto::hex_encode(random.bytes(4))) << "\n";
    return 0;
  }
  return usage_error("unknown command '" + command + "'");
}

}  // namespace postfuze::app
