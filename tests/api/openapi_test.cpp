// docs/openapi.yaml must describe exactly the routes the server mounts: this
// builds the real router the way app/serve.cpp does and compares its (path,
// method) pairs with the spec's, printing every difference. There is no YAML
// library in the build, so the spec is read by a small, strict line-based
// reader for the subset documented at the top of docs/openapi.yaml; anything
// outside that subset is reported as an error rather than skipped.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <gtest/gtest.h>

#include "api/context.hpp"
#include "api/cursor.hpp"
#include "api/rate_limiter.hpp"
#include "api/routes.hpp"
#include "connect/connect_services.hpp"
#include "core/clock.hpp"
#include "core/log.hpp"
#include "crypto/key_ring.hpp"
#include "crypto/secure_random.hpp"
#include "http/router.hpp"
#include "store/database.hpp"
#include "support/temp_dir.hpp"

namespace postfuze::api {
namespace {

// ---------------------------------------------------------------------------
// The spec, as far as the reader understands it.

struct SpecParam {
  std::string name;
  std::string in;
  bool required = false;
};

struct SpecPath {
  std::string path;
  int line = 0;
  std::set<std::string> methods;
  std::vector<SpecParam> params;  // the path item's own `parameters:` list
};

struct Spec {
  std::string first_line;
  std::vector<SpecPath> paths;
  std::vector<std::string> errors;  // lines outside the supported subset
};

const std::set<std::string, std::less<>> kOperations = {"get", "put", "post", "patch", "delete"};
const std::set<std::string, std::less<>> kOtherPathItemKeys = {"summary", "description", "servers", "parameters"};

std::size_t indent_of(std::string_view line) {
  std::size_t n = 0;
  while (n < line.size() && line[n] == ' ') ++n;
  return n;
}

std::string_view trim_right(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// "key: value" or "key:" → {key, value}; nullopt when the text is not a
// block-mapping entry.
std::optional<std::pair<std::string, std::string>> split_entry(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  if (colon + 1 < text.size() && text[colon + 1] != ' ') return std::nullopt;
  std::string_view value = colon + 1 < text.size() ? text.substr(colon + 2) : std::string_view{};
  if (const auto hash = value.find(" #"); hash != std::string_view::npos) value = value.substr(0, hash);
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  value = trim_right(value);
  if (value.size() >= 2 && (value.front() == '\'' || value.front() == '"') && value.back() == value.front())
    value = value.substr(1, value.size() - 2);
  return std::pair{std::string(text.substr(0, colon)), std::string(value)};
}

Spec read_spec(std::istream& in) {
  Spec spec;
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(std::move(l));
  if (!lines.empty()) spec.first_line = lines.front();

  auto error = [&spec](int line_no, const std::string& what) {
    spec.errors.push_back("docs/openapi.yaml:" + std::to_string(line_no) + ": " + what);
  };

  bool seen_paths = false;
  bool in_paths = false;
  bool in_path_params = false;  // inside the current path item's `parameters:` list
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const int line_no = static_cast<int>(i) + 1;
    const std::string_view raw = trim_right(lines[i]);
    if (raw.find('\t') != std::string_view::npos) {
      error(line_no, "tab character");
      continue;
    }
    const std::size_t indent = indent_of(raw);
    const std::string_view text = raw.substr(indent);
    if (text.empty() || text.front() == '#') continue;

    if (indent == 0) {
      in_paths = false;
      if (text == "paths:") {
        if (seen_paths) error(line_no, "second `paths:` key");
        seen_paths = in_paths = true;
      } else if (text.starts_with("paths:")) {
        error(line_no, "`paths:` must have nothing after its colon");
      }
      continue;
    }
    if (!in_paths) continue;

    if (indent == 1 || indent == 3) {
      error(line_no, "odd indent " + std::to_string(indent) + " under `paths:`");
      continue;
    }
    if (indent == 2) {
      in_path_params = false;
      if (text.front() != '/' || text.back() != ':' || text.find(": ") != std::string_view::npos) {
        error(line_no, "expected a path key like `  /api/v1/x:`, got `" + std::string(text) + "`");
        continue;
      }
      const std::string path(text.substr(0, text.size() - 1));
      for (const auto& p : spec.paths)
        if (p.path == path) error(line_no, "duplicate path " + path);
      spec.paths.push_back({path, line_no, {}, {}});
      continue;
    }
    if (spec.paths.empty()) {
      error(line_no, "content before the first path key");
      continue;
    }
    SpecPath& current = spec.paths.back();

    if (indent == 4) {
      in_path_params = false;
      const auto entry = split_entry(text);
      if (!entry) {
        error(line_no, "expected a path-item key, got `" + std::string(text) + "`");
        continue;
      }
      const auto& [key, value] = *entry;
      if (kOperations.contains(key)) {
        if (!value.empty()) error(line_no, "operation `" + key + "` must be a block mapping");
        if (!current.methods.insert(key).second) error(line_no, "duplicate operation " + key + " " + current.path);
      } else if (kOtherPathItemKeys.contains(key)) {
        if (key == "parameters") {
          if (!value.empty()) error(line_no, "path-item `parameters` must be a block list");
          in_path_params = true;
        }
      } else {
        error(line_no, "unsupported path-item key `" + key + "` (the reader knows get/put/post/patch/delete)");
      }
      continue;
    }
    if (!in_path_params) continue;  // inside an operation or a summary: not ours

    // A path-level parameter list: items at six spaces, their keys at eight.
    std::string_view item = text;
    if (indent == 6) {
      if (!text.starts_with("- ")) {
        error(line_no, "expected a `- name: ...` parameter item, got `" + std::string(text) + "`");
        continue;
      }
      current.params.emplace_back();
      item = text.substr(2);
    } else if (indent != 8) {
      continue;  // deeper: a parameter's schema, example, ...
    }
    if (current.params.empty()) {
      error(line_no, "parameter key outside a `- ` item");
      continue;
    }
    const auto entry = split_entry(item);
    if (!entry) {
      error(line_no, "expected a parameter key, got `" + std::string(item) + "`");
      continue;
    }
    SpecParam& param = current.params.back();
    if (entry->first == "$ref") error(line_no, "path parameters must be declared inline, not by $ref");
    if (entry->first == "name") param.name = entry->second;
    if (entry->first == "in") param.in = entry->second;
    if (entry->first == "required") param.required = entry->second == "true";
  }
  if (!seen_paths) spec.errors.push_back("docs/openapi.yaml: no top-level `paths:` key");
  return spec;
}

Spec load_spec() {
  const auto file = std::filesystem::path(POSTFUZE_SOURCE_DIR) / "docs" / "openapi.yaml";
  std::ifstream in(file);
  if (!in) return Spec{{}, {}, {"cannot open " + file.string()}};
  return read_spec(in);
}

// ---------------------------------------------------------------------------
// The router, built as app/serve.cpp builds it.

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

class MountedRouter {
 public:
  MountedRouter() : log_file_(std::tmpfile()), log_(clock_, core::LogLevel::debug, log_file_.get()) {
    auto db = store::open_database("sqlite:" + (dir_.path() / "openapi.db").string());
    if (!db) throw std::runtime_error("open_database: " + db.error().detail);
    db_ = std::move(*db);
    auto ring = crypto::KeyRing::parse(crypto::KeyRing::generate_entry(random_, "test"));
    if (!ring) throw std::runtime_error("KeyRing::parse: " + ring.error().detail);
    ring_.emplace(std::move(*ring));
    cursors_.emplace(ring_->derive("api.cursor"));
    ctx_.emplace(ApiContext{*db_, *ring_, clock_, random_, log_, blocking_, limiter_, *cursors_});
    ctx_->connect = &connect_;
    mount_all(router_, *ctx_);
  }

  const http::Router& router() const { return router_; }

 private:
  test::TempDir dir_{"postfuze-openapi"};
  core::SystemClock clock_;
  crypto::SecureRandom random_;
  std::unique_ptr<std::FILE, FileCloser> log_file_;
  core::Logger log_;
  std::unique_ptr<store::Database> db_;
  std::optional<crypto::KeyRing> ring_;
  boost::asio::thread_pool blocking_{1};
  RateLimiter limiter_{clock_, default_bucket_rules()};
  std::optional<CursorCodec> cursors_;
  boost::asio::io_context io_;
  connect::SharedApps shared_apps_;
  connect::RedirectAllowList redirects_{{}};
  net::HttpClient platform_http_{io_.get_executor(), clock_, {}};
  connect::ConnectConfig connect_{providers::builtin_catalog(), shared_apps_, redirects_, platform_http_, {}, {}, {}};
  std::optional<ApiContext> ctx_;
  http::Router router_;
};

std::string method_name(boost::beast::http::verb v) {
  std::string s(boost::beast::http::to_string(v));
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// The `{name}` segments of a path template, in order.
std::vector<std::string> template_params(std::string_view path) {
  std::vector<std::string> out;
  for (std::size_t open = path.find('{'); open != std::string_view::npos; open = path.find('{', open + 1)) {
    const auto close = path.find('}', open);
    if (close == std::string_view::npos) break;
    out.emplace_back(path.substr(open + 1, close - open - 1));
  }
  return out;
}

// The template with every `{name}` replaced by `{}`, so templates that differ
// only in parameter names compare equal.
std::string shape(std::string_view path) {
  std::string out;
  for (std::size_t i = 0; i < path.size(); ++i) {
    out.push_back(path[i]);
    if (path[i] == '{') {
      const auto close = path.find('}', i);
      if (close == std::string_view::npos) break;
      out.push_back('}');
      i = close;
    }
  }
  return out;
}

using Operation = std::pair<std::string, std::string>;  // (path, method)

std::string describe(const Operation& op) { return op.second + " " + op.first; }

void expect_parsed(const Spec& spec) {
  for (const auto& e : spec.errors) ADD_FAILURE() << e;
}

// ---------------------------------------------------------------------------

TEST(OpenApiSpec, StartsWithOpenApi31) {
  const Spec spec = load_spec();
  EXPECT_TRUE(spec.first_line.starts_with("openapi: 3.1")) << "first line: `" << spec.first_line << "`";
}

TEST(OpenApiSpec, DescribesExactlyTheMountedRoutes) {
  const Spec spec = load_spec();
  expect_parsed(spec);
  MountedRouter mounted;

  std::set<Operation> routed;
  for (const auto& r : mounted.router().routes()) routed.insert({r.path_template, method_name(r.method)});
  std::set<Operation> specified;
  for (const auto& p : spec.paths) {
    if (p.methods.empty()) ADD_FAILURE() << "spec path " << p.path << " (line " << p.line << ") has no operation";
    for (const auto& m : p.methods) specified.insert({p.path, m});
  }
  ASSERT_FALSE(routed.empty()) << "mount_all mounted no route";

  for (const auto& op : routed)
    if (!specified.contains(op)) ADD_FAILURE() << "mounted but missing from docs/openapi.yaml: " << describe(op);
  for (const auto& op : specified)
    if (!routed.contains(op)) ADD_FAILURE() << "in docs/openapi.yaml but not mounted: " << describe(op);
  EXPECT_EQ(routed, specified);
}

TEST(OpenApiSpec, PathParametersMatchTheRouteTemplates) {
  const Spec spec = load_spec();
  expect_parsed(spec);
  MountedRouter mounted;

  // A route and a spec path of the same shape must name their parameters alike.
  std::set<std::string> templates;
  for (const auto& r : mounted.router().routes()) templates.insert(r.path_template);
  for (const auto& t : templates) {
    for (const auto& p : spec.paths) {
      if (shape(p.path) != shape(t)) continue;
      EXPECT_EQ(template_params(p.path), template_params(t)) << "route " << t << " vs spec path " << p.path;
    }
  }

  // Every `{param}` of a spec path is declared once, in: path, required.
  for (const auto& p : spec.paths) {
    std::vector<std::string> declared;
    for (const auto& param : p.params) {
      if (param.in != "path") continue;
      declared.push_back(param.name);
      EXPECT_TRUE(param.required) << p.path << ": path parameter `" << param.name << "` needs `required: true`";
    }
    auto expected = template_params(p.path);
    std::sort(declared.begin(), declared.end());
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(declared, expected) << p.path << " (line " << p.line
                                  << "): its path-level `in: path` parameters must be its {param} names";
  }
}

// The reader itself: it must refuse what it does not understand.
TEST(OpenApiSpecReader, ReadsPathsOperationsAndPathParameters) {
  std::istringstream in(
      "openapi: 3.1.0\n"
      "# comment\n"
      "paths:\n"
      "  /a/{id}:\n"
      "    parameters:\n"
      "      - name: id\n"
      "        in: path\n"
      "        required: true\n"
      "        schema:\n"
      "          type: string\n"
      "    get:\n"
      "      parameters:\n"
      "        - name: q\n"
      "          in: query\n"
      "    delete:\n"
      "      summary: x\n"
      "\n"
      "  /b:\n"
      "    post:\n"
      "components:\n"
      "  /not-a-path:\n"
      "    get:\n");
  const Spec spec = read_spec(in);
  EXPECT_TRUE(spec.errors.empty()) << spec.errors.front();
  ASSERT_EQ(spec.paths.size(), 2u);
  EXPECT_EQ(spec.paths[0].path, "/a/{id}");
  EXPECT_EQ(spec.paths[0].methods, (std::set<std::string>{"delete", "get"}));
  ASSERT_EQ(spec.paths[0].params.size(), 1u);
  EXPECT_EQ(spec.paths[0].params[0].name, "id");
  EXPECT_EQ(spec.paths[0].params[0].in, "path");
  EXPECT_TRUE(spec.paths[0].params[0].required);
  EXPECT_EQ(spec.paths[1].path, "/b");
  EXPECT_EQ(spec.paths[1].methods, (std::set<std::string>{"post"}));
}

TEST(OpenApiSpecReader, RejectsWhatItDoesNotUnderstand) {
  const std::vector<std::string> bad = {
      "paths:\n  '/quoted':\n    get:\n",
      "paths:\n  /a: {get: {}}\n",
      "paths:\n  /a:\n    head:\n",
      "paths:\n  /a:\n    $ref: '#/x'\n",
      "paths:\n  /a:\n    get:\n    get:\n",
      "paths:\n  /a:\n    get:\n  /a:\n    post:\n",
      "paths:\n  /a/{id}:\n    parameters:\n      - $ref: '#/components/parameters/Id'\n",
      "paths:\n   /a:\n",
      "paths:\n  /a:\n   get:\n",
      "paths:\n  /a:\n\tget:\n",
      "openapi: 3.1.0\n",
  };
  for (const auto& text : bad) {
    std::istringstream in(text);
    EXPECT_FALSE(read_spec(in).errors.empty()) << "accepted:\n" << text;
  }
}

}  // namespace
}  // namespace postfuze::api
