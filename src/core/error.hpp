// Error: the one error value that crosses module boundaries.
//
// An Error carries a stable snake_case code (the API's `code` member), the HTTP
// status it maps to, a client-safe `detail`, an internal note that is logged but
// never sent, and optional per-field problems for validation failures. Build
// errors only through the named factories so codes and statuses stay paired.
// Error values are plain data: safe to copy and share between threads.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace postfuze::core {

// The catalogue of stable error codes (docs/errors.md). Wire names are the
// enumerator names; never rename one that has shipped.
enum class ErrorCode {
  bad_request,
  invalid_json,
  validation_failed,
  invalid_cursor,
  invalid_parameter,
  unauthorized,
  insufficient_scope,
  test_mode_restricted,
  not_found,
  method_not_allowed,
  conflict,
  payload_too_large,
  headers_too_large,
  unsupported_media_type,
  rate_limited,
  network_not_configured,
  oauth_not_supported,
  session_expired,
  unavailable,
  invalid_credentials,
  platform_unavailable,
  platform_requirement,
  precondition_failed,
  invalid_signature,  // 403: a signed media URL that is expired, tampered with or used for another operation
  internal,
};

std::string_view to_string(ErrorCode code);
int http_status(ErrorCode code);

struct FieldError {
  std::string field;    // dotted path, e.g. "scopes.1"
  std::string message;  // client-safe
  std::string code;     // rule id, e.g. "required", "invalid"
  // Per-platform preflight (contract §14.1): which target account and
  // platform the rule belongs to; empty elsewhere.
  std::string account_id;
  std::string platform;
};

struct Error {
  ErrorCode code = ErrorCode::internal;
  std::string detail;    // client-safe, may be empty
  std::string internal;  // for logs only; never rendered to a client
  std::vector<FieldError> fields;

  int status() const { return http_status(code); }

  static Error bad_request(std::string detail);
  static Error invalid_json(std::string detail);
  static Error validation(std::vector<FieldError> fields);
  static Error validation(std::string field, std::string message, std::string rule = "invalid");
  static Error invalid_cursor();
  // A bad query parameter (400), e.g. field "limit".
  static Error invalid_parameter(std::string field, std::string message);
  static Error unauthorized();
  static Error insufficient_scope(std::string_view needed);
  static Error not_found(std::string detail = "The requested resource was not found.");
  static Error conflict(std::string detail);
  // Connect (contract §11): no usable OAuth app for the platform (422); a
  // platform without an OAuth flow (Bluesky, 422); a pending session that is
  // unknown, expired, consumed or another org's — one answer for all (404).
  static Error network_not_configured(std::string_view platform);
  static Error oauth_not_supported(std::string detail);
  static Error session_expired();
  static Error unavailable(std::string detail, std::string internal = {});
  // A platform refused the credentials the customer gave (Bluesky app
  // password, 422); never echoes them.
  static Error invalid_credentials(std::string detail);
  // A platform (or its identity resolver) could not be reached or answered a
  // server error (502); `internal` says which call and how it failed.
  static Error platform_unavailable(std::string detail, std::string internal = {});
  // Posts (contract §14.1): a per-platform rule refused the post (422);
  // each field error names the account and the rule.
  static Error platform_requirement(std::vector<FieldError> fields);
  // A conditional write whose If-Match no longer matches (412).
  static Error precondition_failed(std::string detail);
  static Error internal_error(std::string internal);
};

}  // namespace postfuze::core
