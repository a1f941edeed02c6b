// Every error text a client can see, spelled as Redis spells it (without the leading '-').
#pragma once

namespace mini_redis::errors {

inline constexpr const char* kSyntax = "ERR syntax error";
inline constexpr const char* kNotInteger = "ERR value is not an integer or out of range";
inline constexpr const char* kOverflow = "ERR increment or decrement would overflow";
inline constexpr const char* kDecrementOverflow = "ERR decrement would overflow";
inline constexpr const char* kWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";
inline constexpr const char* kDbIndexOutOfRange = "ERR DB index is out of range";
inline constexpr const char* kMaxClients = "ERR max number of clients reached";
inline constexpr const char* kNoProto = "NOPROTO sorry, this protocol version is not supported";
inline constexpr const char* kStringTooLong =
    "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
// Protocol errors are sent as "-ERR " + text, like the framer's.
inline constexpr const char* kQueryBufferLimit =
    "Protocol error: client query buffer limit reached";
inline constexpr const char* kNoAuth = "NOAUTH Authentication required.";
inline constexpr const char* kWrongPass =
    "WRONGPASS invalid username-password pair or user is disabled.";
inline constexpr const char* kAuthNotConfigured =
    "ERR AUTH <password> called without any password configured for the default user. Are you "
    "sure your configuration is correct?";
// CLIENT SETNAME and HELLO ... SETNAME. The length bound is ours (Redis has none); keep the
// number in step with kMaxClientNameBytes in client_session.h (a unit test checks it).
inline constexpr const char* kBadClientName =
    "ERR Client names cannot contain spaces, newlines or special characters.";
inline constexpr const char* kClientNameTooLong =
    "ERR Client names cannot be longer than 4096 bytes.";
// Transactions.
inline constexpr const char* kMultiNested = "ERR MULTI calls can not be nested";
inline constexpr const char* kExecWithoutMulti = "ERR EXEC without MULTI";
inline constexpr const char* kDiscardWithoutMulti = "ERR DISCARD without MULTI";
inline constexpr const char* kWatchInMulti = "ERR WATCH inside MULTI is not allowed";
// Ours (Redis runs CLIENT inside EXEC): a reactor-only command queued in a transaction.
inline constexpr const char* kNotInExecFmt = "ERR '%s' is not supported inside MULTI/EXEC";
inline constexpr const char* kExecAbort =
    "EXECABORT Transaction discarded because of previous errors.";
// Expiry.
inline constexpr const char* kInvalidExpireFmt = "ERR invalid expire time in '%s' command";
inline constexpr const char* kExpireOptionsNxXxGtLt =
    "ERR NX and XX, GT or LT options at the same time are not compatible";
inline constexpr const char* kExpireOptionsGtLt =
    "ERR GT and LT options at the same time are not compatible";
inline constexpr const char* kUnsupportedOptionFmt = "ERR Unsupported option %s";
// Keyspace.
inline constexpr const char* kNoSuchKey = "ERR no such key";
inline constexpr const char* kSameObject = "ERR source and destination objects are the same";
inline constexpr const char* kInvalidDbIndex = "ERR invalid DB index";
inline constexpr const char* kInvalidFirstDbIndex = "ERR invalid first DB index";
inline constexpr const char* kInvalidSecondDbIndex = "ERR invalid second DB index";
inline constexpr const char* kInvalidCursor = "ERR invalid cursor";
// Strings.
inline constexpr const char* kNotFloat = "ERR value is not a valid float";
inline constexpr const char* kNanOrInfinity = "ERR increment would produce NaN or Infinity";
inline constexpr const char* kBitNotInteger = "ERR bit is not an integer or out of range";
inline constexpr const char* kBitOffset = "ERR bit offset is not an integer or out of range";
inline constexpr const char* kOffsetOutOfRange = "ERR offset is out of range";
inline constexpr const char* kBitopNotOneKey = "ERR BITOP NOT must be called with a single source key.";
inline constexpr const char* kOutOfRangeValue = "ERR value is out of range, must be positive";
// Formats with the command name (lower case, as Redis's canonical name).
inline constexpr const char* kWrongArityFmt = "ERR wrong number of arguments for '%s' command";
inline constexpr const char* kUnknownSubcommandFmt = "ERR unknown subcommand '%s'. Try %s HELP.";

}  // namespace mini_redis::errors
