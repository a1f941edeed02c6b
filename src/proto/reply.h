// Reply encoder: appends typed replies to a byte string, in RESP2 or RESP3 (per client).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace mini_redis {

class ErrorCounters;

// Owned by whoever owns the string it writes to (a worker, while it runs a batch; the reactor
// for kCmdReactor commands). Each type falls back to its RESP2 form as Redis 7.0 writes it
// when the client speaks RESP2 (HELLO 2 or no HELLO).
class Reply {
  public:
    explicit Reply(std::string& out, int protocol = 2) : out_(out), resp3_(protocol == 3) {}

    // The protocol of the client the replies are for: 2 or 3 (HELLO).
    void setProtocol(int protocol) { resp3_ = protocol == 3; }
    int protocol() const { return resp3_ ? 3 : 2; }
    // Every error written from now on is counted there (INFO errorstats); nullptr: none.
    void setErrorCounters(ErrorCounters* counters) { error_counters_ = counters; }

    void simple(std::string_view s);  // +OK
    void error(std::string_view s);   // -ERR ... (s without the '-'); CR/LF become spaces
    void integer(int64_t n);          // :42
    void bulk(std::string_view s);    // $3\r\nbar
    void nil();                       // RESP3 _   RESP2 $-1
    void arrayHeader(size_t n);       // *n, then n replies
    void nilArray();                  // RESP3 _   RESP2 *-1
    void mapHeader(size_t n);         // RESP3 %n  RESP2 *2n; then n key/value pairs
    void setHeader(size_t n);         // RESP3 ~n  RESP2 *n
    void pushHeader(size_t n);        // RESP3 >n  RESP2 *n
    void doubleValue(double d);       // RESP3 ,1.5 (inf, -inf, nan)  RESP2 a bulk string
    void boolean(bool b);             // RESP3 #t/#f   RESP2 :1/:0
    // RESP3 =len\r\ntxt:text   RESP2 the text as a bulk string. `format` has 3 letters.
    void verbatim(std::string_view format, std::string_view text);
    void bigNumber(std::string_view digits);  // RESP3 (123...   RESP2 a bulk string
    void ok() { simple("OK"); }
    // An array of simple strings: the HELP texts of commands with subcommands.
    void lines(std::initializer_list<std::string_view> texts);

    // printf-style error, for texts with the command name in them.
    void errorf(const char* fmt, ...) __attribute__((format(printf, 2, 3)));

    // One complete error line ("-" + text with CR/LF replaced + CRLF), for the errors written
    // outside a command (the framer's protocol errors). Same framing as error().
    static std::string errorLine(std::string_view text);
    // Redis's text for a double ("%.17g", inf, -inf, nan), as DOUBLE and its RESP2 bulk use.
    static std::string formatDouble(double d);

    std::string& buffer() { return out_; }

  private:
    void appendNumberLine(char type, int64_t n);
    std::string& out_;
    bool resp3_;
    ErrorCounters* error_counters_ = nullptr;
};

}  // namespace mini_redis
