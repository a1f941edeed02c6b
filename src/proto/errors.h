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
inline constexpr const char* kNoProto = "NOPROTO unsupported protocol version";
inline constexpr const char* kProtoNotInteger =
    "ERR Protocol version is not an integer or out of range";
inline constexpr const char* kHelloNoAuth =
    "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO "
    "<proto> AUTH <user> <pass> option can be used to authenticate the client and select the "
    "RESP protocol version at the same time";
// Formats with the option as the client spelled it.
inline constexpr const char* kHelloSyntaxFmt = "ERR Syntax error in HELLO option '%s'";
// CLIENT SETINFO (Redis 7.2's texts); formats with the attribute as the client spelled it.
inline constexpr const char* kSetinfoUnknownFmt = "ERR Unrecognized option '%s'";
inline constexpr const char* kSetinfoBadValueFmt =
    "ERR %s cannot contain spaces, newlines or special characters.";
inline constexpr const char* kSetinfoTooLongFmt = "ERR %s cannot be longer than 4096 bytes.";
inline constexpr const char* kStringTooLong =
    "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
// Protocol errors are sent as "-ERR " + text, like the framer's.
inline constexpr const char* kQueryBufferLimit =
    "Protocol error: client query buffer limit reached";
inline constexpr const char* kNoAuth = "NOAUTH Authentication required.";
// Any command not flagged "loading" while the dataset is loaded at start-up.
inline constexpr const char* kLoading = "LOADING Redis is loading the dataset in memory";
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
inline constexpr const char* kNotInTransaction = "ERR Command not allowed inside a transaction";
// Followed by the rejection's text without its "ERR " (EXEC itself rejected).
inline constexpr const char* kExecAbortBecause = "EXECABORT Transaction discarded because of: ";
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
// MOVE and COPY ... DB parse the index as Redis's getIntFromObjectOrReply does: this is its
// text (sic) for an integer outside an int's range.
inline constexpr const char* kIntOutOfRange =
    "ERR value is out of range, value must between -2147483648 and 2147483647";
inline constexpr const char* kInvalidFirstDbIndex = "ERR invalid first DB index";
inline constexpr const char* kInvalidSecondDbIndex = "ERR invalid second DB index";
inline constexpr const char* kInvalidCursor = "ERR invalid cursor";
// OBJECT FREQ / IDLETIME: what Redis answers when the maxmemory policy does not track it.
inline constexpr const char* kLfuNotSelected =
    "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that "
    "when switching between policies at runtime LRU and LFU data will take some time to adjust.";
// Strings.
inline constexpr const char* kNotFloat = "ERR value is not a valid float";
inline constexpr const char* kNanOrInfinity = "ERR increment would produce NaN or Infinity";
inline constexpr const char* kBitNotInteger = "ERR bit is not an integer or out of range";
inline constexpr const char* kBitOffset = "ERR bit offset is not an integer or out of range";
inline constexpr const char* kOffsetOutOfRange = "ERR offset is out of range";
inline constexpr const char* kBitopNotOneKey =
    "ERR BITOP NOT must be called with a single source key.";
inline constexpr const char* kOutOfRangeValue = "ERR value is out of range, must be positive";
inline constexpr const char* kBitArgument = "ERR The bit argument must be 1 or 0.";
inline constexpr const char* kLcsNotStrings = "ERR The specified keys must contain string values";
inline constexpr const char* kLcsLenAndIdx =
    "ERR If you want both the length and indexes, please just use IDX.";
inline constexpr const char* kLcsStringTooLong = "ERR String too long for LCS";
inline constexpr const char* kLcsOverBulkLen =
    "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len";
inline constexpr const char* kLcsNoMemory =
    "ERR Insufficient memory, failed allocating transient memory for LCS";
// Lists.
inline constexpr const char* kIndexOutOfRange = "ERR index out of range";
inline constexpr const char* kLposRankZero =
    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use "
    "negative to start from the end of the list";
inline constexpr const char* kLposCountNegative = "ERR COUNT can't be negative";
inline constexpr const char* kLposMaxlenNegative = "ERR MAXLEN can't be negative";
// LMPOP (and ZMPOP, which words them the same).
inline constexpr const char* kNumkeysNotPositive = "ERR numkeys should be greater than 0";
inline constexpr const char* kCountNotPositive = "ERR count should be greater than 0";
// Sorted sets.
inline constexpr const char* kZAddXxAndNx =
    "ERR XX and NX options at the same time are not compatible";
inline constexpr const char* kZAddGtLtNx =
    "ERR GT, LT, and/or NX options at the same time are not compatible";
inline constexpr const char* kZAddIncrPair =
    "ERR INCR option supports a single increment-element pair";
inline constexpr const char* kScoreNaN = "ERR resulting score is not a number (NaN)";
inline constexpr const char* kMinMaxNotFloat = "ERR min or max is not a float";
inline constexpr const char* kMinMaxNotLex = "ERR min or max not valid string range item";
inline constexpr const char* kZRangeLimitNeedsBy =
    "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX";
inline constexpr const char* kZRangeLexWithScores =
    "ERR syntax error, WITHSCORES not supported in combination with BYLEX";
inline constexpr const char* kWeightNotFloat = "ERR weight value is not a float";
// Formats with the command's name, lower case.
inline constexpr const char* kNeedInputKeyFmt = "ERR at least 1 input key is needed for '%s' command";
inline constexpr const char* kLimitNegative = "ERR LIMIT can't be negative";
inline constexpr const char* kValueOutOfRange = "ERR value is out of range";
// ZRANDMEMBER's count is a long in -LONG_MAX..LONG_MAX.
inline constexpr const char* kCountOutOfLongRange =
    "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";
// Hashes.
inline constexpr const char* kHashValueNotInteger = "ERR hash value is not an integer";
inline constexpr const char* kHashValueNotFloat = "ERR hash value is not a float";
// HINCRBYFLOAT's increment itself is an infinity.
inline constexpr const char* kHashIncrNanOrInfinity = "ERR value is NaN or Infinity";
// HRANDFIELD's count: kCountOutOfLongRange past -LONG_MAX..LONG_MAX; with WITHVALUES, half of
// that, kValueOutOfRange (also for a negative count past kMaxRandomDraws, random_count.h).
// Sets (SRANDMEMBER's count errors are kCountOutOfLongRange and, for a negative count whose
// reply could not be built, ours, kValueOutOfRange).
inline constexpr const char* kNumkeysTooMany =
    "ERR Number of keys can't be greater than number of args";
// Formats with the command name (lower case, as Redis's canonical name).
inline constexpr const char* kWrongArityFmt = "ERR wrong number of arguments for '%s' command";
inline constexpr const char* kUnknownSubcommandFmt = "ERR unknown subcommand '%s'. Try %s HELP.";
inline constexpr const char* kSubcommandSyntaxFmt =
    "ERR unknown subcommand or wrong number of arguments for '%s'. Try %s HELP.";

// Pub/sub: a RESP2 client with subscriptions ran something else (the command's fullname).
inline constexpr const char* kPubSubContextFmt =
    "ERR Can't execute '%s': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are "
    "allowed in this context";

// Blocking commands (BLPOP, BZPOPMIN, ...) and CLIENT UNBLOCK.
inline constexpr const char* kTimeoutNotFloat = "ERR timeout is not a float or out of range";
inline constexpr const char* kTimeoutNegative = "ERR timeout is negative";
inline constexpr const char* kUnblockedByClient = "UNBLOCKED client unblocked via CLIENT UNBLOCK";
inline constexpr const char* kUnblockReason = "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR";

// CLIENT TRACKING / CACHING (client-side caching).
inline constexpr const char* kTrackingBcastSwitch =
    "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then "
    "re-enabling it with a different mode.";
inline constexpr const char* kTrackingOptSwitch =
    "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then "
    "re-enabling it with a different mode.";
inline constexpr const char* kTrackingOptBoth = "ERR You can't specify both OPTIN mode and OPTOUT mode";
inline constexpr const char* kTrackingOptBcast = "ERR OPTIN and OPTOUT are not compatible with BCAST";
inline constexpr const char* kTrackingPrefixNeedsBcast =
    "ERR PREFIX option requires BCAST mode to be enabled";
inline constexpr const char* kTrackingNoRedirect =
    "ERR The client ID you want redirect to does not exist";
inline constexpr const char* kTrackingPrefixOverlapFmt =
    "ERR Prefix '%s' overlaps with %s prefix '%s'. Prefixes for a single client must not "
    "overlap.";
inline constexpr const char* kCachingNotOptMode =
    "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or "
    "OPTOUT mode enabled";
inline constexpr const char* kCachingYesNotOptin =
    "ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.";
inline constexpr const char* kCachingNoNotOptout =
    "ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.";
// MONITOR: a monitoring client is a replica to Redis and may not touch the keyspace; MONITOR
// queued in MULTI is refused when EXEC runs it.
inline constexpr const char* kMonitorKeyspace = "ERR Replica can't interact with the keyspace";
// BGREWRITEAOF.
inline constexpr const char* kBgrewriteInProgress =
    "ERR Background append only file rewriting already in progress";
inline constexpr const char* kBgrewriteFailed =
    "ERR Can't execute an AOF background rewriting. Please check the server logs for more "
    "information.";
inline constexpr const char* kBgrewriteAofOff =
    "ERR Background append only file rewriting needs appendonly on here (CONFIG SET appendonly "
    "yes writes the first base)";
// A write or sync of the append-only file failed (%s: strerror of its errno).
inline constexpr const char* kMisconfAofFmt = "MISCONF Errors writing to the AOF file: %s";
inline constexpr const char* kMonitorInMulti = "ERR MONITOR isn't allowed for DENY BLOCKING client";

// CLIENT PAUSE
inline constexpr const char* kPauseTimeoutNotInteger =
    "ERR timeout is not an integer or out of range";
inline constexpr const char* kPauseTimeoutNegative = "ERR timeout is negative";
inline constexpr const char* kPauseMode = "ERR CLIENT PAUSE mode must be WRITE or ALL";

// SORT
inline constexpr const char* kSortNotDouble = "ERR One or more scores can't be converted into double";

// A failed background save with stop-writes-on-bgsave-error (Redis's shared.bgsaveerr).
inline constexpr const char* kMisconfRdb =
    "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to "
    "disk. Commands that may modify the data set are disabled, because this instance is "
    "configured to report errors during writes if RDB snapshotting fails "
    "(stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB "
    "error.";
inline constexpr const char* kBgsaveInProgress = "ERR Background save already in progress";
inline constexpr const char* kBgsaveOtherChild =
    "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in "
    "order to schedule a BGSAVE whenever possible.";
inline constexpr const char* kShutdownErrors = "ERR Errors trying to SHUTDOWN. Check logs.";
inline constexpr const char* kNoShutdownInProgress = "ERR No shutdown in progress.";

// DUMP / RESTORE (Redis 7.0's texts).
inline constexpr const char* kBusyKey = "BUSYKEY Target key name already exists.";
inline constexpr const char* kDumpPayload = "ERR DUMP payload version or checksum are wrong";
inline constexpr const char* kBadDataFormat = "ERR Bad data format";
inline constexpr const char* kInvalidTtl = "ERR Invalid TTL value, must be >= 0";
inline constexpr const char* kInvalidIdletime = "ERR Invalid IDLETIME value, must be >= 0";
inline constexpr const char* kInvalidFreq = "ERR Invalid FREQ value, must be >= 0 and <= 255";

}  // namespace mini_redis::errors
