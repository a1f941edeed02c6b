// RESP2 reply encoder: appends typed replies to a byte string.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace mini_redis {

// Owned by whoever owns the string it writes to (a worker, while it runs a batch).
class Reply {
  public:
    explicit Reply(std::string& out) : out_(out) {}

    void simple(std::string_view s);  // +OK
    void error(std::string_view s);   // -ERR ... (s without the '-')
    void integer(int64_t n);          // :42
    void bulk(std::string_view s);    // $3\r\nbar
    void nil();                       // $-1
    void arrayHeader(size_t n);       // *n, then n replies
    void nilArray();                  // *-1
    void ok() { simple("OK"); }
    // An array of simple strings: the HELP texts of commands with subcommands.
    void lines(std::initializer_list<std::string_view> texts);

    // printf-style error, for texts with the command name in them.
    void errorf(const char* fmt, ...) __attribute__((format(printf, 2, 3)));

    std::string& buffer() { return out_; }

  private:
    void appendNumberLine(char type, int64_t n);
    std::string& out_;
};

}  // namespace mini_redis
