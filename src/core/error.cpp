#include "core/error.hpp"

namespace postfuze::core {

std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::bad_request: return "bad_request";
    case ErrorCode::invalid_json: return "invalid_json";
    case ErrorCode::validation_failed: return "validation_failed";
    case ErrorCode::invalid_cursor: return "invalid_cursor";
    case ErrorCode::invalid_parameter: return "invalid_parameter";
    case ErrorCode::unauthorized: return "unauthorized";
    case ErrorCode::insufficient_scope: return "insufficient_scope";
    case ErrorCode::test_mode_restricted: return "test_mode_restricted";
    case ErrorCode::not_found: return "not_found";
    case ErrorCode::method_not_allowed: return "method_not_allowed";
    case ErrorCode::conflict: return "conflict";
    case ErrorCode::payload_too_large: return "payload_too_large";
    case ErrorCode::headers_too_large: return "headers_too_large";
    case ErrorCode::unsupported_media_type: return "unsupported_media_type";
    case ErrorCode::rate_limited: return "rate_limited";
    case ErrorCode::network_not_configured: return "network_not_configured";
    case ErrorCode::oauth_not_supported: return "oauth_not_supported";
    case ErrorCode::session_expired: return "session_expired";
    case ErrorCode::unavailable: return "unavailable";
    case ErrorCode::invalid_credentials: return "invalid_credentials";
    case ErrorCode::platform_unavailable: return "platform_unavailable";
    case ErrorCode::platform_requirement: return "platform_requirement";
    case ErrorCode::precondition_failed: return "precondition_failed";
    case ErrorCode::invalid_signature: return "invalid_signature";
    case ErrorCode::internal: return "internal";
  }
  return "internal";
}

int http_status(ErrorCode code) {
  switch (code) {
    case ErrorCode::bad_request:
    case ErrorCode::invalid_json:
    case ErrorCode::invalid_cursor:
    case ErrorCode::invalid_parameter: return 400;
    case ErrorCode::unauthorized: return 401;
    case ErrorCode::insufficient_scope:
    case ErrorCode::test_mode_restricted: return 403;
    case ErrorCode::not_found:
    case ErrorCode::session_expired: return 404;
    case ErrorCode::method_not_allowed: return 405;
    case ErrorCode::conflict: return 409;
    case ErrorCode::payload_too_large: return 413;
    case ErrorCode::unsupported_media_type: return 415;
    case ErrorCode::validation_failed:
    case ErrorCode::network_not_configured:
    case ErrorCode::oauth_not_supported:
    case ErrorCode::invalid_credentials:
    case ErrorCode::platform_requirement: return 422;
    case ErrorCode::precondition_failed: return 412;
    case ErrorCode::invalid_signature: return 403;
    case ErrorCode::rate_limited: return 429;
    case ErrorCode::headers_too_large: return 431;
    case ErrorCode::platform_unavailable: return 502;
    case ErrorCode::unavailable: return 503;
    case ErrorCode::internal: return 500;
  }
  return 500;
}

Error Error::bad_request(std::string detail) { return {ErrorCode::bad_request, std::move(detail), {}, {}}; }
Error Error::invalid_json(std::string detail) { return {ErrorCode::invalid_json, std::move(detail), {}, {}}; }

Error Error::validation(std::vector<FieldError> fields) {
  return {ErrorCode::validation_failed, "The request has invalid fields.", {}, std::move(fields)};
}

Error Error::validation(std::string field, std::string message, std::string rule) {
  return validation({FieldError{std::move(field), std::move(message), std::move(rule)}});
}

Error Error::invalid_cursor() { return {ErrorCode::invalid_cursor, "Invalid cursor", {}, {}}; }
Error Error::invalid_parameter(std::string field, std::string message) {
  return {ErrorCode::invalid_parameter, "A query parameter is invalid.", {}, {FieldError{std::move(field), std::move(message), "invalid"}}};
}

Error Error::unauthorized() { return {ErrorCode::unauthorized, "Invalid or expired API key.", {}, {}}; }

Error Error::insufficient_scope(std::string_view needed) {
  return {ErrorCode::insufficient_scope,
          "This API key lacks the scope '" + std::string(needed) + "' required for this request.", {}, {}};
}

Error Error::not_found(std::string detail) { return {ErrorCode::not_found, std::move(detail), {}, {}}; }
Error Error::conflict(std::string detail) { return {ErrorCode::conflict, std::move(detail), {}, {}}; }

Error Error::network_not_configured(std::string_view platform) {
  return {ErrorCode::network_not_configured,
          "No OAuth app is configured for '" + std::string(platform) +
              "': register one with POST /api/v1/social-networks (or ask the operator to enable a shared app).",
          {}, {}};
}
Error Error::oauth_not_supported(std::string detail) {
  return {ErrorCode::oauth_not_supported, std::move(detail), {}, {}};
}
Error Error::session_expired() {
  return {ErrorCode::session_expired, "This pending session does not exist, has expired or was already used.", {}, {}};
}

Error Error::unavailable(std::string detail, std::string internal) {
  return {ErrorCode::unavailable, std::move(detail), std::move(internal), {}};
}

Error Error::platform_requirement(std::vector<FieldError> fields) {
  return {ErrorCode::platform_requirement, "The post breaks a rule of one or more target platforms.", {},
          std::move(fields)};
}

Error Error::precondition_failed(std::string detail) {
  return {ErrorCode::precondition_failed, std::move(detail), {}, {}};
}

Error Error::invalid_credentials(std::string detail) {
  return {ErrorCode::invalid_credentials, std::move(detail), {}, {}};
}

Error Error::platform_unavailable(std::string detail, std::string internal) {
  return {ErrorCode::platform_unavailable, std::move(detail), std::move(internal), {}};
}

Error Error::internal_error(std::string internal) {
  return {ErrorCode::internal, "An internal error occurred.", std::move(internal), {}};
}

}  // namespace postfuze::core
