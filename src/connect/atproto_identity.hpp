// AT Protocol identity, as Bluesky connect needs it (platforms.md §14): what
// kind of identifier the customer typed, handle → DID (the service's
// com.atproto.identity.resolveHandle, else https://{handle}/.well-known/atproto-did),
// DID → DID document (the PLC directory for did:plc, https://{host}/.well-known/did.json
// for did:web) → the `#atproto_pds` service endpoint, and the claims of a
// session JWT (read, never verified: the PDS that issued it is the one we
// talk to, over the connection we opened).
//
// The pure functions are exposed for tests. The coroutines run over
// net::HttpClient; their errors are core::Error values: invalid_credentials
// when the identity does not exist (indistinguishable, for the caller, from
// a wrong password), platform_unavailable when a resolver is unreachable or
// answers a server error. Error::internal names the call and the outcome,
// never a credential.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "connect/oauth_client.hpp"
#include "core/result.hpp"

namespace postfuze::connect {

enum class IdentifierKind { handle, email, did };

// "did:…" is a DID; text with an '@' after its first character is an email;
// anything else is a handle (a leading '@' is dropped by normalize_handle).
IdentifierKind identifier_kind(std::string_view identifier);
// Lowercased, without a leading '@'.
std::string normalize_handle(std::string_view handle);
// A syntactically valid handle (atproto "Handle" spec: ASCII labels of
// [A-Za-z0-9-] joined by '.', at least two labels, at most 253 characters,
// the last label not starting with a digit).
bool valid_handle(std::string_view handle);
// did:plc:<base32> or did:web:<host> (the two methods atproto supports).
bool valid_did(std::string_view did);

// The `#atproto_pds` service of a DID document (id "#atproto_pds" or
// "<did>#atproto_pds", type AtprotoPersonalDataServer): its serviceEndpoint,
// when it is an absolute http(s) URL (trailing '/' dropped).
std::optional<std::string> pds_endpoint(const boost::json::value& did_document);

// The payload of a JWT (header.payload.signature, base64url), parsed; nullopt
// when the token does not have that shape.
std::optional<boost::json::object> jwt_claims(std::string_view jwt);

// Where a handle resolves: the service's resolveHandle first; on a definite
// "not found" there, the handle's own https well-known document.
boost::asio::awaitable<core::Result<std::string>> resolve_handle(PlatformCalls calls, std::string service,
                                                                 std::string handle);

// The PDS of a DID: its document from the PLC directory (did:plc) or from
// https://{host}/.well-known/did.json (did:web), then pds_endpoint().
boost::asio::awaitable<core::Result<std::string>> resolve_pds(PlatformCalls calls, std::string plc_url,
                                                              std::string did);

// An XRPC error body's `error` name ({"error","message"}), short and
// printable; "none" when absent.
std::string xrpc_error_name(std::string_view body);

}  // namespace postfuze::connect
