// MONITOR's line for one command, as Redis 7.0 writes it:
//   +1700000000.123456 [0 127.0.0.1:5555] "SET" "k" "v"\r\n
// (the time the command ran, its database after it ran, the client's address, every argument
// quoted with Redis's escapes for special and non-printable bytes).
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace mini_redis {

// Any thread. Appends the line, with the current wall-clock time, to `out`. `argv` is what
// may be shown: the caller has already replaced passwords with "(redacted)".
void appendMonitorLine(std::string& out, int db, std::string_view peer,
                       std::span<const std::string_view> argv);

// Appends `arg` in double quotes with Redis's escapes (\\ \" \n \r \t \a \b, \xHH for any
// other byte that is not printable ASCII).
void appendQuotedArg(std::string& out, std::string_view arg);

}  // namespace mini_redis
